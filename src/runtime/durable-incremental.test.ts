/**
 * The durable host's incremental decisions (docs/behaviour.md §4.12, Workers) with a clock the test moves:
 * the first tick is the start, a run is due one interval after the last one started, nothing starts while a
 * resync is stored, and a resync ends a stored run. The host runs a real Tide against the emulator; its store
 * is the in-memory form of a Durable Object's (the workerd suite runs the same host over real SQLite).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import fake from '../../integrations/fake/index.ts';
import { createTide } from '../integration/index.ts';
import { silentLogger } from '../logging/logger.ts';
import { createMemoryCheckpointStore } from '../sync/index.ts';
import { configureOrThrow } from './configure.ts';
import { createDurableHost, type DurableStore } from './durable.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const BASE = 'http://emulator.local';
const MINUTE = 60_000;
// The host's clock starts at the real time: the engine it runs reads the real clock (step deadlines, cursors).
const T0 = Date.now();
const folder = loadIntegrationFolder('integrations/fake');

let emulator: PortEmulator;
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
});
afterEach(() => emulator.close());

function host(env: Record<string, string> = {}) {
  const clock = { t: T0 };
  const c = configureOrThrow({
    definition: fake,
    folder,
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: BASE,
      OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK',
      OCEAN__EVENT_LISTENER__APP_HOST: 'https://tide.example',
      OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true',
      OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '2',
      OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '3',
      ...env,
    },
  });
  const tide = createTide({ integration: c.integration, settings: c.settings, spec: c.spec, fetch: emulator.fetch as typeof fetch });
  const kv = new Map<string, string>();
  const alarms: number[] = [];
  const store: DurableStore = {
    get: <T>(key: string) => (kv.has(key) ? (JSON.parse(kv.get(key)!) as T) : undefined),
    set: (key, value) => void kv.set(key, JSON.stringify(value)),
    checkpoints: createMemoryCheckpointStore(),
    setAlarm: async (at) => void alarms.push(at),
  };
  const durable = createDurableHost({
    tide,
    logger: silentLogger,
    store,
    ledger: { applied: () => false, markApplied: () => {}, guard: () => ({ isStale: () => false, record: () => {} }) },
    budget: { maxItems: 2, maxMs: 60_000 },
    now: () => clock.t,
  });
  /** Run the alarms the host asked for until it asks for none. */
  const settle = async () => {
    for (let i = 0; alarms.length > 0; i++) {
      if (i > 100) throw new Error('still stepping after 100 alarms');
      alarms.length = 0;
      await durable.alarm();
    }
  };
  return { durable, clock, settle };
}

describe('incremental runs in the durable host', () => {
  it('the first tick is the start, and a run is due one interval after the last one started', async () => {
    const { durable, clock, settle } = host({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_INTERVAL: '30m' });
    expect((await durable.tick()).incremental).toBeUndefined();
    clock.t = T0 + 30 * MINUTE - 1;
    expect((await durable.tick()).incremental).toBeUndefined();

    clock.t = T0 + 30 * MINUTE;
    const due = await durable.tick();
    expect(due.incremental?.runId).toEqual(expect.any(String));
    await settle();
    const { incremental } = await durable.status();
    expect(incremental.running).toBeUndefined();
    expect(incremental.lastReport).toMatchObject({ runId: due.incremental!.runId, outcome: 'completed' });
    // Three changed persons, two per step.
    expect(incremental.lastReport!.resources).toEqual([expect.objectContaining({ kind: 'fake-person', upserted: 3, advanced: true })]);
    expect(incremental.lastReport!.resources[0].cursor).toBe(incremental.lastReport!.startedAt);

    clock.t = T0 + 59 * MINUTE;
    expect((await durable.tick()).incremental).toBeUndefined();
    clock.t = T0 + 60 * MINUTE;
    expect((await durable.tick()).incremental).toBeDefined();
  });

  it('no run starts while a resync is stored, and a resync that starts ends a stored run at its current resource', async () => {
    const { durable, clock, settle } = host();
    await durable.tick();
    await durable.startResync('test');
    clock.t = T0 + 15 * MINUTE;
    expect((await durable.tick()).incremental).toBeUndefined();
    expect(await durable.startIncremental('test')).toEqual({ skipped: 'a resync or another incremental run is in progress' });
    await settle();

    const started = await durable.startIncremental('test');
    expect(started).toEqual({ runId: expect.any(String) });
    // One step: the first page (two persons), then the budget pauses the run.
    await durable.alarm();
    expect((await durable.status()).incremental.running).toMatchObject({ phase: 'resources', pages: 1 });
    const { resyncId } = await durable.startResync('test');
    const { incremental, running } = await durable.status();
    expect(incremental.running).toBeUndefined();
    expect(incremental.lastReport).toMatchObject({ outcome: 'aborted', abortReason: 'superseded', resources: [expect.objectContaining({ advanced: false, cursor: null })] });
    expect(running?.resyncId).toBe(resyncId);
    await settle();
    expect((await durable.status()).lastReport).toMatchObject({ resyncId, status: 'completed' });
  });

  it('is never scheduled without incrementalSyncEnabled', async () => {
    const { durable, clock } = host({ OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'false' });
    await durable.tick();
    clock.t = T0 + 120 * MINUTE;
    expect((await durable.tick()).incremental).toBeUndefined();
  });
});
