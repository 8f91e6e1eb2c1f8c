/**
 * What a resync does with each batch of selector-passing entities (§4.4 b–d): the skip-unchanged diff,
 * the upsert of the changed ones, and the seen set. A request that failed for want of an answer leaves its
 * entities to be sent once more when the resource ends, after its other batches, before they count as
 * failed (§4.6), so a burst of 503s that outlasts one request's retries drops nothing. Shared by the
 * one-go resync and the resumable one.
 */
import type { Logger } from '../logging/logger.ts';
import type { Entity } from '../mapping/index.ts';
import { normaliseIdentifier } from '../mapping/index.ts';
import type { ResyncCheckpoint } from './checkpoint.ts';
import { skipUnchanged } from './diff.ts';
import type { CallContext, SyncPort } from './port.ts';
import type { KindReport } from './report.ts';
import type { SeenKeys } from './seen.ts';
import { declaredProperties, warnUndeclared } from './undeclared.ts';
import type { FailedEntity, UpsertOutcome } from './upsert.ts';
import { upsertEntities } from './upsert.ts';

export interface BatchWriterOptions {
  port: SyncPort;
  context: CallContext;
  logger: Logger;
  flags: { merge: boolean; createMissingRelatedEntities: boolean };
  seen: SeenKeys;
  /** Receives failed upserts for the reconciliation retry; only with createMissingRelatedEntities=false. */
  failed: FailedEntity[];
  /** The resync's checkpoint: what the writer carries from page to page (and step to step). */
  cp: Pick<ResyncCheckpoint, 'requeue' | 'undeclared'>;
}

/** Where a resource's batches go. */
export interface BatchSink {
  write(entities: Entity[], kind: KindReport): Promise<void>;
  /** The resource ended; `stopped`: by an abort, so nothing more is sent. */
  end?(kind: KindReport, stopped: boolean): Promise<void>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The sink of a resync's resource runs. */
export function createBatchWriter(o: BatchWriterOptions): BatchSink {
  const record = (outcome: UpsertOutcome, kind: KindReport, requeue: boolean): void => {
    kind.upserted += outcome.upserted;
    kind.dropped += outcome.dropped;
    for (const { transient, ...failure } of outcome.failures) {
      if (requeue && transient) {
        (o.cp.requeue ??= []).push(failure);
        continue;
      }
      kind.failed += 1;
      if (!o.flags.createMissingRelatedEntities) o.failed.push(failure);
    }
  };
  return {
    async write(entities, kind) {
      const declared = await declaredProperties(o.port, entities, o.context);
      warnUndeclared(entities, declared, (o.cp.undeclared ??= {}), o.logger);
      const onLookupError = (error: unknown) => o.logger.warn('[tide] skip-unchanged lookup failed; the whole batch is upserted', { error: message(error) });
      const { changed, unchanged } = await skipUnchanged(o.port, entities.map((entity) => ({ entity })), o.context, onLookupError, declared);
      for (const { entity } of unchanged) {
        // Found among this integration's entities: it existed when the resync started (§4.9 step 7).
        o.seen.add(normaliseIdentifier(entity.blueprint), normaliseIdentifier(entity.identifier), entity.relations);
        o.seen.noteExisted(normaliseIdentifier(entity.blueprint), normaliseIdentifier(entity.identifier), true);
      }
      kind.unchanged += unchanged.length;
      if (changed.length === 0) return;
      record(await upsertEntities(o.port, changed.map((c) => c.entity), o.flags, o.context, o.seen), kind, true);
    },
    async end(kind, stopped) {
      const pending = o.cp.requeue ?? [];
      o.cp.requeue = undefined;
      if (pending.length === 0) return;
      if (stopped) {
        kind.failed += pending.length;
        return;
      }
      o.logger.info('[tide] sending again the entities whose upsert request got no answer', { kind: kind.label, entities: pending.length });
      record(await upsertEntities(o.port, pending.map((f) => f.entity), o.flags, o.context, o.seen), kind, false);
    },
  };
}
