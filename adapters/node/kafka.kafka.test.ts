/**
 * The KAFKA listener end to end: `sail()` with a kafkajs consumer against a REAL Kafka broker (KRaft,
 * SASL/SCRAM-SHA-512; scripts/kafka/global-setup.ts starts one per run) and the emulator publishing
 * Port-shaped change events to it. Each test has its own org id, so its own topics and consumer group.
 * Waits are bounded polls; "exactly once" is checked after the group has committed every message.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { brokerClient, createTopics, launchBroker, readBrokerInfo, stopBroker } from '../../scripts/kafka/broker.ts';
import type { KafkaTuning } from './kafka.ts';
import { sail } from './sail.ts';
import { harness, resyncStarts, startTestPort, tempCwd, waitFor, type TestPort } from './test-support.ts';
import { FAKE_ORGANISATION_ENTITIES } from '../../integrations/fake/index.ts';

const broker = inject('kafkaBroker');
const RESYNC_FLAG = 'OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED';
// Out of the kafka project (no global setup) `inject` gives undefined: nothing to run against.
const describeKafka = broker ? describe : describe.skip;

let port: TestPort;
let orgId: string;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  port = await startTestPort();
  orgId = `org_k${randomBytes(4).toString('hex')}`;
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  await port.emulator.close();
});

/** Point the emulator at the broker for a fresh org (it creates the org's two topics). */
async function connectEmulator(featureFlags: string[] = []): Promise<void> {
  expect((await port.admin('PUT', '/organization', { id: orgId, featureFlags })).status).toBe(200);
  expect((await port.admin('PUT', '/kafka-credentials', { username: broker!.username, password: broker!.password })).status).toBe(200);
  const r = await port.admin('PUT', '/kafka', {
    brokers: broker!.brokers,
    enabled: true,
    sasl: { mechanism: 'scram-sha-512', username: broker!.username, password: broker!.password },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  await createTopics(broker!, [`${orgId}.change.log`, `${orgId}.integration.resync.requests`]);
}

/** One Tide instance in KAFKA mode; resolves once its consumer listens (start offsets resolved). */
async function startInstance(extraEnv: Record<string, string> = {}, kafka?: KafkaTuning) {
  const cwd = tempCwd();
  const h = harness();
  cleanups.push(() => cwd.remove(), () => h.stopAll());
  const env = port.env({
    OCEAN__EVENT_LISTENER__TYPE: 'KAFKA',
    OCEAN__EVENT_LISTENER__BROKERS: JSON.stringify(broker!.brokers),
    OCEAN__EVENT_LISTENER__SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
    OCEAN__EVENT_LISTENER__AUTHENTICATION_MECHANISM: 'SCRAM-SHA-512',
    ...extraEnv,
  });
  const run = h.track(await sail({ integration: 'fake', cwd: cwd.dir, env, httpPort: 0, handleSignals: false, out: h.out, kafka }));
  expect(run.exitCode, h.lines.join('\n')).toBeUndefined();
  await waitFor('the consumer to listen', async () => h.lines.some((l) => l.includes('KAFKA: listening for messages')), 60_000);
  const count = (text: string) => h.lines.filter((l) => l.includes(text)).length;
  return { run, lines: h.lines, count };
}

/** The consumer group: `{orgId}.{type}.{identifier}`. */
const group = () => `${orgId}.fake.fake-node`;

/** Every outbox entry delivered to Kafka, and the group's committed offset at the end of `topic`. */
async function allConsumed(topic: string): Promise<void> {
  await waitFor('the emulator to deliver every event to Kafka', async () => {
    const events = (await port.admin('GET', '/changelog')).body.events as Array<{ topic: string; kafka?: { status: string; error?: string } }>;
    const failed = events.find((e) => e.kafka?.status === 'failed');
    if (failed) throw new Error(`an event failed to reach Kafka: ${failed.kafka?.error}`);
    return events.every((e) => e.topic === 'webhook' || e.kafka?.status === 'delivered');
  });
  const admin = brokerClient(broker!).admin();
  await admin.connect();
  try {
    await waitFor(`group ${group()} to commit the end of ${topic}`, async () => {
      const [end] = await admin.fetchTopicOffsets(topic);
      const [committed] = (await admin.fetchOffsets({ groupId: group(), topics: [topic] }))[0]?.partitions ?? [];
      return end !== undefined && (end.high === '0' || committed?.offset === end.high);
    }, 60_000);
  } finally {
    await admin.disconnect();
  }
}

const resyncStatus = async () => (await port.integration('fake-node'))?.resyncState?.status as string | undefined;

/** Change the integration's config through Port's API: Port announces it on Kafka. */
async function changeConfig(): Promise<void> {
  const current = (await port.integration('fake-node')).config;
  const r = await port.api('PATCH', '/v1/integration/fake-node/config', { config: { ...current, touchedAt: randomBytes(4).toString('hex') } });
  expect(r.status).toBe(200);
}

async function produceRaw(topic: string, value: string): Promise<void> {
  const producer = brokerClient(broker!).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages: [{ key: 'fake-node', value }] });
  } finally {
    await producer.disconnect();
  }
}

