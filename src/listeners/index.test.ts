import { afterEach, describe, expect, it, vi } from 'vitest';
import { changelogDestination, createListener } from './index.ts';
import type { ListenerDeps, ResyncRequestSource } from './index.ts';
import { createCountingTrigger, createSteppedSleep } from './test-support.ts';

const MIN = 60_000;
const noRequest: ResyncRequestSource = { getResyncRequest: async () => null };

function deps(overrides: Partial<ListenerDeps> = {}) {
  const fake = createCountingTrigger();
  return { fake, deps: { identifier: 'my-int', integrationType: 'test', trigger: fake.trigger, ...overrides } satisfies ListenerDeps };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('changelogDestination (docs/port-api.md §12.1)', () => {
  it('is {} for POLLING, ONCE and WEBHOOKS_ONLY, KAFKA for KAFKA, {appHost}/resync for WEBHOOK', () => {
    expect(changelogDestination('POLLING')).toEqual({});
    expect(changelogDestination('ONCE')).toEqual({});
    expect(changelogDestination('WEBHOOKS_ONLY')).toEqual({});
    expect(changelogDestination('KAFKA')).toEqual({ type: 'KAFKA' });
    expect(changelogDestination('WEBHOOK', { appHost: 'https://tide.example.com' })).toEqual({ type: 'WEBHOOK', url: 'https://tide.example.com/resync' });
  });

  it('WEBHOOK without appHost is a startup error naming the setting', () => {
    expect(() => changelogDestination('WEBHOOK')).toThrow(/OCEAN__EVENT_LISTENER__APP_HOST/);
    expect(() => createListener('WEBHOOK', deps().deps)).toThrow(/appHost/);
  });
});

describe('createListener', () => {
  it('reports what each type does', () => {
    const port = noRequest;
    const all = (['POLLING', 'WEBHOOK', 'KAFKA', 'ONCE', 'WEBHOOKS_ONLY'] as const).map((type) => {
      const l = createListener(type, deps({ port, eventListener: { appHost: 'https://h.example' } }).deps);
      return [type, l.resyncs, l.processesLiveEvents, l.changelogDestination];
    });
    expect(all).toEqual([
      ['POLLING', true, true, {}],
      ['WEBHOOK', true, true, { type: 'WEBHOOK', url: 'https://h.example/resync' }],
      ['KAFKA', true, true, { type: 'KAFKA' }],
      ['ONCE', true, false, {}],
      ['WEBHOOKS_ONLY', false, true, {}],
    ]);
  });

  it('POLLING needs a Port client', () => {
    expect(() => createListener('POLLING', deps().deps)).toThrow(/POLLING/);
  });

  it('WEBHOOKS_ONLY never resyncs, even with a scheduled interval', async () => {
    vi.useFakeTimers();
    const { fake, deps: d } = deps({ scheduledResyncInterval: 1 });
    const listener = createListener('WEBHOOKS_ONLY', d);
    await listener.start();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    await listener.stop();
    expect(fake.calls).toEqual([]);
    expect('handleResync' in listener).toBe(false);
  });

  it('ONCE runs one resync in start() and gives the exit code; no timer', async () => {
    vi.useFakeTimers();
    const { fake, deps: d } = deps({ scheduledResyncInterval: 1 });
    const listener = createListener('ONCE', d);
    expect(listener.onceResult()).toBeUndefined();
    await listener.start();
    expect(listener.onceResult()).toEqual({ status: 'completed', exitCode: 0 });
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(fake.calls).toEqual(['once']);
  });

  it('WEBHOOK does not resync on start; POST /resync and the timer do', async () => {
    vi.useFakeTimers();
    const { fake, deps: d } = deps({ scheduledResyncInterval: 2, eventListener: { appHost: 'https://h.example' } });
    const listener = createListener('WEBHOOK', d);
    await listener.start();
    expect(fake.calls).toEqual([]);
    const response = await listener.handleResync(new Request('https://h.example/resync', { method: 'POST' }));
    // Answered at once with the id of the resync it started (POST /resync no longer waits for the end).
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'started' });
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(fake.calls).toEqual(['webhook', 'schedule']);
    await listener.stop();
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(fake.calls).toHaveLength(2);
  });

  it('KAFKA dispatches a qualifying message without waiting for the resync', () => {
    const { fake, deps: d } = deps({ integrationType: 'jira', identifier: 'my-jira' });
    fake.hold();
    const listener = createListener('KAFKA', d);
    expect(listener.groupId('org_1')).toBe('org_1.jira.my-jira');
    expect(listener.topic('org_1', [])).toBe('org_1.change.log');
    const b = JSON.stringify({ action: 'RESYNC', resourceType: 'integration', context: { integrationId: 'my-jira' } });
    expect(listener.handleKafkaMessage({ topic: 'org_1.change.log', value: b }, 'org_1').resync).toBe(true);
    expect(listener.handleKafkaMessage({ topic: 'org_1.change.log', value: b }, 'org_1').resync).toBe(true);
    expect(fake.calls).toEqual(['kafka', 'kafka']);
    expect(fake.running).toBe(2);
    expect(listener.handleKafkaMessage({ topic: 'org_1.change.log', value: '{' }, 'org_1').resync).toBe(false);
    expect(fake.calls).toHaveLength(2);
    fake.release();
  });

  it('POLLING runs its loop and the timer; stop() ends both', async () => {
    vi.useFakeTimers();
    const clock = createSteppedSleep();
    const { fake, deps: d } = deps({ port: noRequest, sleep: clock.sleep, scheduledResyncInterval: 1, eventListener: { resyncOnStart: true, interval: 5 } });
    const listener = createListener('POLLING', d);
    await listener.start();
    await clock.sleepNumber(1);
    expect(clock.durations).toEqual([5000]);
    await vi.advanceTimersByTimeAsync(MIN);
    expect(fake.calls).toEqual(['start', 'schedule']);
    await listener.stop();
    expect(clock.sleeping).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(fake.calls).toHaveLength(2);
  });
});

