/**
 * Extraction of one resource's raw items (§4.1, §4.4), the only place handlers are called: the kind's
 * own handler, then the catch-all. Array-returning handlers run concurrently and their results are
 * concatenated into the first page; async-iterable handlers then run one after another, each yielded
 * array a page. Every page is validated (an array of plain objects); a bad page or a throwing handler
 * is a kind error that ends only that handler. An abort stops at the next await: no further page is
 * taken, however long the vendor call in flight takes.
 *
 * Extraction moves through units: unit 0 is the array handlers' batch, unit n ≥ 1 the n-th async
 * iterable. The position (unit and the handler's last cursor) lives in the resync's checkpoint, so a
 * resync resumed in a later invocation calls only the handler it stopped in, from its cursor.
 */
import { raceAbort } from '../http/index.ts';
import type { IntegrationDefinition, KindContext, RawItem, ResyncResult } from '../integration/index.ts';

/** One resync handler of a resource, named for messages. */
export interface ResourceHandler {
  name: string;
  run(ctx: KindContext): ResyncResult;
}

/** Where extraction of one resource stands (fields of the resync checkpoint). JSON. */
export interface ExtractPosition {
  /** 0: the array handlers' batch is due; n ≥ 1: paging through the n-th async iterable. */
  handlerIndex: number;
  /** Indices (into the handlers) of the async-iterable handlers, in run order; set once unit 0 is done. */
  iterables?: number[];
  /** The current handler's cursor after the last processed page. */
  cursor?: { value: unknown };
}

/**
 * What extraction reports: a page (`resumable` when the handler declared where to resume after it),
 * or the end of a unit (the position then points at the next unit, and a step may stop there).
 */
export type ExtractEvent = { type: 'page'; items: RawItem[]; resumable: boolean } | { type: 'unit-end' };

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

/** Each handler call gets its own ctx: its own cursor, and a checkpoint that records the cursor of the next page. */
interface Cursors {
  ctxFor(cursor: { value: unknown } | undefined): KindContext;
  /** The cursor declared since the last `take()`. */
  take(): { value: unknown } | undefined;
}

function cursors(ctx: KindContext): Cursors {
  let pending: { value: unknown } | undefined;
  return {
    ctxFor: (cursor) => ({
      ...ctx,
      cursor: cursor?.value,
      // Copied now: the handler may mutate its cursor object after declaring it.
      checkpoint: (value) => {
        const json = JSON.stringify(value);
        pending = { value: json === undefined ? undefined : JSON.parse(json) };
      },
    }),
    take() {
      const out = pending;
      pending = undefined;
      return out;
    },
  };
}

/**
 * Unit 0: call every handler; await the array-returning ones together and yield their concatenation.
 * Returns the async iterables already obtained (by handler index), or ABORTED.
 */
async function* arrayBatch(
  handlers: readonly ResourceHandler[],
  c: Cursors,
  position: ExtractPosition,
  signal: AbortSignal,
  onError: (message: string) => void,
): AsyncGenerator<ExtractEvent, Map<number, AsyncIterable<unknown>> | typeof ABORTED, undefined> {
  const arrays: Array<{ index: number; result: Promise<unknown> }> = [];
  const iterables: Array<[number, AsyncIterable<unknown>]> = [];
  for (const [index, handler] of handlers.entries()) {
    let result: unknown;
    try {
      result = handler.run(c.ctxFor(undefined));
    } catch (error) {
      onError(`${handler.name} handler failed: ${message(error)}`);
      continue;
    }
    if (isAsyncIterable(result)) iterables.push([index, result]);
    else arrays.push({ index, result: Promise.resolve(result) });
  }
  const first: RawItem[] = [];
  if (arrays.length > 0) {
    const settled = await untilAborted(Promise.allSettled(arrays.map((a) => a.result)), signal);
    if (settled === ABORTED) return ABORTED;
    settled.forEach((outcome, i) => {
      const { index } = arrays[i];
      const { name } = handlers[index];
      if (outcome.status === 'rejected') return onError(`${name} handler failed: ${message(outcome.reason)}`);
      // A promise of an async iterable: iterate it with the others, first.
      if (isAsyncIterable(outcome.value)) return void iterables.unshift([index, outcome.value]);
      const invalid = validatePage(outcome.value);
      if (invalid) return onError(`${name} handler returned invalid raw items: ${invalid}`);
      for (const item of outcome.value as RawItem[]) first.push(item);
    });
  }
  position.iterables = iterables.map(([index]) => index);
  position.handlerIndex = 1;
  position.cursor = undefined;
  if (first.length > 0) yield { type: 'page', items: first, resumable: false };
  yield { type: 'unit-end' };
  return new Map(iterables);
}

