import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator, type Transport } from '../../emulator/test-helpers.ts';
import { createPortClient, PortApiError, type PortClientOptions } from './index.ts';
import type { PortEntity } from './types.ts';

const UA = { type: 'jira', version: '1.2.3', identifier: 'my-jira' };
const OWN = 'port-ocean/jira/1.2.3/my-jira/exporter';

let current: TestEmulator | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function setup(transport: Transport = 'inProcess', options: Partial<PortClientOptions> = {}) {
  const t = await startEmulator({ transport });
  current = t;
  await t.admin('POST', '/seed', {
    blueprints: [
      { identifier: 'service', title: 'Service', schema: { properties: { language: { type: 'string' } } } },
      { identifier: 'team', title: 'Team', schema: { properties: {} } },
    ],
  });
  const waits: number[] = [];
  const port = createPortClient({
    baseUrl: t.baseUrl,
    ...TEST_CREDENTIALS,
    userAgent: UA,
    fetch: (transport === 'loopback' ? fetch : t.emulator.fetch) as typeof fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  const requests = async (path: string) =>
    (await t.admin('GET', `/requests?path=${encodeURIComponent(path)}`)).body.requests as Array<{
      status: number;
      query: Record<string, string | string[]>;
      body: any;
      oceanInfo: Record<string, string>;
    }>;
  const fault = async (rule: unknown) => expect((await t.admin('POST', '/faults', rule)).status).toBe(201);
  return { t, port, waits, requests, fault };
}

async function collect(pages: AsyncIterable<PortEntity[]>): Promise<{ pages: number; ids: string[] }> {
  let count = 0;
  const ids: string[] = [];
  for await (const page of pages) {
    count++;
    ids.push(...page.map((e) => e.identifier));
  }
  return { pages: count, ids };
}

describe('searchEntities', () => {
  it('sends the query, include params and ocean_info, restricted to owned entities by the ownership rules', async () => {
    const { t, port, requests } = await setup('loopback');
    await t.admin('POST', '/seed', {
      entities: [
        { blueprint: 'service', identifier: 'a', datasource: OWN, properties: { language: 'go' } },
        { blueprint: 'service', identifier: 'b', datasource: 'port-ocean/jira/1.0.0/other/exporter' },
        { blueprint: 'service', identifier: 'c', datasource: 'port-ocean/jira/0.9.0/my-jira/exporter' },
      ],
    });
    const result = await port.searchEntities(
      {
        combinator: 'and',
        rules: [
          { property: '$identifier', operator: 'in', value: ['a', 'b', 'c'] },
          { property: '$blueprint', operator: '=', value: 'service' },
          ...port.ownershipRules(),
        ],
      },
      { include: ['identifier', 'blueprint', 'properties.language'], excludeCalculatedProperties: true, event: { type: 'resync', id: 'r1' } },
    );
    expect(result.entities.map((e) => e.identifier).sort()).toEqual(['a', 'c']);
    expect(result.entities.find((e) => e.identifier === 'a')).toEqual({ identifier: 'a', blueprint: 'service', properties: { language: 'go' } });
    expect(result.failedBlueprints).toEqual([]);
    const [call] = await requests('/v1/entities/search');
    expect(call.query).toMatchObject({ include: ['identifier', 'blueprint', 'properties.language'], exclude_calculated_properties: 'true' });
    expect(call.oceanInfo).toEqual({ event_type: 'resync', resync_id: 'r1' });
  });

  it('reports failed blueprints and retries 503 / dropped connections; a 500 surfaces after one attempt', async () => {
    const { port, fault, waits, requests } = await setup();
    await fault({ match: { path: '/v1/entities/search' }, times: 1, action: { type: 'status', status: 503 } });
    await fault({ match: { path: '/v1/entities/search' }, times: 1, action: { type: 'drop' } });
    await fault({ match: { path: '/v1/entities/search' }, times: 1, action: { type: 'failBlueprints', blueprints: ['team'] } });
    const result = await port.searchEntities({ combinator: 'and', rules: [] });
    expect(result.failedBlueprints).toEqual(['team']);
    expect(waits).toHaveLength(2);

    await fault({ match: { path: '/v1/entities/search' }, action: { type: 'status', status: 500 } });
    await expect(port.searchEntities({ combinator: 'and', rules: [] })).rejects.toBeInstanceOf(PortApiError);
    expect(await requests('/v1/entities/search')).toHaveLength(4);
  });
});

describe('searchBlueprintEntities', () => {
  it('pages through `next`', async () => {
    const { t, port, requests } = await setup();
    await t.admin('POST', '/seed', { entities: Array.from({ length: 5 }, (_, i) => ({ blueprint: 'service', identifier: `s${i}` })) });
    const { pages, ids } = await collect(port.searchBlueprintEntities('service', { query: { combinator: 'and', rules: [] }, limit: 2, include: ['$identifier'] }));
    expect(ids).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(pages).toBe(3);
    const calls = await requests('/v1/blueprints/service/entities/search');
    expect(calls.map((c) => typeof c.body.from)).toEqual(['undefined', 'string', 'string']);
  });
});

describe('ownedEntities', () => {
  it('pages with `before` and the ownership prefix/suffix, leaving out entities written after `before`', async () => {
    const { t, port, requests } = await setup('loopback');
    const old = '2026-01-01T00:00:00.000Z';
    const before = '2026-02-01T00:00:00.000Z';
    const fresh = '2026-03-01T00:00:00.000Z';
    await t.admin('POST', '/seed', {
      entities: [
        ...Array.from({ length: 12 }, (_, i) => ({ blueprint: i % 2 ? 'team' : 'service', identifier: `own-${i}`, datasource: OWN, updatedAt: old })),
        { blueprint: 'service', identifier: 'own-late', datasource: OWN, updatedAt: fresh },
        { blueprint: 'service', identifier: 'theirs', datasource: 'port-ocean/jira/1.2.3/other/exporter', updatedAt: old },
        { blueprint: 'service', identifier: 'gitops', datasource: 'port-ocean/jira/1.2.3/my-jira/gitops', updatedAt: old },
        { blueprint: 'service', identifier: 'upgraded', datasource: 'port-ocean/jira/9.9.9/my-jira/exporter', updatedAt: old },
      ],
    });
    const { pages, ids } = await collect(port.ownedEntities({ before: new Date(before), limit: 5, event: { type: 'resync', id: 'r2' } }));
    expect(ids.sort()).toEqual([...Array.from({ length: 12 }, (_, i) => `own-${i}`), 'upgraded'].sort());
    expect(pages).toBe(3);
    const calls = await requests('/v1/blueprints/entities/datasource-entities');
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(call.body).toMatchObject({ datasource_prefix: 'port-ocean/jira/', datasource_suffix: '/my-jira/exporter', limit: 5, before });
      expect(call.oceanInfo).toEqual({ event_type: 'resync', resync_id: 'r2' });
    }
    expect(calls[0].body.from).toBeUndefined();
    expect(typeof calls[1].body.from).toBe('string');
  });

  it('defaults to 5000 per page and stops on an empty cursor; gitops uses its own suffix', async () => {
    const { t, port, requests } = await setup();
    await t.admin('POST', '/seed', { entities: [{ blueprint: 'service', identifier: 'g', datasource: 'port-ocean/jira/1.2.3/my-jira/gitops' }] });
    const { pages, ids } = await collect(port.ownedEntities({ feature: 'gitops' }));
    expect({ pages, ids }).toEqual({ pages: 1, ids: ['g'] });
    const [call] = await requests('/v1/blueprints/entities/datasource-entities');
    expect(call.body).toEqual({ datasource_prefix: 'port-ocean/jira/', datasource_suffix: '/my-jira/gitops', limit: 5000 });
  });
});
