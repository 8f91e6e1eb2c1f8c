/**
 * What a resync does with each batch of selector-passing entities (§4.4 b–d): the skip-unchanged diff,
 * the upsert of the changed ones, and the seen set. Shared by the one-go resync and the resumable one.
 */
import type { Logger } from '../logging/logger.ts';
import type { Entity } from '../mapping/index.ts';
import { normaliseIdentifier } from '../mapping/index.ts';
import { skipUnchanged } from './diff.ts';
import type { CallContext, SyncPort } from './port.ts';
import type { KindReport } from './report.ts';
import type { SeenKeys } from './seen.ts';
import type { FailedEntity } from './upsert.ts';
import { upsertEntities } from './upsert.ts';

export interface BatchWriterOptions {
  port: SyncPort;
  context: CallContext;
  logger: Logger;
  flags: { merge: boolean; createMissingRelatedEntities: boolean };
  seen: SeenKeys;
  /** Receives failed upserts for the reconciliation retry; only with createMissingRelatedEntities=false. */
  failed: FailedEntity[];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `onEntities` of a resync's resource runs. */
export function createBatchWriter(o: BatchWriterOptions): (entities: Entity[], kind: KindReport) => Promise<void> {
  return async (entities, kind) => {
    const { changed, unchanged } = await skipUnchanged(o.port, entities.map((entity) => ({ entity })), o.context, (error) =>
      o.logger.warn('[tide] skip-unchanged lookup failed; the whole batch is upserted', { error: message(error) }),
    );
    for (const { entity } of unchanged) o.seen.add(normaliseIdentifier(entity.blueprint), normaliseIdentifier(entity.identifier), entity.relations);
    kind.unchanged += unchanged.length;
    if (changed.length === 0) return;
    const counts = await upsertEntities(o.port, changed.map((c) => c.entity), o.flags, o.context, o.seen, o.flags.createMissingRelatedEntities ? undefined : o.failed);
    kind.upserted += counts.upserted;
    kind.dropped += counts.dropped;
    kind.failed += counts.failed;
  };
}
