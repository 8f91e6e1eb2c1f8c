import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../../emulator/test-helpers.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { changelogDestination } from './changelog-destination.ts';
import { createCountingTrigger, settle } from './test-support.ts';
import { gateTrigger, gateWake } from './resync-gate.ts';
import { createGatedStarter, createResyncRoute } from './webhook.ts';

const post = (body = '{"action":"RESYNC"}') => new Request('http://tide.local/resync', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('POST /resync (WEBHOOK)', () => {
  it('answers 202 with the resync id at once, while the resync runs', async () => {
    const fake = createCountingTrigger();
    fake.hold();
    const gated = createGatedStarter({ trigger: fake.trigger, minIntervalSeconds: 60 });
    const response = await createResyncRoute({ start: gated.start })(post());
    expect(response.status).toBe(202);
    const body = (await response.json()) as { status: string; resyncId: string };
    expect(body).toEqual({ status: 'started', resyncId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await fake.callNumber(1);
    expect(fake.calls).toEqual(['webhook']);
    fake.release();
  });

  it('answers 503 once shutting down, and 500 without details when starting throws', async () => {
    const gated = createGatedStarter({ trigger: createCountingTrigger().trigger, minIntervalSeconds: 60 });
    gated.stop();
    const stopped = await createResyncRoute({ start: gated.start })(post());
    expect(stopped.status).toBe(503);
    const logger = createMemoryLogger();
    const handle = createResyncRoute({
      start: () => {
        throw new Error('boom at /secret/path');
      },
      logger,
    });
    const response = await handle(post('not even json'));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal server error');
    expect(logger.records).toEqual([expect.objectContaining({ level: 'error', fields: { error: 'boom at /secret/path' } })]);
  });

  it('answers 405 to other methods without resyncing', async () => {
    const fake = createCountingTrigger();
    const gated = createGatedStarter({ trigger: fake.trigger, minIntervalSeconds: 60 });
    const response = await createResyncRoute({ start: gated.start })(new Request('http://tide.local/resync'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(fake.calls).toEqual([]);
  });
});

describe('the resync gate (resyncTriggerMinInterval)', () => {
  const MIN = 60_000;
  let n = 0;
  const newId = () => `r${++n}`;

  it('starts at once when idle; later triggers join one pending resync that starts after the interval and the running one', () => {
    const first = gateTrigger({}, 0, { minIntervalMs: MIN, running: false }, newId);
    expect(first).toMatchObject({ outcome: 'started' });
    const second = gateTrigger(first.state, 2_000, { minIntervalMs: MIN, running: true }, newId);
    expect(second).toMatchObject({ outcome: 'pending', wakeAt: MIN });
    const third = gateTrigger(second.state, 4_000, { minIntervalMs: MIN, running: true }, newId);
    expect(third.resyncId).toBe(second.resyncId);
    // The running resync ended early: the interval still holds the pending one back.
    const early = gateWake(third.state, 10_000, { minIntervalMs: MIN, running: false });
    expect([early.start, early.wakeAt]).toEqual([undefined, MIN]);
    // The interval passed while a resync still runs: it waits for it.
    expect(gateWake(third.state, MIN + 1, { minIntervalMs: MIN, running: true }).start).toBeUndefined();
    const woke = gateWake(third.state, MIN + 5, { minIntervalMs: MIN, running: false });
    expect(woke.start).toBe(second.resyncId);
    expect(woke.state).toEqual({ lastStartAt: MIN + 5, lastStartedId: second.resyncId });
  });

  it('an idle gate past the interval starts at once; before it, the trigger waits', () => {
    const state = { lastStartAt: 0, lastStartedId: 'r0' };
    expect(gateTrigger(state, MIN, { minIntervalMs: MIN, running: false }, newId).outcome).toBe('started');
    expect(gateTrigger(state, MIN - 1, { minIntervalMs: MIN, running: false }, newId)).toMatchObject({ outcome: 'pending', wakeAt: MIN });
  });

  it('in process: ten triggers while one resync runs start exactly one more resync, after it', async () => {
    const fake = createCountingTrigger();
    fake.hold();
    const gated = createGatedStarter({ trigger: fake.trigger, minIntervalSeconds: 0 });
    const answers = Array.from({ length: 10 }, () => gated.start()!);
    expect(answers[0].outcome).toBe('started');
    expect(new Set(answers.slice(1).map((a) => a.resyncId)).size).toBe(1);
    await fake.callNumber(1);
    fake.release();
    await fake.callNumber(2);
    await settle();
    expect(fake.calls).toEqual(['webhook', 'webhook']);
    expect(fake.maxConcurrent).toBe(1);
  });
});

describe('WEBHOOK end to end with the emulator', () => {
  let t: TestEmulator | undefined;
  let server: ServerType | undefined;

  afterEach(async () => {
    // The emulator's fetch keeps its connection alive; drop it so close() does not wait for the idle timeout.
    (server as Server | undefined)?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    server = undefined;
    t = undefined;
  });

  it('a "Resync" click makes Port POST to {appHost}/resync, which resyncs', async () => {
    const fake = createCountingTrigger();
    const handle = createResyncRoute({ start: createGatedStarter({ trigger: fake.trigger, minIntervalSeconds: 60 }).start });
    const appHost = await new Promise<string>((resolve) => {
      server = serve(
        {
          hostname: '127.0.0.1',
          port: 0,
          fetch: (request) => (new URL(request.url).pathname === '/resync' ? handle(request) : new Response('not found', { status: 404 })),
        },
        (info) => resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    t = await startEmulator();
    const destination = changelogDestination('WEBHOOK', { appHost });
    expect(destination).toEqual({ type: 'WEBHOOK', url: `${appHost}/resync` });
    await t.admin('POST', '/seed', { integrations: [{ identifier: 'hook-int', installationAppType: 'test', changelogDestination: destination }] });

    await t.admin('POST', '/integrations/hook-int/resync-request');
    await fake.callNumber(1);
    expect(fake.calls).toEqual(['webhook']);
  });
});
