/**
 * The `tide` CLI as a subprocess, for the commands that need no Port: version, list, bad arguments,
 * `map` (human output, `--json`, exit status, parallel runs without an emulator) and `new` (whose
 * generated test must pass as generated). Port-facing commands: cli-port.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIDE_VERSION } from '../../../src/runtime/index.ts';
import { REPO, runProcess, tide } from './test-support.ts';

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'tide-cli-'));
  writeFileSync(
    join(cwd, 'items.json'),
    JSON.stringify([
      { id: 'a', name: 'Ann', ok: true, tags: ['x'] },
      { id: '', name: 'Empty', ok: true },
      { id: 'c', name: 'Cy', ok: 'yes' },
      { id: 'd', name: 'Dee', ok: false },
    ]),
  );
  // NDJSON of the same shape, for the happy path.
  writeFileSync(join(cwd, 'good.ndjson'), '{"id":"a","name":"Ann","ok":true,"tags":["x"]}\n{"id":"b","name":"Bo","ok":true,"tags":[]}\n');
  writeFileSync(
    join(cwd, 'mapping.yml'),
    `resources:
  - kind: thing
    selector:
      query: .ok
    port:
      entity:
        mappings:
          identifier: .id
          title: .name
          blueprint: '"fake-person"'
          properties:
            name: .name
            age: .age.years | tonumber
            tag: .tags[0]
`,
  );
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('tide version and list', () => {
  it('prints the core version, and only it with --short', async () => {
    const [long, short] = await Promise.all([tide(['version'], { cwd }), tide(['version', '--short'], { cwd })]);
    expect(long).toMatchObject({ code: 0 });
    expect(long.stdout).toContain(`Tide ${TIDE_VERSION}`);
    expect(short).toEqual({ code: 0, stdout: `${TIDE_VERSION}\n`, stderr: '' });
  });

  it('lists the bundled integrations', async () => {
    const r = await tide(['list'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fake\s+Deterministic synthetic/m);
  });
});

describe('bad arguments exit 2 with the reason', () => {
  it.each([
    [['sail', '--port', 'abc'], /--port: expected an integer/],
    [['sail', '--log-format', 'xml'], /Allowed choices are pretty, json/],
    [['map', 'fake'], /required option '--kind <kind>' not specified/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['new', 'Bad Name'], /invalid integration name "Bad Name"/],
  ])('tide %j', async (args, message) => {
    const r = await tide(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('tide map', () => {
  it('shows each item: selector result or error, every field with its value or jq error, the entity or why it was dropped', async () => {
    const r = await tide(['map', 'fake', '--kind', 'thing', '--input', 'items.json', '--mapping', 'mapping.yml'], { cwd });
    // A selector error makes the exit status 1 (CI gates on it).
    expect(r.code).toBe(1);
    const items = r.stdout.split(/^(?=item \d)/m).slice(1);
    expect(items).toHaveLength(4);
    expect(items[0]).toContain('selector: true');
    expect(items[0]).toContain('properties.name: .name  =>  "Ann"');
    expect(items[0]).toMatch(/properties\.age: \.age\.years \| tonumber  =>  null  \(error: .*cannot be parsed as a number\)  \[WARNING: null\]/);
    expect(items[0]).toContain('"identifier": "a"');
    expect(items[1]).toContain('identifier: .id  =>  ""');
    expect(items[1]).toMatch(/no entity: .*identifier "", blueprint "fake-person"/);
    expect(items[2]).toContain('selector: ERROR selector must return a boolean, got "yes" (resources[0].selector.query: .ok)');
    expect(items[3]).toContain('selector: false');
    expect(items[3]).toContain('no entity: selector returned false');
    expect(r.stdout).toContain('summary thing-0: 1 entities from 4 items (2 passed the selector, 1 selector errors)');
  });

  it('--json prints the entity bodies as sent, even when a selector failed (exit 1)', async () => {
    const r = await tide(['map', 'fake', '--kind', 'thing', '--input', 'items.json', '--mapping', 'mapping.yml', '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { identifier: 'a', title: 'Ann', blueprint: 'fake-person', properties: { name: 'Ann', age: null, tag: 'x' } },
    ]);
  });

  it('two runs with --input and --mapping at once: exit 0, and neither starts the embedded Port', async () => {
    const args = ['map', 'fake', '--kind', 'thing', '--input', 'good.ndjson', '--mapping', 'mapping.yml', '--json'];
    const runs = await Promise.all([tide(args, { cwd }), tide(args, { cwd })]);
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect((JSON.parse(r.stdout) as Array<{ identifier: string }>).map((e) => e.identifier)).toEqual(['a', 'b']);
    }
    expect(existsSync(join(cwd, '.tide'))).toBe(false);
  });

  it('uses the shipped mapping and the kind handler\'s first page without --mapping and --input', async () => {
    const r = await tide(['map', 'fake', '--kind', 'fake-department', '--json'], { cwd });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ identifier: string }>).map((e) => e.identifier)).toEqual(['hr', 'marketing', 'finance', 'support', 'morpazia']);
    expect(existsSync(join(cwd, '.tide'))).toBe(false);
  });

  it('says on stderr which mapping it used: --mapping FILE, else the shipped file', async () => {
    const given = await tide(['map', 'fake', '--kind', 'thing', '--input', 'good.ndjson', '--mapping', 'mapping.yml', '--json'], { cwd });
    expect(given.code).toBe(0);
    expect(given.stderr).toBe('[tide] map: using the mapping in --mapping mapping.yml\n');
    const shipped = await tide(['map', 'fake', '--kind', 'fake-department', '--input', 'good.ndjson', '--json'], { cwd });
    expect(shipped.code).toBe(0);
    expect(shipped.stderr).toBe(`[tide] map: using the mapping in ${join(REPO, 'integrations/fake/.port/resources/port-app-config.yml')}\n`);
    // stdout stays the JSON a script reads.
    expect((JSON.parse(shipped.stdout) as Array<{ identifier: string }>).map((e) => e.identifier)).toEqual(['a', 'b']);
  });

  it('--engines prints every distinct program of the kind\'s resources with its engine; --explain adds why one runs on jq', async () => {
    writeFileSync(
      join(cwd, 'engines.yml'),
      `resources:
  - kind: thing
    selector:
      query: .ok
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"fake-person"'
          properties:
            name: .name
            again: .id
            greeting: "'hi' + .name"
            numbers: '[.. | numbers] | length'
            first: 'label $out | .tags[] | ., break $out'
  - kind: other
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .other
          blueprint: '"other"'
`,
    );
    const plain = await tide(['map', 'fake', '--kind', 'thing', '--mapping', 'engines.yml', '--engines'], { cwd });
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toBe('[tide] map: using the mapping in --mapping engines.yml\n');
    // Keyed by the program exactly as written (jq's single quotes kept), in mapping order, once each.
    expect(Object.entries(JSON.parse(plain.stdout) as Record<string, string>)).toEqual([
      ['.ok', 'fast'],
      ['.id', 'fast'],
      ['"fake-person"', 'fast'],
      ['.name', 'fast'],
      ["'hi' + .name", 'fast'],
      ['[.. | numbers] | length', 'jq'],
      ['label $out | .tags[] | ., break $out', 'jq'],
    ]);
    const explained = await tide(['map', 'fake', '--kind', 'thing', '--mapping', 'engines.yml', '--engines', '--explain'], { cwd });
    expect(explained.code, explained.stderr).toBe(0);
    expect(JSON.parse(explained.stdout)).toEqual({
      '.ok': { engine: 'fast' },
      '.id': { engine: 'fast' },
      '"fake-person"': { engine: 'fast' },
      '.name': { engine: 'fast' },
      "'hi' + .name": { engine: 'fast' },
      '[.. | numbers] | length': { engine: 'jq', construct: '`..`' },
      'label $out | .tags[] | ., break $out': { engine: 'jq', construct: '`label`' },
    });
    // Only the selected resource: --index picks one.
    const other = await tide(['map', 'fake', '--kind', 'other', '--index', '1', '--mapping', 'engines.yml', '--engines'], { cwd });
    expect(JSON.parse(other.stdout)).toEqual({ true: 'fast', '.other': 'fast', '"other"': 'fast' });
  });

  it('--explain without --engines, and --engines with --json, are bad arguments (exit 2)', async () => {
    const [explain, both] = await Promise.all([
      tide(['map', 'fake', '--kind', 'thing', '--mapping', 'mapping.yml', '--explain'], { cwd }),
      tide(['map', 'fake', '--kind', 'thing', '--mapping', 'mapping.yml', '--engines', '--json'], { cwd }),
    ]);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toContain('--explain goes with --engines');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/option '--engines' cannot be used with option '--json'/);
  });

  it('names the kinds the mapping has when --kind matches none (exit 2)', async () => {
    const r = await tide(['map', 'fake', '--kind', 'nope', '--input', 'items.json'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the mapping has no kind "nope" (kinds in it: fake-department, fake-person, fake-office, fake-team, fake-project)');
  });
});

describe('tide new', () => {
  // Inside the checkout's integrations/ so that vitest's include pattern picks the generated test up.
  const name = `tmp-cli-new-${process.pid}`;
  const dir = join(REPO, 'integrations', name);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scaffolds a folder whose own test passes at once, with no secret anywhere', async () => {
    const r = await tide(['new', name, '--dir', dir, '--description', 'A scaffold under test'], { cwd });
    expect(r.code).toBe(0);
    for (const file of ['index.ts', '.port/spec.yaml', '.port/resources/blueprints.json', '.port/resources/port-app-config.yml', '.env.example', 'README.md', `${name}.test.ts`]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const envExample = readFileSync(join(dir, '.env.example'), 'utf8');
    const keys = envExample.split('\n').filter((l) => l.startsWith('OCEAN__'));
    expect(keys.length).toBeGreaterThan(3);
    for (const line of keys) expect(line).toMatch(/^OCEAN__[A-Z_]+=$/);
    expect(readFileSync(join(dir, '.port/spec.yaml'), 'utf8')).toContain('description: "A scaffold under test"');

    // Its report goes to a temp file, not over the repository's .vitest-report.json.
    const report = join(cwd, 'new-report.json');
    const test = await runProcess(join(REPO, 'node_modules/.bin/vitest'), ['run', dir, `--outputFile.json=${report}`], { cwd: REPO, timeoutMs: 120_000 });
    expect(test.code, test.stdout + test.stderr).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    expect(json).toMatchObject({ numPassedTests: 2, numFailedTests: 0 });

    const again = await tide(['new', name, '--dir', dir], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists and is not empty');
  });
});

describe('tide new outside the Tide repository', () => {
  it('writes a project of its own: port-tide as its dependency, its commands, and an entry per deployment path', async () => {
    const dir = join(cwd, 'standalone', 'acme');
    const r = await tide(['new', 'acme', '--dir', dir], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`next: cd ${dir} && npm install && npm test`);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.dependencies).toEqual({ 'port-tide': `^${TIDE_VERSION}` });
    expect(Object.keys(pkg.scripts!)).toEqual(expect.arrayContaining(['test', 'sail', 'plan', 'map', 'deploy:cloudflare']));
    expect(Object.keys(pkg.devDependencies!)).toEqual(expect.arrayContaining(['vitest', 'wrangler', 'better-sqlite3']));
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['.env', '.dev.vars', '.tide/', '.wrangler/']));
    for (const file of ['index.ts', 'acme.test.ts']) expect(readFileSync(join(dir, file), 'utf8')).not.toMatch(/from '\.\.?\/.*src\//);
    expect(readFileSync(join(dir, 'index.ts'), 'utf8')).toContain("from 'port-tide'");
    expect(readFileSync(join(dir, 'acme.test.ts'), 'utf8')).toContain("from 'port-tide/testing'");
    expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/node_modules/port-tide/dist/tide.js", "sail"]');
    expect(readFileSync(join(dir, 'wrangler.toml'), 'utf8')).toMatch(/main = "worker\.ts"[\s\S]*type = "Text"/);
    expect(readFileSync(join(dir, 'main.ts'), 'utf8')).toContain("from 'port-tide/deno'");
    for (const file of ['tsconfig.json', '.env.example', 'README.md', 'deno.json', 'worker.ts', '.port/spec.yaml', '.port/resources/blueprints.json', '.port/resources/port-app-config.yml']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
  });
});
