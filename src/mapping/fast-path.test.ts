/**
 * The mapper with the default engine: compiled programs run in JavaScript, declined ones and the items a compiled
 * program leaves to jq run on jq-wasm. Every result must equal evaluating the field alone on jq (§3.2, §3.3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, ITEMS, alone, differentialResource, expectAgreesWithAlone, loadReference } from './differential.test-support.ts';
import type { JqEngine, ResourceConfig } from './index.ts';
import { compileJq, createCompilingJqEngine, createJqWasmEngine, createMapper, parsePortAppConfig } from './index.ts';

let wasm: JqEngine;
beforeAll(async () => {
  await loadReference();
  wasm = await createJqWasmEngine();
});

/** The compiling engine over jq-wasm, recording what reaches jq-wasm. */
function observed(): JqEngine & { runs: string[]; compiles: string[] } {
  const engine = createCompilingJqEngine(wasm);
  const seen = {
    ...engine,
    runs: [] as string[],
    compiles: [] as string[],
    run: (program: string, input: string) => (seen.runs.push(input), engine.run(program, input)),
    compile: (program: string) => (seen.compiles.push(program), engine.compile!(program)),
  };
  return seen;
}

function resource(mappings: unknown, extra: { query?: string; port?: Record<string, unknown> } = {}): ResourceConfig {
  const config = parsePortAppConfig({
    resources: [{ kind: 'k', selector: { query: extra.query ?? 'true' }, port: { ...extra.port, entity: { mappings } } }],
  });
  return config.resources[0]!;
}

describe('the compiling engine', () => {
  for (const allowEnv of [true, false]) {
    it(`agrees with each field alone over the differential suite (env access ${allowEnv ? 'on' : 'off'})`, async () => {
      const engine = observed();
      const mapper = createMapper({ engine, env: ENV, allowEnvironmentVariablesJqAccess: allowEnv });
      const result = await mapper.mapBatch(differentialResource(), ITEMS);
      expectAgreesWithAlone(result, allowEnv);
      // Most fields compiled: jq-wasm sees one batch for the declined ones plus one call per program that failed.
      expect(engine.compiles.filter((p) => compileJq(p).ok).length).toBeGreaterThan(60);
    });
  }

  it('runs a mapping of compiled programs without calling jq-wasm, compiling each program once', async () => {
    const engine = observed();
    const mapper = createMapper({ engine });
    const res = resource(
      {
        identifier: '.id',
        title: '.name + " (" + .owner.login + ")"',
        blueprint: '"service"',
        properties: { topics: '.topics | map(ascii_downcase)', updated: '.updated_at | split("T") | first', lang: '.language // "unknown"' },
        relations: { team: '.owner.team' },
      },
      { query: '.archived | not' },
    );
    const items = Array.from({ length: 30 }, (_, i) => ({
      id: `r${i}`,
      name: `repo ${i}`,
      owner: { login: 'acme', team: i % 2 ? 'a' : null },
      topics: ['X', 'Y'],
      updated_at: '2026-05-01T10:00:00Z',
      language: i % 3 ? 'Go' : null,
      archived: i % 10 === 0,
    }));
    const first = await mapper.mapBatch(res, items);
    const second = await mapper.mapBatch(res, items, { parseAll: true });
    expect(engine.runs).toEqual([]);
    expect(new Set(engine.compiles).size).toBe(engine.compiles.length);
    const reference = await createMapper({ engine: wasm }).mapBatch(res, items);
    expect(first).toEqual(reference);
    expect(second.entities).toHaveLength(30);
  });

  it('sends declined programs to jq-wasm with only the keys they read', async () => {
    const engine = observed();
    const res = resource({
      identifier: '.id',
      blueprint: '"s"',
      // `tostream` is not compiled; it reads `.tags` only.
      properties: { stream: '[.tags | tostream] | length', title: '.title' },
    });
    const items = [{ id: 'a', tags: ['x'], title: 't', secret: 'not for jq', description: 'x'.repeat(1000) }];
    const result = await createMapper({ engine }).mapBatch(res, items);
    expect(result.entities[0]!.entity.properties).toEqual({ stream: 2, title: 't' });
    expect(engine.runs).toHaveLength(1);
    expect(engine.runs[0]).toContain('"tags":["x"]');
    expect(engine.runs[0]).not.toContain('secret');
    expect(engine.runs[0]).not.toContain('description');
  });

  it('re-runs on jq the items a compiled program cannot finish, so error texts are jq’s', async () => {
    const engine = observed();
    const res = resource({ identifier: '.id', blueprint: '"s"', properties: { n: '.n | tonumber', deep: '.a.b', big: '.big | tostring' } });
    const items = [
      { id: 'a', n: 'x', a: 'str', big: 1e21 },
      { id: 'b', n: '2', a: { b: 1 }, big: 5 },
    ];
    const result = await createMapper({ engine }).mapBatch(res, items, { resourceIndex: 3 });
    expect(result.entities.map((e) => e.entity.properties)).toEqual([
      { n: null, deep: null, big: '1E+21' },
      { n: 2, deep: 1, big: '5' },
    ]);
    expect(result.fieldErrors.map((f) => [f.path, f.error, f.count])).toEqual([
      ['properties.n', 'string ("x") cannot be parsed as a number', 1],
      ['properties.deep', 'Cannot index string with string ("b")', 1],
    ]);
    // One call per program with a failing item, each with that item only.
    expect(engine.runs).toHaveLength(3);
  });

  it('gives items only jq can read faithfully (Dates, BigInts, lone surrogates, -0, class instances) to jq', async () => {
    const res = resource({
      identifier: '.id',
      blueprint: '"s"',
      properties: { at: '.at', n: '.n | tostring', s: '.s | length', z: '.z | tostring', c: '.c', u: '.u' },
    });
    class Point {
      constructor(readonly x: number) {}
    }
    const items = [
      { id: 'a', at: new Date('2024-05-06T07:08:09.000Z'), n: 12n, s: 'ab', z: -0, c: new Point(1), u: undefined },
      // jq 1.8 rejects a lone surrogate in its input: the whole item fails, selector included.
      { id: 'b', s: 'a\ud800b' },
      { id: 'c', at: null, n: 3, s: 'ok', z: 0, c: { x: 2 } },
    ];
    const fast = await createMapper().mapBatch(res, items);
    const reference = await createMapper({ engine: wasm }).mapBatch(res, items);
    expect(fast).toEqual(reference);
    expect(fast.entities[0]!.entity.properties).toEqual({ at: '2024-05-06T07:08:09.000Z', n: '12', s: 2, z: '0', c: { x: 1 }, u: null });
    expect(fast.selectorErrors.map((e) => e.itemIndex)).toEqual([1]);
  });

  it('expands itemsToParse with a compiled program like jq does', async () => {
    const res = resource(
      { identifier: '.repo + "/" + .file.path', blueprint: '"file"', properties: { size: '.file.size' } },
      { port: { itemsToParse: '.files', itemsToParseName: 'file' } },
    );
    const raw = [{ repo: 'web', files: [{ path: 'a', size: 1 }] }, { repo: 'api', files: 'nope' }, { repo: 'x' }];
    const fast = await createMapper().mapItems(res, raw);
    expect(fast).toEqual(await createMapper({ engine: wasm }).mapItems(res, raw));
    expect(fast.skipped.map((s) => s.itemIndex)).toEqual([1, 2]);
  });

  it('mapped values share no objects with the raw item or with each other', async () => {
    const res = resource({ identifier: '.id', blueprint: '"s"', properties: { owner: '.owner', tags: '[]' } });
    const owner = { login: 'acme' };
    const result = await createMapper().mapBatch(res, [{ id: 'a', owner }, { id: 'b', owner }]);
    const [a, b] = result.entities.map((e) => e.entity.properties!);
    expect(a!.owner).toEqual(owner);
    expect(a!.owner).not.toBe(owner);
    expect(a!.tags).not.toBe(b!.tags);
  });
});

