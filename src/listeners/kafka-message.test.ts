import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test-helpers.ts';
import { createPortClient, type PortClient } from '../port/index.ts';
import { kafkaGroupId, kafkaTopic, RESYNC_REQUESTS_TOPIC_FLAG, shouldResyncOnKafkaMessage } from './kafka-message.ts';

/**
 * Every row of docs/port-api.md §12.3, with messages taken from the emulator's outbox after driving the same
 * writes Port would see, then fed to the predicate as the Kafka consumer would receive them (bytes).
 */
const ID = 'kafka-int';
const OTHER = 'other-int';

let t: TestEmulator;
let port: PortClient;
let orgId: string;
let seq = 0;

interface OutboxEntry {
  seq: number;
  topic: string;
  key: string;
  message: unknown;
}

beforeEach(async () => {
  t = await startEmulator();
  const seeded = await t.admin('POST', '/seed', {
    integrations: [
      { identifier: ID, installationAppType: 'test', changelogDestination: { type: 'KAFKA' } },
      { identifier: OTHER, installationAppType: 'test', changelogDestination: { type: 'KAFKA' } },
    ],
  });
  expect(seeded.status).toBe(200);
  port = createPortClient({
    baseUrl: t.baseUrl,
    ...TEST_CREDENTIALS,
    userAgent: { type: 'test', version: '0.0.1', identifier: ID },
    fetch: t.emulator.fetch as typeof fetch,
  });
  orgId = (await port.getOrganization()).id;
  seq = 0;
  await produced();
});

afterEach(async () => {
  await t.close();
});

/** The Kafka messages (webhook deliveries left out) the writes since the last call produced. */
async function produced(): Promise<OutboxEntry[]> {
  const events = (await t.admin('GET', `/changelog?since=${seq}`)).body.events as OutboxEntry[];
  seq = events.at(-1)?.seq ?? seq;
  return events.filter((e) => e.topic !== 'webhook');
}

/** As the consumer sees it: the value as UTF-8 bytes. */
const verdict = (e: OutboxEntry, identifier = ID) =>
  shouldResyncOnKafkaMessage({ topic: e.topic, value: new TextEncoder().encode(JSON.stringify(e.message)) }, { orgId, identifier });

async function setFlag(on: boolean): Promise<void> {
  const r = await t.admin('PUT', '/organization', { featureFlags: on ? [RESYNC_REQUESTS_TOPIC_FLAG] : [] });
  expect(r.status).toBe(200);
}

describe('shouldResyncOnKafkaMessage: change.log (flag off)', () => {
  it('A from its own resync-state PATCH: no resync (own echo)', async () => {
    await port.patchResyncState(ID, { status: 'running', lastResyncStart: new Date().toISOString(), lastResyncEnd: null, nextResync: null, intervalInMinuets: null });
    const [e, ...rest] = await produced();
    expect(rest).toEqual([]);
    expect(e.topic).toBe(`${orgId}.change.log`);
    expect(e.message).toMatchObject({ action: 'UPDATE', resourceType: 'integration', context: { integrationId: ID } });
    expect(verdict(e)).toEqual({ resync: false, reason: expect.stringContaining('own resync-state') });
  });

  it('A from a config change or an empty PATCH: resync', async () => {
    await port.patchIntegrationConfig(ID, { resources: [] });
    await port.patchIntegration(ID, {});
    const events = await produced();
    expect(events).toHaveLength(2);
    for (const e of events) {
      expect(e.message).toMatchObject({ action: 'UPDATE', diff: { after: { identifier: ID, changelogDestination: { type: 'KAFKA' } } } });
      expect(verdict(e).resync).toBe(true);
    }
  });

  it('A after a resync-state PATCH, then a config change: only the config change resyncs', async () => {
    await port.patchResyncState(ID, { status: 'completed', lastResyncEnd: new Date().toISOString(), nextResync: null, intervalInMinuets: null });
    await port.patchIntegrationConfig(ID, { resources: [{ kind: 'x' }] });
    const events = await produced();
    expect(events.map((e) => verdict(e).resync)).toEqual([false, true]);
  });

  it('A for a destination other than KAFKA: no resync', async () => {
    await port.patchIntegration(ID, { changelogDestination: {} });
    await port.patchIntegrationConfig(ID, { resources: [] });
    const events = await produced();
    expect(events.map((e) => verdict(e))).toEqual([
      { resync: false, reason: expect.stringContaining('not KAFKA') },
      { resync: false, reason: expect.stringContaining('not KAFKA') },
    ]);
  });

  it('A for another integration: no resync', async () => {
    await port.patchIntegrationConfig(OTHER, { resources: [] });
    const [e] = await produced();
    expect(e.message).toMatchObject({ context: { integrationId: OTHER } });
    expect(verdict(e)).toEqual({ resync: false, reason: expect.stringContaining('another integration') });
    expect(verdict(e, OTHER).resync).toBe(true);
  });

  it('B (admin clicks Resync): resync for this integration only', async () => {
    await t.admin('POST', `/integrations/${ID}/resync-request`);
    await t.admin('POST', `/integrations/${OTHER}/resync-request`);
    const [mine, other] = await produced();
    expect(mine.message).toMatchObject({ action: 'RESYNC', resourceType: 'integration', context: { integrationId: ID } });
    expect(verdict(mine)).toEqual({ resync: true, reason: 'RESYNC action for this integration' });
    expect(verdict(other).resync).toBe(false);
  });

  it('D (integration deleted): ignored', async () => {
    const r = await t.call('DELETE', `/v1/integration/${ID}`);
    expect(r.status).toBe(200);
    const [e] = await produced();
    expect(e.message).toMatchObject({ action: 'DELETE', context: { integrationId: ID }, diff: { after: null } });
    expect(verdict(e)).toEqual({ resync: false, reason: expect.stringContaining('no diff.after') });
  });
});

