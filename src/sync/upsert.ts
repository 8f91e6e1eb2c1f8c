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
 * Upsert the entities and record the outcome: successes are seen under Port's identifier; failures
 * are seen under their own (plain) identifier so a transient write error never causes a deletion,
 * and are pushed to `failedOut` when given; dropped ones (unresolved search identifier) are neither.
 */
export async function upsertEntities(
  port: Pick<SyncPort, 'upsertEntities'>,
  entities: readonly Entity[],
  flags: UpsertFlags,
  context: CallContext,
  seen: SeenKeys,
  failedOut?: FailedEntity[],
): Promise<UpsertCounts> {
  const counts: UpsertCounts = { upserted: 0, dropped: 0, failed: 0 };
  for (const [blueprint, group] of groupByBlueprint(entities)) {
    const results = await port.upsertEntities(blueprint, group, {
      ...context,
      merge: flags.merge,
      createMissingRelatedEntities: flags.createMissingRelatedEntities,
    });
    group.forEach((entity, i) => {
      const result = results[i] ?? { status: 'failed' as const };
      if (result.status === 'upserted') {
        counts.upserted += 1;
        seen.add(blueprint, result.identifier, entity.relations);
      } else if (result.status === 'dropped') {
        counts.dropped += 1;
      } else {
        counts.failed += 1;
        // A failed search-identified entity has no known key, so it adds nothing to the seen set (§3.7).
        if (!isSearchQuery(entity.identifier)) seen.add(blueprint, normaliseIdentifier(entity.identifier), entity.relations);
        failedOut?.push({ blueprint, entity });
      }
    });
  }
  return counts;
}
