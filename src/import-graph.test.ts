/**
 * DESIGN.md's import table, enforced on the repository's own import graph (every `import`, `export …
 * from` and `import()` of every .ts file, read with TypeScript's own pre-processor; a `port-tide…`
 * specifier stands for the source file tsconfig.json's `paths` maps it to, so `port-tide` is `src/index.ts`):
 * - `src/` imports only `src/` and the packages that run on every runtime, and never touches `process`
 *   or `Deno`;
 * - an integration imports only the public API (`src/index.ts`);
 * - an adapter enters the core only through the public API and `src/runtime/index.ts`.
 * Test files reach other folders only through public entries, except the few listed below with a reason.
 * A violation fails naming the file and the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sourcePaths } from '../scripts/source-paths.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages `src/` may use: each runs on Node, in workerd and on Deno. */
const CORE_PACKAGES = ['hono', 'zod', 'yaml', 'jq-wasm', 'p-limit'];

/** The core's entries for adapters: the public API and the one runtime-facing module. */
const ADAPTER_ENTRIES = ['src/index.ts', 'src/runtime/index.ts'];

/** Public entries any test may import: the packages' subpath exports and the emulator's test helpers. */
const PUBLIC_FOR_TESTS = [
  'src/index.ts',
  'src/runtime/index.ts',
  'src/testing/index.ts',
  'emulator/index.ts',
  'emulator/test-helpers.ts',
  'adapters/node/index.ts',
  'adapters/cloudflare/index.ts',
];

/** Adapter files that are entry files (DESIGN.md): they may import an integration. */
const ENTRY_FILES = ['adapters/cloudflare/fake-worker.ts'];

/** Test files that need an internal module, each with the reason. `file → imported module`. */
const TEST_EXCEPTIONS: Record<string, { imports: string[]; reason: string }> = {
  'adapters/node/cli/progress.test.ts': {
    imports: ['src/sync/resource.ts', 'src/logging/logger.ts', 'src/mapping/index.ts', 'src/state/index.ts', 'src/http/index.ts'],
    reason: "drives one resource through the engine's per-resource step to watch the live progress counters it reports",
  },
  'integrations/fake/fake.test.ts': {
    imports: ['src/config/index.ts', 'src/defaults/index.ts', 'src/mapping/index.ts'],
    reason: 'checks the shipped spec, resources and mapping with the parsers the core uses on them',
  },
  'integrations/fake/resume.test.ts': {
    imports: ['src/logging/logger.ts'],
    reason: 'reads the log records of a resumed resync from a memory logger',
  },
  'integrations/github/auth.test.ts': { imports: ['src/http/index.ts'], reason: "builds the vendor HTTP client the core hands to handlers as ctx.http" },
  'integrations/github/kinds.test.ts': { imports: ['src/http/index.ts'], reason: "builds the vendor HTTP client the core hands to handlers as ctx.http" },
  'integrations/http/fetch.test.ts': { imports: ['src/http/index.ts'], reason: "builds the vendor HTTP client the core hands to handlers as ctx.http" },
  'integrations/github/e2e.test.ts': {
    imports: ['src/config/index.ts', 'src/integration/index.ts'],
    reason: 'builds settings and a Tide from the folder the way an adapter does, to resync into the emulator',
  },
  'integrations/http/e2e.test.ts': {
    imports: ['src/config/index.ts', 'src/integration/index.ts'],
    reason: 'builds settings and a Tide from the folder the way an adapter does, to resync into the emulator',
  },
};

const isTest = (file: string) => /\.test\.ts$|\.deno-test\.ts$|(^|\/)(test|fixtures)\/|test-support|test-helpers|test-harness|test-server/.test(file);

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : tsFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Import {
  from: string;
  specifier: string;
  /** The repository path a relative or `port-tide…` specifier points at. */
  target?: string;
}

/** `port-tide`, `port-tide/testing`, … → their source entries (tsconfig.json `paths`). */
const PACKAGE_ENTRIES = sourcePaths();

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName: specifier }) => ({
    from: file,
    specifier,
    target: specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), specifier)).split('\\').join('/') : PACKAGE_ENTRIES[specifier],
  }));
}

