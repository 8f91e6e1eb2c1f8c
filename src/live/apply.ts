/**
 * Turning an event's run results into Port writes (OCEAN-BEHAVIOUR §6.5): the same mapping as resync
 * (itemsToParse, selector) in parse-all mode; updated items that pass are upserted, updated items that
 * fail the selector and every deleted item become delete candidates, candidates the event also upserts
 * are dropped, and only owned, existing, plain-identifier entities are deleted, one at a time.
 */
import type { Logger } from '../logging/logger.ts';
import type { Entity, Mapper, PortAppConfig, ResourceConfig } from '../mapping/index.ts';
import { entityKey, formatBatchReport } from '../mapping/index.ts';
import type {
  CallContext,
  DeleteOptions,
  PortEntityInput,
  PortIntegration,
  SearchOptions,
  SearchQuery,
  SearchResult,
  SearchRule,
  UpsertOptions,
  UpsertResult,
} from '../port/index.ts';
import type { WebhookEventResult } from './processor.ts';

/** The Port calls live events make; `createPortClient(...)` satisfies it as it is. */
export interface LivePort {
  getIntegration(identifier: string, options?: CallContext): Promise<PortIntegration | undefined>;
  /** Results by input index; never throws for a Port refusal. */
  upsertEntities(blueprint: string, entities: PortEntityInput[], options?: UpsertOptions): Promise<UpsertResult[]>;
  searchEntities(query: SearchQuery, options?: SearchOptions): Promise<SearchResult>;
  /** False when the entity did not exist. */
  deleteEntity(blueprint: string, identifier: string, options?: DeleteOptions): Promise<boolean>;
  ownershipRules(): SearchRule[];
}

/** One successful `'webhook'` run: its resource and what `handleEvent` returned. */
export interface ResourceRunResult {
  resource: ResourceConfig;
  resourceIndex: number;
  result: WebhookEventResult;
}

/**
 * Cross-event ordering (§6.3): an entity key last written by a newer event is stale for an older one. The
 * handler serialises applies, so check-then-record is atomic.
 */
export interface WriteGuard {
  isStale(key: string): boolean;
  record(key: string): void;
}

export interface ApplyContext {
  port: LivePort;
  mapper: Mapper;
  mapping: PortAppConfig;
  /** The `http_request` event id the writes are attributed to. */
  eventId: string;
  logger: Logger;
  signal?: AbortSignal;
  guard?: WriteGuard;
}

