import { beforeAll, describe, expect, it } from 'vitest';
import type { JqEngine, ResourceConfig } from './index.ts';
import { createJqWasmEngine, createMapper, parsePortAppConfig } from './index.ts';

let engine: JqEngine;
beforeAll(async () => {
  engine = await createJqWasmEngine();
});

function resource(identifier: string): ResourceConfig {
  return parsePortAppConfig({
    resources: [{ kind: 'post', selector: { query: 'true' }, port: { entity: { mappings: { identifier, blueprint: '"post"', title: '.title' } } } }],
  }).resources[0]!;
}

const identifiers = async (program: string, items: Array<Record<string, unknown>>) => {
  const result = await createMapper({ engine }).mapBatch(resource(program), items);
  return { kept: result.entities.map((e) => e.entity.identifier), dropped: result.dropped.count };
};

// docs/behaviour.md §3.6: "null" or "undefined" standing for a missing value is dropped like a null identifier.
describe('an identifier that is the text of a missing value', () => {
  it.each(['.id | tostring', '"\\(.id)"', '.id | tojson', '.id | @text'])('%s of a missing or null id is dropped, not kept as "null"', async (program) => {
    const { kept, dropped } = await identifiers(program, [{ title: 'no id' }, { id: null, title: 'null id' }, { id: 7, title: 'seven' }]);
    expect(kept).toEqual(['7']);
    expect(dropped).toBe(2);
  });

  it('a vendor identifier that is literally the string "null", read as is, is kept', async () => {
    expect(await identifiers('.id', [{ id: 'null' }, { id: 'a' }])).toEqual({ kept: ['null', 'a'], dropped: 0 });
  });

  it('"undefined" is dropped whatever the program: jq never makes it, only integration code stringifying a missing value', async () => {
    expect(await identifiers('.id', [{ id: 'undefined' }, { id: 'a' }])).toEqual({ kept: ['a'], dropped: 1 });
  });
});
