/**
 * Same-entity ordering across paths (docs/behaviour.md §6.3). Events on one path are processed in arrival
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

/**
 * Create the ordering state shared by all paths of one live-events instance. Every operation is O(1)
 * amortised, however many events are queued: the oldest event in flight is a pointer that only moves
 * forward (sequence numbers are consecutive), and each record is filed under its writer, so pruning visits
 * each record once.
 */
export function createEventOrdering(): EventOrdering {
  let next = 0;
  const inFlight = new Set<number>();
  const lastWriter = new Map<string, number>();
  // The keys each event recorded; a key's entry counts only while that event is still its newest writer.
  const byWriter = new Map<number, string[]>();
  // The oldest sequence number that may still be in flight, and the first writer whose records are not pruned yet.
  let oldest = 0;
  let pruneFrom = 0;
  let chain: Promise<unknown> = Promise.resolve();

  function forgetAll(): void {
    lastWriter.clear();
    byWriter.clear();
    oldest = pruneFrom = next;
  }

  return {
    arrive() {
      const seq = next++;
      inFlight.add(seq);
      return seq;
    },
    finish(seq) {
      if (!inFlight.delete(seq)) return;
      if (inFlight.size === 0) return forgetAll();
      while (!inFlight.has(oldest)) oldest += 1;
      // A record only matters to in-flight events older than its writer: those of writers up to the oldest go.
      for (let writer = pruneFrom; writer <= oldest; writer++) {
        for (const key of byWriter.get(writer) ?? []) if (lastWriter.get(key) === writer) lastWriter.delete(key);
        byWriter.delete(writer);
      }
      // The oldest may record again while in flight: its bucket is visited on the next finish too.
      pruneFrom = oldest;
    },
    guard(seq) {
      return {
        isStale: (key) => (lastWriter.get(key) ?? -1) > seq,
        record(key) {
          if ((lastWriter.get(key) ?? -1) >= seq) return;
          lastWriter.set(key, seq);
          const keys = byWriter.get(seq);
          if (keys) keys.push(key);
          else byWriter.set(seq, [key]);
        },
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
