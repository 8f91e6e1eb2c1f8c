import { beforeAll, describe, expect, it } from 'vitest';
import { ENV, FIELDS, ITEMS, alone, differentialResource, expectAgreesWithAlone, loadReference } from './differential.test-support.ts';
import type { JqEngine } from './index.ts';
import { createJqWasmEngine, createMapper, parsePortAppConfig } from './index.ts';

/**
 * The batched evaluation must agree with evaluating each field alone through real jq: `first(FIELD)` on the item,
 * no output → null, any jq error → null (§3.2, §3.3).
 */

let engine: JqEngine;
beforeAll(async () => {
  await loadReference();
  engine = await createJqWasmEngine();
});

describe('batched evaluation agrees with each field evaluated alone', () => {
  for (const allowEnv of [true, false]) {
    it(`over ${FIELDS.length} field programs and ${ITEMS.length} items (env access ${allowEnv ? 'on' : 'off'})`, async () => {
      let runs = 0;
      const counted: JqEngine = { ...engine, run: (p, i) => ((runs += 1), engine.run(p, i)) };
      const mapper = createMapper({ engine: counted, env: ENV, allowEnvironmentVariablesJqAccess: allowEnv });
      const result = await mapper.mapBatch(differentialResource(), ITEMS);
      expect(runs).toBe(1);
      expectAgreesWithAlone(result, allowEnv);
    });
  }

  it('the fast path and its per-item fallback agree with each field alone, in resync and parse-all modes', async () => {
    // Items 0 and 3 take the fast path (every field gives a first output); the others fall back: one field errors,
    // another has no output, a multi-output field keeps only its first, the selector fails or is not a boolean.
    const fields = ['.id', '.name // "anon"', '.tags[]', '.tags | map(ascii_upcase)', '.count + 1', '.meta.a', '"lit"', 'false', '[]'];
    const selector = 'if .count == 5 then "yes" elif .count == 2 then error("sel") elif .id == 3.5 then empty else .count < 3 end';
    const items: unknown[] = [
      { id: 1, name: 'a', tags: ['x', 'y'], count: 0, meta: { a: 1 } },
      { id: 2, name: 'b', tags: [], count: 1, meta: { a: 2 } },
      { id: 3, tags: ['z'], count: 'n', meta: { a: 3 } },
      { id: 4, name: null, tags: ['p'], count: -1, meta: null },
      { id: 5, tags: ['q'], count: 5 },
      { id: 6, tags: ['r'], count: 2 },
      { id: 3.5, tags: ['s'], count: 0 },
      { id: 7, tags: 'str', count: 9 },
      ...ITEMS,
    ];
    const properties = Object.fromEntries(fields.map((f, i) => [`p${i}`, f]));
    const config = parsePortAppConfig({
      resources: [{ kind: 'k', selector: { query: selector }, port: { entity: { mappings: { identifier: '"x"', blueprint: '"b"', properties } } } }],
    });
    for (const parseAll of [false, true]) {
      let fast = 0;
      let fallback = 0;
      const observing: JqEngine = {
        ...engine,
        run: async (p, i) => {
          const out = await engine.run(p, i);
          // Fast rows are `[selector, value…]` (fields included only when they were evaluated); fallbacks `{r: …}`.
          for (const row of out[0] as unknown[]) {
            if (!Array.isArray(row)) fallback += 1;
            else if (row.length > 1) fast += 1;
          }
          return out;
        },
      };
      const result = await createMapper({ engine: observing }).mapBatch(config.resources[0]!, items, { parseAll });
      const failures = new Map<string, { reason: string; count: number }>();
      let entity = 0;
      items.forEach((item, itemIndex) => {
        const sel = alone(selector, item, undefined);
        const selOk = !sel.failure && typeof sel.value === 'boolean';
        expect({ itemIndex, selectorError: result.selectorErrors.some((e) => e.itemIndex === itemIndex) }).toEqual({ itemIndex, selectorError: !selOk });
        if (!selOk || (!parseAll && sel.value !== true)) return;
        const got = result.entities[entity++]!;
        expect({ itemIndex, selectorPassed: got.selectorPassed }).toEqual({ itemIndex, selectorPassed: sel.value });
        fields.forEach((field, i) => {
          const ref = alone(field, item, undefined);
          expect({ field, itemIndex, value: got.entity.properties![`p${i}`] }).toEqual({ field, itemIndex, value: ref.value });
          if (ref.failure) {
            const known = failures.get(`properties.p${i}`);
            if (known) known.count += 1;
            else failures.set(`properties.p${i}`, { reason: ref.failure, count: 1 });
          }
        });
      });
      expect(result.entities).toHaveLength(entity);
      expect(new Map(result.fieldErrors.map((f) => [f.path, { reason: f.reason, count: f.count }]))).toEqual(failures);
      expect(fast).toBeGreaterThan(0);
      expect(fallback).toBeGreaterThan(0);
      expect(fast + fallback).toBeLessThanOrEqual(items.length);
    }
  });

  it('a field that ends the jq run (halt, halt_error) falls back and still agrees', async () => {
    const fields = ['.name', 'if .count == 5 then halt_error else .count end', 'if .id == 1 then halt else "kept" end', '.tags'];
    const properties = Object.fromEntries(fields.map((f, i) => [`p${i}`, f]));
    const config = parsePortAppConfig({
      resources: [{ kind: 'k', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '"x"', blueprint: '"b"', properties } } } }],
    });
    const result = await createMapper({ engine }).mapBatch(config.resources[0]!, ITEMS);
    ITEMS.forEach((item, itemIndex) => {
      fields.forEach((field, i) => {
        expect({ field, itemIndex, value: result.entities[itemIndex]!.entity.properties![`p${i}`] }).toEqual({
          field,
          itemIndex,
          value: alone(field, item, undefined).value,
        });
      });
    });
  });
});