/**
 * Page through one async-iterable handler from the position's cursor. `iterable` is the one unit 0
 * obtained in this invocation; a resumed extraction calls the handler again with its cursor.
 */
async function* iterate(
  handler: ResourceHandler,
  iterable: AsyncIterable<unknown> | undefined,
  c: Cursors,
  position: ExtractPosition,
  signal: AbortSignal,
  onError: (message: string) => void,
): AsyncGenerator<ExtractEvent, boolean, undefined> {
  let result: unknown = iterable;
  if (result === undefined) {
    try {
      result = handler.run(c.ctxFor(position.cursor));
      if (!isAsyncIterable(result)) result = await untilAborted(Promise.resolve(result), signal);
    } catch (error) {
      onError(`${handler.name} handler failed: ${message(error)}`);
      return true;
    }
    if (result === ABORTED) return false;
  }
  if (!isAsyncIterable(result)) {
    // The handler returned an array this time: one page, not resumable within.
    const invalid = validatePage(result);
    if (invalid) onError(`${handler.name} handler returned invalid raw items: ${invalid}`);
    else yield { type: 'page', items: result as RawItem[], resumable: false };
    return true;
  }
  let iterator: AsyncIterator<unknown> | undefined;
  let page = 0;
  try {
    iterator = result[Symbol.asyncIterator]();
    for (;;) {
      c.take();
      const step = await untilAborted(iterator.next(), signal);
      if (step === ABORTED) return false;
      if (step.done) return true;
      page += 1;
      const invalid = validatePage(step.value);
      if (invalid) {
        onError(`${handler.name} handler yielded invalid raw items on page ${page}: ${invalid}`);
        return true;
      }
      const cursor = c.take();
      position.cursor = cursor;
      yield { type: 'page', items: step.value as RawItem[], resumable: cursor !== undefined };
      if (signal.aborted) return false;
    }
  } catch (error) {
    onError(`${handler.name} handler failed${iterator ? ` after ${page} page(s)` : ''}: ${message(error)}`);
    return true;
  } finally {
    // Stopped early (a bad page, an abort, a paused step): let the generator run its finally blocks
    // once its pending await settles.
    void iterator?.return?.()?.catch(() => {});
  }
}

/**
 * Extract one resource from `position` (which it advances), unit by unit. Handler faults go to
 * `onError` (each a kind error); the generator itself never throws for them. It ends early, without
 * a `unit-end`, when the signal fires.
 */
export async function* extractUnits(
  handlers: readonly ResourceHandler[],
  ctx: KindContext,
  position: ExtractPosition,
  onError: (message: string) => void,
): AsyncGenerator<ExtractEvent, void, undefined> {
  const { signal } = ctx;
  const c = cursors(ctx);
  if (position.iterables === undefined && (position.handlerIndex > 0 || position.cursor !== undefined)) {
    // A checkpoint from an earlier Tide, which ran handlers one by one and counted them in
    // `handlerIndex`: go on with the handlers it had not finished, the current one from its cursor.
    position.iterables = handlers.map((_, i) => i).slice(position.handlerIndex);
    position.handlerIndex = 1;
  }
  let obtained = new Map<number, AsyncIterable<unknown>>();
  if (position.handlerIndex === 0) {
    const batch = yield* arrayBatch(handlers, c, position, signal, onError);
    if (batch === ABORTED) return;
    obtained = batch;
  }
  const order = position.iterables ?? [];
  while (position.handlerIndex <= order.length) {
    if (signal.aborted) return;
    const index = order[position.handlerIndex - 1];
    const resumeFrom = position.cursor;
    const iterable = resumeFrom === undefined ? obtained.get(index) : undefined;
    obtained.delete(index);
    if (!(yield* iterate(handlers[index], iterable, c, position, signal, onError))) return;
    position.handlerIndex += 1;
    position.cursor = undefined;
    yield { type: 'unit-end' };
  }
}

/** Every page of one resource from its start, for callers that need no position (tests, `tide map`). */
export async function* extractResource(
  handlers: readonly ResourceHandler[],
  ctx: KindContext,
  onError: (message: string) => void,
): AsyncGenerator<RawItem[], void, undefined> {
  for await (const event of extractUnits(handlers, ctx, { handlerIndex: 0 }, onError)) if (event.type === 'page') yield event.items;
}