// docs/behaviour.md §4.12 "Scheduling": the incremental timer and ONCE's one incremental run.
describe('incremental runs', () => {
  const incremental = () => {
    const inc = createCountingTrigger();
    return { inc, config: { trigger: inc.trigger, intervalMinutes: 15, scheduled: true } };
  };

  it.each(['WEBHOOK', 'KAFKA', 'POLLING'] as const)('%s runs one every interval, the first one interval after start, and stops with the listener', async (type) => {
    vi.useFakeTimers();
    const { inc, config } = incremental();
    const clock = createSteppedSleep();
    const { fake, deps: d } = deps({ incremental: config, port: noRequest, sleep: clock.sleep, eventListener: { appHost: 'https://h.example', resyncOnStart: false } });
    const listener = createListener(type, d);
    await listener.start();
    await vi.advanceTimersByTimeAsync(15 * MIN - 1);
    expect(inc.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(inc.calls).toEqual(['schedule']);
    await vi.advanceTimersByTimeAsync(15 * MIN);
    expect(inc.calls).toEqual(['schedule', 'schedule']);
    await listener.stop();
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(inc.calls).toHaveLength(2);
    // The incremental timer starts no resync.
    expect(fake.calls).toEqual([]);
  });

  it('is not scheduled without an incremental handler, nor under WEBHOOKS_ONLY', async () => {
    vi.useFakeTimers();
    const { inc, config } = incremental();
    const polling = createListener('WEBHOOK', deps({ incremental: { ...config, scheduled: false }, eventListener: { appHost: 'https://h.example' } }).deps);
    const webhooksOnly = createListener('WEBHOOKS_ONLY', deps({ incremental: config }).deps);
    await polling.start();
    await webhooksOnly.start();
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(inc.calls).toEqual([]);
    await polling.stop();
    await webhooksOnly.stop();
  });

  it('ONCE makes the one incremental run instead of a resync, and exits by its outcome', async () => {
    const { inc, config } = incremental();
    const { fake, deps: d } = deps({ incremental: config });
    const listener = createListener('ONCE', d);
    await listener.start();
    expect(inc.calls).toEqual(['once']);
    expect(fake.calls).toEqual([]);
    expect(listener.onceResult()).toEqual({ status: 'completed', exitCode: 0 });

    const failing = createListener('ONCE', deps({ incremental: { ...config, trigger: { resync: async () => ({ status: 'failed' }) } } }).deps);
    await failing.start();
    expect(failing.onceResult()).toEqual({ status: 'failed', exitCode: 1 });
  });
});
