import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type CallResult, type TestEmulator } from './test-helpers.ts';

/** Contract: docs/port-api.md §13.1 (reset, seed, entities, snapshot, organization, credentials) and §13.5 (ingest sinks). */

const SERVICE = {
  identifier: 'service',
  title: 'Service',
  schema: { properties: { language: { type: 'string', enum: ['go', 'ts'] }, replicas: { type: 'number' } }, required: [] },
};
const TEAM = { identifier: 'team', title: 'Team', schema: { properties: {}, required: [] } };

function expectEnvelope(r: CallResult, status: number, error: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toEqual({ ok: false, error, message: expect.any(String) });
}

let t: TestEmulator;

beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

const entities = async (query = ''): Promise<any[]> => {
  const r = await t.admin('GET', `/entities${query}`);
  expect(r.status).toBe(200);
  return r.body.entities;
};
const requestToken = (body: unknown = TEST_CREDENTIALS) => t.call('POST', '/v1/auth/access_token', body, { token: false });

describe('POST /_emulator/reset', () => {
  it('restores the default org, start-up credentials and limits, and clears faults, log, data and clock', async () => {
    const token = await t.token();
    await t.admin('PUT', '/organization', { id: 'org_x', name: 'X', featureFlags: ['F'] });
    await t.admin('POST', '/credentials', { clientId: 'added', clientSecret: 'added-secret' });
    await t.admin('POST', '/credentials', { ...TEST_CREDENTIALS, clientSecret: 'changed' });
    await t.admin('PUT', '/rate-limits', { buckets: { other: { limit: 5 } } });
    await t.admin('PUT', '/tokens/config', { lifetimeSeconds: 60 });
    await t.admin('PUT', '/kafka-credentials', { username: 'u', password: 'p' });
    await t.admin('POST', '/faults', { match: { path: '/v1/blueprints' }, times: -1, action: { type: 'status', status: 500 } });
    await t.admin('POST', '/seed', { blueprints: [SERVICE], entities: [{ blueprint: 'service', identifier: 'a' }] });
    await t.call('POST', '/v1/integration', { installationId: 'i', installationAppType: 'x', version: '1' }, { token });
    await t.admin('POST', '/clock', { advanceSeconds: 86400 });

    const r = await t.admin('POST', '/reset');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, seeded: null });

    // Tokens are gone with the data; the start-up pair works again with its original secret.
    expect((await t.call('GET', '/v1/organization', undefined, { token })).status).toBe(401);
    const fresh = await requestToken();
    expect(fresh.status).toBe(200);
    expect(fresh.body.expiresIn).toBe(10800);
    expect((await requestToken({ clientId: 'added', clientSecret: 'added-secret' })).status).toBe(401);
    const auth = { token: fresh.body.accessToken as string };

    const org = (await t.call('GET', '/v1/organization', undefined, auth)).body.organization;
    expect(org).toMatchObject({ id: 'org_emulator', name: 'Emulator', featureFlags: [] });
    // The clock offset is gone: stamps are near real time again, not a day ahead.
    expect(Date.parse(org.createdAt)).toBeLessThan(Date.now() + 3600_000);
    expect((await t.call('GET', '/v1/kafka-credentials', undefined, auth)).status).toBe(404);
    expect((await t.call('GET', '/v1/blueprints', undefined, auth)).body.blueprints).toEqual([]);
    expect((await t.call('GET', '/v1/integration/i', undefined, auth)).status).toBe(404);
    expect(await entities()).toEqual([]);
    expect((await t.admin('GET', '/faults')).body.faults).toEqual([]);
    const limits = (await t.admin('GET', '/rate-limits')).body.buckets.other;
    expect(limits).toMatchObject({ limit: 15000, enforced: false });
    expect((await t.admin('GET', '/changelog')).body.events).toEqual([]);
    const log = (await t.admin('GET', '/requests')).body.requests as Array<{ path: string }>;
    expect(log.every((e) => e.path !== '/v1/integration')).toBe(true);
  });

  it('can seed in the same call', async () => {
    const r = await t.admin('POST', '/reset', { seed: { blueprints: [SERVICE], entities: [{ blueprint: 'service', identifier: 'a' }] } });
    expect(r.status).toBe(200);
    expect(r.body.seeded).toEqual({ blueprints: 1, entities: 1, integrations: 0 });
    expect((await entities()).map((e) => e.identifier)).toEqual(['a']);
  });

  it('validates its body', async () => {
    expectEnvelope(await t.admin('POST', '/reset', { seed: { blueprints: 'x' } }), 422, 'invalid_request');
  });
});

