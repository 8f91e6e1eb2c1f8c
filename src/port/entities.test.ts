import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, TRANSPORTS, type TestEmulator, type Transport } from '../../emulator/test-helpers.ts';
import { createPortClient, planBatches, type PortClientOptions, type UpsertResult } from './index.ts';
import type { PortEntityInput } from './types.ts';

const UA = { type: 'jira', version: '1.2.3', identifier: 'my-jira' };
const DATASOURCE = 'port-ocean/jira/1.2.3/my-jira/exporter';
const BULK = '/v1/blueprints/*/entities/bulk';

const BLUEPRINTS = [
  { identifier: 'team', title: 'Team', schema: { properties: {} } },
  {
    identifier: 'service',
    title: 'Service',
    schema: { properties: { language: { type: 'string' }, payload: { type: 'string' } } },
    relations: { owner: { target: 'team', required: false, many: false } },
  },
];

let current: TestEmulator | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** An emulator with the test blueprints, and a client whose fetch counts requests in flight and whose sleep records waits. */
async function setup(transport: Transport = 'inProcess', options: Partial<PortClientOptions> = {}) {
  const t = await startEmulator({ transport });
  current = t;
  await t.admin('POST', '/seed', { blueprints: BLUEPRINTS });
  const base = (transport === 'loopback' ? fetch : t.emulator.fetch) as typeof fetch;
  const flight = { now: 0, max: 0 };
  const counting: typeof fetch = async (input, init) => {
    flight.now++;
    flight.max = Math.max(flight.max, flight.now);
    try {
      return await base(input, init);
    } finally {
      flight.now--;
    }
  };
  const waits: number[] = [];
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const port = createPortClient({
    baseUrl: t.baseUrl,
    ...TEST_CREDENTIALS,
    userAgent: UA,
    fetch: counting,
    sleep: async (ms) => {
      waits.push(ms);
    },
    logger: { warn: (message, fields) => warnings.push({ message, fields }) },
    ...options,
  });
  const fault = async (rule: unknown) => expect((await t.admin('POST', '/faults', rule)).status).toBe(201);
  const requests = async (path?: string) =>
    (await t.admin('GET', `/requests?limit=100000${path ? `&path=${encodeURIComponent(path)}` : ''}`)).body.requests as Array<{
      method: string;
      path: string;
      status: number;
      query: Record<string, string | string[]>;
      body: any;
      bodyBytes: number;
      userAgent: string | null;
      oceanInfo: Record<string, string>;
      fault: string | null;
    }>;
  const stored = async (blueprint = 'service') =>
    (await t.admin('GET', `/entities?blueprint=${blueprint}`)).body.entities as Array<{ identifier: string; datasource: string | null; properties: any }>;
  return { t, port, flight, waits, warnings, fault, requests, stored };
}

const services = (n: number, extra: Partial<PortEntityInput> = {}): PortEntityInput[] =>
  Array.from({ length: n }, (_, i) => ({ identifier: `svc-${i}`, title: `Service ${i}`, properties: { language: 'ts' }, ...extra }));

const ids = (rows: Array<{ identifier: string }>) => rows.map((r) => r.identifier).sort();
const expectedIds = (n: number) => Array.from({ length: n }, (_, i) => `svc-${i}`).sort();
const upserted = (results: UpsertResult[]) => results.filter((r) => r.status === 'upserted').length;

