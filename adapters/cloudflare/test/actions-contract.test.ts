/**
 * The actions contract (src/testing/actions-contract.ts) inside workerd, against its own real emulator
 * (global-setup.ts). An instance is the fake Worker's actions Durable Object class (`TideActions`) with the
 * check's bindings, over the real SQLite storage of a Durable Object (do-instance.ts). Working is what the cron
 * tick and the runtime do: `scheduled()` of the Worker wakes the object, then its alarm sessions run until none is
 * armed. A shutdown is the object dying mid-run (`state.abort()`); the next tick's session, in a new instance,
 * finds the run its predecessor journalled and reports it interrupted.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { describe, inject, it } from 'vitest';
import type { ActionsHarness, ActionsInstance } from 'port-tide/testing';
import { actionsContract } from 'port-tide/testing';
import worker, { TideActions } from '../fake-worker.ts';
import type { ActionsObjectRpc, TideEnv } from '../types.ts';
import { CLIENT_ID, CLIENT_SECRET } from './constants.ts';
import { objectDriver, resyncRpc } from './do-instance.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function workersHarness(): ActionsHarness {
  const emulatorUrl = inject('actionsEmulatorUrl');
  return {
    name: 'workerd',
    emulatorUrl,
    credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    async start(vars): Promise<ActionsInstance> {
      const bindings: Record<string, string> = { OCEAN__PORT__BASE_URL: emulatorUrl, OCEAN__PORT__CLIENT_ID: CLIENT_ID, OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET, ...vars };
      const object = objectDriver<InstanceType<typeof TideActions>>(`actions-contract/${vars.OCEAN__INTEGRATION__IDENTIFIER}`, () => env, TideActions, 'TIDE_ACTIONS');
      const rpc: ActionsObjectRpc = { wake: () => object.run((o) => o.wake()), status: () => object.run(async (o) => o.status()) };
      // The cron tick reaches the resync object too: it provisions the integration, and under ACTIONS_ONLY starts no resync.
      const resyncDriver = objectDriver(`actions-contract-resync/${vars.OCEAN__INTEGRATION__IDENTIFIER}`, () => env);
      const resync = resyncRpc(resyncDriver);
      const env: TideEnv = {
        ...bindings,
        TIDE_RESYNC: { idFromName: (name: string) => name, get: () => resync },
        TIDE_ACTIONS: { idFromName: (name: string) => name, get: () => rpc },
        TIDE_LIVE_EVENTS: { send: async () => {} },
      };
      /** One cron tick, as the runtime delivers it, then the alarm sessions it armed, each awaited. */
      const tick = async (): Promise<void> => {
        const ctx = createExecutionContext();
        await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
        await waitOnExecutionContext(ctx);
        if (resyncDriver.alarmPending()) throw new Error('the cron tick started a resync');
        while (object.alarmPending()) {
          object.clearAlarm();
          await object.run((o) => o.alarm());
        }
      };
      const work = async (done: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          if (await done()) return;
          if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms`);
          await tick();
          if (await done()) return;
          await pause(200);
        }
      };
      return {
        work,
        async shutDownDuring(running, timeoutMs) {
          // A session that will not end by itself: the run it executes waits for minutes.
          const ctx = createExecutionContext();
          await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
          await waitOnExecutionContext(ctx);
          object.clearAlarm();
          const session = object.run((o) => o.alarm()).catch(() => {});
          const deadline = Date.now() + timeoutMs;
          while (!(await running())) {
            if (Date.now() > deadline) throw new Error(`the run did not start within ${timeoutMs} ms`);
            await pause(100);
          }
          await object.abort();
          await session;
          // The next tick reaches a new instance, which reports what its predecessor left executing.
          await tick();
        },
        async stop() {},
      };
    },
  };
}

describe('actions contract in workerd (the actions Durable Object, cron ticks and alarm sessions, real emulator)', () => {
  actionsContract(workersHarness, { test: (name, fn) => it(name, fn) });
});
