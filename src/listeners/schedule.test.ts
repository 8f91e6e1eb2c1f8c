import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { createResyncSchedule, nextResync, scheduleFrom, scheduleStep } from './schedule.ts';
import { createCountingTrigger } from './test-support.ts';

const MIN = 60_000;
const T0 = Date.parse('2024-05-01T10:00:00.000Z');

describe('nextResync', () => {
  it('is start + (floor(elapsed / interval) + 1) × interval', () => {
    expect(nextResync(T0, T0, 60)).toBe('2024-05-01T11:00:00.000Z');
    expect(nextResync(T0, T0 + 90 * MIN, 60)).toBe('2024-05-01T12:00:00.000Z');
    // Exactly on a tick, the next one is a whole interval later.
    expect(nextResync(T0, T0 + 60 * MIN, 60)).toBe('2024-05-01T12:00:00.000Z');
    expect(nextResync(new Date(T0), new Date(T0 + 59 * MIN), 15)).toBe('2024-05-01T11:00:00.000Z');
    expect(nextResync(T0, T0 + 1, 0.5)).toBe('2024-05-01T10:00:30.000Z');
  });

  it('is null without a positive interval', () => {
    expect(nextResync(T0, T0, undefined)).toBeNull();
    expect(nextResync(T0, T0, null)).toBeNull();
    expect(nextResync(T0, T0, 0)).toBeNull();
  });
});

describe('scheduled resync timer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks first one interval after start, then every interval', async () => {
    const fake = createCountingTrigger();
    const schedule = createResyncSchedule({ intervalMinutes: 5, trigger: fake.trigger });
    schedule.start();
    expect(schedule.nextTickAt()).toBe(T0 + 5 * MIN);
    await vi.advanceTimersByTimeAsync(5 * MIN - 1);
    expect(fake.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toEqual(['schedule']);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(fake.calls).toEqual(['schedule', 'schedule', 'schedule']);
    schedule.stop();
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(fake.calls).toHaveLength(3);
    expect(schedule.nextTickAt()).toBeUndefined();
  });

  it('does not wait for a running resync: each tick calls resync, and the engine supersedes', async () => {
    const fake = createCountingTrigger();
    fake.hold();
    const schedule = createResyncSchedule({ intervalMinutes: 1, trigger: fake.trigger });
    schedule.start();
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(fake.calls).toEqual(['schedule', 'schedule']);
    expect(fake.running).toBe(2);
    fake.release();
    schedule.stop();
  });

  it('ticks on the process-start grid that nextResync reports', async () => {
    const fake = createCountingTrigger();
    vi.setSystemTime(T0 + 25 * MIN);
    const schedule = createResyncSchedule({ intervalMinutes: 10, trigger: fake.trigger, startedAt: T0 });
    schedule.start();
    expect(new Date(schedule.nextTickAt()!).toISOString()).toBe(nextResync(T0, Date.now(), 10));
    await vi.advanceTimersByTimeAsync(5 * MIN - 1);
    expect(fake.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toEqual(['schedule']);
    schedule.stop();
  });

  it('a throwing resync is logged and the timer goes on', async () => {
    const logger = createMemoryLogger();
    const fake = createCountingTrigger(new Error('engine down'));
    const schedule = createResyncSchedule({ intervalMinutes: 1, trigger: fake.trigger, logger });
    schedule.start();
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(fake.calls).toHaveLength(2);
    expect(logger.records.filter((r) => r.level === 'error')).toHaveLength(2);
    schedule.stop();
  });

  it('waits past the setTimeout limit for very long intervals', async () => {
    const fake = createCountingTrigger();
    const days30 = 30 * 24 * 60;
    const schedule = createResyncSchedule({ intervalMinutes: days30, trigger: fake.trigger });
    schedule.start();
    await vi.advanceTimersByTimeAsync(days30 * MIN - 1);
    expect(fake.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toEqual(['schedule']);
    schedule.stop();
  });

  it('rejects a non-positive interval', () => {
    expect(() => createResyncSchedule({ intervalMinutes: 0, trigger: createCountingTrigger().trigger })).toThrow(/scheduledResyncInterval/);
  });
});

describe('scheduleStep (the decision the timer and the Workers cron tick share)', () => {
  it('is due on and after each grid point, and moves to the first grid point after now', () => {
    const start = scheduleFrom(T0, T0, 60);
    expect(start).toEqual({ origin: T0, nextAt: T0 + 60 * MIN });
    expect(scheduleStep(start, T0 + 59 * MIN, 60)).toEqual({ due: false, state: start });
    expect(scheduleStep(start, T0 + 60 * MIN, 60)).toEqual({ due: true, state: { origin: T0, nextAt: T0 + 120 * MIN } });
  });

  it('skips the ticks missed while a host was suspended instead of firing them back to back', () => {
    const late = scheduleStep(scheduleFrom(T0, T0, 10), T0 + 35 * MIN, 10);
    expect(late).toEqual({ due: true, state: { origin: T0, nextAt: T0 + 40 * MIN } });
    expect(scheduleStep(late.state, T0 + 36 * MIN, 10).due).toBe(false);
  });

  it('started late, the first tick is the next grid point of the origin', () => {
    expect(scheduleFrom(T0, T0 + 90 * MIN, 60)).toEqual({ origin: T0, nextAt: T0 + 120 * MIN });
  });
});
