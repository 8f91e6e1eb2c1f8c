/**
 * The POLLING listener (docs/behaviour.md §5.2, conformance 32): read the newest resync request, resync
 * on start if asked, then every `interval` seconds resync when a request newer than the watermark
 * appears. One loop, so iterations never overlap: a poll-triggered resync is awaited before the next
 * sleep starts, and no poll is made while it runs.
 */
import { sleep as defaultSleep } from '../http/sleep.ts';
import type { SleepFn } from '../http/sleep.ts';
import { silentLogger } from '../logging/logger.ts';
import { parseIsoInstant } from './iso-instant.ts';
import { errorMessage } from './types.ts';
import type { ListenerLogger, ResyncRequestInfo, ResyncRequestSource, ResyncTrigger, ResyncTriggerKind } from './types.ts';

/**
 * What the listener knows of the last resync request it acted on: `unknown` until the initial read
 * succeeds, `none` when Port had no request then, else that request's `updatedAt`. JSON-safe, so a
 * runtime without a process (a Worker's Durable Object) stores it between cron ticks.
 */
export type Watermark = { kind: 'unknown' } | { kind: 'none' } | { kind: 'at'; updatedAt: string };

/** The POLLING listener's state between iterations. */
export interface PollingState {
  watermark: Watermark;
  /** Whether the first iteration (the one that may resync on start) has run. */
  started: boolean;
}

export const INITIAL_POLLING_STATE: PollingState = { watermark: { kind: 'unknown' }, started: false };

/** One read of `GET /integration/{id}/resync-request`: the request (or `null`), or the failure. */
export type RequestRead = { ok: true; request: ResyncRequestInfo | null } | { ok: false; error: unknown };