/** What one event wrote. */
export interface ApplyReport {
  upserted: number;
  /** Search identifiers that matched nothing. */
  dropped: number;
  failed: number;
  deleted: number;
  /** Candidates with no owned entity in Port (absent, or another integration's). */
  notOwned: number;
  /** Candidates with a search identifier, which live events never delete. */
  searchSkipped: number;
  /** Writes skipped because a newer event already wrote that entity. */
  stale: number;
  deleteErrors: number;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Map one run's items in parse-all mode and sort the entities into upserts and delete candidates. */
async function mapRun(run: ResourceRunResult, ctx: ApplyContext, upserts: Entity[], candidates: Entity[]): Promise<void> {
  const { resource, resourceIndex } = run;
  const label = `${resource.kind}-${resourceIndex}`;
  for (const [items, deleted] of [
    [run.result.updated, false],
    [run.result.deleted, true],
  ] as const) {
    if (items.length === 0) continue;
    const { skipped, batches } = await ctx.mapper.mapItems(resource, items, { resourceIndex, parseAll: true });
    if (batches.length === 0 && skipped.length > 0) {
      ctx.logger.warn(`[tide] [${label}] itemsToParse skipped ${skipped.length} live-event item(s)`, { program: skipped[0].program });
    }
    batches.forEach((batch, i) => {
      for (const line of formatBatchReport(batch, { label, skipped: i === 0 ? skipped : undefined })) {
        if (line.level === 'error') ctx.logger.error(`[tide] live event: ${line.message}`);
        else ctx.logger.warn(`[tide] live event: ${line.message}`);
      }
      for (const mapped of batch.entities) {
        // A deletion ignores the selector (Tide); an update that no longer qualifies removes the entity.
        if (deleted || !mapped.selectorPassed) candidates.push(mapped.entity);
        else upserts.push(mapped.entity);
      }
    });
  }
}

/**
 * Apply the successful resource runs of one event. Writes go through the client's normal upsert path
 * (bulk, per blueprint, no skip-unchanged diff, no reconciliation, no threshold).
 */
export async function applyResults(runs: readonly ResourceRunResult[], ctx: ApplyContext): Promise<ApplyReport> {
  const report: ApplyReport = { upserted: 0, dropped: 0, failed: 0, deleted: 0, notOwned: 0, searchSkipped: 0, stale: 0, deleteErrors: 0 };
  const { port, mapping, logger } = ctx;
  const event = { type: 'http_request' as const, id: ctx.eventId };
  const upserts: Entity[] = [];
  const candidates: Entity[] = [];
  for (const run of runs) {
    try {
      await mapRun(run, ctx, upserts, candidates);
    } catch (error) {
      logger.error('[tide] live event: mapping the results failed; nothing of this run is written', {
        kind: run.resource.kind,
        resourceIndex: run.resourceIndex,
        error: errorText(error),
      });
    }
  }

  const fresh = (entity: Entity): boolean => {
    if (!ctx.guard?.isStale(entityKey(entity))) return true;
    report.stale += 1;
    return false;
  };
  const upsertKeys = new Set(upserts.map(entityKey));
  const toUpsert = upserts.filter(fresh);

  const groups = new Map<string, Entity[]>();
  for (const entity of toUpsert) {
    groups.set(entity.blueprint, [...(groups.get(entity.blueprint) ?? []), entity]);
  }
  for (const [blueprint, group] of groups) {
    ctx.signal?.throwIfAborted();
    const results = await port.upsertEntities(blueprint, group, {
      merge: mapping.enableMergeEntity,
      createMissingRelatedEntities: mapping.createMissingRelatedEntities,
      event,
      signal: ctx.signal,
    });
    group.forEach((entity, i) => {
      const status = results[i]?.status ?? 'failed';
      if (status === 'upserted') report.upserted += 1;
      else if (status === 'dropped') report.dropped += 1;
      else report.failed += 1;
      ctx.guard?.record(entityKey(entity));
    });
  }

  const seen = new Set<string>();
  for (const entity of candidates) {
    const key = entityKey(entity);
    if (upsertKeys.has(key) || seen.has(key)) continue;
    seen.add(key);
    if (typeof entity.identifier !== 'string') {
      report.searchSkipped += 1;
      logger.info('[tide] live event: not deleting an entity with a search identifier', { blueprint: entity.blueprint, identifier: entity.identifier });
      continue;
    }
    if (!fresh(entity)) continue;
    ctx.signal?.throwIfAborted();
    const identifier = entity.identifier;
    const blueprint = entity.blueprint;
    try {
      const found = await port.searchEntities(
        {
          combinator: 'and',
          rules: [
            { property: '$identifier', operator: '=', value: identifier },
            { property: '$blueprint', operator: '=', value: blueprint },
            ...port.ownershipRules(),
          ],
        },
        { include: ['identifier', 'blueprint'], event, signal: ctx.signal },
      );
      const owned = found.entities.some((e) => e.identifier === identifier && e.blueprint === blueprint);
      if (!owned) {
        report.notOwned += 1;
        if (found.failedBlueprints.includes(blueprint)) logger.warn('[tide] live event: Port could not search the blueprint; not deleting', { blueprint, identifier });
        else logger.debug('[tide] live event: no owned entity to delete', { blueprint, identifier });
        continue;
      }
      await port.deleteEntity(blueprint, identifier, { deleteDependents: mapping.deleteDependentEntities, event, signal: ctx.signal });
      report.deleted += 1;
      ctx.guard?.record(key);
    } catch (error) {
      ctx.signal?.throwIfAborted();
      report.deleteErrors += 1;
      logger.warn('[tide] live event: delete failed', { blueprint, identifier, error: errorText(error) });
    }
  }
  return report;
}