describe('shouldResyncOnKafkaMessage: integration.resync.requests (flag on)', () => {
  beforeEach(() => setFlag(true));

  it('C from a click and from a config change: resync for this integration, not for another', async () => {
    await t.admin('POST', `/integrations/${ID}/resync-request`);
    await port.patchIntegrationConfig(ID, { resources: [] });
    await t.admin('POST', `/integrations/${OTHER}/resync-request`);
    const events = await produced();
    expect(events.map((e) => e.topic)).toEqual(Array(3).fill(`${orgId}.integration.resync.requests`));
    expect(events[0].message).toMatchObject({ action: 'RESYNC', context: { integrationId: ID }, request: { id: expect.any(String) } });
    expect(events.map((e) => verdict(e).resync)).toEqual([true, true, false]);
  });

  it('a resync-state PATCH produces no message at all', async () => {
    await port.patchResyncState(ID, { status: 'running', lastResyncStart: new Date().toISOString(), lastResyncEnd: null, nextResync: null, intervalInMinuets: null });
    expect(await produced()).toEqual([]);
  });
});

describe('kafkaTopic and kafkaGroupId', () => {
  it('the org flag decides the topic, exactly where the emulator produces', async () => {
    await port.patchIntegrationConfig(ID, { resources: [] });
    const [legacy] = await produced();
    expect(kafkaTopic(orgId, (await port.getOrganization()).featureFlags)).toBe(legacy.topic);

    await setFlag(true);
    await port.patchIntegrationConfig(ID, { resources: [{ kind: 'y' }] });
    const [requests] = await produced();
    expect(kafkaTopic(orgId, (await port.getOrganization()).featureFlags)).toBe(requests.topic);
    expect(requests.topic).toBe(`${orgId}.integration.resync.requests`);
  });

  it('a failed flag read means the legacy topic', () => {
    expect(kafkaTopic('org_1', undefined)).toBe('org_1.change.log');
    expect(kafkaTopic('org_1', ['SOMETHING_ELSE'])).toBe('org_1.change.log');
  });

  it('the group is {orgId}.{type}.{identifier}', () => {
    expect(kafkaGroupId({ orgId: 'org_1', type: 'jira', identifier: 'my-jira' })).toBe('org_1.jira.my-jira');
    expect(kafkaGroupId({ orgId: 'org_1', type: 'jira', identifier: 'my-jira', securityEnabled: false })).toBe('org_1.no-security');
  });
});

describe('shouldResyncOnKafkaMessage: what is not an integration message', () => {
  const self = { orgId: 'org_1', identifier: 'my-jira' };

  it('malformed JSON is no resync, as text or bytes', () => {
    for (const value of ['{"action":"RESYNC",', new TextEncoder().encode('not json')]) {
      const v = shouldResyncOnKafkaMessage({ topic: 'org_1.change.log', value }, self);
      expect(v.resync).toBe(false);
      expect(v.reason).toMatch(/^malformed JSON/);
    }
    expect(shouldResyncOnKafkaMessage({ topic: 'org_1.change.log', value: null }, self).resync).toBe(false);
    expect(shouldResyncOnKafkaMessage({ topic: 'org_1.change.log', value: '"RESYNC"' }, self).resync).toBe(false);
  });

  it('entity events are ignored, even for an entity named like the integration', () => {
    const entityEvent = {
      action: 'UPDATE',
      resourceType: 'entity',
      context: { blueprintId: 'service', entityId: 'my-jira' },
      diff: { before: null, after: { identifier: 'my-jira', blueprint: 'service', updatedAt: '2024-05-01T10:00:00.000Z', properties: {} } },
    };
    expect(shouldResyncOnKafkaMessage({ topic: 'org_1.change.log', value: JSON.stringify(entityEvent) }, self).resync).toBe(false);
  });

  it('messages on another org’s topics are ignored', () => {
    const b = JSON.stringify({ action: 'RESYNC', context: { integrationId: 'my-jira' } });
    expect(shouldResyncOnKafkaMessage({ topic: 'org_2.change.log', value: b }, self).resync).toBe(false);
    expect(shouldResyncOnKafkaMessage({ topic: 'org_1.change.log', value: b }, self).resync).toBe(true);
  });

  it('an already-parsed value is accepted', () => {
    const c = { action: 'RESYNC', context: { integrationId: 'my-jira' }, request: { id: 'rr_1', updatedAt: '2024-05-01T10:00:00.000Z' } };
    expect(shouldResyncOnKafkaMessage({ topic: 'org_1.integration.resync.requests', value: c }, self)).toEqual({ resync: true, reason: 'resync request for this integration' });
  });
});
