import { beforeAll, describe, expect, it } from 'vitest';
import type { JqEngine, Mapper, MapperOptions, ResourceConfig } from './index.ts';
import { createJqWasmEngine, createMapper, formatBatchReport, parsePortAppConfig } from './index.ts';

let base: JqEngine;
beforeAll(async () => {
  base = await createJqWasmEngine();
});

/** Counts the engine calls that run programs (compile checks are counted apart). */
function counting(engine: JqEngine): JqEngine & { runs: number } {
  const counted = {
    name: engine.name,
    runs: 0,
    run(program: string, input: string) {
      counted.runs += 1;
      return engine.run(program, input);
    },
    compileError: (program: string) => engine.compileError(program),
  };
  return counted;
}

function resource(mappings: unknown, extra: { query?: string; port?: Record<string, unknown> } = {}): ResourceConfig {
  const config = parsePortAppConfig({
    resources: [{ kind: 'repository', selector: { query: extra.query ?? 'true' }, port: { ...extra.port, entity: { mappings } } }],
  });
  return config.resources[0]!;
}

function mapper(opts: MapperOptions = {}): Mapper {
  return createMapper({ engine: base, ...opts });
}

describe('conformance points 4-14 (mapping)', () => {
  it('4: a YAML literal evaluates to its string and single quotes are normalised', async () => {
    const config = parsePortAppConfig(`
resources:
  - kind: repository
    selector: { query: 'true' }
    port:
      entity:
        mappings:
          identifier: .a + '/' + .b
          blueprint: '"service"'
`);
    const result = await mapper().mapBatch(config.resources[0]!, [{ a: 'acme', b: 'web' }]);
    expect(result.entities.map((e) => e.entity)).toEqual([{ identifier: 'acme/web', blueprint: 'service' }]);
  });

  it('5: first output wins; no output, compile and runtime errors give null and the batch carries on', async () => {
    const res = resource({
      identifier: '.id',
      blueprint: '"svc"',
      properties: { many: '.tags[]', none: 'empty', compile: 'test(\'^a\')', runtime: '.id.x', late: '(.id, error("late"))', ok: '.id' },
    });
    const result = await mapper().mapBatch(res, [{ id: 'a', tags: ['x', 'y'] }, { id: 'b', tags: [] }]);
    expect(result.entities.map((e) => e.entity.properties)).toEqual([
      { many: 'x', none: null, compile: null, runtime: null, late: 'a', ok: 'a' },
      { many: null, none: null, compile: null, runtime: null, late: 'b', ok: 'b' },
    ]);
    expect(result.fieldErrors.map((f) => [f.path, f.reason, f.count])).toEqual([
      ['properties.many', 'no-output', 1],
      ['properties.none', 'no-output', 2],
      ['properties.compile', 'compile-error', 2],
      ['properties.runtime', 'runtime-error', 2],
    ]);
    expect(result.fieldErrors.find((f) => f.reason === 'runtime-error')?.error).toBe('Cannot index string with string ("x")');
  });

  it('6: false, 0, "" and [] are kept as values', async () => {
    const res = resource({ identifier: '.id', blueprint: '"svc"', properties: { f: 'false', z: '.n', s: '""', a: '[]', o: '{}' } });
    const result = await mapper().mapBatch(res, [{ id: 'a', n: 0 }]);
    expect(result.entities[0]!.entity.properties).toEqual({ f: false, z: 0, s: '', a: [], o: {} });
    expect(result.misconfigurations).toEqual([]);
  });

  it('7: with env access off, env and $ENV are {}', async () => {
    const res = resource({ identifier: '.id', blueprint: '"svc"', properties: { env: 'env', ENV: '$ENV', secret: 'env.SECRET' } }, { query: 'env.SECRET == null' });
    const off = await mapper({ allowEnvironmentVariablesJqAccess: false, env: { SECRET: 's3' } }).mapBatch(res, [{ id: 'a' }]);
    expect(off.entities[0]!.entity.properties).toEqual({ env: {}, ENV: {}, secret: null });
    const on = await mapper({ env: { SECRET: 's3' } }).mapBatch(res, [{ id: 'a' }]);
    expect(on.entities).toEqual([]); // the selector sees the secret, so the item does not pass
    const parsed = await mapper({ env: { SECRET: 's3' } }).mapBatch(res, [{ id: 'a' }], { parseAll: true });
    expect(parsed.entities[0]!.entity.properties).toEqual({ env: { SECRET: 's3' }, ENV: { SECRET: 's3' }, secret: 's3' });
  });

  it('8: a selector whose first output is not a boolean yields no entity and records an error', async () => {
    const res = resource({ identifier: '.id', blueprint: '"svc"' }, { query: '.pick' });
    const items = [{ id: 'a', pick: true }, { id: 'b', pick: 'true' }, { id: 'c', pick: null }, { id: 'd' }, { id: 'e', pick: false }];
    const result = await mapper().mapBatch(res, items, { resourceIndex: 2 });
    expect(result.entities.map((e) => e.entity.identifier)).toEqual(['a']);
    expect(result.selectorErrors.map((e) => [e.itemIndex, e.reason])).toEqual([
      [1, 'not-boolean'],
      [2, 'not-boolean'],
      [3, 'not-boolean'],
    ]);
    expect(result.selectorErrors[0]!.message).toBe('selector must return a boolean, got "true" (resources[2].selector.query: .pick)');
    const noOutput = await mapper().mapBatch(resource({ identifier: '.id', blueprint: '"s"' }, { query: 'empty' }), [{ id: 'a' }]);
    expect(noOutput.selectorErrors.map((e) => e.reason)).toEqual(['no-output']);
    const failing = await mapper().mapBatch(resource({ identifier: '.id', blueprint: '"s"' }, { query: '.id.x' }), [{ id: 'a' }]);
    expect(failing.selectorErrors[0]!.message).toContain('selector failed: Cannot index string');
    const broken = await mapper().mapBatch(resource({ identifier: '.id', blueprint: '"s"' }, { query: '.a | (' }), [{ id: 'a' }], { parseAll: true });
    expect([broken.entities.length, broken.selectorErrors[0]!.reason]).toEqual([0, 'compile-error']);
  });

  it('9: a falsy identifier or blueprint drops the entity; null is reported, "" is not', async () => {
    const res = resource({ identifier: '.id', blueprint: '.bp' });
    const items = [{ id: 'a', bp: 's' }, { id: '', bp: 's' }, { id: null, bp: 's' }, { id: 'b', bp: '' }, { id: 0, bp: 's' }, { id: [], bp: 's' }, { id: 'c' }];
    const result = await mapper().mapBatch(res, items);
    expect(result.entities.map((e) => e.entity.identifier)).toEqual(['a']);
    expect(result.dropped).toEqual({ count: 6, of: 7 });
    expect(result.misconfigurations).toEqual([
      { path: 'identifier', program: '.id', severity: 'WARNING', count: 1 },
      { path: 'blueprint', program: '.bp', severity: 'WARNING', count: 1 },
    ]);
    const lines = formatBatchReport(result, { label: 'repository-0' }).map((l) => l.message);
    expect(lines).toContain('[repository-0] 6 of 7 items produced no entity: empty, null or missing identifier/blueprint');
  });

  it('9b: a number identifier or blueprint becomes its decimal string; one of a type Port cannot take drops the entity with an error', async () => {
    const res = resource({ identifier: '.id', blueprint: '.bp', title: '.title' });
    const items = [
      { id: 42, bp: 7, title: 3 },
      { id: ['a'], bp: 's' },
      { id: true, bp: 's' },
      { id: { combinator: 'AND', rules: [] }, bp: 's' },
      { id: { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'x' }] }, bp: 's' },
      { id: 'b', bp: { name: 's' } },
      { id: ['c'], bp: 's' },
    ];
    const result = await mapper().mapBatch(res, items);
    // The title is not a key field: it goes to Port as jq produced it.
    expect(result.entities.map((e) => e.entity)).toEqual([
      { identifier: '42', blueprint: '7', title: 3 },
      { identifier: { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'x' }] }, blueprint: 's', title: null },
    ]);
    expect(result.dropped).toEqual({ count: 5, of: 7 });
    expect(result.invalid).toEqual([
      { path: 'identifier', program: '.id', got: 'an array', count: 2, firstItemIndex: 1 },
      { path: 'identifier', program: '.id', got: 'a boolean', count: 1, firstItemIndex: 2 },
      { path: 'identifier', program: '.id', got: 'a search query without combinator "and" or "or"', count: 1, firstItemIndex: 3 },
      { path: 'blueprint', program: '.bp', got: 'an object', count: 1, firstItemIndex: 5 },
    ]);
    const lines = formatBatchReport(result, { label: 'repository-0' });
    expect(lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      '[repository-0] 2 of 7 items produced no entity: identifier must be a string or a search query, got an array (identifier: .id)',
      '[repository-0] 1 of 7 items produced no entity: identifier must be a string or a search query, got a boolean (identifier: .id)',
      '[repository-0] 1 of 7 items produced no entity: identifier must be a string or a search query, got a search query without combinator "and" or "or" (identifier: .id)',
      '[repository-0] 1 of 7 items produced no entity: blueprint must be a string, got an object (blueprint: .bp)',
    ]);
    // None of them was falsy, so no "empty, null or missing" line.
    expect(lines.some((l) => l.message.includes('empty, null or missing'))).toBe(false);
  });

  it('10: a null property is reported with its program, ERROR when the literal blueprint requires it', async () => {
    const asked: string[] = [];
    const requiredFields = (bp: string) => {
      asked.push(bp);
      return { properties: ['url'], relations: ['owner'] };
    };
    const res = resource({ identifier: '.id', blueprint: '"service"', properties: { url: '.url', desc: '.desc' }, relations: { owner: '.owner' } });
    const result = await mapper({ requiredFields }).mapBatch(res, [{ id: 'a' }, { id: 'b' }]);
    expect(result.misconfigurations).toEqual([
      { path: 'properties.url', program: '.url', severity: 'ERROR', count: 2 },
      { path: 'properties.desc', program: '.desc', severity: 'WARNING', count: 2 },
      { path: 'relations.owner', program: '.owner', severity: 'ERROR', count: 2 },
    ]);
    expect(asked).toEqual(['service']);
    // A dynamic blueprint or a failing lookup makes everything a WARNING.
    const dynamic = resource({ identifier: '.id', blueprint: '.bp', properties: { url: '.url' } });
    const r2 = await mapper({ requiredFields }).mapBatch(dynamic, [{ id: 'a', bp: 'service' }]);
    expect(r2.misconfigurations[0]!.severity).toBe('WARNING');
    const failing = () => Promise.reject(new Error('404'));
    const r3 = await mapper({ requiredFields: failing }).mapBatch(res, [{ id: 'a' }]);
    expect(r3.misconfigurations.every((m) => m.severity === 'WARNING')).toBe(true);
  });

  it('11: itemsToParse yields one item per element under itemsToParseName, resync and parse-all alike', async () => {
    const res = resource(
      { identifier: '.repo + "/" + .file.path', blueprint: '"file"', properties: { size: '.file.size' } },
      { port: { itemsToParse: '.files', itemsToParseName: 'file' } },
    );
    const raw = [{ repo: 'web', files: [{ path: 'a', size: 1 }, { path: 'b', size: 2 }] }, { repo: 'api', files: [{ path: 'c', size: 0 }] }];
    for (const parseAll of [false, true]) {
      const { batches, skipped } = await mapper().mapItems(res, raw, { parseAll });
      expect(skipped).toEqual([]);
      expect(batches.flatMap((b) => b.entities.map((e) => e.entity))).toEqual([
        { identifier: 'web/a', blueprint: 'file', properties: { size: 1 } },
        { identifier: 'web/b', blueprint: 'file', properties: { size: 2 } },
        { identifier: 'api/c', blueprint: 'file', properties: { size: 0 } },
      ]);
    }
  });

  it('12: the top-level transform removes the source array; false keeps it; a non-array skips without a kind error', async () => {
    const mappings = { identifier: '.item.id', blueprint: '"x"', properties: { hasFiles: 'has("files")', spec: '.spec' } };
    const raw = [{ spec: { files: [{ id: 1 }], name: 'n' }, files: 'top' }, { spec: { files: 'nope' } }, { spec: {} }];
    const on = await mapper().mapItems(resource(mappings, { port: { itemsToParse: '.spec.files | map(.)' } }), raw);
    expect(on.batches[0]!.entities[0]!.entity.properties).toEqual({ hasFiles: true, spec: { name: 'n' } });
    expect(on.skipped.map((s) => [s.itemIndex, s.message])).toEqual([
      [1, 'itemsToParse must return an array, failed: Cannot iterate over string ("nope"); item skipped'],
      [2, 'itemsToParse must return an array, failed: Cannot iterate over null (null); item skipped'],
    ]);
    expect(on.batches[0]!.selectorErrors).toEqual([]);
    const off = await mapper().mapItems(resource(mappings, { port: { itemsToParse: '.spec.files', itemsToParseTopLevelTransform: false } }), raw);
    expect(off.batches[0]!.entities[0]!.entity.properties).toEqual({ hasFiles: true, spec: { files: [{ id: 1 }], name: 'n' } });
    expect(off.skipped.map((s) => s.message)).toEqual([
      'itemsToParse must return an array, got string; item skipped',
      'itemsToParse must return an array, got null; item skipped',
    ]);
    const elements = await mapper().mapItems(resource(mappings, { port: { itemsToParse: '.spec.files[]' } }), raw.slice(0, 1));
    expect([elements.batches.length, elements.skipped[0]!.message]).toEqual([0, 'itemsToParse must return an array, got object; item skipped']);
  });

  it('13: a mappings list of N objects yields up to N entities per passing item, paths prefixed mappings[i].', async () => {
    const res = resource(
      [
        { identifier: '.id', blueprint: '"service"', properties: { lang: '.lang' } },
        { identifier: '.team', blueprint: '"team"' },
        { identifier: '.id + "-doc"', blueprint: '"doc"', title: '.title' },
      ],
      { query: '.active' },
    );
    const result = await mapper().mapBatch(res, [{ id: 'a', team: 't', active: true, lang: 'ts' }, { id: 'b', active: false, team: 'u' }, { id: 'c', active: true }]);
    expect(result.entities.map((e) => [e.mappingIndex, e.entity.identifier])).toEqual([
      [0, 'a'],
      [1, 't'],
      [2, 'a-doc'],
      [0, 'c'],
      [2, 'c-doc'],
    ]);
    expect(result.misconfigurations.map((m) => m.path)).toEqual(['mappings[0].properties.lang', 'mappings[1].identifier', 'mappings[2].title']);
    expect(result.dropped).toEqual({ count: 1, of: 6 });
  });

  it('14: entity bodies hold exactly the mapped keys', async () => {
    const bare = await mapper().mapBatch(resource({ identifier: '.id', blueprint: '"s"' }), [{ id: 'a', name: 'n' }]);
    expect(bare.entities[0]!.entity).toEqual({ identifier: 'a', blueprint: 's' });
    expect(Object.keys(bare.entities[0]!.entity)).toEqual(['identifier', 'blueprint']);
    const full = await mapper().mapBatch(resource({ identifier: '.id', blueprint: '"s"', title: '.title', icon: '"Github"', team: '.team' }), [{ id: 'a' }]);
    expect(full.entities[0]!.entity).toEqual({ identifier: 'a', title: null, icon: 'Github', blueprint: 's', team: null });
    expect(Object.keys(full.entities[0]!.entity)).toEqual(['identifier', 'title', 'icon', 'blueprint', 'team']);
  });

  it('14: a mapping with only relations has no properties key, and one with only properties no relations key', async () => {
    // The jq-wasm engine and the default compiling engine assemble the same bodies.
    for (const m of [mapper(), createMapper()]) {
      const rel = await m.mapBatch(resource({ identifier: '.id', blueprint: '"s"', relations: { team: '.team' } }), [{ id: 'a', team: 't' }]);
      expect(Object.keys(rel.entities[0]!.entity)).toEqual(['identifier', 'blueprint', 'relations']);
      expect(rel.entities[0]!.entity).toEqual({ identifier: 'a', blueprint: 's', relations: { team: 't' } });
      const props = await m.mapBatch(resource({ identifier: '.id', blueprint: '"s"', properties: { n: '.n' } }), [{ id: 'a', n: 1 }]);
      expect(Object.keys(props.entities[0]!.entity)).toEqual(['identifier', 'blueprint', 'properties']);
    }
  });
});

