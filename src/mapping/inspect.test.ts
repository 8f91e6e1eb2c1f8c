/**
 * `Mapper.inspectItems`, what `tide map` and the playground show per item: each outcome must equal the program
 * evaluated alone on jq (§3.2, §3.3), also for items whose selector did not pass; its batches must equal `mapItems`;
 * and the engine calls must not grow with the number of items.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, FIELDS, ITEMS, alone, loadReference, type Reference } from './differential.test-support.ts';
import type { FieldOutcome, JqEngine, ResourceConfig } from './index.ts';
import { createCompilingJqEngine, createJqWasmEngine, createMapper, parsePortAppConfig } from './index.ts';

let wasm: JqEngine;
beforeAll(async () => {
  await loadReference();
  wasm = await createJqWasmEngine();
});

/** The default engine over jq-wasm, counting the calls that run programs. */
function counted(): JqEngine & { runs: number } {
  const engine = createCompilingJqEngine(wasm);
  const seen = { ...engine, runs: 0, run: (program: string, input: string) => ((seen.runs += 1), engine.run(program, input)) };
  return seen;
}

function resource(r: Record<string, unknown>): ResourceConfig {
  return parsePortAppConfig({ resources: [{ kind: 'k', ...r }] }).resources[0]!;
}

/** An outcome in the reference's terms. */
function asReference(outcome: FieldOutcome): Reference {
  if (outcome.kind === 'value') return { value: outcome.value };
  if (outcome.kind === 'none') return { value: null, failure: 'no-output' };
  return { value: null, failure: outcome.stage === 'compile' ? 'compile-error' : 'runtime-error' };
}

// True for ITEMS[0], false for [1], a string for [3], an error for [2] and [4]: every selector outcome appears.
const SELECTOR = 'if .id == 1 then true elif .id == "b-2" then false elif .id == 3.5 then "yes" else error("no id") end';

const differential = (): ResourceConfig =>
  resource({
    selector: { query: SELECTOR },
    port: { entity: { mappings: { identifier: '.name // "none"', blueprint: '"b"', properties: Object.fromEntries(FIELDS.map((f, i) => [`p${i}`, f])) } } },
  });

describe('Mapper.inspectItems', () => {
  it('gives every item the selector and every leaf as each evaluates alone, whatever the selector said', async () => {
    const mapper = createMapper({ engine: createCompilingJqEngine(wasm), env: ENV });
    const res = differential();
    const inspected = await mapper.inspectItems(res, ITEMS, { resourceIndex: 0 });
    expect(inspected.leaves.map((l) => l.program)).toEqual(['.name // "none"', '"b"', ...FIELDS]);
    expect(inspected.items.map((i) => i.rawIndex)).toEqual([0, 1, 2, 3, 4]);
    ITEMS.forEach((item, n) => {
      const got = inspected.items[n]!;
      expect({ n, selector: asReference(got.selector) }).toEqual({ n, selector: alone(SELECTOR, item, ENV) });
      inspected.leaves.forEach((leaf, i) => {
        expect({ n, program: leaf.program, outcome: asReference(got.leaves[i]!) }).toEqual({ n, program: leaf.program, outcome: alone(leaf.program, item, ENV) });
      });
    });
    // Only the item whose selector is `true` maps, exactly as mapItems maps it.
    expect(inspected.items.map((i) => i.entities.length)).toEqual([1, 0, 0, 0, 0]);
    const mapped = await mapper.mapItems(res, ITEMS, { resourceIndex: 0 });
    expect(inspected.batches).toEqual(mapped.batches);
    expect(inspected.items[0]!.entities).toEqual(mapped.batches[0]!.entities);
  });

  it('costs the same engine calls for 5 items as for 300: evaluation is batched, never per item', async () => {
    const res = differential();
    const runs = async (items: unknown[]): Promise<{ inspect: number; map: number }> => {
      const a = counted();
      await createMapper({ engine: a, env: ENV }).inspectItems(res, items);
      const b = counted();
      await createMapper({ engine: b, env: ENV }).mapItems(res, items);
      return { inspect: a.runs, map: b.runs };
    };
    const few = await runs(ITEMS);
    const many = await runs(Array.from({ length: 60 }, () => ITEMS).flat());
    // Calls are per program (jq-bound programs, and compiled ones left to jq), so 300 items cost what 5 cost.
    expect(many).toEqual(few);
    expect(many.inspect).toBeLessThan(300);
  });

  it('with itemsToParse: each element with its raw item and index, skips, and batches of 200 as mapItems makes them', async () => {
    const mapper = createMapper({ engine: createCompilingJqEngine(wasm) });
    const res = resource({
      selector: { query: '.file.keep' },
      port: {
        itemsToParse: '.files',
        itemsToParseName: 'file',
        entity: {
          mappings: [
            { identifier: '.repo + "/" + .file.name', blueprint: '"file"', properties: { size: '.file.size' } },
            { identifier: '.file.owner', blueprint: '"owner"' },
          ],
        },
      },
    });
    const raw = [
      { repo: 'a', files: [{ name: 'x', size: 1, keep: true, owner: 'ann' }, { name: 'y', keep: false }] },
      { repo: 'b', files: 'not a list' },
      { repo: 'c', files: Array.from({ length: 250 }, (_, i) => ({ name: `f${i}`, size: i, keep: i % 2 === 0 })) },
    ];
    const inspected = await mapper.inspectItems(res, raw, { resourceIndex: 3 });
    const mapped = await mapper.mapItems(res, raw, { resourceIndex: 3 });
    expect(inspected.batches).toHaveLength(2);
    expect(inspected.batches).toEqual(mapped.batches);
    expect(inspected.skipped).toEqual(mapped.skipped);
    expect(inspected.skipped.map((s) => s.itemIndex)).toEqual([1]);
    expect(inspected.items).toHaveLength(252);
    expect(inspected.items.slice(0, 3).map((i) => [i.rawIndex, i.element?.index])).toEqual([
      [0, 0],
      [0, 1],
      [2, 0],
    ]);
    expect(inspected.items.at(-1)).toMatchObject({ rawIndex: 2, element: { index: 249, item: { repo: 'c', file: { name: 'f249' } } } });
    // The first element maps both mappings; the second is filtered out but its leaves are still evaluated.
    expect(inspected.items[0]!.entities.map((e) => [e.mappingIndex, e.entity.identifier])).toEqual([
      [0, 'a/x'],
      [1, 'ann'],
    ]);
    expect(inspected.items[1]!.selector).toEqual({ kind: 'value', value: false });
    expect(inspected.items[1]!.leaves.map((o) => (o.kind === 'value' ? o.value : o.kind))).toEqual(['a/y', 'file', null, null, 'owner']);
    // f2 has no owner: its second mapping is dropped.
    expect(inspected.items[4]!.entities.map((e) => e.mappingIndex)).toEqual([0]);
  });
});
