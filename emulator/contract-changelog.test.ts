import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TEST_CREDENTIALS } from './test-helpers.ts';
import { CHANGE_LOG, changelog, create, createBody, FLAG, lastSeq, resyncRequest, RESYNC_TOPIC, t, useEmulator } from './integrations.test-support.ts';

/** Contract: docs/port-api.md §12.3 (change events to Kafka and webhooks), §13.5 (the outbox). */

useEmulator();

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