describe('POST /_emulator/seed', () => {
  it('inserts blueprints, integrations and entities as given, without validation', async () => {
    const r = await t.admin('POST', '/seed', {
      blueprints: [SERVICE, { identifier: 'odd', title: 'Odd', schema: { properties: { p: { type: 'weird' } } } }],
      integrations: [{ identifier: 'my-jira', installationAppType: 'jira', config: { resources: [] } }],
      entities: [
        { blueprint: 'service', identifier: 'svc-a', properties: { language: 'cobol' }, datasource: 'port-ocean/jira/1/my-jira/exporter' },
        { blueprint: 'service', identifier: 'svc-b', title: 'B', team: 'platform', updatedAt: '2026-01-01T00:00:00.000Z' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, blueprints: 2, entities: 2, integrations: 1 });

    const bp = await t.call('GET', '/v1/blueprints/odd');
    expect(bp.status).toBe(200);
    expect(bp.body.blueprint.schema.properties.p.type).toBe('weird');

    const integration = (await t.call('GET', '/v1/integration/my-jira')).body.integration;
    expect(integration).toMatchObject({ identifier: 'my-jira', installationAppType: 'jira', config: { resources: [] }, resyncState: null });

    const rows = await entities('?blueprint=service');
    expect(rows).toEqual([
      expect.objectContaining({ identifier: 'svc-a', blueprint: 'service', properties: { language: 'cobol' }, datasource: 'port-ocean/jira/1/my-jira/exporter' }),
      expect.objectContaining({ identifier: 'svc-b', title: 'B', team: ['platform'], datasource: null, updatedAt: '2026-01-01T00:00:00.000Z' }),
    ]);
  });

  it('with validate: true applies the blueprint and entity rules, and a failure writes nothing', async () => {
    const bad = await t.admin('POST', '/seed', {
      validate: true,
      blueprints: [SERVICE],
      entities: [
        { blueprint: 'service', identifier: 'ok', properties: { language: 'go' } },
        { blueprint: 'service', identifier: 'bad', properties: { language: 'cobol' } },
      ],
    });
    expectEnvelope(bad, 422, 'blueprint_schema_mismatch');
    expect(await entities()).toEqual([]);
    expect((await t.call('GET', '/v1/blueprints/service')).status).toBe(404);

    const badBlueprint = await t.admin('POST', '/seed', {
      validate: true,
      blueprints: [{ identifier: 'odd', title: 'Odd', schema: { properties: { p: { type: 'weird' } } } }],
    });
    expect(badBlueprint.status).toBe(422);

    const good = await t.admin('POST', '/seed', {
      validate: true,
      blueprints: [SERVICE],
      entities: [{ blueprint: 'service', identifier: 'ok', properties: { language: 'go' }, datasource: 'ua-x' }],
    });
    expect(good.status).toBe(200);
    expect(await entities()).toEqual([expect.objectContaining({ identifier: 'ok', properties: expect.objectContaining({ language: 'go' }), datasource: 'ua-x' })]);
  });

  it('answers 404 for an entity of an unknown blueprint and 422 for a bad shape', async () => {
    expectEnvelope(await t.admin('POST', '/seed', { entities: [{ blueprint: 'ghost', identifier: 'a' }] }), 404, 'not_found');
    expectEnvelope(await t.admin('POST', '/seed', { entities: [{ identifier: 'a' }] }), 422, 'invalid_request');
    expectEnvelope(await t.admin('POST', '/seed', { integrations: [{ title: 'no id' }] }), 422, 'invalid_request');
  });
});

describe('GET /_emulator/entities', () => {
  beforeEach(async () => {
    await t.admin('POST', '/seed', {
      blueprints: [SERVICE, TEAM],
      entities: [
        { blueprint: 'service', identifier: 's1', datasource: 'ua-1' },
        { blueprint: 'service', identifier: 's2', datasource: 'ua-2' },
        { blueprint: 'team', identifier: 't1', datasource: 'ua-1' },
      ],
    });
  });

  it('returns full rows, with datasource and timestamps', async () => {
    const rows = await entities();
    expect(rows.map((e) => `${e.blueprint}/${e.identifier}`)).toEqual(['service/s1', 'service/s2', 'team/t1']);
    expect(rows[0]).toEqual({
      identifier: 's1',
      blueprint: 'service',
      title: null,
      icon: null,
      team: [],
      properties: {},
      relations: {},
      datasource: 'ua-1',
      createdAt: expect.any(String),
      createdBy: null,
      updatedAt: expect.any(String),
      updatedBy: null,
    });
  });

  it('filters by blueprint, datasource, or both', async () => {
    expect((await entities('?blueprint=service')).map((e) => e.identifier)).toEqual(['s1', 's2']);
    expect((await entities('?datasource=ua-1')).map((e) => e.identifier)).toEqual(['s1', 't1']);
    expect((await entities('?blueprint=team&datasource=ua-1')).map((e) => e.identifier)).toEqual(['t1']);
    expect(await entities('?blueprint=nothing')).toEqual([]);
  });

  it('shows the User-Agent of a Port write as datasource', async () => {
    const ua = 'port-ocean/jira/0.3.1/my-jira/exporter';
    await t.call('POST', '/v1/blueprints/service/entities?upsert=true&merge=true', { identifier: 's1' }, { headers: { 'user-agent': ua } });
    expect((await entities(`?datasource=${encodeURIComponent(ua)}`)).map((e) => e.identifier)).toEqual(['s1']);
  });
});

describe('snapshot', () => {
  it('export → reset → import restores the same state', async () => {
    await t.admin('PUT', '/organization', { name: 'Golden', featureFlags: ['OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED'] });
    await t.admin('PUT', '/kafka-credentials', { username: 'ku', password: 'kp' });
    await t.admin('POST', '/seed', {
      blueprints: [SERVICE, TEAM],
      entities: [{ blueprint: 'team', identifier: 'platform', title: 'Platform', datasource: 'ua-1' }],
    });
    await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'svc/a', properties: { language: 'go' } });
    await t.call('POST', '/v1/integration', { installationId: 'my-jira', installationAppType: 'jira', version: '1', config: { resources: [] } });
    await t.call('PATCH', '/v1/integration/my-jira', {});
    await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'completed' });
    await t.call('POST', '/v1/integration/my-jira/kinds/%2Fapi%2Fusers/examples', { examples: [{ id: 1 }] });
    await t.admin('POST', '/seed', { blueprints: [{ identifier: 'scratch', title: 'Scratch' }] });
    const migrationId = (await t.call('DELETE', '/v1/blueprints/scratch/all-entities')).body.migrationId as string;
    expect(migrationId).toEqual(expect.any(String));

    const exported = await t.admin('GET', '/snapshot');
    expect(exported.status).toBe(200);
    const snapshot = exported.body.snapshot;
    expect(snapshot).toMatchObject({ version: 1, organization: { name: 'Golden' }, kafkaCredentials: { username: 'ku', password: 'kp' } });
    expect(snapshot.entities).toHaveLength(2);
    expect(snapshot.integrations).toHaveLength(1);
    expect(snapshot.resyncRequests).toHaveLength(1);
    expect(snapshot.examples).toEqual([{ integrationId: 'my-jira', kind: '/api/users', examples: [{ id: 1 }] }]);

    await t.admin('POST', '/reset');
    expect((await t.admin('GET', '/snapshot')).body.snapshot.entities).toEqual([]);

    const imported = await t.admin('PUT', '/snapshot', { snapshot });
    expect(imported.status).toBe(200);
    expect((await t.admin('GET', '/snapshot')).body.snapshot).toEqual(snapshot);

    // The state is live again through the Port API (start-up credentials survive the import).
    const token = (await requestToken()).body.accessToken as string;
    const auth = { token };
    expect((await t.call('GET', '/v1/organization', undefined, auth)).body.organization.name).toBe('Golden');
    expect((await t.call('GET', '/v1/blueprints/service/entities/svc%2Fa', undefined, auth)).body.entity.properties.language).toBe('go');
    expect((await t.call('GET', '/v1/integration/my-jira/resync-request', undefined, auth)).body.request).toEqual(snapshot.resyncRequests[0]);
    expect((await t.admin('GET', '/integrations/my-jira/examples')).body.examples).toEqual({ '/api/users': [{ id: 1 }] });
    expect((await t.call('GET', `/v1/migrations/${migrationId}`, undefined, auth)).body.migration).toMatchObject({ id: migrationId });

    // Stamps issued after the import still sort after the imported ones.
    const patched = await t.call('PATCH', '/v1/integration/my-jira', { version: '2' }, auth);
    expect(patched.body.integration.updatedAt > snapshot.integrations[0].updatedAt).toBe(true);
  });

  it('a snapshot that cannot be inserted is 422 and leaves the data as it was', async () => {
    await t.admin('PUT', '/organization', { name: 'Before' });
    await t.admin('POST', '/seed', { blueprints: [SERVICE], entities: [{ blueprint: 'service', identifier: 'keep' }] });
    const snapshot = (await t.admin('GET', '/snapshot')).body.snapshot;
    const broken = { ...snapshot, organization: { ...snapshot.organization, name: 'After' }, entities: [snapshot.entities[0], snapshot.entities[0]] };
    expectEnvelope(await t.admin('PUT', '/snapshot', { snapshot: broken }), 422, 'invalid_request');
    const now = (await t.admin('GET', '/snapshot')).body.snapshot;
    expect(now.organization.name).toBe('Before');
    expect(now.entities.map((e: { identifier: string }) => e.identifier)).toEqual(['keep']);
  });

  it('rejects a snapshot with a wrong version or shape', async () => {
    expectEnvelope(await t.admin('PUT', '/snapshot', { snapshot: { version: 2 } }), 422, 'invalid_request');
    expectEnvelope(await t.admin('PUT', '/snapshot', { snapshot: { version: 1, entities: {} } }), 422, 'invalid_request');
    expectEnvelope(await t.admin('PUT', '/snapshot', {}), 422, 'invalid_request');
  });
});