describe('batched evaluation', () => {
  it('evaluates a whole batch in one engine call and checks each distinct program once', async () => {
    const engine = counting(base);
    const m = createMapper({ engine });
    const res = resource({ identifier: '.id', blueprint: '"s"', title: '.id', properties: { a: '.a', b: '.b', c: '.a' } });
    const items = Array.from({ length: 50 }, (_, i) => ({ id: `i${i}`, a: i, b: -i }));
    await m.mapBatch(res, items);
    expect(engine.runs).toBe(1);
    await m.mapBatch(res, items, { parseAll: true });
    expect(engine.runs).toBe(2);
  });

  it('parse-all computes entities for items whose selector is false and marks them', async () => {
    const res = resource({ identifier: '.id', blueprint: '"s"' }, { query: '.keep' });
    const result = await mapper().mapBatch(res, [{ id: 'a', keep: true }, { id: 'b', keep: false }, { id: 'c', keep: 1 }], { parseAll: true });
    expect(result.entities.map((e) => [e.entity.identifier, e.selectorPassed])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(result.selectorErrors.map((e) => e.itemIndex)).toEqual([2]);
  });

  it('walks search-query leaves at any depth and reports their null leaves with numeric indices', async () => {
    const res = resource({
      identifier: { combinator: '"and"', rules: [{ property: '"$identifier"', operator: '"="', value: '.id' }] },
      blueprint: '"s"',
      relations: {
        owner: { combinator: "'or'", rules: [{ property: '"email"', operator: '"in"', value: ['.email', '.alt'] }, { combinator: '"and"', rules: [{ property: '"$team"', operator: '"="', value: '.team' }] }] },
      },
    });
    const result = await mapper().mapBatch(res, [{ id: 'a', email: 'e@x' }]);
    expect(result.entities[0]!.entity).toEqual({
      identifier: { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'a' }] },
      blueprint: 's',
      relations: {
        owner: { combinator: 'or', rules: [{ property: 'email', operator: 'in', value: ['e@x', null] }, { combinator: 'and', rules: [{ property: '$team', operator: '=', value: null }] }] },
      },
    });
    expect(result.misconfigurations.map((m) => m.path)).toEqual(['relations.owner.rules.0.value.1', 'relations.owner.rules.1.rules.0.value']);
  });

  it('reports each failed field once per batch with its path, program and jq error', async () => {
    const res = resource({ identifier: '.id', blueprint: '"s"', properties: { n: '.n | tonumber' } });
    const result = await mapper().mapBatch(res, [{ id: 'a', n: 'x' }, { id: 'b', n: '2' }, { id: 'c', n: 'y' }], { resourceIndex: 1 });
    expect(result.entities.map((e) => e.entity.properties!.n)).toEqual([null, 2, null]);
    expect(result.fieldErrors).toEqual([
      {
        path: 'properties.n',
        configPath: 'resources[1].port.entity.mappings.properties.n',
        program: '.n | tonumber',
        reason: 'runtime-error',
        error: 'string ("x") cannot be parsed as a number',
        count: 2,
        firstItemIndex: 0,
      },
    ]);
    const lines = formatBatchReport(result, { label: 'repository-1' });
    expect(lines[0]).toEqual({
      level: 'warning',
      message: "[repository-1] field properties.n is null for 2 of 3 items: string (\"x\") cannot be parsed as a number (resources[1].port.entity.mappings.properties.n: .n | tonumber)",
    });
  });

  it('survives programs that end the jq run (halt_error) with the per-field result', async () => {
    const res = resource({ identifier: '.id', blueprint: '"s"', properties: { h: 'if .stop then halt_error else "go" end', x: '.x' } });
    const result = await mapper().mapBatch(res, [{ id: 'a', x: 1 }, { id: 'b', stop: true, x: 2 }]);
    expect(result.entities.map((e) => e.entity.properties)).toEqual([
      { h: 'go', x: 1 },
      { h: null, x: 2 },
    ]);
    expect(result.fieldErrors.map((f) => [f.path, f.reason])).toEqual([['properties.h', 'runtime-error']]);
  });

  it('a comment ending in a backslash cannot swallow the batch wrapper', async () => {
    const res = resource({ identifier: '.id', blueprint: '"s"', properties: { c: '.x # note \\' } });
    const result = await mapper().mapBatch(res, [{ id: 'a', x: 7 }]);
    expect(result.entities[0]!.entity.properties!.c).toBe(7);
    expect(await base.run('.x # note \\', '{"x":7}')).toEqual([7]);
  });

  it('serialises BigInts as numbers, next to items without them', async () => {
    const res = resource({ identifier: '.id', blueprint: '"s"', properties: { n: '.n' } });
    const result = await mapper().mapBatch(res, [{ id: 'a', n: 12n }, { id: 'b', n: 3 }]);
    expect(result.entities.map((e) => e.entity.properties!.n)).toEqual([12, 3]);
  });

  it('serialises Dates to ISO-8601 before evaluation', async () => {
    const res = resource({ identifier: '.id', blueprint: '"s"', properties: { at: '.at' } });
    const result = await mapper().mapBatch(res, [{ id: 'a', at: new Date('2024-05-06T07:08:09.000Z') }]);
    expect(result.entities[0]!.entity.properties!.at).toBe('2024-05-06T07:08:09.000Z');
  });
});
