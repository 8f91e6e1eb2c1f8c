/**
 * One processor run (docs/behaviour.md §6.4): beforeProcessing → authenticate → validatePayload →
 * handleEvent (retried per the processor's policy) → afterProcessing, all inside one budget (90 s by
 * default). A run that runs out of budget, or is cut short by shutdown, fails and yields nothing to apply.
 */
import type { Logger } from '../logging/logger.ts';
import type { ResourceConfig } from '../mapping/index.ts';
import type { LiveEventProcessor, RawItem, WebhookEvent, WebhookEventResult } from './processor.ts';
import { DEFAULT_MAX_RETRIES, defaultRetryDelay, defaultShouldRetry } from './processor.ts';
import type { Clock } from './queue.ts';

/** The §6.4 budget of one run, retries included. */
export const RUN_BUDGET_MS = 90_000;

/** Why a run failed. */
export type RunFailure = 'authentication' | 'invalid-payload' | 'invalid-result' | 'error' | 'timeout' | 'cancelled';

/** A run failure other than a thrown processor error. */
export class LiveRunError extends Error {
  override readonly name = 'LiveRunError';
  constructor(
    readonly reason: RunFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What one run is about: the processor instance, the event, and for `'webhook'` processors the resource. */
export interface RunSpec {
  processor: LiveEventProcessor;
  /** For log lines, e.g. `PushProcessor`. */
  name: string;
  event: WebhookEvent;
  kind?: string;
  resource?: ResourceConfig;
  resourceIndex?: number;
}

export type RunOutcome =
  | { status: 'succeeded'; result: WebhookEventResult; attempts: number }
  | { status: 'failed'; reason: RunFailure; error: unknown; attempts: number };

export interface RunOptions {
  clock: Clock;
  /** Default 90 000. */
  budgetMs?: number;
  /** Shutdown: aborting it fails the run as `cancelled` and calls the processor's `cancel()`. */
  signal?: AbortSignal;
  logger: Logger;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPlainObject(value: unknown): value is RawItem {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkResult(value: unknown): WebhookEventResult {
  const bad = (why: string) => new LiveRunError('invalid-result', `handleEvent must return { updated: object[], deleted: object[] }: ${why}`);
  if (value === null || typeof value !== 'object') throw bad(`got ${value === null ? 'null' : typeof value}`);
  const { updated = [], deleted = [] } = value as Partial<WebhookEventResult>;
  for (const [name, list] of [['updated', updated], ['deleted', deleted]] as const) {
    if (!Array.isArray(list)) throw bad(`${name} is not an array`);
    const index = list.findIndex((item) => !isPlainObject(item));
    if (index >= 0) throw bad(`${name}[${index}] is not a plain object`);
  }
  return { updated, deleted };
}

/**
 * Execute one run. Never throws: the outcome says whether it succeeded, and why not.
 *
 * @example
 * const outcome = await runProcessor({ processor, name: 'Push', event, kind: 'repo', resource }, { clock, logger });
 * if (outcome.status === 'succeeded') apply(outcome.result);
 */
export async function runProcessor(spec: RunSpec, options: RunOptions): Promise<RunOutcome> {
  const { processor, event } = spec;
  const { clock } = options;
  const budgetMs = options.budgetMs ?? RUN_BUDGET_MS;
  const logger = options.logger;
  const ended = new AbortController();
  const cut = new AbortController();
  let attempts = 0;

  const onShutdown = (): void => cut.abort(new LiveRunError('cancelled', 'cancelled by shutdown'));
  if (options.signal?.aborted) onShutdown();
  else options.signal?.addEventListener('abort', onShutdown, { once: true });
  clock.sleep(budgetMs, ended.signal).then(
    () => cut.abort(new LiveRunError('timeout', `the run exceeded its ${budgetMs / 1000} s budget`)),
    () => {},
  );
  const cutShort = new Promise<never>((_, reject) => {
    if (cut.signal.aborted) reject(cut.signal.reason);
    cut.signal.addEventListener('abort', () => reject(cut.signal.reason), { once: true });
  });
  cutShort.catch(() => {});

  const steps = async (): Promise<WebhookEventResult> => {
    await processor.beforeProcessing?.(event);
    cut.signal.throwIfAborted();
    if ((await processor.authenticate(event.payload, event.headers)) !== true) throw new LiveRunError('authentication', 'authentication failed');
    cut.signal.throwIfAborted();
    if ((await processor.validatePayload(event.payload)) !== true) throw new LiveRunError('invalid-payload', 'invalid payload');
    const maxRetries = processor.maxRetries ?? DEFAULT_MAX_RETRIES;
    let retries = 0;
    let raw: unknown;
    for (;;) {
      cut.signal.throwIfAborted();
      attempts += 1;
      try {
        // The union's parameter types intersect to never; the spec's resource matches the processor's kind.
        const handleEvent = processor.handleEvent as (payload: unknown, resource: ResourceConfig | undefined) => Promise<unknown>;
        raw = await handleEvent.call(processor, event.payload, spec.resource);
        break;
      } catch (error) {
        if (cut.signal.aborted) throw cut.signal.reason;
        try {
          await processor.onError?.(error);
        } catch (hookError) {
          logger.warn('[tide] live event: onError threw; the original error stands', { processor: spec.name, error: errorText(hookError) });
        }
        const retry = retries < maxRetries && (processor.shouldRetry ? processor.shouldRetry(error) : defaultShouldRetry(error));
        if (!retry) throw error;
        retries += 1;
        const seconds = Number(processor.calculateRetryDelay ? processor.calculateRetryDelay(retries) : defaultRetryDelay(retries));
        const delayMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
        logger.info('[tide] live event: handleEvent failed; retrying', { processor: spec.name, kind: spec.kind, retry: retries, delayMs, error: errorText(error) });
        await clock.sleep(delayMs, cut.signal);
      }
    }
    const result = checkResult(raw);
    cut.signal.throwIfAborted();
    await processor.afterProcessing?.(event);
    return result;
  };

  try {
    const result = await Promise.race([steps(), cutShort]);
    return { status: 'succeeded', result, attempts };
  } catch (error) {
    if (cut.signal.aborted) {
      // The processor may still be working; ask it to stop, without waiting on it.
      Promise.resolve()
        .then(() => processor.cancel?.())
        .catch((e: unknown) => logger.warn('[tide] live event: cancel() threw', { processor: spec.name, error: errorText(e) }));
      const reason = cut.signal.reason instanceof LiveRunError ? cut.signal.reason.reason : 'cancelled';
      return { status: 'failed', reason, error: cut.signal.reason, attempts };
    }
    const reason = error instanceof LiveRunError ? error.reason : 'error';
    return { status: 'failed', reason, error, attempts };
  } finally {
    ended.abort();
    options.signal?.removeEventListener('abort', onShutdown);
  }
}
