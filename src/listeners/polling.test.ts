import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator } from '../../emulator/test-helpers.ts';
import { createPortClient } from '../port/index.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { parseIsoInstant } from './iso-instant.ts';
import { createPollingListener, INITIAL_POLLING_STATE, pollingStep, type PollingListener } from './polling.ts';
import { createCountingTrigger, createSteppedSleep, settle } from './test-support.ts';

const ID = 'poll-int';
const REQUEST_PATH = `/v1/integration/${ID}/resync-request`;

let t: TestEmulator;
let listener: PollingListener | undefined;

beforeEach(async () => {
  t = await startEmulator();
  const seeded = await t.admin('POST', '/seed', { integrations: [{ identifier: ID, installationAppType: 'test' }] });
  expect(seeded.status).toBe(200);
});

afterEach(async () => {
  await listener?.stop();
  listener = undefined;
  await t.close();
});

function setup(options: { resyncOnStart?: boolean } = {}) {
  const port = createPortClient({
    baseUrl: t.baseUrl,
    ...TEST_CREDENTIALS,
    userAgent: { type: 'test', version: '0.0.1', identifier: ID },
    fetch: t.emulator.fetch as typeof fetch,
  });
  const clock = createSteppedSleep();
  const fake = createCountingTrigger();
  const logger = createMemoryLogger();
  listener = createPollingListener({ identifier: ID, port, trigger: fake.trigger, resyncOnStart: options.resyncOnStart, intervalSeconds: 30, sleep: clock.sleep, logger });
  return { clock, fake, logger, listener };
}

/** A request as if a user clicked "Resync". */
async function clickResync(): Promise<{ id: string; updatedAt: string }> {
  const r = await t.admin('POST', `/integrations/${ID}/resync-request`);
  expect(r.status).toBe(200);
  return r.body.request;
}

async function resyncRequestGets(): Promise<number> {
  const r = await t.admin('GET', `/requests?method=GET&path=${encodeURIComponent(REQUEST_PATH)}`);
  return (r.body.requests as unknown[]).length;
}

/** One `GET …/resync-request` answered 200 with this body instead of the real one. */
async function fakeResponseOnce(body: unknown): Promise<void> {
  const r = await t.admin('POST', '/faults', { match: { method: 'GET', path: REQUEST_PATH }, times: 1, action: { type: 'status', status: 200, body } });
  expect(r.status).toBe(201);
}

