/**
 * The compiler is web-standard JavaScript: it must give the same results in workerd and in Deno as in Node (where
 * compiled-vs-jq.test.ts proves them equal to jq). Programs that lean on engine features (Unicode property escapes,
 * the regex `d` flag, code-point order, number printing, ISO dates) run in all three and are compared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileJq, NO_OUTPUT } from './index.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const ENTRY = join(ROOT, 'src/mapping/jq-compile/index.ts');

const PROGRAMS = [
  '.s | test("\\\\d")',
  '.s | [match("\\\\w+"; "g") | [.offset, .length]]',
  '.s | capture("(?<word>\\\\w+)\\\\s+(?<rest>.*)")',
  '.s | gsub("\\\\s+"; "_")',
  '.s | sub("(?<x>[a-z])"; "<\\(.x)>"; "g")',
  '.s | split(", *"; null)',
  '.s | ascii_upcase | explode | length',
  '.keys | sort',
  '.keys | map({key: ., value: length}) | from_entries | keys',
  '.n | tostring',
  '.n | tojson',
  '[.n, .s] | @csv',
  '.d | fromdateiso8601 | todate',
  '.d | fromdateiso8601 + 86400.5 | todate',
  '.s | @base64',
  '.s | @uri',
  '.s | length',
  '.s | .[2:5]',
  '.keys | unique_by(length) | map(utf8bytelength)',
];
const ITEMS = [
  { s: 'Héllo wörld, ٣ 2 😀 tab\there', keys: ['b', '\uff21', '😀', 'a', 'é', '\ufeff'], n: 0.1, d: '2024-02-29T23:59:59Z' },
  { s: 'abc, def,ghi', keys: [], n: 12345678901234567000, d: '1970-01-01T00:00:00Z' },
];

type Cell = { value: unknown } | { none: true } | { thrown: string };

/** The same evaluation, as source text for the Worker and the Deno script. */
const RUN = `
function run(programs, items) {
  return programs.map((p) => items.map((item) => {
    const c = compileJq(p);
    if (!c.ok) return { thrown: 'declined: ' + c.construct };
    try {
      const v = c.program.first(item, {});
      return v === NO_OUTPUT ? { none: true } : { value: v };
    } catch (e) {
      return { thrown: e && e.constructor ? e.constructor.name : String(e) };
    }
  }));
}`;

function inNode(): Cell[][] {
  return PROGRAMS.map((p) =>
    ITEMS.map((item): Cell => {
      const c = compileJq(p);
      if (!c.ok) return { thrown: `declined: ${c.construct}` };
      try {
        const v = c.program.first(item, {});
        return v === NO_OUTPUT ? { none: true } : { value: v };
      } catch (e) {
        return { thrown: (e as object).constructor.name };
      }
    }),
  );
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tide-jq-runtimes-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compiled jq in other runtimes', () => {
  it('gives the same results in workerd (miniflare) as in Node', async () => {
    const entry = join(dir, 'worker.ts');
    writeFileSync(
      entry,
      `import { compileJq, NO_OUTPUT } from ${JSON.stringify(ENTRY)};\n${RUN}\n` +
        'export default { async fetch(request) { const { programs, items } = await request.json(); return Response.json(run(programs, items)); } };\n',
    );
    const bundle = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'neutral', write: false, outfile: join(dir, 'worker.mjs') });
    const mf = new Miniflare({ modules: true, script: bundle.outputFiles[0]!.text, compatibilityDate: '2026-05-01', cf: false });
    try {
      const response = await mf.dispatchFetch('http://worker/', { method: 'POST', body: JSON.stringify({ programs: PROGRAMS, items: ITEMS }) });
      expect(await response.json()).toEqual(inNode());
    } finally {
      await mf.dispose();
    }
  });

  it('gives the same results in Deno as in Node', () => {
    const script = join(dir, 'run.ts');
    const input = join(dir, 'input.json');
    writeFileSync(input, JSON.stringify({ programs: PROGRAMS, items: ITEMS }));
    writeFileSync(
      script,
      `import { compileJq, NO_OUTPUT } from ${JSON.stringify(ENTRY)};\n${RUN}\n` +
        'const { programs, items } = JSON.parse(await Deno.readTextFile(Deno.args[0]));\nconsole.log(JSON.stringify(run(programs, items)));\n',
    );
    const deno = spawnSync(join(ROOT, 'node_modules/.bin/deno'), ['run', '--quiet', '--no-config', `--allow-read=${dir},${ROOT}`, script, input], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(deno.stderr).toBe('');
    expect(JSON.parse(deno.stdout)).toEqual(inNode());
  });

  it('compiles every one of these programs (so the comparison covers compiled code)', () => {
    expect(PROGRAMS.filter((p) => !compileJq(p).ok)).toEqual([]);
  });
});
