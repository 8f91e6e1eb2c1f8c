/**
 * Reconciliation (§4.9): the failed-upsert retry, the guards, the owned snapshot taken with `before`
 * = the resync start on Port's clock, the candidates, the threshold over what was owned at the start
 * (computed before protection), related-entity protection, foreign dependents and the deletes. Every way
 * out produces a deletion report (§4.10). With `dryRun` it computes the same decisions and writes nothing
 * (plan()).
 */
import type { Logger } from '../logging/logger.ts';
import { normaliseIdentifier } from '../mapping/index.ts';
import type { DeleteCandidate } from './delete.ts';
import { deleteAndRecord, withoutForeignDependents } from './delete.ts';
import { dependencyOrder, isSearchQuery, keyOf, relationTargets } from './entity-values.ts';
import type { CallContext, PortEntity, SyncPort } from './port.ts';
import type { DeletionReport, KindReport } from './report.ts';
import { CANDIDATE_REASON, addRow, emptyDeletionReport } from './report.ts';
import type { SeenKeys } from './seen.ts';
import type { FailedEntity } from './upsert.ts';

/** The mapping's root flags that govern reconciliation (§3.1). */
export interface ReconcileFlags {
  deleteDependentEntities: boolean;
  createMissingRelatedEntities: boolean;
  enableMergeEntity: boolean;
  entityDeletionThreshold: number;
}

export interface ReconcileInput {
  port: Pick<SyncPort, 'upsertEntity' | 'ownedEntities' | 'getBlueprint' | 'deleteEntities' | 'listBlueprints' | 'searchEntities' | 'ownershipRules'>;
  resyncId: string;
  /** The resync's start on Port's clock, sent as `before` (§4.9 step 5). */
  before: string;
  flags: ReconcileFlags;
  seen: SeenKeys;
  /** Failed upserts of every kind, for the retry (only kept when createMissingRelatedEntities is false). */
  failed: readonly FailedEntity[];
  kinds: readonly KindReport[];
  previousStateUnknown: boolean;
  emptyMapping: boolean;
  context: CallContext;
  signal?: AbortSignal;
  logger: Logger;
  /** `deleteEntitiesMaxBatchSize`. */
  deleteBatchSize: number;
  /** Compute, write nothing. */
  dryRun?: boolean;
}

export interface ReconcileResult {
  deletion: DeletionReport;
  /** Retried upserts that succeeded. */
  reingested: number;
  /** True when reconciliation makes the resync `failed` (a guard on errors, or no snapshot). */
  failed: boolean;
  /** The candidates that would be (dry run) or were sent for deletion. */
  toDelete: DeleteCandidate[];
}

