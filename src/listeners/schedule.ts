/**
 * The scheduled resync (`scheduledResyncInterval`, docs/behaviour.md §5.6) and the `nextResync` value
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

/** The scheduled resync's position on its grid of ticks (`origin + k × interval`); JSON-safe. */
export interface ScheduleState {
  /** Where the grid starts (ms): the process start, or a Worker's first cron tick. */
  origin: number;
  /** When the next tick is due (ms). */
  nextAt: number;
}

/** The schedule as of `now`: the first tick is the first grid point after `now` (one interval after the start). */
export function scheduleFrom(origin: number, now: number, intervalMinutes: number): ScheduleState {
  const interval = intervalMinutes * 60_000;
  return { origin, nextAt: origin + (Math.floor(Math.max(0, now - origin) / interval) + 1) * interval };
}

/**
 * Whether a scheduled resync is due at `now` (§5.6), as a pure function of the stored schedule and the
 * time; the in-process timer and the Workers cron tick both run it. When due, the next tick is the
 * first grid point after `now`: ticks missed while a host was suspended are skipped, not fired back to back.
 *
 * @example scheduleStep(scheduleFrom(t0, t0, 60), t0 + 61 * 60_000, 60) // { due: true, state: { origin: t0, nextAt: t0 + 120 min } }
 */
export function scheduleStep(state: ScheduleState, now: number, intervalMinutes: number): { due: boolean; state: ScheduleState } {
  if (now < state.nextAt) return { due: false, state };
  return { due: true, state: scheduleFrom(state.origin, now, intervalMinutes) };
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
  /** What a tick runs, for log lines (default `scheduled resync`; the incremental timer of §4.12 says `incremental sync`). */
  name?: string;
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
  const now = options.now ?? Date.now;
  const timers: ScheduleTimers = options.timers ?? {
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const logger = options.logger ?? silentLogger;
  const name = options.name ?? 'scheduled resync';
  let state: ScheduleState | undefined;
  let handle: unknown;

  function arm(): void {
    const delay = Math.max(0, state!.nextAt - now());
    handle = timers.setTimeout(fire, Math.min(delay, MAX_TIMER_MS));
  }

  function fire(): void {
    if (!state) return;
    const step = scheduleStep(state, now(), intervalMinutes);
    state = step.state;
    arm();
    // A timer that fires early (some runtimes round), or a capped long wait, re-arms without a tick.
    if (!step.due) return;
    logger.info(`[tide] ${name}`, { intervalMinutes });
    trigger.resync({ trigger: 'schedule' }).then(
      ({ status }) => logger.debug(`[tide] ${name} ended`, { status }),
      (error: unknown) => logger.error(`[tide] ${name} threw`, { error: errorMessage(error) }),
    );
  }

  return {
    start() {
      if (state) return;
      state = scheduleFrom(options.startedAt ?? now(), now(), intervalMinutes);
      arm();
    },
    stop() {
      if (!state) return;
      state = undefined;
      timers.clearTimeout(handle);
      handle = undefined;
    },
    nextTickAt: () => state?.nextAt,
  };
}