describeKafka('KAFKA listener against a real broker', () => {
  it('a config change triggers exactly one resync, and its own resync-state echoes do not', async () => {
    await connectEmulator();
    await startInstance();
    const before = await resyncStarts(port);
    await changeConfig();
    await waitFor('the resync to complete', async () => (await resyncStarts(port)) > before && (await resyncStatus()) === 'completed', 60_000);
    // The running/completed PATCHes were published to change.log too; once the group has consumed
    // them all, still only one resync ran.
    await allConsumed(`${orgId}.change.log`);
    expect((await resyncStarts(port)) - before).toBe(1);
    expect((await port.entities()).length).toBe(15 + FAKE_ORGANISATION_ENTITIES);
  });

  it('ignores a resync request for another integration (resync-requests topic, flag on)', async () => {
    await connectEmulator([RESYNC_FLAG]);
    const other = await port.api('POST', '/v1/integration', { installationId: 'someone-else', installationAppType: 'fake', version: '1.0.0', changelogDestination: { type: 'KAFKA' } });
    expect(other.status).toBe(201);
    const instance = await startInstance();
    const before = await resyncStarts(port);

    expect((await port.admin('POST', '/integrations/someone-else/resync-request')).status).toBe(200);
    // Then one for this integration: the consumer reads in order, so when it has resynced once and
    // committed both, the first was looked at and ignored.
    expect((await port.admin('POST', '/integrations/fake-node/resync-request')).status).toBe(200);
    await waitFor('the resync to complete', async () => (await resyncStarts(port)) > before && (await resyncStatus()) === 'completed', 60_000);
    await allConsumed(`${orgId}.integration.resync.requests`);
    expect((await resyncStarts(port)) - before).toBe(1);
    expect(instance.count('KAFKA: resync triggered')).toBe(1);
  });

  it('logs and skips malformed JSON, then goes on consuming', async () => {
    await connectEmulator();
    const instance = await startInstance();
    const before = await resyncStarts(port);
    await produceRaw(`${orgId}.change.log`, '{"action": "RESYNC", "context": ');
    await waitFor('the malformed message to be logged', async () => instance.count('skipping a message that is not a JSON object') === 1);
    expect(await resyncStarts(port)).toBe(before);

    await changeConfig();
    await waitFor('the next message to trigger a resync', async () => (await resyncStarts(port)) > before && (await resyncStatus()) === 'completed', 60_000);
    await allConsumed(`${orgId}.change.log`);
    expect((await resyncStarts(port)) - before).toBe(1);
  });

  it('a second instance with the same group finds no partition, reports it and stops; the first keeps consuming', async () => {
    await connectEmulator();
    const first = await startInstance();
    const second = await startInstanceNoWait();
    await waitFor('the second instance to report', async () => second.count('another instance of fake/fake-node holds the partition; stopping') === 1, 60_000);
    // Stopped: its HTTP server is closed.
    await waitFor('the second instance to stop', async () => !(await reachable(second.url)), 30_000);
    expect(first.count('holds the partition')).toBe(0);

    await waitFor('the first instance to listen again after the rebalance', async () => first.count('KAFKA: listening for messages') >= 2, 60_000);
    const before = await resyncStarts(port);
    await changeConfig();
    await waitFor('the first instance to resync', async () => (await resyncStarts(port)) > before && (await resyncStatus()) === 'completed', 60_000);
    await allConsumed(`${orgId}.change.log`);
    expect((await resyncStarts(port)) - before).toBe(1);
    expect(first.count('KAFKA: resync triggered')).toBe(1);
  });

  it('a resync longer than the session timeout keeps the assignment', async () => {
    await connectEmulator();
    // 10 persons in pages of 1, 1 s apart: the resync lasts about 10 s; the session times out after 6 s
    // without heartbeats.
    const instance = await startInstance(
      { OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '1000', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '1' },
      { sessionTimeout: 6000, heartbeatInterval: 1000 },
    );
    const before = await resyncStarts(port);
    await changeConfig();
    await waitFor('the long resync to start', async () => (await resyncStarts(port)) > before, 30_000);
    await waitFor('the long resync to complete', async () => (await resyncStatus()) === 'completed', 90_000);
    // No rebalance happened: one join, no "another instance", and the same consumer handles the next message.
    expect(instance.count('KAFKA: joined the consumer group')).toBe(1);
    expect(instance.count('holds the partition')).toBe(0);
    await changeConfig();
    await waitFor('the next message to start a second resync', async () => (await resyncStarts(port)) - before === 2, 30_000);
    expect(instance.count('KAFKA: joined the consumer group')).toBe(1);
  });

  it('survives a broker restart', async () => {
    await connectEmulator();
    // Default kafkajs retries: the production configuration has to ride it out.
    const instance = await startInstance();
    await stopBroker(broker!.dir);
    await launchBroker(readBrokerInfo(broker!.dir));
    const before = await resyncStarts(port);
    await changeConfig();
    await waitFor('a resync after the restart', async () => (await resyncStarts(port)) > before && (await resyncStatus()) === 'completed', 90_000);
    await allConsumed(`${orgId}.change.log`);
    expect((await resyncStarts(port)) - before).toBe(1);
    expect(instance.count('KAFKA: resync triggered')).toBe(1);
  });
});

/** Like `startInstance`, without waiting for a partition: the second instance never gets one. */
async function startInstanceNoWait() {
  const cwd = tempCwd();
  const h = harness();
  cleanups.push(() => cwd.remove(), () => h.stopAll());
  const env = port.env({
    OCEAN__EVENT_LISTENER__TYPE: 'KAFKA',
    OCEAN__EVENT_LISTENER__BROKERS: broker!.brokers.join(','),
    OCEAN__EVENT_LISTENER__SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
  });
  const run = h.track(await sail({ integration: 'fake', cwd: cwd.dir, env, httpPort: 0, handleSignals: false, out: h.out }));
  expect(run.exitCode, h.lines.join('\n')).toBeUndefined();
  return { url: run.url!, count: (text: string) => h.lines.filter((l) => l.includes(text)).length };
}

async function reachable(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/health/live`);
    await r.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
