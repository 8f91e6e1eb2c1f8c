/**
 * The resources phase of a resumable resync (§4.4, carried across invocations): resources in
 * mapping order, each one's handlers in order, page by page, with a checkpoint after every page.
 * A step stops at a page boundary once its budget is spent, but only where the handler declared a
 * cursor (`ctx.checkpoint`); a handler without one runs to its end, since resuming it means
 * restarting it from its first page (its counters and failed list are then rolled back to where
 * it started; seen keys stay, harmlessly).
 */
import type { KindContext, RawItem } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { PortAppConfig } from '../mapping/index.ts';
import type { ResyncCheckpoint } from './checkpoint.ts';
import type { ExamplesCollector } from './examples.ts';
import { resolveHandlers, validatePage } from './extract.ts';
import type { KindReport } from './report.ts';
import { addKindError, emptyKindReport } from './report.ts';
import type { ResourceRunShared } from './resource.ts';
import { processPage } from './resource.ts';

/** Passed to `onPage` after a page's writes, before its checkpoint is saved. */
export interface PageInfo {
  resyncId: string;
  kind: string;
  /** Pages of this resync processed so far, this one included. */
  pages: number;
  itemsThisStep: number;
}

export interface ResourcesPhaseInput {
  cp: ResyncCheckpoint;
  config: PortAppConfig;
  shared: Omit<ResourceRunShared, 'examples' | 'onProgress'>;
  examples: ExamplesCollector;
  logger: Logger;
  save(): Promise<void>;
  /** `items` done this step, `last` the size of the page just processed. */
  overBudget(items: number, last: number): boolean;
  onPage?: (info: PageInfo) => void | Promise<void>;
}

/** `done`: every resource processed; `paused`: budget spent; `aborted`: the signal fired. */
export type ResourcesPhaseOutcome = { status: 'done' | 'paused' | 'aborted'; items: number };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function runResourcesPhase(input: ResourcesPhaseInput): Promise<ResourcesPhaseOutcome> {
  const { cp, config, shared, save } = input;
  const { signal } = shared;
  let items = 0;
  let last = 0;
  const nextHandler = (): void => {
    cp.handlerIndex += 1;
    cp.cursor = undefined;
    cp.handlerStartReport = undefined;
    cp.handlerStartFailed = undefined;
  };

  while (cp.resourceIndex < config.resources.length) {
    if (signal.aborted) return { status: 'aborted', items };
    const index = cp.resourceIndex;
    const resource = config.resources[index];
    let report: KindReport = (cp.kinds[index] ??= emptyKindReport(resource.kind, index));
    const logger = input.logger.child({ kind: resource.kind, resource: report.label });
    const onError = (text: string): void => {
      logger.error(`[tide] ${report.label}: ${text}`);
      addKindError(report, text);
    };
    const handlers = resolveHandlers(shared.integration, resource.kind);
    if (typeof handlers === 'string') onError(handlers);
    const sendExamples = !cp.examplesSent.includes(resource.kind);
    const examples = sendExamples ? input.examples.forResource(resource.kind) : undefined;

    while (typeof handlers !== 'string' && cp.handlerIndex < handlers.length) {
      const handler = handlers[cp.handlerIndex];
      if (cp.cursor === undefined) {
        // (Re)starting the handler from its first page: undo what an interrupted earlier run of it counted.
        if (cp.handlerStartReport) {
          report = cp.kinds[index] = clone(cp.handlerStartReport);
          cp.failed.length = cp.handlerStartFailed ?? cp.failed.length;
        } else {
          cp.handlerStartReport = clone(report);
          cp.handlerStartFailed = cp.failed.length;
        }
      }
      let pending: { value: unknown } | undefined;
      const ctx: KindContext = {
        kind: resource.kind,
        index,
        config: shared.config,
        selector: resource.selector,
        resourceConfig: resource,
        logger,
        http: shared.http,
        state: shared.state,
        signal,
        attributes: cp.attributes,
        cursor: cp.cursor?.value,
        checkpoint: (cursor) => {
          pending = { value: clone(cursor) };
        },
      };
      let result: unknown;
      try {
        result = handler.run(ctx);
        if (!isAsyncIterable(result)) result = await result;
      } catch (error) {
        onError(`${handler.name} handler failed: ${message(error)}`);
        nextHandler();
        await save();
        continue;
      }
      const handlePage = async (page: RawItem[]): Promise<boolean> => {
        if (sendExamples && !cp.examplesSent.includes(resource.kind)) {
          await examples?.offer(page);
          await examples?.flush();
          cp.examplesSent.push(resource.kind);
        }
        if (!(await processPage(shared, resource, index, report, page, logger)) || signal.aborted) return false;
        items += page.length;
        last = page.length;
        cp.pages += 1;
        await input.onPage?.({ resyncId: cp.resyncId, kind: resource.kind, pages: cp.pages, itemsThisStep: items });
        return true;
      };

      if (!isAsyncIterable(result)) {
        const invalid = validatePage(result);
        if (invalid) onError(`${handler.name} handler returned invalid raw items: ${invalid}`);
        else if (!(await handlePage(result as RawItem[]))) return { status: 'aborted', items };
        nextHandler();
        await save();
        if (input.overBudget(items, last)) return { status: 'paused', items };
        continue;
      }

      const iterator = result[Symbol.asyncIterator]();
      let page = 0;
      try {
        for (;;) {
          pending = undefined;
          let next: IteratorResult<unknown>;
          try {
            next = await iterator.next();
          } catch (error) {
            onError(`${handler.name} handler failed after ${page} page(s): ${message(error)}`);
            break;
          }
          if (next.done) break;
          page += 1;
          const invalid = validatePage(next.value);
          if (invalid) {
            onError(`${handler.name} handler yielded invalid raw items on page ${page}: ${invalid}`);
            break;
          }
          if (!(await handlePage(next.value as RawItem[]))) return { status: 'aborted', items };
          cp.cursor = pending;
          await save();
          if (pending !== undefined && input.overBudget(items, last)) return { status: 'paused', items };
        }
      } finally {
        // Stopped early (budget, abort, error): let the generator run its finally blocks.
        iterator.return?.()?.catch(() => {});
      }
      nextHandler();
      await save();
      if (input.overBudget(items, last)) return { status: 'paused', items };
    }
    cp.resourceIndex += 1;
    cp.handlerIndex = 0;
    cp.cursor = undefined;
    cp.handlerStartReport = undefined;
    cp.handlerStartFailed = undefined;
    await save();
  }
  return { status: 'done', items };
}
