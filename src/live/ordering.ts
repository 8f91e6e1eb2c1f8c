/**
 * Same-entity ordering across paths (OCEAN-BEHAVIOUR §6.3). Events on one path are processed in arrival
 * order by its single worker; events on different paths run concurrently, so an older event's slow
 * `handleEvent` could finish after a newer one. Every event gets an arrival sequence number, applies are
 * serialised, and a write to an entity key that a newer event already wrote is skipped as stale.
 */
import type { WriteGuard } from './apply.ts';

/** Sequence numbers, the serialised apply step and the per-key record of the newest writer. */
export interface EventOrdering {
  /** Number a newly arrived event; it counts as in flight until `finish`. */
  arrive(): number;
  /** The event is done (processed, failed or dropped); records nobody older can contradict are pruned. */
  finish(seq: number): void;
  /** The guard for one event's apply step. */
  guard(seq: number): WriteGuard;
  /** Run `fn` after every apply started before it has settled. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Entity keys currently remembered (for tests and stats). */
  readonly remembered: number;
}

/** Create the ordering state shared by all paths of one live-events instance. */
export function createEventOrdering(): EventOrdering {
  let next = 0;
  const inFlight = new Set<number>();
  const lastWriter = new Map<string, number>();
  let chain: Promise<unknown> = Promise.resolve();

  return {
    arrive() {
      const seq = next++;
      inFlight.add(seq);
      return seq;
    },
    finish(seq) {
      inFlight.delete(seq);
      if (inFlight.size === 0) {
        lastWriter.clear();
        return;
      }
      // A record only matters to in-flight events older than its writer.
      const oldest = Math.min(...inFlight);
      for (const [key, writer] of lastWriter) if (writer <= oldest) lastWriter.delete(key);
    },
    guard(seq) {
      return {
        isStale: (key) => (lastWriter.get(key) ?? -1) > seq,
        record: (key) => lastWriter.set(key, Math.max(seq, lastWriter.get(key) ?? -1)),
      };
    },
    exclusive(fn) {
      const run = chain.then(fn);
      chain = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
    get remembered() {
      return lastWriter.size;
    },
  };
}