/** Uses of the `process` and `Deno` globals in code (comments and strings do not count). */
function runtimeGlobals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ['process', 'Deno'].includes(node.expression.text)) {
      found.push(`${node.expression.text}.${node.name.text} (line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const all = [...tsFiles('src'), ...tsFiles('adapters'), ...tsFiles('integrations')];
const imports = all.flatMap(importsOf);
const show = (i: Import) => `${i.from} imports '${i.specifier}'`;
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** An import a test file may make into another folder: a public entry or a listed exception. */
function testMayImport(i: Import): boolean {
  if (!i.target) return true;
  // A bundled integration as a workload, and other folders' test support (vendor stand-ins, fixtures).
  if (PUBLIC_FOR_TESTS.includes(i.target) || /^integrations\/[^/]+\/index\.ts$/.test(i.target) || isTest(i.target)) return true;
  return TEST_EXCEPTIONS[i.from]?.imports.includes(i.target) ?? false;
}

describe('the import graph follows DESIGN.md', () => {
  it('src/ imports only src/ and packages that run everywhere, and uses no runtime global', () => {
    const bad = imports
      .filter((i) => i.from.startsWith('src/') && !isTest(i.from))
      .filter((i) => (i.target ? !i.target.startsWith('src/') : !CORE_PACKAGES.includes(packageOf(i.specifier))))
      .map(show);
    const globals = all.filter((f) => f.startsWith('src/') && !isTest(f)).flatMap((f) => runtimeGlobals(f).map((g) => `${f} uses ${g}`));
    expect([...bad, ...globals]).toEqual([]);
  });

  it("src/'s tests reach adapters and integrations only through public entries", () => {
    const bad = imports.filter((i) => i.from.startsWith('src/') && isTest(i.from) && /^(adapters|integrations)\//.test(i.target ?? '') && !testMayImport(i));
    expect(bad.map(show)).toEqual([]);
  });

  it('integrations import only the public API (src/index.ts); their tests only public entries, or a listed exception', () => {
    const own = (i: Import) => i.target!.startsWith(`${i.from.split('/').slice(0, 2).join('/')}/`);
    const bad = imports
      .filter((i) => i.from.startsWith('integrations/') && i.target && !own(i))
      .filter((i) => (isTest(i.from) ? !testMayImport(i) : i.target !== 'src/index.ts'));
    expect(bad.map(show)).toEqual([]);
  });

  it('adapters enter the core only through src/index.ts and src/runtime/index.ts; their tests only public entries, or a listed exception', () => {
    const bad = imports
      .filter((i) => i.from.startsWith('adapters/') && i.target?.startsWith('src/'))
      .filter((i) => (isTest(i.from) ? !testMayImport(i) : !ADAPTER_ENTRIES.includes(i.target!)));
    expect(bad.map(show)).toEqual([]);
  });

  it("adapters import no other adapter, and an integration only from an entry file (the Node adapter's embedded Port and `tide port-local` use the emulator, and its loader of optional packages)", () => {
    const bad = imports.filter((i) => {
      if (!i.from.startsWith('adapters/') || isTest(i.from) || !i.target) return false;
      const own = i.from.split('/').slice(0, 2).join('/');
      if (i.target.startsWith('adapters/')) return !i.target.startsWith(`${own}/`);
      if (i.target.startsWith('integrations/')) return !ENTRY_FILES.includes(i.from);
      if (i.target.startsWith('emulator/')) return !(own === 'adapters/node' && ['emulator/index.ts', 'emulator/cli.ts', 'emulator/optional.ts'].includes(i.target));
      return false;
    });
    expect(bad.map(show)).toEqual([]);
  });

  it('every listed exception is still needed (an exception that no longer applies is removed)', () => {
    const unused = Object.entries(TEST_EXCEPTIONS).flatMap(([file, { imports: listed }]) =>
      listed.filter((target) => !imports.some((i) => i.from === file && i.target === target)).map((target) => `${file} → ${target}`),
    );
    expect(unused).toEqual([]);
  });
});

/** Every repository module reachable from `entry` through relative imports, static and dynamic. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file) || !file.endsWith('.ts')) continue;
    seen.add(file);
    for (const i of importsOf(file)) if (i.target) queue.push(i.target);
  }
  return seen;
}

describe('one resync engine on every runtime', () => {
  // What each runtime's contract suite runs: its adapter's entry as the suite drives it.
  const entries = {
    node: 'adapters/node/runtime-contract.test.ts',
    deno: 'adapters/deno/runtime-contract.deno-test.ts',
    workerd: 'adapters/cloudflare/test/runtime-contract.test.ts',
  };
  const engine = (entry: string) => [...reachable(entry)].filter((f) => f.startsWith('src/sync/') && !isTest(f)).sort();

  it('the runtime contract suites of Node, Deno and workerd reach the same src/sync modules', () => {
    const node = engine(entries.node);
    expect(node).toContain('src/sync/index.ts');
    expect(engine(entries.deno)).toEqual(node);
    expect(engine(entries.workerd)).toEqual(node);
  });

  it("each adapter's own entry reaches those modules too", () => {
    const node = engine(entries.node);
    for (const entry of ['adapters/node/index.ts', 'adapters/deno/serve.ts', 'adapters/cloudflare/index.ts']) expect(engine(entry), entry).toEqual(node);
  });
});