describe('POST /_emulator/credentials', () => {
  it('adds a pair that can get tokens', async () => {
    expect((await requestToken({ clientId: 'ci', clientSecret: 'ci-secret' })).status).toBe(401);
    const r = await t.admin('POST', '/credentials', { clientId: 'ci', clientSecret: 'ci-secret' });
    expect(r.status).toBe(200);
    const token = await requestToken({ clientId: 'ci', clientSecret: 'ci-secret' });
    expect(token.status).toBe(200);
    expect((await t.call('GET', '/v1/organization', undefined, { token: token.body.accessToken })).status).toBe(200);
  });

  it('replaces the secret of an existing pair', async () => {
    await t.admin('POST', '/credentials', { clientId: TEST_CREDENTIALS.clientId, clientSecret: 'rotated' });
    expect((await requestToken()).status).toBe(401);
    expect((await requestToken({ clientId: TEST_CREDENTIALS.clientId, clientSecret: 'rotated' })).status).toBe(200);
  });

  it('validates the body', async () => {
    expectEnvelope(await t.admin('POST', '/credentials', { clientId: 'x', clientSecret: '' }), 422, 'invalid_request');
    expectEnvelope(await t.admin('POST', '/credentials', { clientId: 'x', clientSecret: 'y', role: 'admin' }), 422, 'invalid_request');
  });
});

