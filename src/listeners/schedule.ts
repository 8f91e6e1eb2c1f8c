/**
 * The scheduled resync (`scheduledResyncInterval`, OCEAN-BEHAVIOUR §5.6) and the `nextResync` value
 * reported with the resync state (§9.2). Ticks fall on `start + k × interval`, so they agree with the
 * `nextResync` Port is told; each tick just calls `resync()`, and the engine supersedes a running one.
 */
import { silentLogger } from '../logging/logger.ts';
import { errorMessage } from './types.ts';
import type { ListenerLogger, ResyncTrigger } from './types.ts';

/** `setTimeout` caps delays at 2^31 − 1 ms (about 24.8 days); longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * `start + (floor(elapsed / interval) + 1) × interval` as ISO, with `start` the process start time
 * (ms or Date); `null` without a positive interval (§9.2).
 *
 * @example nextResync(Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-01-01T01:30:00Z'), 60) // '2024-01-01T02:00:00.000Z'
 */
export function nextResync(start: number | Date, now: number | Date, intervalMinutes: number | null | undefined): string | null {
  if (intervalMinutes == null || !Number.isFinite(intervalMinutes) || intervalMinutes <= 0) return null;
  const startMs = +start;
  const interval = intervalMinutes * 60_000;
  const elapsed = Math.max(0, +now - startMs);
  return new Date(startMs + (Math.floor(elapsed / interval) + 1) * interval).toISOString();
}

/** The timer functions the scheduler uses; fake timers or a runtime's own can stand in. */
export interface ScheduleTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ResyncScheduleOptions {
  /** `scheduledResyncInterval`, in minutes. */
  intervalMinutes: number;
  trigger: ResyncTrigger;
  /** The origin of the ticks (ms). Default: the time of `start()`. Pass the process start to match `nextResync`. */
  startedAt?: number;
  now?: () => number;
  timers?: ScheduleTimers;
  logger?: ListenerLogger;
}

/** A resync timer. */
export interface ResyncSchedule {
  /** Arm the timer; the first tick comes one interval after `startedAt`. A second call does nothing. */
  start(): void;
  /** Disarm it. A resync already started is not awaited. */
  stop(): void;
  /** When the next tick is due (ms), or `undefined` when not armed. */
  nextTickAt(): number | undefined;
}

/**
 * Create the scheduled-resync timer.
 *
 * @example
 * const schedule = createResyncSchedule({ intervalMinutes: 60, trigger, startedAt: processStartedAt });
 * schedule.start();
 */
export function createResyncSchedule(options: ResyncScheduleOptions): ResyncSchedule {
  const { intervalMinutes, trigger } = options;
  if (!Number.isFinite(intervalMinutes) || intervalMinutes <= 0) {
    throw new RangeError(`[tide] scheduledResyncInterval must be a positive number of minutes, got ${intervalMinutes}`);
  }
  const interval = intervalMinutes * 60_000;
  const now = options.now ?? Date.now;
  const timers: ScheduleTimers = options.timers ?? {
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const logger = options.logger ?? silentLogger;
  let origin = 0;
  let tick = 0; // index k of the next tick, due at origin + k × interval
  let handle: unknown;
  let armed = false;

  const dueAt = (): number => origin + tick * interval;

  function arm(): void {
    const delay = Math.max(0, dueAt() - now());
    handle = timers.setTimeout(fire, Math.min(delay, MAX_TIMER_MS));
  }

  function fire(): void {
    if (!armed) return;
    const t = now();
    // A timer that fires early (some runtimes round), or a capped long wait, re-arms without a tick.
    if (t < dueAt()) return arm();
    // After a suspended host, skip the missed ticks rather than firing them back to back.
    tick = Math.max(tick + 1, Math.floor((t - origin) / interval) + 1);
    arm();
    logger.info('[tide] scheduled resync', { intervalMinutes });
    trigger.resync({ trigger: 'schedule' }).then(
      ({ status }) => logger.debug('[tide] scheduled resync ended', { status }),
      (error: unknown) => logger.error('[tide] scheduled resync threw', { error: errorMessage(error) }),
    );
  }

  return {
    start() {
      if (armed) return;
      armed = true;
      origin = options.startedAt ?? now();
      tick = Math.floor(Math.max(0, now() - origin) / interval) + 1;
      arm();
    },
    stop() {
      if (!armed) return;
      armed = false;
      timers.clearTimeout(handle);
      handle = undefined;
    },
    nextTickAt: () => (armed ? dueAt() : undefined),
  };
}
