import { beforeEach, describe, expect, it } from 'vitest';
import { seg, TEST_CREDENTIALS } from './test-helpers.ts';
import { create, createBody, expectEnvelope, resyncRequest, t, useEmulator } from './integrations.test-support.ts';

/** Contract: docs/port-api.md §11 (integration routes), §13.5 (triggers, examples). */

useEmulator();

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