describe('compileJq', () => {
  it('names the construct that made a program decline', () => {
    expect(compileJq('.a | label $f | 1')).toEqual({ ok: false, construct: '`label`' });
    expect(compileJq('paths')).toEqual({ ok: false, construct: 'builtin paths/0' });
    expect(compileJq('1.0')).toEqual({ ok: false, construct: 'number literal 1.0' });
    expect(compileJq('test("a"; "x")')).toEqual({ ok: false, construct: 'regex flag x' });
    expect(compileJq('def f: 1; f')).toEqual({ ok: false, construct: '`def`' });
    expect(compileJq('.a // "x"').ok).toBe(true);
  });

  it('compiles a program once and keeps a bounded cache', () => {
    const program = '.x | tostring';
    expect(compileJq(program)).toBe(compileJq(program));
    for (let i = 0; i < 2500; i++) compileJq(`.k${i}`);
    // The oldest entries were dropped: compiling again builds a new closure with the same behaviour.
    const again = compileJq(program);
    expect(again.ok && again.program.first({ x: 1 }, {})).toBe('1');
  });

  it('agrees with jq on a handful of everyday programs', async () => {
    const item = { name: 'Web', tags: ['b', 'a'], n: '42', when: '2024-01-02T03:04:05Z', meta: { z: 1, a: 2 } };
    const programs = [
      '.name | ascii_downcase',
      '.tags | sort | join(",")',
      '.n | tonumber + 1',
      '.when | fromdateiso8601 | todate',
      '.meta | to_entries | map("\\(.key)=\\(.value)") | join("&")',
      'if (.tags | length) > 1 then "many" else "one" end',
      '.name | test("^w"; "i")',
      '.name | sub("W"; "w")',
    ];
    for (const p of programs) {
      const compiled = compileJq(p);
      expect(compiled.ok).toBe(true);
      expect({ p, v: compiled.ok && compiled.program.first(item, {}) }).toEqual({ p, v: alone(p, item, undefined).value });
    }
  });
});
