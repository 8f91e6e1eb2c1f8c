/**
 * Turning an event's run results into Port writes (docs/behaviour.md §6.5): the same mapping as resync
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
  EventContext,
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

/** What one event wrote; `stale` counts the writes skipped because a newer event already wrote that entity. */
export interface ApplyReport extends Omit<UpsertOutcome, 'unanswered'>, DeleteOutcome {}

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

/** Where writes go and how they are attributed: the mapping's flags, the event, the abort signal. */
export interface WriteContext {
  port: LivePort;
  mapping: Pick<PortAppConfig, 'enableMergeEntity' | 'createMissingRelatedEntities' | 'deleteDependentEntities'>;
  event: EventContext;
  logger: Logger;
  signal?: AbortSignal;
  guard?: WriteGuard;
  /** Who writes, for log lines: `live event` (default) or `incremental run`. */
  label?: string;
}

/** What {@link upsertMapped} did. */
export interface UpsertOutcome {
  upserted: number;
  /** Search identifiers that matched nothing. */
  dropped: number;
  failed: number;
  /** Failed entities whose upsert went unanswered (`transient`: its retries spent), not refused by Port. */
  unanswered: number;
  stale: number;
}

/**
 * Upsert mapped entities through the client's ordinary path (§6.5 step 6): bulk, grouped by blueprint, no
 * skip-unchanged diff. Entities a newer event already wrote are skipped (`stale`).
 */
export async function upsertMapped(entities: readonly Entity[], ctx: WriteContext): Promise<UpsertOutcome> {
  const outcome: UpsertOutcome = { upserted: 0, dropped: 0, failed: 0, unanswered: 0, stale: 0 };
  const groups = new Map<string, Entity[]>();
  for (const entity of entities) {
    if (ctx.guard?.isStale(entityKey(entity))) {
      outcome.stale += 1;
      continue;
    }
    groups.set(entity.blueprint, [...(groups.get(entity.blueprint) ?? []), entity]);
  }
  for (const [blueprint, group] of groups) {
    ctx.signal?.throwIfAborted();
    const results = await ctx.port.upsertEntities(blueprint, group, {
      merge: ctx.mapping.enableMergeEntity,
      createMissingRelatedEntities: ctx.mapping.createMissingRelatedEntities,
      event: ctx.event,
      signal: ctx.signal,
    });
    group.forEach((entity, i) => {
      const result = results[i] ?? { status: 'failed' as const, transient: true };
      if (result.status === 'upserted') outcome.upserted += 1;
      else if (result.status === 'dropped') outcome.dropped += 1;
      else {
        outcome.failed += 1;
        if ('transient' in result && result.transient) outcome.unanswered += 1;
      }
      ctx.guard?.record(entityKey(entity));
    });
  }
  return outcome;
}

/** What {@link deleteOwned} did. */
export interface DeleteOutcome {
  deleted: number;
  /** Candidates with no owned entity in Port (absent, or another integration's). */
  notOwned: number;
  /** Candidates with a search identifier, which are never deleted this way. */
  searchSkipped: number;
  stale: number;
  deleteErrors: number;
}

/**
 * Delete owned entities only (§6.5 step 7): each candidate with a plain identifier is searched with the
 * ownership rules and deleted, one at a time, only when found. `skip(key)` leaves a candidate out (one the same
 * event or run upserts); a key is handled once.
 */
export async function deleteOwned(candidates: readonly Entity[], skip: (key: string) => boolean, ctx: WriteContext): Promise<DeleteOutcome> {
  const outcome: DeleteOutcome = { deleted: 0, notOwned: 0, searchSkipped: 0, stale: 0, deleteErrors: 0 };
  const { port, logger } = ctx;
  const label = ctx.label ?? 'live event';
  const handled = new Set<string>();
  for (const entity of candidates) {
    const key = entityKey(entity);
    if (skip(key) || handled.has(key)) continue;
    handled.add(key);
    if (typeof entity.identifier !== 'string') {
      outcome.searchSkipped += 1;
      logger.info(`[tide] ${label}: not deleting an entity with a search identifier`, { blueprint: entity.blueprint, identifier: entity.identifier });
      continue;
    }
    if (ctx.guard?.isStale(key)) {
      outcome.stale += 1;
      continue;
    }
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
        { include: ['identifier', 'blueprint'], event: ctx.event, signal: ctx.signal },
      );
      const owned = found.entities.some((e) => e.identifier === identifier && e.blueprint === blueprint);
      if (!owned) {
        outcome.notOwned += 1;
        if (found.failedBlueprints.includes(blueprint)) logger.warn(`[tide] ${label}: Port could not search the blueprint; not deleting`, { blueprint, identifier });
        else logger.debug(`[tide] ${label}: no owned entity to delete`, { blueprint, identifier });
        continue;
      }
      await port.deleteEntity(blueprint, identifier, { deleteDependents: ctx.mapping.deleteDependentEntities, event: ctx.event, signal: ctx.signal });
      outcome.deleted += 1;
      ctx.guard?.record(key);
    } catch (error) {
      ctx.signal?.throwIfAborted();
      outcome.deleteErrors += 1;
      logger.warn(`[tide] ${label}: delete failed`, { blueprint, identifier, error: errorText(error) });
    }
  }
  return outcome;
}

/**
 * Apply the successful resource runs of one event. Writes go through the client's normal upsert path
 * (bulk, per blueprint, no skip-unchanged diff, no reconciliation, no threshold).
 */
export async function applyResults(runs: readonly ResourceRunResult[], ctx: ApplyContext): Promise<ApplyReport> {
  const { mapping, logger } = ctx;
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
  const write: WriteContext = { port: ctx.port, mapping, event: { type: 'http_request', id: ctx.eventId }, logger, signal: ctx.signal, guard: ctx.guard };
  const upsertKeys = new Set(upserts.map(entityKey));
  const up = await upsertMapped(upserts, write);
  const del = await deleteOwned(candidates, (key) => upsertKeys.has(key), write);
  return {
    upserted: up.upserted,
    dropped: up.dropped,
    failed: up.failed,
    deleted: del.deleted,
    notOwned: del.notOwned,
    searchSkipped: del.searchSkipped,
    stale: up.stale + del.stale,
    deleteErrors: del.deleteErrors,
  };
}
