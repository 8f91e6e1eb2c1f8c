/**
 * One resource (kind) of a resync or plan (§4.4): extract pages, send raw examples, map each page,
 * count, and hand every batch's selector-passing entities to the caller (diff + upsert for a
 * resync, lookup + classify for a plan). Batches run in sequence; an abort stops before the next
 * batch. Only counters leave this function: pages and entities are dropped after their batch.
 */
import type { HttpClient } from '../http/index.ts';
import type { IntegrationDefinition, KindContext, RawItem } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { Entity, Mapper, ResourceConfig } from '../mapping/index.ts';
import { formatBatchReport } from '../mapping/index.ts';
import type { StateStore } from '../state/index.ts';
import type { ExamplesCollector } from './examples.ts';
import { extractResource, resolveHandlers } from './extract.ts';
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
  /** Called with the live counters after each page and when the resource ends (a CLI's progress display). */
  onProgress?: (report: Readonly<KindReport>) => void;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Process `resources[index]`; never throws (an unexpected error is a kind error). */
export async function runResource(shared: ResourceRunShared, resource: ResourceConfig, index: number): Promise<KindReport> {
  const report = emptyKindReport(resource.kind, index);
  const logger = shared.logger.child({ kind: resource.kind, resource: report.label });
  const handlers = resolveHandlers(shared.integration, resource.kind);
  if (typeof handlers === 'string') {
    logger.error(`[tide] ${handlers}`);
    addKindError(report, handlers);
    return report;
  }
  const ctx: KindContext = {
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
  const onError = (text: string): void => {
    logger.error(`[tide] ${report.label}: ${text}`);
    addKindError(report, text);
  };
  const examples = shared.examples?.forResource(resource.kind);
  try {
    for await (const page of extractResource(handlers, ctx, onError)) {
      await examples?.offer(page);
      if (!(await processPage(shared, resource, index, report, page, logger))) return report;
      shared.onProgress?.(report);
      if (shared.signal.aborted) return report;
    }
  } catch (error) {
    onError(`unexpected error: ${message(error)}`);
  } finally {
    // A stopped resync sends nothing more.
    if (!shared.signal.aborted) await examples?.flush();
    shared.onProgress?.(report);
  }
  return report;
}

/**
 * Map one raw page of `resource` and hand its batches' selector-passing entities to `onEntities`,
 * updating `report`. Returns false when the run was aborted before every batch was handed over.
 * Shared by the one-go resync and the resumable one (steps.ts).
 */
export async function processPage(
  shared: Pick<ResourceRunShared, 'mapper' | 'signal' | 'onEntities'>,
  resource: ResourceConfig,
  index: number,
  report: KindReport,
  page: RawItem[],
  logger: Logger,
): Promise<boolean> {
  const mappings = resource.port.entity.mappings;
  const mappingCount = Array.isArray(mappings) ? mappings.length : 1;
  report.fetched += page.length;
  const { skipped, batches } = await shared.mapper.mapItems(resource, page, { resourceIndex: index });
  if (skipped.length > 0 && batches.length === 0) {
    for (const line of formatBatchReport({ entities: [], itemCount: 0, selectorErrors: [], dropped: { count: 0, of: 0 }, invalid: [], misconfigurations: [], fieldErrors: [] }, { label: report.label, skipped })) {
      logger.warn(line.message);
    }
  }
  for (const [b, batch] of batches.entries()) {
    if (shared.signal.aborted) return false;
    for (const line of formatBatchReport(batch, { label: report.label, skipped: b === 0 ? skipped : undefined })) logger[line.level === 'error' ? 'error' : 'warn'](line.message);
    for (const s of batch.selectorErrors) addKindError(report, s.message);
    const passedItems = batch.dropped.of / mappingCount;
    report.filtered += batch.itemCount - batch.selectorErrors.length - passedItems;
    report.dropped += batch.dropped.count;
    const entities = batch.entities.filter((e) => e.selectorPassed).map((e) => e.entity);
    report.mapped += entities.length;
    if (entities.length > 0) await shared.onEntities(entities, report);
  }
  return true;
}
