import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seg, startEmulator, TEST_CREDENTIALS, type TestEmulator } from './test-helpers.ts';

/** Contract: PORT-API.md §11 (integration routes), §12.3 (change events), §13.5 (triggers, examples, outbox). */

const FLAG = 'OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED';
const CHANGE_LOG = 'org_emulator.change.log';
const RESYNC_TOPIC = 'org_emulator.integration.resync.requests';

interface Outbox {
  seq: number;
  at: string;
  topic: string;
  key: string;
  message: any;
  webhook?: { url: string; status?: number; error?: string };
}

let t: TestEmulator;

beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

const createBody = (id = 'my-jira', extra: Record<string, unknown> = {}) => ({
  installationId: id,
  installationAppType: 'jira',
  version: '0.3.1',
  changelogDestination: {},
  config: { deleteDependentEntities: true, resources: [] },
  ...extra,
});

async function create(id = 'my-jira', extra: Record<string, unknown> = {}): Promise<any> {
  const r = await t.call('POST', '/v1/integration', createBody(id, extra));
  expect(r.status).toBe(201);
  return r.body.integration;
}

const resyncRequest = async (id = 'my-jira') => (await t.call('GET', `/v1/integration/${seg(id)}/resync-request`)).body.request;
const changelog = async (since = 0): Promise<Outbox[]> => (await t.admin('GET', `/changelog?since=${since}`)).body.events;
const lastSeq = async () => (await changelog()).at(-1)?.seq ?? 0;

function expectEnvelope(r: { status: number; body: any }, status: number, error: string): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({ ok: false, error, message: expect.any(String) });
}