describe('ingest sinks', () => {
  it('answer 200 and record the body, under the integration URLs', async () => {
    const created = await t.call('POST', '/v1/integration', { installationId: 'my-jira', installationAppType: 'jira', version: '1' });
    const logsPath = new URL(created.body.integration.logAttributes.ingestUrl).pathname;
    const metricsPath = new URL(created.body.integration.metricAttributes.ingestUrl).pathname;

    const logs = await t.fetch(logsPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ logs: [{ message: 'hi' }] }) });
    expect(logs.status).toBe(200);
    expect(await logs.json()).toEqual({ ok: true });
    const metrics = await t.fetch(`${metricsPath}/sync/abc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
    expect(metrics.status).toBe(200);

    expect(t.emulator.state.ingest).toEqual([
      { at: expect.any(String), path: 'logs/my-jira', body: { logs: [{ message: 'hi' }] } },
      { at: expect.any(String), path: 'metrics/my-jira/sync/abc', body: { n: 1 } },
    ]);
    // Ingest posts are in the request log, marked as ingest; no other emulator control is.
    const log = (await t.admin('GET', '/requests')).body.requests as Array<{ path: string; ingest?: boolean }>;
    expect(log.filter((e) => e.path.startsWith('/_emulator')).map((e) => [e.path, e.ingest])).toEqual([
      [logsPath, true],
      [`${metricsPath}/sync/abc`, true],
    ]);

    await t.admin('POST', '/reset');
    expect(t.emulator.state.ingest).toEqual([]);
  });
});
