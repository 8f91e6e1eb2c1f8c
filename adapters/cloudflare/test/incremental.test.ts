/**
 * Incremental runs in the resync Durable Object inside workerd, over its real SQLite storage, against the real
 * emulator (docs/behaviour.md §4.12): a run carried by alarms in bounded steps survives a step killed after its
 * writes and before its checkpoint, and writes exactly the changed persons; its cursor stays in the object.
 */
import { describe, expect, inject, it } from 'vitest';
import type { LiveEventMessage, TideEnv } from '../types.ts';
import { CLIENT_ID, CLIENT_SECRET } from './constants.ts';
import { objectDriver } from './do-instance.ts';
import { emulator } from './helpers.ts';
import type { ObjectSeam } from './helpers.ts';

const IDENTIFIER = 'incremental-workers';

const env: TideEnv = {
  OCEAN__PORT__BASE_URL: inject('emulatorUrl'),
  OCEAN__PORT__CLIENT_ID: CLIENT_ID,
  OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
  OCEAN__INTEGRATION__IDENTIFIER: IDENTIFIER,
  OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK',
  OCEAN__EVENT_LISTENER__APP_HOST: 'https://tide-incremental.example.workers.dev',
  OCEAN__SEND_RAW_DATA_EXAMPLES: 'false',
  OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true',
  OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '12',
  OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '2',
  OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '7',
  APPLICATION__LOG_LEVEL: 'ERROR',
  // Two persons a step: the run takes several alarms.
  TIDE_STEP_MAX_ITEMS: '2',
  TIDE_RESYNC: { idFromName: (name: string) => name, get: () => undefined },
  TIDE_LIVE_EVENTS: { send: async (_message: LiveEventMessage) => {} },
};

/** This integration's bulk upserts in the emulator's request log (other suites share the emulator). */
async function bulkWrites(): Promise<string[][]> {
  const requests = await emulator().requests({ method: 'POST', path: '/v1/blueprints/*/entities/bulk' });
  const ours = requests.filter((q) => q.userAgent?.includes(`/${IDENTIFIER}/`));
  return ours.map((q) => q.body.entities.map((e: { identifier: string }) => e.identifier));
}

describe('incremental runs in the resync Durable Object', () => {
  it('a run whose step is killed after its writes resumes from its checkpoint and writes exactly the changed persons', async () => {
    const object = objectDriver(`incremental/${IDENTIFIER}`, () => env);
    const started = await object.run((o) => o.startIncremental('test'));
    expect(started).toEqual({ runId: expect.any(String) });
    const before = (await bulkWrites()).length;

    // Kill the step that processes page 2, once, after its writes and before its checkpoint.
    let killed = 0;
    await object.run(async (o) => {
      (o as ObjectSeam).onPage = ({ pages }) => {
        if (pages === 2 && killed++ === 0) throw new Error('simulated: the invocation ended');
      };
    });
    let alarms = 0;
    for (; object.alarmPending(); alarms++) {
      if (alarms > 100) throw new Error('still stepping after 100 alarms');
      object.clearAlarm();
      await object.run((o) => o.alarm());
    }
    await object.run(async (o) => {
      (o as ObjectSeam).onPage = undefined;
    });
    expect(killed).toBe(2);

    const { incremental } = await object.run((o) => o.status());
    expect(incremental.running).toBeUndefined();
    expect(incremental.lastReport).toMatchObject({ runId: (started as { runId: string }).runId, outcome: 'completed', deletion: { candidates: 0, deleted: 0 } });
    // Counters come from the checkpoint: the page written twice is counted once.
    expect(incremental.lastReport!.resources).toEqual([expect.objectContaining({ kind: 'fake-person', fetched: 7, upserted: 7, advanced: true })]);
    // More alarms than pages: the run went in bounded steps, one of them killed and retried.
    expect(alarms).toBeGreaterThan(4);

    const pages = (await bulkWrites()).slice(before);
    const changed = ['hr-0', 'hr-1', 'hr-2', 'hr-3', 'hr-4', 'hr-5', 'hr-6'];
    expect([...new Set(pages.flat())]).toEqual(changed);
    // The killed page was written again on resume (upserts are idempotent), nothing else twice.
    expect(pages).toEqual([['hr-0', 'hr-1'], ['hr-2', 'hr-3'], ['hr-2', 'hr-3'], ['hr-4', 'hr-5'], ['hr-6']]);

    // The cursor lives in the object: the next run's window starts there, less 60 s.
    const next = await object.run((o) => o.startIncremental('test'));
    for (let i = 0; object.alarmPending() && i < 100; i++) {
      object.clearAlarm();
      await object.run((o) => o.alarm());
    }
    const second = (await object.run((o) => o.status())).incremental.lastReport!;
    expect(second.runId).toBe((next as { runId: string }).runId);
    expect(second.resources[0].since).toBe(new Date(Date.parse(incremental.lastReport!.resources[0].cursor!) - 60_000).toISOString());
  });
});
