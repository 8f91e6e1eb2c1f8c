/**
 * The runtime contract (src/testing/runtime-contract.ts) inside workerd, against its own real emulator
 * (global-setup.ts). An instance is the Worker of fake-worker.ts with per-check bindings: its `fetch`
 * and `queue` handlers are called with an env whose `OCEAN__…` values are the check's, whose queue
 * collects live events (delivered to `queue()` right after the request that sent them), and whose
 * TIDE_RESYNC namespace reaches the real resync Durable Object class (`TideResync`) over the real
 * SQLite storage of a Durable Object, one per identifier (see do-instance.ts). `resync()` is
 * `startResync()` then the object's alarm steps, run in turn until no alarm is set; `incremental()` is
 * `startIncremental()` and its steps alike.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { describe, inject, it } from 'vitest';
import { FAKE_DEPARTMENTS, fakePerson } from '../../../integrations/fake/index.ts';
import type { RuntimeHarness, RuntimeInstance, RuntimeResyncReport } from 'port-tide/testing';
import { runtimeContract } from 'port-tide/testing';
import worker from '../fake-worker.ts';
import type { LiveEventMessage, TideEnv } from '../types.ts';
import { CLIENT_ID, CLIENT_SECRET } from './constants.ts';
import { objectDriver, resyncRpc } from './do-instance.ts';

/** A bound on alarm steps per resync (a resync of 65 entities takes one or two). */
const MAX_STEPS = 200;

function workersHarness(): RuntimeHarness {
  const emulatorUrl = inject('contractEmulatorUrl');
  return {
    name: 'workerd',
    emulatorUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    async configure(vars): Promise<RuntimeInstance> {
      const queued: LiveEventMessage[] = [];
      const bindings: Record<string, string> = {
        OCEAN__PORT__BASE_URL: emulatorUrl,
        OCEAN__PORT__CLIENT_ID: CLIENT_ID,
        OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
        TIDE_STEP_MAX_ITEMS: '2000',
        TIDE_STEP_MAX_MS: '20000',
        ...vars,
      };
      // Same storage for every instance of one identifier, as one deployment's object.
      const object = objectDriver(`runtime-contract/${vars.OCEAN__INTEGRATION__IDENTIFIER}`, () => env);
      const rpc = resyncRpc(object);
      // The runtime's alarms: every one that is due, run in turn (a resync's steps), up to a bound.
      const runDueAlarms = async (what: string) => {
        for (let steps = 0; object.alarmDue(); steps += 1) {
          if (steps >= MAX_STEPS) throw new Error(`${what}: still running after ${MAX_STEPS} steps`);
          object.clearAlarm();
          await object.run((o) => o.alarm());
        }
      };
      const env: TideEnv = {
        ...bindings,
        TIDE_RESYNC: { idFromName: (name: string) => name, get: () => rpc },
        TIDE_LIVE_EVENTS: { send: async (message) => void queued.push(message) },
      };
      const call = async (request: Request): Promise<Response> => {
        const ctx = createExecutionContext();
        const response = await worker.fetch(request, env, ctx);
        await waitOnExecutionContext(ctx);
        return response;
      };
      // The Worker reads its settings on the first request: with invalid bindings it is not ready, and says why.
      const probe = await call(new Request('https://tide.test/health/ready'));
      if (probe.status !== 200) throw new Error(((await probe.json()) as { message?: string }).message ?? `not ready: ${probe.status}`);
      await probe.body?.cancel();

      /** The object's alarms, run in turn until none is set. */
      const stepAll = async (what: string) => {
        for (let steps = 0; object.alarmPending(); steps += 1) {
          if (steps >= MAX_STEPS) throw new Error(`${what}: still running after ${MAX_STEPS} steps`);
          object.clearAlarm();
          await object.run((o) => o.alarm());
        }
      };

      return {
        async resync() {
          const { resyncId } = await rpc.startResync('runtime-contract');
          await runDueAlarms(`resync ${resyncId}`);
          const status = await rpc.status();
          const report = status.lastReport as (RuntimeResyncReport & { resyncId?: string }) | undefined;
          if (status.running || report?.resyncId !== resyncId || !report.status) throw new Error(`resync ${resyncId} did not finish: ${JSON.stringify(status)}`);
          return report;
        },
        async incremental() {
          const started = await rpc.startIncremental('runtime-contract');
          if (!('runId' in started)) throw new Error(`no incremental run started: ${started.skipped}`);
          await stepAll(`incremental run ${started.runId}`);
          const { incremental } = await rpc.status();
          if (incremental.running || incremental.lastReport?.runId !== started.runId) throw new Error(`incremental run ${started.runId} did not finish: ${JSON.stringify(incremental)}`);
          return incremental.lastReport;
        },
        async fetch(request) {
          const response = await call(request);
          // What the request started (POST /resync) goes on in the object's alarms.
          await runDueAlarms(`${request.method} ${new URL(request.url).pathname}`);
          // The queue consumer: what fetch enqueued, applied through the Worker's queue() handler.
          while (queued.length) {
            const bodies = queued.splice(0);
            const batch = createMessageBatch('tide-fake-live-events', bodies.map((body, i) => ({ id: `${body.traceId}-${i}`, timestamp: new Date(), attempts: 1, body })));
            const ctx = createExecutionContext();
            await worker.queue(batch as never, env, ctx);
            const result = await getQueueResult(batch, ctx);
            if (result.retryMessages.length) throw new Error(`queue(): ${result.retryMessages.length} live event(s) retried`);
          }
          return response;
        },
        async stop() {},
      };
    },
  };
}

describe('runtime contract in workerd (Worker handlers, resync Durable Object, real emulator)', () => {
  runtimeContract(workersHarness, {
    test: (name, fn) => it(name, fn),
    fake: { departments: FAKE_DEPARTMENTS.map((d) => d.id), person: (d, i) => fakePerson(FAKE_DEPARTMENTS[d], i) },
  });
});
