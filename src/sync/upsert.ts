/**
 * Upsert of one batch's changed entities (§4.6): grouped by blueprint, groups in sequence, each
 * group through the client's bulk upsert (which sizes requests, bounds concurrency and falls back
 * to single upserts on a 413). Results feed the seen set (§4.7) and the failed list kept for the
 * reconciliation retry (§4.9 step 1).
 */
import type { Entity } from '../mapping/index.ts';
import { normaliseIdentifier } from '../mapping/index.ts';
import { isSearchQuery } from './entity-values.ts';
import type { CallContext, SyncPort } from './port.ts';
import type { SeenKeys } from './seen.ts';

/** The upsert flags taken from the mapping root (§4.2). */
export interface UpsertFlags {
  merge: boolean;
  createMissingRelatedEntities: boolean;
}

/** An entity whose upsert failed, kept (body included) for the dependency-ordered retry. */
export interface FailedEntity {
  blueprint: string;
  entity: Entity;
}

export interface UpsertCounts {
  upserted: number;
  dropped: number;
  failed: number;
}

/** What one call wrote: the counts, and every failed entity (`transient`: its request got no answer, §4.6). */
export interface UpsertOutcome extends UpsertCounts {
  failures: Array<FailedEntity & { transient: boolean }>;
}

/** Group entities by normalised blueprint, in order of first appearance. */
export function groupByBlueprint<T extends { blueprint: unknown }>(entities: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const e of entities) {
    const bp = normaliseIdentifier(e.blueprint);
    const list = groups.get(bp);
    if (list) list.push(e);
    else groups.set(bp, [e]);
  }
  return groups;
}

/**
 * Upsert the entities and record the outcome: successes are seen under Port's identifier, with whether Port
 * already had them (`created: false`, §4.9 step 7); failures are seen under their own (plain) identifier so
 * a transient write error never causes a deletion, and returned; dropped ones (unresolved search
 * identifier) are neither.
 */
export async function upsertEntities(
  port: Pick<SyncPort, 'upsertEntities'>,
  entities: readonly Entity[],
  flags: UpsertFlags,
  context: CallContext,
  seen: SeenKeys,
): Promise<UpsertOutcome> {
  const outcome: UpsertOutcome = { upserted: 0, dropped: 0, failed: 0, failures: [] };
  for (const [blueprint, group] of groupByBlueprint(entities)) {
    const results = await port.upsertEntities(blueprint, group, {
      ...context,
      merge: flags.merge,
      createMissingRelatedEntities: flags.createMissingRelatedEntities,
    });
    group.forEach((entity, i) => {
      const result = results[i] ?? { status: 'failed' as const };
      if (result.status === 'upserted') {
        outcome.upserted += 1;
        seen.add(blueprint, result.identifier, entity.relations);
        if (result.created !== undefined) seen.noteExisted(blueprint, result.identifier, !result.created);
      } else if (result.status === 'dropped') {
        outcome.dropped += 1;
      } else {
        outcome.failed += 1;
        // A failed search-identified entity has no known key, so it adds nothing to the seen set (§3.7).
        if (!isSearchQuery(entity.identifier)) seen.add(blueprint, normaliseIdentifier(entity.identifier), entity.relations);
        outcome.failures.push({ blueprint, entity, transient: 'transient' in result && result.transient === true });
      }
    });
  }
  return outcome;
}
