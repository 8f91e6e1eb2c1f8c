/**
 * The POLLING listener (OCEAN-BEHAVIOUR §5.2, conformance 32): read the newest resync request, resync
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
 * succeeds, `none` when Port had no request then, else that request's `updatedAt`.
 */
export type Watermark = { kind: 'unknown' } | { kind: 'none' } | { kind: 'at'; updatedAt: string; instant: bigint };

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
  let watermark: Watermark = { kind: 'unknown' };
  let started = false;
  let stopped = false;
  let inResync = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  /** GET the newest request; `undefined` when the call failed (already logged). */
  async function readRequest(): Promise<{ request: ResyncRequestInfo | null } | undefined> {
    try {
      return { request: await port.getResyncRequest(identifier, { signal: controller.signal }) };
    } catch (error) {
      if (!stopped) logger.warn('[tide] POLLING: could not read the resync request; polling goes on', { error: errorMessage(error) });
      return undefined;
    }
  }

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

  /** The first read: it fixes the watermark and never triggers, so a request older than this process is ignored. */
  async function initialRead(): Promise<void> {
    const read = await readRequest();
    if (!read) return; // stays unknown: the next iteration reads again
    const request = read.request;
    if (!request) {
      watermark = { kind: 'none' };
      return;
    }
    const instant = parseIsoInstant(request.updatedAt);
    if (instant === undefined) {
      // A request with an unreadable timestamp can never trigger; reading it as "no request" lets the
      // next valid one do so.
      logger.warn('[tide] POLLING: the resync request has no valid ISO updatedAt; it is ignored', { updatedAt: request.updatedAt });
      watermark = { kind: 'none' };
      return;
    }
    watermark = { kind: 'at', updatedAt: request.updatedAt as string, instant };
  }

  async function poll(): Promise<void> {
    const read = await readRequest();
    const request = read?.request;
    if (!request || stopped) return;
    const instant = parseIsoInstant(request.updatedAt);
    if (instant === undefined) {
      logger.debug('[tide] POLLING: ignoring a resync request without a valid ISO updatedAt', { updatedAt: request.updatedAt });
      return;
    }
    if (watermark.kind === 'at' && instant <= watermark.instant) return;
    // Set before the resync so a failed or long resync is not re-triggered by the same request.
    watermark = { kind: 'at', updatedAt: request.updatedAt as string, instant };
    logger.info('[tide] POLLING: new resync request, resyncing', { requestId: request.id, updatedAt: request.updatedAt });
    await runResync('poll');
  }

  async function loop(): Promise<void> {
    let first = true;
    while (!stopped) {
      if (!first) {
        try {
          await sleep(intervalSeconds * 1000, controller.signal);
        } catch (error) {
          if (stopped) break;
          logger.warn('[tide] POLLING: sleep failed', { error: errorMessage(error) });
        }
        if (stopped) break;
      }
      if (watermark.kind === 'unknown') {
        await initialRead();
        if (first && resyncOnStart && !stopped) await runResync('start');
      } else {
        await poll();
      }
      first = false;
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
    watermark: () => watermark,
    done,
  };
}
