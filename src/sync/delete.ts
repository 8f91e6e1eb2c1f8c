/**
 * Deletion of the reconciled candidates (§4.9 step 9). With `deleteDependentEntities` the candidates
 * that something this integration does not own depends on are kept first (dependents.ts); the others go
 * per blueprint in bulk calls of at most `min(deleteEntitiesMaxBatchSize, 100)` with
 * `delete_dependents=true`, blueprints concurrently, and the report lists what Port's cascade removed
 * with them. Without it, one id per call in sequence, in reverse dependency order so an entity is
 * deleted before the entities it references. Failures are reported, never thrown.
 */
import type { Logger } from '../logging/logger.ts';
import type { CandidateDependents } from './dependents.ts';
import { findDependents } from './dependents.ts';
import { dependencyOrder, keyOf, relationTargets } from './entity-values.ts';
import type { CallContext, SyncPort } from './port.ts';
import type { DeletionReport, EntityKey } from './report.ts';
import { CANDIDATE_REASON, addRow } from './report.ts';
import { groupByBlueprint } from './upsert.ts';

/** An owned entity chosen for deletion, reduced to what ordering needs. */
export interface DeleteCandidate {
  blueprint: string;
  identifier: string;
  relations?: Record<string, unknown>;
}

export type DeleteStatus = { action: 'deleted' } | { action: 'delete-failed'; error: string } | { action: 'not-deleted'; reason: string };

export interface DeleteRunOptions {
  deleteDependents: boolean;
  /** `deleteEntitiesMaxBatchSize`; capped at Port's 100. */
  batchSize: number;
  context: CallContext;
  /** Stops before the next call once fired (shutdown or a newer resync). */
  signal?: AbortSignal;
  logger: Logger;
}

/** Port's limit of ids per bulk delete. */
export const BULK_DELETE_MAX = 100;

/** Status per candidate key (see `keyOf`). */
export type DeleteStatuses = Map<string, DeleteStatus>;

/** Delete the candidates; resolves with a status for every one of them. */
export async function deleteCandidates(
  port: Pick<SyncPort, 'deleteEntities'>,
  candidates: readonly DeleteCandidate[],
  options: DeleteRunOptions,
): Promise<DeleteStatuses> {
  const statuses: DeleteStatuses = new Map();
  const size = Math.max(1, Math.min(Math.floor(options.batchSize) || BULK_DELETE_MAX, BULK_DELETE_MAX));
  const aborted = (): boolean => options.signal?.aborted === true;

  const send = async (blueprint: string, ids: string[]): Promise<void> => {
    if (aborted()) {
      for (const id of ids) statuses.set(keyOf(blueprint, id), { action: 'not-deleted', reason: 'the resync was aborted before this delete' });
      return;
    }
    let result;
    try {
      result = await port.deleteEntities(blueprint, ids, { ...options.context, deleteDependents: options.deleteDependents });
    } catch (error) {
      result = { deleted: [], failed: [{ identifiers: ids, error: error as Error }] };
    }
    const deleted = new Set(result.deleted);
    const failed = new Map<string, string>();
    for (const f of result.failed) for (const id of f.identifiers) failed.set(id, f.error?.message ?? String(f.error));
    for (const id of ids) {
      const key = keyOf(blueprint, id);
      if (deleted.has(id)) statuses.set(key, { action: 'deleted' });
      else if (failed.has(id)) statuses.set(key, { action: 'delete-failed', error: failed.get(id) as string });
      // Port lists only what it deleted itself: an id missing here was already gone (e.g. a cascade).
      else statuses.set(key, { action: 'not-deleted', reason: 'Port did not report it deleted; it was probably already gone' });
    }
    if (result.failed.length > 0) {
      options.logger.warn('[tide] delete failed; the resync continues', { blueprint, entities: ids.length, error: result.failed[0].error?.message });
    }
  };

  if (options.deleteDependents) {
    await Promise.all(
      [...groupByBlueprint(candidates)].map(async ([blueprint, group]) => {
        for (let i = 0; i < group.length; i += size) await send(blueprint, group.slice(i, i + size).map((c) => c.identifier));
      }),
    );
    return statuses;
  }

  const ordered = dependencyOrder(
    candidates,
    (c) => c.identifier,
    (c) => Object.values(c.relations ?? {}).flatMap((v) => relationTargets(v)),
    'referrersFirst',
  );
  for (const c of ordered) await send(c.blueprint, [c.identifier]);
  return statuses;
}

/** What the delete phase of a reconciliation needs. */
export interface DeletePhase {
  port: Pick<SyncPort, 'deleteEntities' | 'listBlueprints' | 'searchEntities' | 'ownershipRules'>;
  flags: { deleteDependentEntities: boolean };
  context: CallContext;
  signal?: AbortSignal;
  logger: Logger;
  /** `deleteEntitiesMaxBatchSize`. */
  deleteBatchSize: number;
}

