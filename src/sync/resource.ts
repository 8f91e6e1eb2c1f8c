/**
 * One resource of a resync (§4.4): its pages from extraction (extract.ts), each offered as a raw-data
 * example, mapped, and its selector-passing entities handed to the run's sink (the batch writer, or
 * plan's recorder). The resource's counters and extraction position live in the checkpoint, so a step
 * may stop wherever it can resume (after a page with a cursor, or between handlers) and a later step
 * goes on from there.
 */
import type { HttpClient } from '../http/index.ts';
import type { IntegrationDefinition, KindContext, RawItem } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { Entity, Mapper, ResourceConfig } from '../mapping/index.ts';
import { formatBatchReport } from '../mapping/index.ts';
import type { StateStore } from '../state/index.ts';
import type { ResyncCheckpoint } from './checkpoint.ts';
import { newCheckpoint } from './checkpoint.ts';
import type { ExamplesCollector } from './examples.ts';
import type { ExtractPosition, ResourceHandler } from './extract.ts';
import { extractUnits, resolveHandlers } from './extract.ts';
import type { KindReport } from './report.ts';
import { addKindError, emptyKindReport } from './report.ts';

/** What every resource of one run shares. */
export interface ResourceRunShared {
  integration: IntegrationDefinition<any>;
  mapper: Mapper;
  logger: Logger;
  http: HttpClient;
  state: StateStore;
  /** The integration's typed config (`ctx.config`). */
  config: Record<string, unknown>;
  /** Per-run scratch space (`ctx.attributes`). */
  attributes: Record<string, unknown>;
  signal: AbortSignal;
  examples?: ExamplesCollector;
  /** Receives each batch's entities that passed the selector (dropped ones already removed). */
  onEntities(entities: Entity[], report: KindReport): Promise<void>;
  /** The resource ended (`stopped`: by an abort); not called when a step pauses inside it. */
  onResourceEnd?(report: KindReport, stopped: boolean): Promise<void>;
  /** Called with the live counters after each page and when the resource ends (a CLI's progress display). */
  onProgress?: (report: Readonly<KindReport>) => void;
  /** The resource's handlers; default the kind's resync handler, then the catch-all (§4.4). */
  handlers?(kind: string): ResourceHandler[] | string;
  /** The ctx handed to the handlers, built from the resync's (an incremental run adds its cursor, §4.12). */
  context?(ctx: KindContext): KindContext;
  /**
   * Map in parse-all mode and receive the entities of items whose selector is `false` (an incremental run makes
   * them delete candidates, §4.12). Without it, those items are only counted as filtered.
   */
  onRejected?(entities: Entity[], report: KindReport): Promise<void>;
}

/** How a resource run is carried by a step (steps.ts). */
export interface ResourceStep {
  /** Holds the position and the counters (`kinds[index]`). */
  cp: Pick<ResyncCheckpoint, 'kinds'> & ExtractPosition;
  /** After a page's writes (the step counts it; a test may end the step here, before the checkpoint). */
  afterPage(kind: string, items: number): Promise<void>;
  /** Save the checkpoint: the resource can resume from the current position. */
  save(): Promise<void>;
  /** Whether the step should stop at this resumable point. */
  overBudget(): boolean;
}

/** `done`: extraction ended; `paused`: the step stopped at a resumable point; `aborted`: the signal fired. */
export type ResourceOutcome = { status: 'done' | 'paused' | 'aborted'; report: KindReport };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A step for a one-off run of a single resource, with nothing to save (tests, progress displays). */
function oneOffStep(): ResourceStep {
  const cp = newCheckpoint('', '');
  return { cp, afterPage: async () => {}, save: async () => {}, overBudget: () => false };
}

/**
 * Process `resources[index]` from where its checkpoint stands. Never throws for a handler or mapping
 * fault (a kind error that ends the resource); a fault of the step itself (`afterPage`, `save`)
 * propagates, so the step can be retried from its last checkpoint.
 */
export async function runResource(shared: ResourceRunShared, resource: ResourceConfig, index: number, step: ResourceStep = oneOffStep()): Promise<ResourceOutcome> {
  const { cp } = step;
  const report = (cp.kinds[index] ??= emptyKindReport(resource.kind, index));
  const logger = shared.logger.child({ kind: resource.kind, resource: report.label });
  const onError = (text: string): void => {
    logger.error(`[tide] ${report.label}: ${text}`);
    addKindError(report, text);
  };
  const handlers = shared.handlers ? shared.handlers(resource.kind) : resolveHandlers(shared.integration, resource.kind);
  if (typeof handlers === 'string') {
    onError(handlers);
    return { status: 'done', report };
  }
  const base: KindContext = {
    kind: resource.kind,
    index,
    config: shared.config,
    selector: resource.selector,
    resourceConfig: resource,
    logger,
    http: shared.http,
    state: shared.state,
    signal: shared.signal,
    attributes: shared.attributes,
  };
  const ctx = shared.context ? shared.context(base) : base;
  const examples = shared.examples?.forResource(resource.kind);
  let status: ResourceOutcome['status'] = 'done';
  let ended = false;
  try {
    status = await walk({ shared, resource, index, step, ctx, handlers, report, logger, onError, examples });
    ended = status !== 'paused';
  } finally {
    // A stopped resync sends nothing more; a paused one goes on filling its examples in the next step.
    if (status === 'done') await examples?.flush();
    if (ended) {
      await shared.onResourceEnd?.(report, status === 'aborted');
      logNulls(report, logger);
    }
    shared.onProgress?.(report);
  }
  return { status, report };
}

