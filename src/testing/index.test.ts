import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineIntegration } from '../integration/index.ts';
import { fakeFetch, mapKind, runKind, syncKind } from './index.ts';

const mapping = `resources:
  - kind: item
    selector:
      query: .keep
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"item"'
          properties:
            size: .size
`;
const blueprints = [{ identifier: 'item', schema: { properties: { size: { type: 'number' } }, required: ['size'] } }];

const integration = defineIntegration({
  kinds: {
    item: {
      async *resync(ctx) {
        yield await ctx.http.json<Array<Record<string, unknown>>>('https://vendor.example/items');
      },
    },
    broken: {
      resync: () => [1 as unknown as Record<string, unknown>],
    },
  },
});

describe('test helpers', () => {
  it('syncKind runs the handler over fakeFetch and maps with the resync evaluator', async () => {
    const fetch = fakeFetch({ '/items': [{ id: 'a', keep: true, size: 1 }, { id: 'b', keep: false, size: 2 }, { id: 'c', keep: true }] });
    const result = await syncKind(integration, 'item', { mapping, blueprints, fetch });
    expect(result.items).toHaveLength(3);
    expect(result.entities).toEqual([
      { identifier: 'a', blueprint: 'item', properties: { size: 1 } },
      { identifier: 'c', blueprint: 'item', properties: { size: null } },
    ]);
    // `size` is required by the shipped blueprint, so its null is an ERROR (§3.6).
    expect(result.misconfigurations).toEqual([{ path: 'properties.size', program: '.size', severity: 'ERROR', count: 1 }]);
    expect(fetch.requests.map((r) => r.url)).toEqual(['https://vendor.example/items']);
  });

  it('runKind rejects with the kind errors a resync would record', async () => {
    await expect(runKind(integration, 'broken')).rejects.toThrow(/kind "broken"/);
    await expect(runKind(integration, 'missing')).rejects.toThrow(/has no resync handler/);
  });

  it('mapKind reports selector errors and answers 404 for unknown fake routes', async () => {
    const result = await mapKind(mapping, 'item', [{ id: 'x', keep: 'yes' }]);
    expect(result.entities).toEqual([]);
    expect(result.selectorErrors[0]).toMatch(/selector must return a boolean, got "yes"/);
    expect((await fakeFetch({})('https://nowhere.example/')).status).toBe(404);
  });

  it('runKind hands the handler its config and selector through their schemas, as a resync would', async () => {
    const seen: unknown[] = [];
    const typed = defineIntegration({
      config: z.object({ apiUrl: z.string(), pageSize: z.number().default(25) }),
      kinds: {
        item: {
          selector: z.object({ state: z.enum(['open', 'all']).default('open') }),
          resync(ctx) {
            seen.push({ config: ctx.config, selector: ctx.selector });
            return [{ id: 'a' }];
          },
        },
      },
    });
    expect(await runKind(typed, 'item', { config: { apiUrl: 'https://vendor.example' } })).toEqual([{ id: 'a' }]);
    expect(seen).toEqual([{ config: { apiUrl: 'https://vendor.example', pageSize: 25 }, selector: { query: 'true', state: 'open' } }]);
    await expect(runKind(typed, 'item', { config: {} })).rejects.toThrow(/integration\.config\.apiUrl \(OCEAN__INTEGRATION__CONFIG__API_URL\): not set/);
  });
});