describe('upsertEntities', () => {
  it('writes every entity with the ownership User-Agent, the upsert query and ocean_info, and maps results by index', async () => {
    const { port, requests, stored } = await setup('loopback');
    const results = await port.upsertEntities('service', services(5), { event: { type: 'resync', id: 'resync-1' } });
    expect(results).toEqual(Array.from({ length: 5 }, (_, i) => ({ status: 'upserted', identifier: `svc-${i}`, created: true })));

    const rows = await stored();
    expect(ids(rows)).toEqual(expectedIds(5));
    expect(new Set(rows.map((r) => r.datasource))).toEqual(new Set([DATASOURCE]));

    const [bulk] = await requests(BULK);
    expect(bulk.userAgent).toBe(DATASOURCE);
    expect(bulk.query).toMatchObject({ upsert: 'true', merge: 'true', create_missing_related_entities: 'true', validation_only: 'false' });
    expect(bulk.oceanInfo).toEqual({ event_type: 'resync', resync_id: 'resync-1' });
  });

  it('sends merge, create_missing_related_entities and validation_only as given, and gitops ownership per call', async () => {
    const { port, requests, stored } = await setup();
    await port.upsertEntities('service', services(2), { merge: false, createMissingRelatedEntities: false, feature: 'gitops', event: { type: 'http_request' } });
    const [bulk] = await requests(BULK);
    expect(bulk.query).toMatchObject({ upsert: 'true', merge: 'false', create_missing_related_entities: 'false', validation_only: 'false' });
    expect(bulk.oceanInfo).toEqual({ event_type: 'http_request' });
    expect((await stored()).map((r) => r.datasource)).toEqual(['port-ocean/jira/1.2.3/my-jira/gitops', 'port-ocean/jira/1.2.3/my-jira/gitops']);
  });

  it('splits by count: no bulk call carries more than batchMaxLength entities', async () => {
    const { port, requests, stored } = await setup();
    const results = await port.upsertEntities('service', services(45));
    expect(upserted(results)).toBe(45);
    const sizes = (await requests(BULK)).map((r) => r.body.entities.length).sort((a, b) => b - a);
    expect(sizes).toEqual([20, 20, 5]);
    expect(ids(await stored())).toEqual(expectedIds(45));
  });

  it('splits by bytes: batch size follows the §4.6 estimate and no body exceeds batchMaxBytes', async () => {
    const entities = services(30, { properties: { language: 'ts', payload: 'x'.repeat(200) } });
    const maxBytes = 3000;
    const { port, requests, stored } = await setup('inProcess', { batchMaxBytes: maxBytes });
    const mean = JSON.stringify(entities[0]).length; // every entity has the same size (ASCII)
    const expectedSize = Math.floor(maxBytes / (mean * 1.5));
    expect(planBatches(entities, { batchMaxLength: 20, batchMaxBytes: maxBytes })[0]).toHaveLength(expectedSize);

    await port.upsertEntities('service', entities);
    const bulks = await requests(BULK);
    expect(bulks.every((r) => r.bodyBytes <= maxBytes)).toBe(true);
    expect(bulks.every((r) => r.body.entities.length <= expectedSize)).toBe(true);
    expect(bulks.reduce((n, r) => n + r.body.entities.length, 0)).toBe(30);
    expect(ids(await stored())).toEqual(expectedIds(30));
  });

  it('re-splits a batch whose real size exceeds the byte limit even when the estimate said it fits', () => {
    const small = services(10);
    const big = { identifier: 'big', properties: { payload: 'y'.repeat(5000) } };
    const batches = planBatches([...small, big], { batchMaxLength: 20, batchMaxBytes: 4000 });
    expect(batches.flat()).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(batches.at(-1)).toEqual([10]);
  });

  it('keeps upsert requests in flight within the bound, bulk and single together', async () => {
    const { port, fault, flight, stored } = await setup('loopback', { concurrency: 3, batchMaxLength: 2 });
    await fault({ match: { method: 'POST', path: '/v1/blueprints/*/entities/**' }, times: -1, action: { type: 'latency', ms: 20 } });
    const singles = Array.from({ length: 6 }, (_, i) => port.upsertEntity('service', { identifier: `single-${i}` }));
    const [results] = await Promise.all([port.upsertEntities('service', services(30)), ...singles]);
    expect(upserted(results)).toBe(30);
    // The token request is not an upsert and comes first, alone.
    expect(flight.max).toBe(3);
    expect((await stored()).length).toBe(36);
  });

  it('maps a 207 by index: failed items keep their error, the others are upserted', async () => {
    const { port, fault, stored, warnings } = await setup();
    await fault({ match: { path: BULK }, action: { type: 'partial', indexes: [1, 3], statusCode: 422, error: 'blueprint_schema_mismatch', message: 'bad language' } });
    const results = await port.upsertEntities('service', services(5));
    expect(results.map((r) => r.status)).toEqual(['upserted', 'failed', 'upserted', 'failed', 'upserted']);
    expect(results[1]).toEqual({ status: 'failed', error: { statusCode: 422, error: 'blueprint_schema_mismatch', message: 'bad language' } });
    expect(ids(await stored())).toEqual(['svc-0', 'svc-2', 'svc-4']);
    const sample = warnings.find((w) => w.message.includes('some entities failed'));
    expect(sample?.fields).toMatchObject({ failed: 2, of: 5 });
    expect((sample?.fields?.samples as unknown[]).length).toBe(2);
  });

  it('drops an unmatched search identifier (bulk and single) and reports the resolved identifier of a matched one', async () => {
    const { port, stored } = await setup();
    await port.upsertEntities('service', services(1));
    const search = (id: string) => ({ combinator: 'and' as const, rules: [{ property: '$identifier', operator: '=', value: id }] });
    const results = await port.upsertEntities('service', [
      { identifier: search('nope'), properties: { language: 'go' } },
      { identifier: search('svc-0'), properties: { language: 'go' } },
      { identifier: 'plain' },
    ]);
    expect(results[0]).toMatchObject({ status: 'dropped' });
    expect(results[1]).toEqual({ status: 'upserted', identifier: 'svc-0', created: false });
    expect(results[2]).toMatchObject({ status: 'upserted', identifier: 'plain' });
    expect(await port.upsertEntity('service', { identifier: search('nope') })).toEqual({ status: 'dropped' });
    expect(ids(await stored())).toEqual(['plain', 'svc-0']);
  });

  it('counts any non-2xx single upsert as failed', async () => {
    const { port, stored } = await setup();
    const result = await port.upsertEntity('service', { identifier: 'a', relations: { owner: 'ghost-team' } }, { createMissingRelatedEntities: false });
    expect(result).toMatchObject({ status: 'failed', error: { statusCode: 404, error: 'not_found' } });
    // Port answered and refused this entity: sending it again would not help.
    expect(result).not.toHaveProperty('transient');
    expect(await stored()).toEqual([]);
  });

  it('fails every entity of a batch after exactly one attempt on a non-retryable status (422, 500)', async () => {
    const { port, fault, requests } = await setup();
    await fault({ match: { path: BULK }, action: { type: 'status', status: 422, body: { ok: false, error: 'invalid_request', message: 'nope' } } });
    const results = await port.upsertEntities('service', services(3));
    expect(results).toEqual(Array(3).fill({ status: 'failed', error: { statusCode: 422, error: 'invalid_request', message: 'nope' } }));
    expect(await requests(BULK)).toHaveLength(1);

    await fault({ match: { path: BULK }, action: { type: 'status', status: 500 } });
    const again = await port.upsertEntities('service', services(3));
    expect(again.every((r) => r.status === 'failed' && r.error.statusCode === 500 && r.transient)).toBe(true);
    expect(await requests(BULK)).toHaveLength(2);
  });

  it('fails the batch with a network error once the retries are spent', async () => {
    const { port, fault, requests, stored } = await setup();
    await fault({ match: { path: BULK }, times: -1, action: { type: 'drop' } });
    const results = await port.upsertEntities('service', services(2));
    expect(results.every((r) => r.status === 'failed' && r.error.statusCode === 0 && r.error.error === 'network_error' && r.transient)).toBe(true);
    expect(await requests(BULK)).toHaveLength(11);
    expect(await stored()).toEqual([]);
  });
});

