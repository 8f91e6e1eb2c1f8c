/**
 * Extraction of one resource's raw items (§4.1, §4.4): the kind's own handler, then the catch-all,
 * array-returning handlers concurrently as the first page, then async-iterable handlers one after
 * another, each yielded array a page. Every page is validated (an array of plain objects); a bad
 * page or a throwing handler is a kind error that ends only that handler. An abort stops at the
 * next await: no further page is taken.
 */
import { raceAbort } from '../http/index.ts';
import type { IntegrationDefinition, KindContext, RawItem, ResyncResult } from '../integration/index.ts';

/** One resync handler of a resource, named for messages. */
export interface ResourceHandler {
  name: string;
  run(ctx: KindContext): ResyncResult;
}

/**
 * The handlers of a resource: the kind's own, then the catch-all. Returns an error message instead
 * when there is none, naming the kinds that have one.
 */
export function resolveHandlers(integration: IntegrationDefinition<any>, kind: string): ResourceHandler[] | string {
  const handlers: ResourceHandler[] = [];
  const own = Object.hasOwn(integration.kinds, kind) ? integration.kinds[kind] : undefined;
  if (own) handlers.push({ name: `kind "${kind}"`, run: (ctx) => own.resync(ctx as never) });
  const catchAll = integration.catchAll;
  if (catchAll) handlers.push({ name: 'catch-all', run: (ctx) => catchAll(ctx as never) });
  if (handlers.length > 0) return handlers;
  const known = Object.keys(integration.kinds);
  return `kind "${kind}" has no resync handler (kinds with one: ${known.length > 0 ? known.join(', ') : 'none'})`;
}

const ABORTED = Symbol('aborted');

/** Resolve with the promise, or with ABORTED as soon as the signal fires. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  try {
    return await raceAbort(promise, signal);
  } catch (error) {
    if (signal.aborted) return ABORTED;
    throw error;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'non-plain'} object`;
  return `a ${typeof value}`;
}

/** `undefined` when the page is valid, else why not. */
export function validatePage(page: unknown): string | undefined {
  if (!Array.isArray(page)) return `expected an array of raw items, got ${describe(page)}`;
  const bad = page.findIndex((item) => !isPlainObject(item));
  if (bad >= 0) return `item ${bad} is ${describe(page[bad])}, expected a plain object`;
  return undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Yield the pages of one resource. Errors go to `onError` (each is a kind error); the generator
 * itself never throws for a handler's fault.
 */
export async function* extractResource(
  handlers: readonly ResourceHandler[],
  ctx: KindContext,
  onError: (message: string) => void,
): AsyncGenerator<RawItem[], void, undefined> {
  const { signal } = ctx;
  const arrays: Array<{ handler: ResourceHandler; result: Promise<unknown> }> = [];
  const iterables: Array<{ handler: ResourceHandler; result: AsyncIterable<unknown> }> = [];
  for (const handler of handlers) {
    let result: unknown;
    try {
      result = handler.run(ctx);
    } catch (error) {
      onError(`${handler.name} handler failed: ${message(error)}`);
      continue;
    }
    if (isAsyncIterable(result)) iterables.push({ handler, result });
    else arrays.push({ handler, result: Promise.resolve(result) });
  }

  // Array-returning handlers run concurrently; their results are concatenated into the first page.
  if (arrays.length > 0) {
    const settled = await untilAborted(Promise.allSettled(arrays.map((a) => a.result)), signal);
    if (settled === ABORTED) return;
    const first: RawItem[] = [];
    settled.forEach((outcome, i) => {
      const { handler } = arrays[i];
      if (outcome.status === 'rejected') return onError(`${handler.name} handler failed: ${message(outcome.reason)}`);
      if (isAsyncIterable(outcome.value)) {
        // A promise of an async iterable: iterate it with the others.
        iterables.unshift({ handler, result: outcome.value });
        return;
      }
      const invalid = validatePage(outcome.value);
      if (invalid) return onError(`${handler.name} handler returned invalid raw items: ${invalid}`);
      for (const item of outcome.value as RawItem[]) first.push(item);
    });
    if (first.length > 0) yield first;
  }

  for (const { handler, result } of iterables) {
    if (signal.aborted) return;
    let iterator: AsyncIterator<unknown>;
    try {
      iterator = result[Symbol.asyncIterator]();
    } catch (error) {
      onError(`${handler.name} handler failed: ${message(error)}`);
      continue;
    }
    let page = 0;
    for (;;) {
      let step: IteratorResult<unknown> | typeof ABORTED;
      try {
        step = await untilAborted(iterator.next(), signal);
      } catch (error) {
        onError(`${handler.name} handler failed after ${page} page(s): ${message(error)}`);
        break;
      }
      if (step === ABORTED) {
        // Let the generator run its finally blocks once its pending await settles.
        iterator.return?.()?.catch(() => {});
        return;
      }
      if (step.done) break;
      page += 1;
      const invalid = validatePage(step.value);
      if (invalid) {
        onError(`${handler.name} handler yielded invalid raw items on page ${page}: ${invalid}`);
        iterator.return?.()?.catch(() => {});
        break;
      }
      yield step.value as RawItem[];
      if (signal.aborted) {
        iterator.return?.()?.catch(() => {});
        return;
      }
    }
  }
}