/** Dependents listed per kept candidate; the rest are counted in the reason. */
const LISTED_DEPENDENTS = 20;

const describeKeys = (keys: readonly EntityKey[]): string => {
  const shown = keys.slice(0, LISTED_DEPENDENTS).map((k) => `${k.blueprint}/${k.identifier}`).join(', ');
  return keys.length > LISTED_DEPENDENTS ? `${shown}, … (${keys.length - LISTED_DEPENDENTS} more)` : shown;
};

/**
 * With `delete_dependents=true`, keep (with a `kept-foreign-dependents` row) every candidate that an entity
 * this integration does not own depends on. When the lookup fails, nothing is deleted: every candidate
 * gets a `not-deleted` row saying why.
 */
export async function withoutForeignDependents(
  phase: DeletePhase,
  candidates: DeleteCandidate[],
  deletion: DeletionReport,
): Promise<{ toDelete: DeleteCandidate[]; dependents?: Map<string, CandidateDependents> }> {
  if (candidates.length === 0) return { toDelete: candidates };
  let dependents: Map<string, CandidateDependents>;
  try {
    dependents = await findDependents(phase.port, candidates, phase.context);
  } catch (error) {
    const message = (error as Error).message;
    phase.logger.error('[tide] could not look up what depends on the delete candidates; nothing is deleted', { error: message });
    const reason = `${CANDIDATE_REASON}; not deleted: could not look up the entities that depend on it (${message})`;
    for (const c of candidates) addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'not-deleted', reason });
    return { toDelete: [] };
  }
  const toDelete: DeleteCandidate[] = [];
  for (const c of candidates) {
    const foreign = dependents.get(keyOf(c.blueprint, c.identifier))?.foreign ?? [];
    if (foreign.length === 0) {
      toDelete.push(c);
      continue;
    }
    deletion.counts.protected += 1;
    const reason = `${CANDIDATE_REASON}; kept: entities this integration does not own depend on it, and Port's cascade would delete them: ${describeKeys(foreign)}`;
    addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'kept-foreign-dependents', reason, dependents: foreign.slice(0, LISTED_DEPENDENTS) });
  }
  if (toDelete.length < candidates.length) phase.logger.warn('[tide] delete candidates kept: entities of others depend on them', { kept: candidates.length - toDelete.length });
  return { toDelete, dependents };
}

/**
 * Delete `toDelete` (§4.9 step 9) and record each one's outcome in `deletion`, and, with `dependents`, the
 * entities of this integration that Port's cascade removed with the deleted ones (`deleted-by-cascade`).
 */
export async function deleteAndRecord(
  phase: DeletePhase,
  toDelete: DeleteCandidate[],
  deletion: DeletionReport,
  dependents?: Map<string, CandidateDependents>,
): Promise<void> {
  const statuses = await deleteCandidates(phase.port, toDelete, {
    deleteDependents: phase.flags.deleteDependentEntities,
    batchSize: phase.deleteBatchSize,
    context: phase.context,
    signal: phase.signal,
    logger: phase.logger,
  });
  // Each owned dependent of a deleted candidate went with it (the first such candidate is named).
  const cascadedWith = new Map<string, { key: EntityKey; via: string }>();
  for (const c of toDelete) {
    if (statuses.get(keyOf(c.blueprint, c.identifier))?.action !== 'deleted') continue;
    for (const d of dependents?.get(keyOf(c.blueprint, c.identifier))?.owned ?? []) {
      const key = keyOf(d.blueprint, d.identifier);
      if (!cascadedWith.has(key)) cascadedWith.set(key, { key: d, via: `${c.blueprint}/${c.identifier}` });
    }
  }
  const cascadeRow = (key: EntityKey, via: string) => {
    deletion.counts.cascaded += 1;
    addRow(deletion, { ...key, action: 'deleted-by-cascade', reason: `depends on ${via}, which this resync deleted: removed by Port's cascade (delete_dependents=true)` });
  };
  for (const c of toDelete) {
    const key = keyOf(c.blueprint, c.identifier);
    const status = statuses.get(key) ?? { action: 'not-deleted' as const, reason: 'no delete was sent' };
    const cascaded = cascadedWith.get(key);
    if (cascaded) cascadedWith.delete(key);
    if (status.action === 'deleted') {
      deletion.counts.deleted += 1;
      deletion.deletedByBlueprint[c.blueprint] = (deletion.deletedByBlueprint[c.blueprint] ?? 0) + 1;
      addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'deleted', reason: CANDIDATE_REASON });
    } else if (cascaded && status.action === 'not-deleted') {
      cascadeRow(c, cascaded.via);
    } else if (status.action === 'delete-failed') {
      deletion.counts.failed += 1;
      addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'delete-failed', reason: `${CANDIDATE_REASON}; delete failed: ${status.error}` });
    } else {
      addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'not-deleted', reason: `${CANDIDATE_REASON}; ${status.reason}` });
    }
  }
  for (const { key, via } of cascadedWith.values()) cascadeRow(key, via);
}