describe.each(TRANSPORTS)('fault scenarios end with exactly the expected entities (%s)', (transport) => {
  it('429 with Retry-After: waits as told, then writes everything once', async () => {
    const { port, fault, waits, requests, stored } = await setup(transport);
    await fault({ match: { method: 'POST', path: BULK }, times: 2, action: { type: 'status', status: 429, headers: { 'Retry-After': '7' } } });
    const results = await port.upsertEntities('service', services(25));
    expect(upserted(results)).toBe(25);
    expect(waits).toEqual([7000, 7000]);
    expect((await requests(BULK)).map((r) => r.status).filter((s) => s === 429)).toHaveLength(2);
    expect(ids(await stored())).toEqual(expectedIds(25));
  });

  it('502s: retried with back-off', async () => {
    const { port, fault, waits, stored } = await setup(transport);
    await fault({ match: { path: BULK }, times: 3, action: { type: 'status', status: 502 } });
    expect(upserted(await port.upsertEntities('service', services(10)))).toBe(10);
    expect(waits).toHaveLength(3);
    expect(ids(await stored())).toEqual(expectedIds(10));
  });

  it('dropped connections before the write: retried, nothing lost', async () => {
    const { port, fault, requests, stored } = await setup(transport);
    await fault({ match: { path: BULK }, times: 2, action: { type: 'drop' } });
    expect(upserted(await port.upsertEntities('service', services(30)))).toBe(30);
    expect((await requests(BULK)).filter((r) => r.fault === 'drop')).toHaveLength(2);
    expect(ids(await stored())).toEqual(expectedIds(30));
  });

  it('dropped connections after the commit: the replay is an idempotent upsert, nothing duplicated', async () => {
    const { port, fault, requests, stored } = await setup(transport);
    await fault({ match: { path: BULK }, times: 1, action: { type: 'dropAfterCommit' } });
    const results = await port.upsertEntities('service', services(20));
    expect(upserted(results)).toBe(20);
    expect(await requests(BULK)).toHaveLength(2);
    const rows = await stored();
    expect(rows).toHaveLength(20);
    expect(ids(rows)).toEqual(expectedIds(20));
  });

  it('413 on a bulk call: that batch goes one entity at a time through the single route', async () => {
    const { port, fault, requests, stored } = await setup(transport);
    await fault({ match: { method: 'POST', path: BULK }, times: 1, action: { type: 'status', status: 413 } });
    const results = await port.upsertEntities('service', services(7));
    expect(results.map((r) => r.status)).toEqual(Array(7).fill('upserted'));
    const singles = await requests('/v1/blueprints/service/entities');
    expect(singles.map((r) => r.body.identifier)).toEqual(expectedIds(7).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))));
    expect(singles.every((r) => r.query.upsert === 'true' && r.userAgent === DATASOURCE)).toBe(true);
    expect(ids(await stored())).toEqual(expectedIds(7));
  });

  it('a token expired mid-run: one refresh, one replay, every entity written once', async () => {
    const { t, port, requests, stored } = await setup(transport);
    await port.upsertEntities('service', services(5));
    await t.admin('POST', '/tokens/expire', {});
    await port.upsertEntities('service', services(10));
    const log = await requests();
    expect(log.filter((r) => r.path === '/v1/auth/access_token')).toHaveLength(2);
    expect(log.filter((r) => r.status === 401)).toHaveLength(1);
    expect(log.filter((r) => r.path === '/v1/blueprints/service/entities/bulk')).toHaveLength(3);
    expect(ids(await stored())).toEqual(expectedIds(10));
  });
});

