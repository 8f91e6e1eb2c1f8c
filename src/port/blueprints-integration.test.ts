import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator, type Transport } from '../../emulator/test-helpers.ts';
import { createPortClient, KafkaCredentialsNotFoundError, PortApiError, type PortClientOptions } from './index.ts';

const UA = { type: 'jira', version: '1.2.3', identifier: 'my-jira' };

let current: TestEmulator | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function setup(transport: Transport = 'inProcess', options: Partial<PortClientOptions> = {}) {
  const t = await startEmulator({ transport });
  current = t;
  let now = Date.parse('2026-05-01T10:00:00.000Z');
  const port = createPortClient({
    baseUrl: t.baseUrl,
    ...TEST_CREDENTIALS,
    userAgent: UA,
    fetch: (transport === 'loopback' ? fetch : t.emulator.fetch) as typeof fetch,
    now: () => now,
    sleep: async () => {},
    ...options,
  });
  const requests = async (path: string, method?: string) =>
    (await t.admin('GET', `/requests?path=${encodeURIComponent(path)}${method ? `&method=${method}` : ''}`)).body.requests as Array<{
      method: string;
      path: string;
      status: number;
      query: Record<string, string>;
      body: any;
      userAgent: string;
    }>;
  const advance = (ms: number) => {
    now += ms;
  };
  return { t, port, requests, advance };
}

describe('blueprints', () => {
  it('create, get (cached 120 s, cache cleared on demand and by writes), patch, delete', async () => {
    const { port, requests, advance } = await setup('loopback');
    expect(await port.getBlueprint('service')).toBeUndefined();
    await port.createBlueprint({ identifier: 'team', title: 'Team', schema: { properties: {} } }, { createCatalogPage: false });
    const created = await port.createBlueprint({ identifier: 'service', title: 'Service', schema: { properties: { language: { type: 'string' } } } });
    expect(created).toMatchObject({ identifier: 'service', title: 'Service' });
    expect((await requests('/v1/blueprints', 'POST'))[0].query).toEqual({ create_catalog_page: 'false' });

    expect(await port.getBlueprint('service')).toMatchObject({ identifier: 'service' });
    await port.getBlueprint('service');
    advance(119_000);
    await port.getBlueprint('service');
    expect(await requests('/v1/blueprints/service', 'GET')).toHaveLength(2); // the 404 miss, then one hit cached

    advance(2_000);
    await port.getBlueprint('service');
    port.clearBlueprintCache();
    await port.getBlueprint('service');
    expect(await requests('/v1/blueprints/service', 'GET')).toHaveLength(4);

    const patched = await port.patchBlueprint('service', { relations: { owner: { target: 'team', required: false, many: false } } });
    expect(patched.relations?.owner?.target).toBe('team');
    expect((await port.getBlueprint('service'))?.relations?.owner?.target).toBe('team');
    expect(await requests('/v1/blueprints/service', 'GET')).toHaveLength(5);

    await port.patchBlueprint('service', { relations: {} });
    await port.deleteBlueprint('team', { deleteActions: true });
    expect(await port.getBlueprint('team')).toBeUndefined();
    expect((await requests('/v1/blueprints/team', 'DELETE'))[0].query).toEqual({ delete_actions: 'true' });
  });

  it('create conflicts and patch errors surface as PortApiError, sent once', async () => {
    const { port, requests } = await setup();
    await port.createBlueprint({ identifier: 'service', title: 'Service', schema: { properties: {} } });
    await expect(port.createBlueprint({ identifier: 'service', title: 'Again', schema: { properties: {} } })).rejects.toMatchObject({
      status: 409,
      code: 'identifier_taken',
      route: '/v1/blueprints',
    });
    await expect(port.patchBlueprint('missing', { title: 'x' })).rejects.toMatchObject({ status: 404, route: '/v1/blueprints/{blueprint}' });
    expect(await requests('/v1/blueprints', 'POST')).toHaveLength(2);
  });

  it('deleteAllEntities returns a migration to poll', async () => {
    const { t, port } = await setup();
    await t.admin('POST', '/seed', {
      blueprints: [{ identifier: 'service', title: 'Service', schema: { properties: {} } }],
      entities: [{ blueprint: 'service', identifier: 'a' }, { blueprint: 'service', identifier: 'b' }],
    });
    const migrationId = await port.deleteAllEntities('service');
    expect(await port.getMigration(migrationId)).toMatchObject({ id: migrationId, status: 'COMPLETED', sourceBlueprint: 'service' });
    expect(await port.waitForMigration(migrationId)).toMatchObject({ status: 'COMPLETED' });
    expect((await t.admin('GET', '/entities?blueprint=service')).body.entities).toEqual([]);
    await port.deleteAllEntities('service', { deleteBlueprint: true });
    expect(await port.getBlueprint('service')).toBeUndefined();
  });
});