/** One resource run, as `walk` sees it. */
interface Walk {
  shared: ResourceRunShared;
  resource: ResourceConfig;
  index: number;
  step: ResourceStep;
  ctx: KindContext;
  handlers: Exclude<ReturnType<typeof resolveHandlers>, string>;
  report: KindReport;
  logger: Logger;
  onError: (text: string) => void;
  examples: ReturnType<ExamplesCollector['forResource']> | undefined;
}

/** The resource's pages from where its checkpoint stands; `paused` at a resumable point over budget. */
async function walk({ shared, resource, index, step, ctx, handlers, report, logger, onError, examples }: Walk): Promise<ResourceOutcome['status']> {
  for await (const event of extractUnits(handlers, ctx, step.cp, onError)) {
    if (event.type === 'page') {
      try {
        await examples?.offer(event.items);
        if (!(await processPage(shared, resource, index, report, event.items, logger))) return 'aborted';
      } catch (error) {
        onError(`unexpected error: ${message(error)}`);
        return 'done';
      }
      shared.onProgress?.(report);
      if (shared.signal.aborted) return 'aborted';
      await step.afterPage(resource.kind, event.items.length);
      if (!event.resumable) continue;
    }
    await step.save();
    if (step.overBudget()) return 'paused';
  }
  return shared.signal.aborted ? 'aborted' : 'done';
}

/** Fields that evaluated to `null` on the resource's pages: one line per path, with the count (§3). */
function logNulls(report: KindReport, logger: Logger): void {
  for (const [path, n] of Object.entries(report.nulls ?? {})) {
    const required = n.required ? ' (required by the blueprint)' : '';
    const line = `[${report.label}] mapping evaluated to null for ${n.count} ${n.count === 1 ? 'entity' : 'entities'}: ${path} = ${n.program}${required}`;
    logger[n.required ? 'error' : 'warn'](line, { resource: report.label, path, program: n.program, count: n.count });
  }
}

/**
 * Map one raw page of `resource` and hand its batches' selector-passing entities to `onEntities`,
 * updating `report`. Returns false when the run was aborted before every batch was handed over.
 */
export async function processPage(
  shared: Pick<ResourceRunShared, 'mapper' | 'signal' | 'onEntities' | 'onRejected'>,
  resource: ResourceConfig,
  index: number,
  report: KindReport,
  page: RawItem[],
  logger: Logger,
): Promise<boolean> {
  const mappings = resource.port.entity.mappings;
  const mappingCount = Array.isArray(mappings) ? mappings.length : 1;
  report.fetched += page.length;
  const parseAll = shared.onRejected !== undefined;
  const { skipped, batches } = await shared.mapper.mapItems(resource, page, { resourceIndex: index, parseAll });
  if (skipped.length > 0 && batches.length === 0) {
    for (const line of formatBatchReport({ entities: [], itemCount: 0, selectorErrors: [], dropped: { count: 0, of: 0 }, invalid: [], misconfigurations: [], fieldErrors: [] }, { label: report.label, skipped })) {
      logger.warn(line.message);
    }
  }
  for (const [b, batch] of batches.entries()) {
    if (shared.signal.aborted) return false;
    // Null fields are summed per path and logged once when the resource ends (logNulls).
    for (const m of batch.misconfigurations) {
      const nulls = (report.nulls ??= {});
      const known = nulls[m.path];
      if (known) known.count += m.count;
      else nulls[m.path] = { program: m.program, count: m.count, required: m.severity === 'ERROR' };
    }
    const lines = formatBatchReport({ ...batch, misconfigurations: [] }, { label: report.label, skipped: b === 0 ? skipped : undefined });
    for (const line of lines) logger[line.level === 'error' ? 'error' : 'warn'](line.message);
    for (const s of batch.selectorErrors) addKindError(report, s.message);
    report.dropped += batch.dropped.count;
    const entities = batch.entities.filter((e) => e.selectorPassed).map((e) => e.entity);
    report.mapped += entities.length;
    if (parseAll) {
      // Parse-all maps the items that fail the selector too: they are counted from their entities.
      const rejected = batch.entities.filter((e) => !e.selectorPassed);
      report.filtered += new Set(rejected.map((e) => e.itemIndex)).size;
      if (entities.length > 0) await shared.onEntities(entities, report);
      if (rejected.length > 0) await shared.onRejected!(rejected.map((e) => e.entity), report);
      continue;
    }
    const passedItems = batch.dropped.of / mappingCount;
    report.filtered += batch.itemCount - batch.selectorErrors.length - passedItems;
    if (entities.length > 0) await shared.onEntities(entities, report);
  }
  return true;
}