describe('deletes', () => {
  it('bulk delete sends at most 100 ids per call with delete_dependents and ocean_info, and returns the deleted ids', async () => {
    const { t, port, requests, stored } = await setup();
    await t.admin('POST', '/seed', { entities: Array.from({ length: 150 }, (_, i) => ({ blueprint: 'service', identifier: `svc-${i}`, datasource: DATASOURCE })) });
    const ids150 = Array.from({ length: 150 }, (_, i) => `svc-${i}`);
    const result = await port.deleteEntities('service', ids150, { deleteDependents: true, event: { type: 'resync', id: 'r9' } });
    expect(result.failed).toEqual([]);
    expect(result.deleted.sort()).toEqual([...ids150].sort());
    const calls = await requests('/v1/blueprints/service/bulk/entities/delete');
    expect(calls.map((c) => c.body.entities.length)).toEqual([100, 50]);
    expect(calls.every((c) => c.query.delete_dependents === 'true' && c.oceanInfo.resync_id === 'r9')).toBe(true);
    expect(await stored()).toEqual([]);
  });

  it('honours a smaller deleteBatchSize, retries a 503 and reports a failed chunk without throwing', async () => {
    const { t, port, fault, requests } = await setup('inProcess', { deleteBatchSize: 2 });
    await t.admin('POST', '/seed', { entities: ['a', 'b', 'c'].map((identifier) => ({ blueprint: 'service', identifier })) });
    await fault({ match: { path: '/v1/blueprints/service/bulk/entities/delete' }, times: 1, action: { type: 'status', status: 503 } });
    await fault({ match: { path: '/v1/blueprints/service/bulk/entities/delete' }, after: 2, times: 1, action: { type: 'status', status: 403, body: { ok: false, error: 'has_dependents', message: 'x' } } });
    const result = await port.deleteEntities('service', ['a', 'b', 'c'], { deleteDependents: false });
    expect(result.deleted).toEqual(['a', 'b']);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0].identifiers).toEqual(['c']);
    expect((await requests('/v1/blueprints/service/bulk/entities/delete')).map((r) => r.query.delete_dependents)).toEqual(['false', 'false', 'false']);
  });

  it('single delete: true when deleted, false when already gone; identifiers are percent-encoded', async () => {
    const { t, port, requests } = await setup();
    await t.admin('POST', '/seed', { entities: [{ blueprint: 'service', identifier: 'org/repo:main+x=1@y' }] });
    expect(await port.getEntity('service', 'org/repo:main+x=1@y')).toMatchObject({ identifier: 'org/repo:main+x=1@y' });
    expect(await port.deleteEntity('service', 'org/repo:main+x=1@y')).toBe(true);
    expect(await port.deleteEntity('service', 'org/repo:main+x=1@y')).toBe(false);
    expect(await port.getEntity('service', 'org/repo:main+x=1@y')).toBeUndefined();
    const [del] = await requests('/v1/blueprints/service/entities/*');
    expect(del.path).toBe('/v1/blueprints/service/entities/org%2Frepo%3Amain%2Bx%3D1%40y');
  });
});