describe('integration', () => {
  it('get (404 → undefined), create, patch, patch config with and without resync, resync state and request', async () => {
    const { t, port, requests } = await setup('loopback');
    expect(await port.getIntegration('my-jira')).toBeUndefined();
    const created = await port.createIntegration({
      installationId: 'my-jira',
      installationAppType: 'jira',
      version: '1.2.3',
      changelogDestination: {},
      config: { resources: [] },
      createPortResourcesOrigin: 'Default',
    });
    expect(created).toMatchObject({ identifier: 'my-jira', installationAppType: 'jira', config: { resources: [] } });
    expect(await port.getResyncRequest('my-jira')).toBeNull();

    const patched = await port.patchIntegration('my-jira', { version: '1.2.4', arePortResourcesInitialized: true });
    expect(patched).toMatchObject({ version: '1.2.4', arePortResourcesInitialized: true });
    expect(await port.getResyncRequest('my-jira')).toBeNull();

    await port.patchIntegrationConfig('my-jira', { resources: [{ kind: 'issue' }] }, { skipResync: true });
    expect(await port.getResyncRequest('my-jira')).toBeNull();
    const withResync = await port.patchIntegrationConfig('my-jira', { resources: [{ kind: 'project' }] });
    expect(withResync.config).toEqual({ resources: [{ kind: 'project' }] });
    const request = await port.getResyncRequest('my-jira');
    expect(request).toMatchObject({ integrationId: 'my-jira' });
    expect(typeof request?.updatedAt).toBe('string');

    const state = await port.patchResyncState('my-jira', {
      status: 'running',
      lastResyncStart: '2026-05-01T10:00:00.000Z',
      lastResyncEnd: null,
      nextResync: null,
      intervalInMinuets: null,
    });
    expect(state.resyncState).toMatchObject({ status: 'running', lastResyncStart: '2026-05-01T10:00:00.000Z' });
    expect(state.resyncState?.updatedAt).toBe(state.updatedAt);
    expect((await port.getIntegration('my-jira'))?.resyncState?.status).toBe('running');

    const configCalls = await requests('/v1/integration/my-jira/config');
    expect(configCalls).toHaveLength(2);
    await expect(port.createIntegration({ installationId: 'my-jira', installationAppType: 'jira', version: '1' })).rejects.toMatchObject({
      status: 409,
    });
    await expect(port.patchResyncState('nope', { status: 'failed' })).rejects.toBeInstanceOf(PortApiError);
    expect((await t.admin('GET', '/changelog')).status).toBe(200);
  });

  it('posts kind examples with the kind percent-encoded', async () => {
    const { t, port, requests } = await setup('loopback');
    await t.admin('POST', '/seed', { integrations: [{ identifier: 'my-jira', installationAppType: 'jira' }] });
    await port.postKindExamples('my-jira', '/api/v1/users', [{ id: 1, token: '[REDACTED]' }]);
    await port.postKindExamples('my-jira', 'issue', [{ key: 'A-1' }]);
    const examples = (await t.admin('GET', '/integrations/my-jira/examples')).body.examples;
    expect(examples).toEqual({ '/api/v1/users': [{ id: 1, token: '[REDACTED]' }], issue: [{ key: 'A-1' }] });
    const [call] = await requests('/v1/integration/my-jira/kinds/*/examples');
    expect(call.path).toBe('/v1/integration/my-jira/kinds/%2Fapi%2Fv1%2Fusers/examples');
  });
});

describe('organization and Kafka credentials', () => {
  it('reads the organization; feature flags are cached for 300 s', async () => {
    const { t, port, requests, advance } = await setup();
    expect(await port.getOrganization()).toMatchObject({ id: 'org_emulator', featureFlags: [] });
    await t.admin('PUT', '/organization', { featureFlags: ['OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED'] });
    expect(await port.getFeatureFlags()).toEqual([]);
    advance(299_000);
    expect(await port.getFeatureFlags()).toEqual([]);
    advance(2_000);
    expect(await port.getFeatureFlags()).toEqual(['OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED']);
    expect(await requests('/v1/organization')).toHaveLength(2);
  });

  it('Kafka credentials, or a clear "Kafka credentials not found"', async () => {
    const { t, port } = await setup();
    const missing = await port.kafkaCredentials().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(KafkaCredentialsNotFoundError);
    expect((missing as Error).message).toContain('Kafka credentials not found');
    await t.admin('PUT', '/kafka-credentials', { username: 'u', password: 'p' });
    expect(await port.kafkaCredentials()).toEqual({ username: 'u', password: 'p' });
    await t.admin('POST', '/faults', { match: { path: '/v1/kafka-credentials' }, action: { type: 'status', status: 200, body: { ok: true } } });
    await expect(port.kafkaCredentials()).rejects.toBeInstanceOf(KafkaCredentialsNotFoundError);
  });
});