describe('POLLING listener against the emulator', () => {
  it('with resyncOnStart resyncs exactly once at start, then sleeps the interval between polls', async () => {
    const { clock, fake, listener } = setup({ resyncOnStart: true });
    await listener.start();
    await clock.sleepNumber(1);
    expect(fake.calls).toEqual(['start']);
    expect(listener.watermark()).toEqual({ kind: 'none' });
    clock.wake();
    await clock.sleepNumber(2);
    clock.wake();
    await clock.sleepNumber(3);
    expect(fake.calls).toEqual(['start']);
    expect(clock.durations).toEqual([30_000, 30_000, 30_000]);
    expect(await resyncRequestGets()).toBe(3);
  });

  it('without resyncOnStart does not resync at start', async () => {
    const { clock, fake, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    expect(fake.calls).toEqual([]);
  });

  it('never triggers on a request present at startup, and triggers exactly once on a newer one', async () => {
    const existing = await clickResync();
    const { clock, fake, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    expect(listener.watermark()).toMatchObject({ kind: 'at', updatedAt: existing.updatedAt });
    clock.wake();
    await clock.sleepNumber(2);
    expect(fake.calls).toEqual([]);

    const fresh = await clickResync();
    clock.wake();
    await clock.sleepNumber(3);
    expect(fake.calls).toEqual(['poll']);
    expect(listener.watermark()).toMatchObject({ kind: 'at', updatedAt: fresh.updatedAt });

    clock.wake();
    await clock.sleepNumber(4);
    clock.wake();
    await clock.sleepNumber(5);
    expect(fake.calls).toEqual(['poll']);
  });

  it('with no request at startup, the first request triggers', async () => {
    const { clock, fake, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    await clickResync();
    clock.wake();
    await clock.sleepNumber(2);
    expect(fake.calls).toEqual(['poll']);
  });

  it('two requests during one long resync give one more resync after it, with no poll while it runs', async () => {
    const { clock, fake, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    await clickResync();
    fake.hold();
    clock.wake();
    await fake.callNumber(1);
    const getsAtStart = await resyncRequestGets();
    expect(getsAtStart).toBe(2);

    await clickResync();
    await clickResync();
    await settle();
    expect(clock.sleeping).toBe(false);
    expect(await resyncRequestGets()).toBe(getsAtStart);

    fake.release();
    await clock.sleepNumber(2);
    expect(fake.calls).toEqual(['poll']);
    clock.wake();
    await clock.sleepNumber(3);
    expect(fake.calls).toEqual(['poll', 'poll']);
    clock.wake();
    await clock.sleepNumber(4);
    expect(fake.calls).toEqual(['poll', 'poll']);
    expect(fake.maxConcurrent).toBe(1);
  });

  it('when the first read fails, resyncs on start anyway and repeats the initial read next iteration', async () => {
    const existing = await clickResync();
    const fault = await t.admin('POST', '/faults', { match: { method: 'GET', path: REQUEST_PATH }, times: 1, action: { type: 'status', status: 500 } });
    expect(fault.status).toBe(201);
    const { clock, fake, listener, logger } = setup({ resyncOnStart: true });
    await listener.start();
    await clock.sleepNumber(1);
    expect(fake.calls).toEqual(['start']);
    expect(listener.watermark()).toEqual({ kind: 'unknown' });
    expect(logger.records.some((r) => r.level === 'warn' && r.message.includes('could not read the resync request'))).toBe(true);

    // The repeated initial read only sets the watermark: the request from before startup never triggers.
    clock.wake();
    await clock.sleepNumber(2);
    expect(listener.watermark()).toMatchObject({ kind: 'at', updatedAt: existing.updatedAt });
    expect(fake.calls).toEqual(['start']);

    await clickResync();
    clock.wake();
    await clock.sleepNumber(3);
    expect(fake.calls).toEqual(['start', 'poll']);
  });

  it('a failing poll is logged and the loop goes on', async () => {
    const { clock, fake, listener, logger } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    await t.admin('POST', '/faults', { match: { method: 'GET', path: REQUEST_PATH }, times: 1, action: { type: 'status', status: 500 } });
    await clickResync();
    clock.wake();
    await clock.sleepNumber(2);
    expect(fake.calls).toEqual([]);
    expect(logger.records.filter((r) => r.level === 'warn')).toHaveLength(1);
    clock.wake();
    await clock.sleepNumber(3);
    expect(fake.calls).toEqual(['poll']);
  });

  it('missing and invalid timestamps never trigger', async () => {
    const { clock, fake, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    const bad: unknown[] = ['not-a-date', undefined, null, 1714557600000, '2024-13-01T00:00:00Z', '2024-02-30T00:00:00Z', 'May 1, 2024', ''];
    for (const updatedAt of bad) await fakeResponseOnce({ ok: true, request: { id: 'rr_bad', integrationId: ID, updatedAt } });
    for (let i = 0; i < bad.length; i++) {
      clock.wake();
      await clock.sleepNumber(i + 2);
    }
    expect(fake.calls).toEqual([]);
    expect(listener.watermark()).toEqual({ kind: 'none' });
    expect(await resyncRequestGets()).toBe(bad.length + 1);
  });

  it('an invalid timestamp at startup does not block the next valid request', async () => {
    await fakeResponseOnce({ ok: true, request: { id: 'rr_bad', updatedAt: 'garbage' } });
    const { clock, fake, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    expect(listener.watermark()).toEqual({ kind: 'none' });
    await clickResync();
    clock.wake();
    await clock.sleepNumber(2);
    expect(fake.calls).toEqual(['poll']);
  });

  it('an older or equal timestamp does not trigger; a strictly newer one with an offset does', async () => {
    const existing = await clickResync();
    const { clock, fake, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    const ms = Date.parse(existing.updatedAt);
    const iso = (delta: number) => new Date(ms + delta).toISOString();
    await fakeResponseOnce({ ok: true, request: { id: 'rr_old', updatedAt: iso(-1) } });
    await fakeResponseOnce({ ok: true, request: { id: 'rr_same', updatedAt: existing.updatedAt.replace('Z', '+00:00') } });
    // One hour east of UTC, one millisecond later.
    const plusOne = new Date(ms + 3_600_000 + 1).toISOString().replace('Z', '+01:00');
    await fakeResponseOnce({ ok: true, request: { id: 'rr_new', updatedAt: plusOne } });
    for (let i = 0; i < 3; i++) {
      clock.wake();
      await clock.sleepNumber(i + 2);
    }
    expect(fake.calls).toEqual(['poll']);
  });

  it('stop() during a sleep ends the loop', async () => {
    const { clock, listener } = setup({ resyncOnStart: false });
    await listener.start();
    await clock.sleepNumber(1);
    await listener.stop();
    await listener.done;
    expect(clock.sleeping).toBe(false);
  });

  it('stop() during a resync returns without waiting for it, and no poll follows', async () => {
    const { clock, fake, listener } = setup({ resyncOnStart: true });
    fake.hold();
    await listener.start();
    await fake.callNumber(1);
    await listener.stop();
    const gets = await resyncRequestGets();
    fake.release();
    await listener.done;
    expect(clock.durations).toEqual([]);
    expect(await resyncRequestGets()).toBe(gets);
  });
});

describe('pollingStep (the decision the loop and the Workers cron tick share)', () => {
  const at = (updatedAt: string) => ({ ok: true as const, request: { id: 'rr', updatedAt } });
  const failed = { ok: false as const, error: new Error('Port answered 500') };

  it('a failed first read still resyncs on start and keeps the watermark unknown; the next read only fixes it', () => {
    const first = pollingStep(INITIAL_POLLING_STATE, failed, { resyncOnStart: true });
    expect(first).toMatchObject({ state: { watermark: { kind: 'unknown' }, started: true }, resync: 'start' });
    expect(first.notes.map((n) => n.level)).toEqual(['warn']);
    const second = pollingStep(first.state, at('2024-05-01T10:00:00Z'), { resyncOnStart: true });
    expect(second.resync).toBeUndefined();
    expect(second.state.watermark).toEqual({ kind: 'at', updatedAt: '2024-05-01T10:00:00Z' });
  });

  it('resyncs once for a strictly newer request, moving the watermark first', () => {
    const state = { watermark: { kind: 'at' as const, updatedAt: '2024-05-01T10:00:00Z' }, started: true };
    expect(pollingStep(state, at('2024-05-01T10:00:00.000Z'), { resyncOnStart: true }).resync).toBeUndefined();
    const newer = pollingStep(state, at('2024-05-01T10:00:00.000001Z'), { resyncOnStart: true });
    expect(newer).toMatchObject({ resync: 'poll', state: { watermark: { updatedAt: '2024-05-01T10:00:00.000001Z' } } });
    expect(pollingStep(newer.state, at('2024-05-01T10:00:00.000001Z'), { resyncOnStart: true }).resync).toBeUndefined();
  });

  it('never resyncs on start after the first iteration, nor without resyncOnStart', () => {
    expect(pollingStep(INITIAL_POLLING_STATE, { ok: true, request: null }, { resyncOnStart: false }).resync).toBeUndefined();
    expect(pollingStep({ watermark: { kind: 'unknown' }, started: true }, failed, { resyncOnStart: true }).resync).toBeUndefined();
  });
});

describe('parseIsoInstant', () => {
  it('reads ISO date-times with Z, offsets and sub-millisecond digits', () => {
    expect(parseIsoInstant('2024-05-01T10:00:00Z')).toBe(BigInt(Date.parse('2024-05-01T10:00:00Z')) * 1_000_000n);
    expect(parseIsoInstant('2024-05-01T12:00:00+02:00')).toBe(parseIsoInstant('2024-05-01T10:00:00Z'));
    expect(parseIsoInstant('2024-05-01T10:00:00.000001Z')! - parseIsoInstant('2024-05-01T10:00:00Z')!).toBe(1000n);
    expect(parseIsoInstant('2024-05-01')).toBe(parseIsoInstant('2024-05-01T00:00:00Z'));
  });

  it('rejects what is not an ISO date-time', () => {
    for (const v of ['Wed, 01 May 2024 10:00:00 GMT', '2024-05-01T25:00:00Z', '2024-02-30', '2024-05-01T10:00:00+24:00', 'x', 42, null, {}]) {
      expect(parseIsoInstant(v)).toBeUndefined();
    }
  });
});
