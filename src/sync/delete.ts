/**
 * Deletion of the reconciled candidates (§4.9 step 9). With `deleteDependentEntities` the ids go
 * per blueprint in bulk calls of at most `min(deleteEntitiesMaxBatchSize, 100)` with
 * `delete_dependents=true`, blueprints concurrently; without it, one id per call in sequence, in
 * reverse dependency order so an entity is deleted before the entities it references. Failures are
 * reported, never thrown.
 */
import type { Logger } from '../logging/logger.ts';
import { dependencyOrder, keyOf, relationTargets } from './entity-values.ts';
import type { CallContext, SyncPort } from './port.ts';
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