/** Run reconciliation. Never throws for a Port failure; the report says what happened. */
export async function reconcile(input: ReconcileInput): Promise<ReconcileResult> {
  const { flags, seen, logger } = input;
  const reingested = input.dryRun ? 0 : await retryFailed(input);
  const skipped = (reason: Parameters<typeof emptyDeletionReport>[2], failed: boolean): ReconcileResult => {
    const deletion = emptyDeletionReport(input.resyncId, 'skipped', reason);
    deletion.counts.seen = seen.size;
    return { deletion, reingested, failed, toDelete: [] };
  };

  if (input.previousStateUnknown) return skipped('previous-state-unknown', true);
  const kindErrors = Object.fromEntries(input.kinds.filter((k) => k.errors.length > 0).map((k) => [k.label, k.errors]));
  if (Object.keys(kindErrors).length > 0) {
    const result = skipped('kind-errors', true);
    result.deletion.kindErrors = kindErrors;
    return result;
  }
  if (input.emptyMapping) return skipped('empty-mapping', false);

  let snapshot: { owned: number; candidates: DeleteCandidate[] };
  try {
    snapshot = await ownedCandidates(input);
  } catch (error) {
    const message = (error as Error).message;
    logger.error('[tide] could not read the entities this integration owns; nothing is deleted', { error: message });
    const result = skipped('previous-state-unknown', true);
    result.deletion.error = message;
    return result;
  }
  const { owned, candidates } = snapshot;
  if (input.signal?.aborted) return skipped('aborted', false);

  const deletion = emptyDeletionReport(input.resyncId, 'nothing-to-delete');
  deletion.counts.owned = owned;
  deletion.counts.seen = seen.size;
  deletion.counts.candidates = candidates.length;
  if (candidates.length === 0) return { deletion, reingested, failed: false, toDelete: [] };

  const rate = owned === 0 ? 0 : candidates.length / owned;
  deletion.rate = rate;
  deletion.threshold = flags.entityDeletionThreshold;
  if (rate > flags.entityDeletionThreshold) {
    logger.warn('[tide] deletion rate above the threshold; nothing is deleted', { rate, threshold: flags.entityDeletionThreshold, candidates: candidates.length, owned });
    deletion.outcome = 'skipped';
    deletion.skipReason = 'threshold-exceeded';
    const reason = `${CANDIDATE_REASON}; not deleted: deletion rate ${rate.toFixed(3)} exceeds entityDeletionThreshold ${flags.entityDeletionThreshold}`;
    for (const c of candidates) addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'not-deleted', reason });
    return { deletion, reingested, failed: false, toDelete: [] };
  }

  const unprotected = await withoutRelatedTargets(input, candidates, deletion);
  const { toDelete, dependents } = flags.deleteDependentEntities ? await withoutForeignDependents(input, unprotected, deletion) : { toDelete: unprotected, dependents: undefined };
  if (toDelete.length === 0) return { deletion, reingested, failed: false, toDelete };

  if (input.dryRun) {
    deletion.outcome = 'planned';
    deletion.skipReason = 'dry-run';
    for (const c of toDelete) {
      const cascade = dependents?.get(keyOf(c.blueprint, c.identifier))?.owned.length ?? 0;
      const more = cascade > 0 ? `, with ${cascade} of this integration's entities that depend on it (Port's cascade)` : '';
      addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'not-deleted', reason: `${CANDIDATE_REASON}; dry run: would be deleted${more}` });
    }
    return { deletion, reingested, failed: false, toDelete };
  }

  deletion.outcome = 'deleted';
  await deleteAndRecord(input, toDelete, deletion, dependents);
  return { deletion, reingested, failed: false, toDelete };
}

/** §4.9 step 8: the candidates that are not relation targets of a seen entity; the others get a row. */
async function withoutRelatedTargets(input: ReconcileInput, candidates: DeleteCandidate[], deletion: DeletionReport): Promise<DeleteCandidate[]> {
  if (!input.flags.createMissingRelatedEntities) return candidates;
  const protectedBy = await relatedTargets(input);
  const toDelete: DeleteCandidate[] = [];
  for (const c of candidates) {
    const via = protectedBy(c.blueprint, c.identifier);
    if (!via) {
      toDelete.push(c);
      continue;
    }
    deletion.counts.protected += 1;
    addRow(deletion, { blueprint: c.blueprint, identifier: c.identifier, action: 'kept-related-target', reason: `${CANDIDATE_REASON}; kept: ${via}` });
  }
  return toDelete;
}

/**
 * The owned snapshot (entities older than the resync's start); only the candidates (owned and not seen)
 * are kept. `owned` is what the integration owned at the start (§4.9 step 7): the snapshot, plus the
 * entities this resync wrote that Port already had, which the snapshot leaves out since the writes made
 * them newer than `before` (those it still holds, a write that changed nothing, count once).
 */