describe('integration routes (§11.2)', () => {
  it('GET on a missing integration is 404 not_found', async () => {
    expectEnvelope(await t.call('GET', '/v1/integration/missing'), 404, 'not_found');
  });

  it('POST creates with 201 and the §11.1 shape, then GET returns it', async () => {
    const created = await create();
    expect(created).toMatchObject({
      identifier: 'my-jira',
      installationId: 'my-jira',
      installationAppType: 'jira',
      integrationType: 'jira',
      version: '0.3.1',
      title: null,
      installationType: 'OnPrem',
      config: { deleteDependentEntities: true, resources: [] },
      changelogDestination: {},
      resyncState: null,
      actionsProcessingEnabled: false,
      incrementalSyncEnabled: false,
      processingMode: 'ocean-core',
      arePortResourcesInitialized: false,
      createPortResourcesOrigin: 'Default',
      logAttributes: { ingestId: expect.any(String), ingestUrl: `${t.baseUrl}/_emulator/ingest/logs/my-jira` },
      metricAttributes: { ingestId: expect.any(String), ingestUrl: `${t.baseUrl}/_emulator/ingest/metrics/my-jira` },
      _orgId: 'org_emulator',
      _id: expect.any(String),
      clientId: TEST_CREDENTIALS.clientId,
      createdAt: expect.any(String),
      createdBy: TEST_CREDENTIALS.clientId,
      updatedAt: expect.any(String),
      updatedBy: TEST_CREDENTIALS.clientId,
    });
    const got = await t.call('GET', '/v1/integration/my-jira');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ ok: true, integration: created });
  });

  it('ignores the query params Tide and Ocean add to GET', async () => {
    await create();
    const r = await t.call('GET', '/v1/integration/my-jira?oceanCoreVersion=0.1.0&isPolling=true&byField=installationId');
    expect(r.status).toBe(200);
    expect(r.body.integration.identifier).toBe('my-jira');
  });

  it('GET byField=logIngestId finds the integration by its log ingest id', async () => {
    const created = await create();
    const r = await t.call('GET', `/v1/integration/${seg(created.logAttributes.ingestId)}?byField=logIngestId`);
    expect(r.status).toBe(200);
    expect(r.body.integration.identifier).toBe('my-jira');
    expect((await t.call('GET', '/v1/integration/nope?byField=logIngestId')).status).toBe(404);
  });

  it('POST answers 409 identifier_taken for a duplicate', async () => {
    await create();
    expectEnvelope(await t.call('POST', '/v1/integration', createBody()), 409, 'identifier_taken');
  });

  it('POST answers 422 for missing required fields and bad values', async () => {
    const { version: _v, ...noVersion } = createBody();
    expectEnvelope(await t.call('POST', '/v1/integration', noVersion), 422, 'invalid_request');
    expectEnvelope(await t.call('POST', '/v1/integration', createBody('x', { createPortResourcesOrigin: 'Somewhere' })), 422, 'invalid_request');
    expectEnvelope(await t.call('POST', '/v1/integration', createBody('y', { changelogDestination: { type: 'EMAIL' } })), 422, 'invalid_request');
    expect((await t.call('GET', '/v1/integration/x')).status).toBe(404);
  });

  it('GET /v1/integration/provision-enabled is always an empty list', async () => {
    await create();
    const r = await t.call('GET', '/v1/integration/provision-enabled');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, integrations: [] });
  });

  it('PATCH replaces each given key, config whole, and keeps the rest', async () => {
    const created = await create('my-jira', { config: { resources: [{ kind: 'issue' }], enableMergeEntity: false } });
    const r = await t.call('PATCH', '/v1/integration/my-jira', { version: '0.4.0', config: { resources: [] }, processingMode: 'dsp' });
    expect(r.status).toBe(200);
    expect(r.body.integration).toMatchObject({ version: '0.4.0', config: { resources: [] }, processingMode: 'dsp', installationAppType: 'jira' });
    expect(r.body.integration.config).toEqual({ resources: [] });
    expect(r.body.integration.createdAt).toBe(created.createdAt);
    expect(r.body.integration.updatedAt > created.updatedAt).toBe(true);
    expect((await t.call('GET', '/v1/integration/my-jira')).body.integration).toEqual(r.body.integration);
  });

  it('PATCH of installationAppType moves integrationType with it', async () => {
    await create();
    const r = await t.call('PATCH', '/v1/integration/my-jira', { installationAppType: 'jira-server' });
    expect(r.body.integration).toMatchObject({ installationAppType: 'jira-server', integrationType: 'jira-server' });
  });

  it('PATCH answers 404 for a missing integration and 422 for unknown keys or bad values', async () => {
    expectEnvelope(await t.call('PATCH', '/v1/integration/missing', { version: '1' }), 404, 'not_found');
    await create();
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira', { colour: 'blue' }), 422, 'invalid_request');
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira', { processingMode: 'batch' }), 422, 'invalid_request');
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira', { config: [] }), 422, 'invalid_request');
  });

  it('PATCH /config replaces config; 404 when missing; 422 without config', async () => {
    await create();
    const r = await t.call('PATCH', '/v1/integration/my-jira/config', { config: { resources: [{ kind: 'project' }] } });
    expect(r.status).toBe(200);
    expect(r.body.integration.config).toEqual({ resources: [{ kind: 'project' }] });
    expectEnvelope(await t.call('PATCH', '/v1/integration/missing/config', { config: {} }), 404, 'not_found');
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira/config', {}), 422, 'invalid_request');
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira/config', { config: {}, extra: true }), 422, 'invalid_request');
  });

  it('DELETE removes the integration; a second DELETE is 404', async () => {
    await create();
    const r = await t.call('DELETE', '/v1/integration/my-jira');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
    expect((await t.call('GET', '/v1/integration/my-jira')).status).toBe(404);
    expectEnvelope(await t.call('DELETE', '/v1/integration/my-jira'), 404, 'not_found');
  });

  it('a re-created integration starts without the old resync request and examples', async () => {
    await create();
    await t.call('PATCH', '/v1/integration/my-jira', {});
    await t.call('POST', '/v1/integration/my-jira/kinds/issue/examples', { examples: [{ a: 1 }] });
    expect(await resyncRequest()).not.toBeNull();
    await t.call('DELETE', '/v1/integration/my-jira');
    await create();
    expect(await resyncRequest()).toBeNull();
    expect((await t.admin('GET', '/integrations/my-jira/examples')).body.examples).toEqual({});
  });

  it('GET resync-request is 404 for a missing integration and null before any request', async () => {
    expectEnvelope(await t.call('GET', '/v1/integration/missing/resync-request'), 404, 'not_found');
    await create();
    const r = await t.call('GET', '/v1/integration/my-jira/resync-request');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, request: null });
  });
});