/** A line the caller logs for an iteration. */
export interface PollingNote {
  level: 'debug' | 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

/** What one iteration decided: the next state, whether to resync (and why), and what to log. */
export interface PollingDecision {
  state: PollingState;
  resync?: 'start' | 'poll';
  notes: PollingNote[];
}

/**
 * One POLLING iteration as a pure function of the stored state and the request just read (§5.2). The
 * in-process loop and the Workers cron tick both run it, so they decide alike:
 * - while the watermark is unknown, a successful read only fixes it (a request older than this start
 *   never triggers); the first iteration resyncs on start when asked, even if its read failed;
 * - later, a request strictly newer than the watermark (or any valid one after `none`) resyncs, and the
 *   watermark moves to it before the resync runs;
 * - missing or invalid timestamps never trigger; a failed read is logged and changes nothing.
 *
 * @example
 * const d = pollingStep(INITIAL_POLLING_STATE, { ok: true, request: null }, { resyncOnStart: true });
 * // d.state.watermark = { kind: 'none' }, d.resync = 'start'
 */
export function pollingStep(state: PollingState, read: RequestRead, o: { resyncOnStart: boolean }): PollingDecision {
  const notes: PollingNote[] = [];
  if (!read.ok) notes.push({ level: 'warn', message: '[tide] POLLING: could not read the resync request; polling goes on', fields: { error: errorMessage(read.error) } });
  let watermark = state.watermark;
  let resync: PollingDecision['resync'];
  if (watermark.kind === 'unknown') {
    if (read.ok) watermark = initialWatermark(read.request, notes);
    if (!state.started && o.resyncOnStart) resync = 'start';
  } else if (read.ok && read.request) {
    const request = read.request;
    const instant = parseIsoInstant(request.updatedAt);
    if (instant === undefined) {
      notes.push({ level: 'debug', message: '[tide] POLLING: ignoring a resync request without a valid ISO updatedAt', fields: { updatedAt: request.updatedAt } });
    } else if (watermark.kind === 'none' || instant > (parseIsoInstant(watermark.updatedAt) ?? -1n)) {
      // Set before the resync so a failed or long resync is not re-triggered by the same request.
      watermark = { kind: 'at', updatedAt: request.updatedAt as string };
      notes.push({ level: 'info', message: '[tide] POLLING: new resync request, resyncing', fields: { requestId: request.id, updatedAt: request.updatedAt } });
      resync = 'poll';
    }
  }
  return { state: { watermark, started: true }, resync, notes };
}

function initialWatermark(request: ResyncRequestInfo | null, notes: PollingNote[]): Watermark {
  if (!request) return { kind: 'none' };
  if (parseIsoInstant(request.updatedAt) === undefined) {
    // A request with an unreadable timestamp can never trigger; reading it as "no request" lets the
    // next valid one do so.
    notes.push({ level: 'warn', message: '[tide] POLLING: the resync request has no valid ISO updatedAt; it is ignored', fields: { updatedAt: request.updatedAt } });
    return { kind: 'none' };
  }
  return { kind: 'at', updatedAt: request.updatedAt as string };
}

/** Read the newest resync request; never throws. */
export async function readResyncRequest(port: ResyncRequestSource, identifier: string, signal?: AbortSignal): Promise<RequestRead> {
  try {
    return { ok: true, request: await port.getResyncRequest(identifier, { signal }) };
  } catch (error) {
    return { ok: false, error };
  }
}

export interface PollingOptions {
  /** `integration.identifier`, the `{id}` of `GET /integration/{id}/resync-request`. */
  identifier: string;
  /** Port, or anything with `getResyncRequest`. */
  port: ResyncRequestSource;
  trigger: ResyncTrigger;
  /** `eventListener.resyncOnStart`. Default `true`. */
  resyncOnStart?: boolean;
  /** `eventListener.interval`, in seconds. Default 60. */
  intervalSeconds?: number;
  /** Abortable sleep; tests inject one they can step. Default: a `setTimeout` sleep. */
  sleep?: SleepFn;
  logger?: ListenerLogger;
}

/** A running (or stopped) POLLING loop. */
export interface PollingListener {
  /** Start the loop in the background; resolves at once. A second call does nothing. */
  start(): Promise<void>;
  /**
   * End the loop: a pending sleep or request is abandoned, and the returned promise waits for the
   * loop to exit. A resync in progress is not awaited (shutdown aborts it through the engine);
   * the loop exits as soon as it returns.
   */
  stop(): Promise<void>;
  /** The current watermark, for diagnostics. */
  watermark(): Watermark;
  /** Settles when the loop has exited (after `stop()`). */
  readonly done: Promise<void>;
}

/**
 * Create the POLLING listener.
 *
 * @example
 * const polling = createPollingListener({ identifier: 'my-jira', port: createPortClient(opts), trigger, intervalSeconds: 60 });
 * await polling.start();
 * // on shutdown
 * await polling.stop();
 */
export function createPollingListener(options: PollingOptions): PollingListener {
  const { identifier, port, trigger } = options;
  const resyncOnStart = options.resyncOnStart ?? true;
  const intervalSeconds = options.intervalSeconds ?? 60;
  if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) {
    throw new RangeError(`[tide] POLLING: eventListener.interval must be a positive number of seconds, got ${intervalSeconds}`);
  }
  const sleep = options.sleep ?? defaultSleep;
  const logger = options.logger ?? silentLogger;
  const controller = new AbortController();
  let state = INITIAL_POLLING_STATE;
  let started = false;
  let stopped = false;
  let inResync = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  async function runResync(kind: ResyncTriggerKind): Promise<void> {
    inResync = true;
    try {
      const { status } = await trigger.resync({ trigger: kind });
      logger.debug('[tide] POLLING: resync ended', { trigger: kind, status });
    } catch (error) {
      logger.error('[tide] POLLING: resync threw; polling goes on', { trigger: kind, error: errorMessage(error) });
    } finally {
      inResync = false;
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      if (state.started) {
        try {
          await sleep(intervalSeconds * 1000, controller.signal);
        } catch (error) {
          if (stopped) break;
          logger.warn('[tide] POLLING: sleep failed', { error: errorMessage(error) });
        }
        if (stopped) break;
      }
      const read = await readResyncRequest(port, identifier, controller.signal);
      if (stopped) break;
      const decision = pollingStep(state, read, { resyncOnStart });
      state = decision.state;
      for (const note of decision.notes) logger[note.level](note.message, note.fields);
      if (decision.resync) await runResync(decision.resync);
    }
  }

  return {
    async start() {
      if (started) return;
      started = true;
      loop()
        .catch((error: unknown) => logger.error('[tide] POLLING: the loop failed', { error: errorMessage(error) }))
        .finally(resolveDone);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      controller.abort(new Error('[tide] POLLING listener stopped'));
      if (!started) {
        resolveDone();
        return;
      }
      if (!inResync) await done;
    },
    watermark: () => state.watermark,
    done,
  };
}