async function ownedCandidates(input: ReconcileInput): Promise<{ owned: number; candidates: DeleteCandidate[] }> {
  let snapshot = 0;
  let existedAndInSnapshot = 0;
  const candidates: DeleteCandidate[] = [];
  const take = (step: IteratorResult<PortEntity[]>): boolean => {
    if (step.done) return false;
    for (const e of step.value) {
      snapshot += 1;
      if (input.seen.has(e.blueprint, e.identifier)) {
        if (input.seen.existed(e.blueprint, e.identifier)) existedAndInSnapshot += 1;
        continue;
      }
      candidates.push({
        blueprint: e.blueprint,
        identifier: e.identifier,
        // Relations matter only for one-at-a-time delete ordering.
        ...(input.flags.deleteDependentEntities ? {} : { relations: e.relations ?? {} }),
      });
    }
    return true;
  };
  // Not `for await`: its loop binding (a local of this suspended frame) would keep the previous
  // page of up to 5000 full entities alive while the next one is fetched and parsed. Each page goes
  // straight into `take` and is garbage once it returns.
  const pages = input.port.ownedEntities({ ...input.context, before: input.before })[Symbol.asyncIterator]();
  while (take(await pages.next()));
  return { owned: snapshot + input.seen.existedCount - existedAndInSnapshot, candidates };
}

/**
 * §4.9 step 1: with createMissingRelatedEntities=false, re-send failed entities one at a time,
 * relation targets first (original order on a cycle). Successes are seen under Port's identifier.
 */
async function retryFailed(input: ReconcileInput): Promise<number> {
  if (input.flags.createMissingRelatedEntities || input.failed.length === 0) return 0;
  const ordered = dependencyOrder(
    input.failed,
    (f) => (isSearchQuery(f.entity.identifier) ? undefined : normaliseIdentifier(f.entity.identifier)),
    (f) => Object.values(f.entity.relations ?? {}).flatMap((v) => relationTargets(v)),
    'targetsFirst',
  );
  let reingested = 0;
  for (const { blueprint, entity } of ordered) {
    if (input.signal?.aborted) break;
    const result = await input.port.upsertEntity(blueprint, entity, {
      ...input.context,
      merge: input.flags.enableMergeEntity,
      createMissingRelatedEntities: false,
    });
    if (result.status === 'upserted') {
      reingested += 1;
      input.seen.add(blueprint, result.identifier, entity.relations);
      if (result.created !== undefined) input.seen.noteExisted(blueprint, result.identifier, !result.created);
    }
  }
  if (reingested > 0) input.logger.info('[tide] failed upserts re-sent in dependency order', { reingested, of: input.failed.length });
  return reingested;
}

/**
 * §4.9 step 8: a lookup telling whether `(blueprint, identifier)` is the target of a relation some
 * seen entity holds, and through which relation. Relation names resolve to their blueprint's
 * `target`; when a blueprint cannot be read, its relation values protect candidates of any
 * blueprint (when in doubt, keep).
 */
async function relatedTargets(input: ReconcileInput): Promise<(blueprint: string, identifier: string) => string | undefined> {
  const exact = new Map<string, string>();
  const anyBlueprint = new Map<string, string>();
  for (const [blueprint, relation, values] of input.seen.relationValues()) {
    let target: string | undefined;
    try {
      const bp = await input.port.getBlueprint(blueprint, input.context);
      target = bp?.relations?.[relation]?.target;
      if (target === undefined) {
        input.logger.warn('[tide] relation not found on its blueprint; skipped for related-entity protection', { blueprint, relation });
        continue;
      }
    } catch (error) {
      input.logger.warn('[tide] could not read a blueprint; its relation values protect candidates of every blueprint', { blueprint, error: (error as Error).message });
    }
    const via = `relation target of a seen entity (${blueprint}.${relation})`;
    for (const v of values) {
      if (target === undefined) anyBlueprint.set(v, via);
      else exact.set(keyOf(target, v), via);
    }
  }
  return (blueprint, identifier) => exact.get(keyOf(blueprint, identifier)) ?? anyBlueprint.get(identifier);
}