describe('which calls create resync requests (§11.2, §11.4)', () => {
  beforeEach(async () => {
    await create();
  });

  it('an empty PATCH creates one', async () => {
    await t.call('PATCH', '/v1/integration/my-jira', {});
    expect(await resyncRequest()).toEqual({
      id: expect.stringMatching(/^rr_/),
      integrationId: 'my-jira',
      reason: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('a PATCH whose config differs creates one; the same config does not', async () => {
    await t.call('PATCH', '/v1/integration/my-jira', { config: { resources: [{ kind: 'issue' }] } });
    const first = await resyncRequest();
    expect(first).not.toBeNull();
    await t.call('PATCH', '/v1/integration/my-jira', { config: { resources: [{ kind: 'issue' }] } });
    expect(await resyncRequest()).toEqual(first);
  });

  it('metadata-only PATCHes create none', async () => {
    for (const body of [
      { version: '0.4.0' },
      { changelogDestination: { type: 'KAFKA' } },
      { actionsProcessingEnabled: true },
      { incrementalSyncEnabled: true },
      { processingMode: 'dsp' },
      { arePortResourcesInitialized: true },
      { title: 'Jira' },
    ]) {
      expect((await t.call('PATCH', '/v1/integration/my-jira', body)).status).toBe(200);
    }
    expect(await resyncRequest()).toBeNull();
  });

  it('PATCH /config creates one unless x-skip-resync: true', async () => {
    await t.call('PATCH', '/v1/integration/my-jira/config', { config: { a: 1 } }, { headers: { 'x-skip-resync': 'true' } });
    expect(await resyncRequest()).toBeNull();
    // Even an unchanged config creates one on the /config route.
    await t.call('PATCH', '/v1/integration/my-jira/config', { config: { a: 1 } });
    expect(await resyncRequest()).not.toBeNull();
  });

  it('returns only the newest request, with strictly increasing updatedAt', async () => {
    const seen: Array<{ id: string; updatedAt: string }> = [];
    for (let i = 0; i < 5; i++) {
      await t.call('PATCH', '/v1/integration/my-jira', {});
      seen.push(await resyncRequest());
    }
    expect(new Set(seen.map((r) => r.id)).size).toBe(5);
    for (let i = 1; i < seen.length; i++) expect(seen[i].updatedAt > seen[i - 1].updatedAt).toBe(true);
  });

  it('POST /_emulator/integrations/{id}/resync-request creates a manual request and returns it', async () => {
    const r = await t.admin('POST', '/integrations/my-jira/resync-request');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, request: expect.objectContaining({ integrationId: 'my-jira', reason: 'manual' }) });
    expect(await resyncRequest()).toEqual(r.body.request);
    expectEnvelope(await t.admin('POST', '/integrations/missing/resync-request'), 404, 'not_found');
  });
});

describe('PATCH /v1/integration/{id}/resync-state (§11.3)', () => {
  beforeEach(async () => {
    await create();
  });

  it('merges fields into resyncState with resyncState.updatedAt == integration.updatedAt', async () => {
    const start = '2026-05-01T10:00:00.000Z';
    const first = await t.call('PATCH', '/v1/integration/my-jira/resync-state', {
      status: 'running',
      lastResyncStart: start,
      lastResyncEnd: null,
      nextResync: null,
      intervalInMinuets: 60,
    });
    expect(first.status).toBe(200);
    const i1 = first.body.integration;
    expect(i1.resyncState).toEqual({
      status: 'running',
      lastResyncStart: start,
      lastResyncEnd: null,
      nextResync: null,
      intervalInMinuets: 60,
      updatedAt: i1.updatedAt,
    });

    const end = '2026-05-01T10:05:00.000Z';
    const second = await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'completed', lastResyncEnd: end });
    const i2 = second.body.integration;
    expect(i2.resyncState).toEqual({
      status: 'completed',
      lastResyncStart: start,
      lastResyncEnd: end,
      nextResync: null,
      intervalInMinuets: 60,
      updatedAt: i2.updatedAt,
    });
    expect(i2.updatedAt > i1.updatedAt).toBe(true);
    expect((await t.call('GET', '/v1/integration/my-jira')).body.integration.resyncState).toEqual(i2.resyncState);
  });

  it('creates no resync request', async () => {
    await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'running' });
    expect(await resyncRequest()).toBeNull();
  });

  it('answers 422 for intervalInMinutes with a message naming the wire spelling', async () => {
    const r = await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'running', intervalInMinutes: 60 });
    expectEnvelope(r, 422, 'invalid_request');
    expect(r.body.message).toContain('intervalInMinuets');
  });

  it('answers 422 for unknown keys and bad values, 404 for a missing integration', async () => {
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'paused' }), 422, 'invalid_request');
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira/resync-state', { other: 1 }), 422, 'invalid_request');
    expectEnvelope(await t.call('PATCH', '/v1/integration/my-jira/resync-state', { lastResyncStart: 'now' }), 422, 'invalid_request');
    expectEnvelope(await t.call('PATCH', '/v1/integration/missing/resync-state', { status: 'running' }), 404, 'not_found');
  });
});

