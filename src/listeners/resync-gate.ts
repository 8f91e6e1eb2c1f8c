/**
 * What `POST /resync` does with a trigger (docs/behaviour.md §5.3): a minimum interval between the resyncs
 * it starts, and the triggers in between joined into one pending resync, so that a flood of requests cannot
 * keep every resync from completing (each new one used to supersede the last). The decision is a pure function
 * of a small JSON state and the time, run by the in-process gate below and by the Workers Durable Object
 * alike; `running` is whether the last resync this gate started is still in progress.
 */
import type { ScheduleTimers } from './schedule.ts';

/** The gate's memory; JSON-safe, so a Durable Object can store it. */
export interface GateState {
  /** When the gate last started a resync (ms), and its id. */
  lastStartAt?: number;
  lastStartedId?: string;
  /** The one resync that later triggers joined, waiting for the interval or the running resync. */
  pending?: { resyncId: string; requestedAt: number };
}

export interface GateOptions {
  /** `resyncTriggerMinInterval` in ms. */
  minIntervalMs: number;
  /** Whether the last resync this gate started is still in progress. */
  running: boolean;
}

/** What a trigger got: a resync that starts now, or the pending one it joined (`wakeAt`: when the gate looks again). */
export interface TriggerDecision {
  resyncId: string;
  outcome: 'started' | 'pending';
  state: GateState;
  /** When the pending resync may start as far as the interval goes (it also waits for the running one). */
  wakeAt?: number;
}

const allowedAt = (state: GateState, minIntervalMs: number): number => (state.lastStartAt === undefined ? -Infinity : state.lastStartAt + minIntervalMs);

/**
 * Decide a trigger. A resync starts at once when none the gate started is running and the interval since
 * the last one has passed; otherwise the trigger joins the pending resync (creating it with `newId()`).
 *
 * @example gateTrigger({}, t, { minIntervalMs: 60_000, running: false }, () => 'r1') // { resyncId: 'r1', outcome: 'started', … }
 */
export function gateTrigger(state: GateState, now: number, o: GateOptions, newId: () => string): TriggerDecision {
  if (state.pending) return { resyncId: state.pending.resyncId, outcome: 'pending', state, wakeAt: Math.max(now, allowedAt(state, o.minIntervalMs)) };
  if (!o.running && now >= allowedAt(state, o.minIntervalMs)) {
    const resyncId = newId();
    return { resyncId, outcome: 'started', state: { lastStartAt: now, lastStartedId: resyncId } };
  }
  const pending = { resyncId: newId(), requestedAt: now };
  return { resyncId: pending.resyncId, outcome: 'pending', state: { ...state, pending }, wakeAt: Math.max(now, allowedAt(state, o.minIntervalMs)) };
}

/**
 * Look again (a timer fired, or the running resync ended): start the pending resync when allowed.
 * `wakeAt` says when to look again when the interval still holds it back.
 */
export function gateWake(state: GateState, now: number, o: GateOptions): { start?: string; state: GateState; wakeAt?: number } {
  if (!state.pending || o.running) return { state };
  if (now < allowedAt(state, o.minIntervalMs)) return { state, wakeAt: allowedAt(state, o.minIntervalMs) };
  const resyncId = state.pending.resyncId;
  return { start: resyncId, state: { lastStartAt: now, lastStartedId: resyncId } };
}

export interface ResyncGateOptions {
  minIntervalMs: number;
  /** Runs one resync under this id; resolves when it has ended. */
  start(resyncId: string): Promise<unknown>;
  newId?: () => string;
  now?: () => number;
  timers?: ScheduleTimers;
}

/** The in-process gate (Node, Deno). */
export interface ResyncGate {
  trigger(): { resyncId: string; outcome: 'started' | 'pending' };
  /** The pending resync's id, if any. */
  pending(): string | undefined;
  /** Shutdown: no pending resync starts any more; returns the one dropped. */
  stop(): string | undefined;
}

/**
 * The gate over timers: a pending resync starts when the interval allows and the resync it waits for has ended.
 *
 * @example
 * const gate = createResyncGate({ minIntervalMs: 60_000, start: (resyncId) => tide.resync({ resyncId, trigger: 'webhook' }) });
 * const { resyncId, outcome } = gate.trigger();
 */
export function createResyncGate(o: ResyncGateOptions): ResyncGate {
  const now = o.now ?? Date.now;
  const newId = o.newId ?? (() => crypto.randomUUID());
  const timers: ScheduleTimers = o.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  let state: GateState = {};
  let running = false;
  let timer: unknown;
  let stopped = false;

  const arm = (at: number | undefined): void => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = at === undefined || stopped ? undefined : timers.setTimeout(() => ((timer = undefined), wake()), Math.max(0, at - now()));
  };
  const run = (resyncId: string): void => {
    running = true;
    void o
      .start(resyncId)
      .catch(() => {})
      .finally(() => {
        running = false;
        wake();
      });
  };
  function wake(): void {
    if (stopped) return;
    const decision = gateWake(state, now(), { minIntervalMs: o.minIntervalMs, running });
    state = decision.state;
    if (decision.start) run(decision.start);
    else arm(decision.wakeAt);
  }

  return {
    trigger() {
      const decision = gateTrigger(state, now(), { minIntervalMs: o.minIntervalMs, running }, newId);
      state = decision.state;
      if (decision.outcome === 'started') run(decision.resyncId);
      else if (!running) arm(decision.wakeAt);
      return { resyncId: decision.resyncId, outcome: decision.outcome };
    },
    pending: () => state.pending?.resyncId,
    stop() {
      stopped = true;
      arm(undefined);
      const dropped = state.pending?.resyncId;
      state = { ...state, pending: undefined };
      return dropped;
    },
  };
}
