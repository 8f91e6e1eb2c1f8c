import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import type { WebhookProcessor } from './index.ts';
import { RetryableError } from './index.ts';
import { FakeClock, post, serviceResource, setup } from './test-harness.ts';

/** A processor whose handleEvent throws `failures` errors (made by `error`) and then upserts svc-1. */
function flaky(failures: number, error: () => unknown, extra: Partial<WebhookProcessor> = {}) {
  const calls = { handleEvent: 0, onError: 0, cancel: 0 };
  const factory = (): WebhookProcessor => ({
    shouldProcessEvent: () => true,
    getMatchingKinds: () => ['repo'],
    authenticate: () => true,
    validatePayload: () => true,
    async handleEvent() {
      calls.handleEvent += 1;
      if (calls.handleEvent <= failures) throw error();
      return { updated: [{ id: 'svc-1', name: 'One' }], deleted: [] };
    },
    onError: async () => {
      calls.onError += 1;
    },
    cancel: () => {
      calls.cancel += 1;
    },
    ...extra,
  });
  return { calls, factory };
}

let t: TestEmulator;
beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

describe('live events: retries and budget', () => {
  it('retries a RetryableError after 1, 2 and 4 s, calls handleEvent at most 4 times, then fails with nothing written', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const clock = new FakeClock();
    const { calls, factory } = flaky(Infinity, () => new RetryableError('vendor busy'));
    const live = h.live({ processors: { '/webhook': factory }, clock });
    await live.handle(post('/webhook', {}), '/webhook');
    await live.idle();
    expect(calls).toEqual({ handleEvent: 4, onError: 4, cancel: 0 });
    expect(clock.advanced).toEqual([1000, 2000, 4000]);
    expect(await h.entities('service')).toEqual([]);
    expect(live.stats()).toMatchObject({ runsFailed: 1, upserted: 0 });
  });

  it('applies the result of a retry that succeeds', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const clock = new FakeClock();
    const { calls, factory } = flaky(2, () => new RetryableError('vendor busy'));
    const live = h.live({ processors: { '/webhook': factory }, clock });
    await live.handle(post('/webhook', {}), '/webhook');
    await live.idle();
    expect(calls.handleEvent).toBe(3);
    expect(clock.advanced).toEqual([1000, 2000]);
    expect((await h.entities('service')).map((e) => e.identifier)).toEqual(['svc-1']);
  });

  it('honours the processor’s own retry policy', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const clock = new FakeClock();
    const { calls, factory } = flaky(Infinity, () => new Error('plain'), {
      shouldRetry: () => true,
      calculateRetryDelay: (n) => 2 ** n,
      maxRetries: 2,
    });
    const live = h.live({ processors: { '/webhook': factory }, clock });
    await live.handle(post('/webhook', {}), '/webhook');
    await live.idle();
    expect(calls.handleEvent).toBe(3);
    expect(clock.advanced).toEqual([2000, 4000]);
  });

  it('does not retry an error the processor does not mark retryable', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const clock = new FakeClock();
    const { calls, factory } = flaky(Infinity, () => new TypeError('bug'));
    const live = h.live({ processors: { '/webhook': factory }, clock });
    await live.handle(post('/webhook', {}), '/webhook');
    await live.idle();
    expect(calls).toEqual({ handleEvent: 1, onError: 1, cancel: 0 });
    expect(clock.advanced).toEqual([]);
    expect(await h.entities('service')).toEqual([]);
    expect(h.logger.records.some((r) => r.message.includes('run failed (error): bug'))).toBe(true);
  });

  it('fails a run that exceeds its 90 s budget, cancels it and applies nothing', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const clock = new FakeClock();
    // Two failures with 60 s waits: the second wait crosses 90 s, before the call that would succeed.
    const { calls, factory } = flaky(2, () => new RetryableError('slow vendor'), { calculateRetryDelay: () => 60 });
    const live = h.live({ processors: { '/webhook': factory }, clock });
    await live.handle(post('/webhook', {}), '/webhook');
    await live.idle();
    expect(calls.handleEvent).toBe(2);
    expect(calls.cancel).toBe(1);
    expect(await h.entities('service')).toEqual([]);
    expect(h.logger.records.some((r) => r.message.includes('run failed (timeout)'))).toBe(true);
  });
});

describe('live events: shutdown', () => {
  it('drains what finishes within the period', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const { factory } = flaky(0, () => undefined);
    const live = h.live({ processors: { '/webhook': factory } });
    await live.handle(post('/webhook', {}), '/webhook');
    await live.handle(post('/webhook', {}), '/webhook');
    expect(await live.drain(5000)).toEqual({ drained: true, dropped: 0 });
    expect(live.stats()).toMatchObject({ processed: 2, pending: 0 });
    const after = await live.handle(post('/webhook', {}), '/webhook');
    expect(after.status).toBe(503);
    expect(await after.json()).toEqual({ status: 'error', message: 'shutting down' });
  });

  it('after the period, cancels the running processor and drops the queued events', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const clock = new FakeClock();
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const { calls, factory } = flaky(0, () => undefined, {
      handleEvent: () => {
        started();
        return new Promise(() => {});
      },
    });
    const live = h.live({ processors: { '/webhook': factory }, clock });
    for (let i = 0; i < 3; i += 1) await live.handle(post('/webhook', {}), '/webhook');
    await running;
    expect(await live.drain(5000)).toEqual({ drained: false, dropped: 2 });
    expect(clock.advanced).toEqual([5000]);
    expect(calls.cancel).toBe(1);
    expect(await h.entities('service')).toEqual([]);
  });
});