describe('kind examples (§11.5)', () => {
  beforeEach(async () => {
    await create();
  });

  it('keeps the latest batch per kind, a kind with "/" included, readable through /_emulator', async () => {
    const kind = '/api/v1/users';
    const post = (k: string, examples: unknown[]) => t.call('POST', `/v1/integration/my-jira/kinds/${seg(k)}/examples`, { examples });
    const r = await post(kind, [{ id: 1 }, { id: 2 }]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
    await post('issue', [{ key: 'A-1' }]);
    await post(kind, [{ id: 3 }]);

    const got = await t.admin('GET', '/integrations/my-jira/examples');
    expect(got.status).toBe(200);
    expect(got.body.examples).toEqual({ [kind]: [{ id: 3 }], issue: [{ key: 'A-1' }] });
    const log = (await t.admin('GET', '/requests?path=/v1/integration/*/kinds/*/examples')).body.requests;
    expect(log.map((e: { path: string }) => e.path)).toContain('/v1/integration/my-jira/kinds/%2Fapi%2Fv1%2Fusers/examples');
  });

  it('answers 404 for a missing integration and 422 for a bad body', async () => {
    expectEnvelope(await t.call('POST', '/v1/integration/missing/kinds/issue/examples', { examples: [] }), 404, 'not_found');
    expectEnvelope(await t.call('POST', '/v1/integration/my-jira/kinds/issue/examples', { examples: ['x'] }), 422, 'invalid_request');
    expectEnvelope(await t.call('POST', '/v1/integration/my-jira/kinds/issue/examples', {}), 422, 'invalid_request');
  });
});

describe('change events (§12.3)', () => {
  const setFlag = (on: boolean) => t.admin('PUT', '/organization', { featureFlags: on ? [FLAG] : [] });

  describe('flag off: change.log', () => {
    beforeEach(async () => {
      await create('my-jira', { changelogDestination: { type: 'KAFKA' } });
    });

    it('a config change emits A with the resync predicate true', async () => {
      const since = await lastSeq();
      const r = await t.call('PATCH', '/v1/integration/my-jira', { config: { resources: [{ kind: 'x' }] } });
      const events = await changelog(since);
      expect(events).toHaveLength(1);
      const [e] = events;
      expect(e).toMatchObject({ seq: expect.any(Number), at: expect.any(String), topic: CHANGE_LOG, key: 'my-jira' });
      expect(e.message).toEqual({
        action: 'UPDATE',
        resourceType: 'integration',
        trigger: { by: { orgId: 'org_emulator', userId: TEST_CREDENTIALS.clientId }, origin: 'API', at: expect.any(String) },
        context: { integrationId: 'my-jira' },
        diff: { before: expect.objectContaining({ identifier: 'my-jira', config: createBody().config }), after: r.body.integration },
      });
      const after = e.message.diff.after;
      expect(after.changelogDestination.type).toBe('KAFKA');
      expect(after.updatedAt).not.toBe(after.resyncState?.updatedAt);
    });

    it('an empty PATCH emits A with the predicate true', async () => {
      const since = await lastSeq();
      await t.call('PATCH', '/v1/integration/my-jira', {});
      const [e] = await changelog(since);
      expect(e.message.action).toBe('UPDATE');
      expect(e.message.diff.after.updatedAt).not.toBe(e.message.diff.after.resyncState?.updatedAt);
    });

    it('a resync-state PATCH emits A with the predicate false', async () => {
      const since = await lastSeq();
      await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'running' });
      const events = await changelog(since);
      expect(events).toHaveLength(1);
      expect(events[0].topic).toBe(CHANGE_LOG);
      const after = events[0].message.diff.after;
      expect(events[0].message.action).toBe('UPDATE');
      expect(after.updatedAt).toBe(after.resyncState.updatedAt);
    });

    it('a metadata PATCH emits A', async () => {
      const since = await lastSeq();
      await t.call('PATCH', '/v1/integration/my-jira', { version: '9.9.9' });
      const events = await changelog(since);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ topic: CHANGE_LOG, message: { action: 'UPDATE', diff: { after: { version: '9.9.9' } } } });
    });

    it('the admin "click Resync" emits B', async () => {
      const since = await lastSeq();
      await t.admin('POST', '/integrations/my-jira/resync-request');
      const events = await changelog(since);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ topic: CHANGE_LOG, key: 'my-jira' });
      expect(events[0].message).toEqual({
        action: 'RESYNC',
        resourceType: 'integration',
        context: { integrationId: 'my-jira' },
        trigger: { by: { orgId: 'org_emulator' }, origin: 'UI', at: expect.any(String) },
      });
    });

    it('a DELETE emits D', async () => {
      const before = (await t.call('GET', '/v1/integration/my-jira')).body.integration;
      const since = await lastSeq();
      await t.call('DELETE', '/v1/integration/my-jira');
      const events = await changelog(since);
      expect(events).toHaveLength(1);
      expect(events[0].topic).toBe(CHANGE_LOG);
      expect(events[0].message).toMatchObject({
        action: 'DELETE',
        resourceType: 'integration',
        context: { integrationId: 'my-jira' },
        diff: { before, after: null },
      });
    });

    it('since filters the outbox by seq', async () => {
      await t.call('PATCH', '/v1/integration/my-jira', { version: '1' });
      await t.call('PATCH', '/v1/integration/my-jira', { version: '2' });
      const all = await changelog();
      expect(all.length).toBeGreaterThanOrEqual(2);
      const seqs = all.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      const tail = await changelog(seqs.at(-2)!);
      expect(tail).toHaveLength(1);
      expect(tail[0].message.diff.after.version).toBe('2');
    });
  });

  describe('flag on: integration.resync.requests', () => {
    beforeEach(async () => {
      await setFlag(true);
      await create('my-jira', { changelogDestination: { type: 'KAFKA' } });
    });

    it('a config change emits C carrying the new request, and nothing on change.log', async () => {
      const since = await lastSeq();
      await t.call('PATCH', '/v1/integration/my-jira/config', { config: { resources: [] } });
      const events = await changelog(since);
      expect(events).toHaveLength(1);
      const request = await resyncRequest();
      expect(events[0]).toMatchObject({ topic: RESYNC_TOPIC, key: 'my-jira' });
      expect(events[0].message).toMatchObject({
        action: 'RESYNC',
        context: { integrationId: 'my-jira' },
        request: { id: request.id, updatedAt: request.updatedAt },
      });
    });

    it('the admin "click Resync" emits C', async () => {
      const since = await lastSeq();
      const r = await t.admin('POST', '/integrations/my-jira/resync-request');
      const events = await changelog(since);
      expect(events).toHaveLength(1);
      expect(events[0].topic).toBe(RESYNC_TOPIC);
      expect(events[0].message).toMatchObject({ action: 'RESYNC', request: { id: r.body.request.id, updatedAt: r.body.request.updatedAt } });
    });

    it('resync-state, metadata PATCHes and DELETE emit nothing', async () => {
      const since = await lastSeq();
      await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'running' });
      await t.call('PATCH', '/v1/integration/my-jira', { version: '2' });
      await t.call('PATCH', '/v1/integration/my-jira/config', { config: {} }, { headers: { 'x-skip-resync': 'true' } });
      await t.call('DELETE', '/v1/integration/my-jira');
      expect(await changelog(since)).toEqual([]);
    });
  });
});

describe('WEBHOOK changelogDestination (§12.3)', () => {
  let receiver: ServerType;
  let received: Array<{ path: string; body: any; contentType: string | null }>;
  let hookUrl: string;

  beforeEach(async () => {
    received = [];
    const app = new Hono();
    app.post('*', async (c) => {
      received.push({ path: c.req.path, body: await c.req.json(), contentType: c.req.header('content-type') ?? null });
      return c.json({ ok: true });
    });
    hookUrl = await new Promise<string>((resolve) => {
      receiver = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}/resync`));
    });
    await create('my-jira', { changelogDestination: { type: 'WEBHOOK', url: hookUrl } });
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const webhookEntries = async () => (await changelog()).filter((e) => e.topic === 'webhook');

  it('a config change POSTs A once, and the outbox records the delivery', async () => {
    const r = await t.call('PATCH', '/v1/integration/my-jira', { config: { resources: [{ kind: 'x' }] } });
    await vi.waitFor(async () => expect((await webhookEntries())[0]?.webhook?.status).toBe(200));
    expect(received).toHaveLength(1);
    expect(received[0].path).toBe('/resync');
    expect(received[0].contentType).toContain('application/json');
    expect(received[0].body).toMatchObject({ action: 'UPDATE', context: { integrationId: 'my-jira' }, diff: { after: r.body.integration } });
    const [entry] = await webhookEntries();
    expect(entry.webhook).toEqual({ url: hookUrl, status: 200 });
    expect(entry.message).toEqual(received[0].body);
  });

  it('the admin "click Resync" POSTs B', async () => {
    await t.admin('POST', '/integrations/my-jira/resync-request');
    await vi.waitFor(() => expect(received).toHaveLength(1));
    expect(received[0].body).toMatchObject({ action: 'RESYNC', context: { integrationId: 'my-jira' }, trigger: { origin: 'UI' } });
  });

  it('resync-state and metadata PATCHes POST nothing', async () => {
    await t.call('PATCH', '/v1/integration/my-jira/resync-state', { status: 'running' });
    await t.call('PATCH', '/v1/integration/my-jira', { version: '2' });
    // A later resync-causing write proves delivery works and that the earlier writes sent nothing.
    await t.call('PATCH', '/v1/integration/my-jira', {});
    await vi.waitFor(async () => expect((await webhookEntries())[0]?.webhook?.status).toBe(200));
    expect(received).toHaveLength(1);
    expect(received[0].body.diff.before.version).toBe('2');
  });

  it('records a failed delivery without retrying', async () => {
    // Nothing listens on port 1: the POST fails with a connection error.
    await t.call('PATCH', '/v1/integration/my-jira', { changelogDestination: { type: 'WEBHOOK', url: 'http://127.0.0.1:1/resync' } });
    await t.call('PATCH', '/v1/integration/my-jira', {});
    await vi.waitFor(async () => expect((await webhookEntries())[0]?.webhook?.error).toEqual(expect.any(String)));
    const entries = await webhookEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0].webhook?.status).toBeUndefined();
  });
});
