/**
 * Instants on Port's clock (docs/behaviour.md §4.9 step 5). The owned snapshot's `before` is compared with
 * the `updatedAt` Port stamps, so a resync's start must be placed on Port's clock, not Tide's: with Tide's
 * clock 5 minutes ahead, a `before` on Tide's clock would take everything a live event wrote during the
 * resync's first 5 minutes for stale.
 */
import type { ClockOffset } from './port.ts';

/**
 * `local` (ms on Tide's clock) as Port's clock shows it, by the bounds Port's answers give (docs: a `Date`
 * header has whole seconds). When the bounds hold 0, the two clocks agree as far as Port's answers can tell
 * and `local` stands. Otherwise the lower bound is used: it never places the instant later than Port's clock
 * does, so `before` errs towards leaving an entity out of the snapshot (kept, deleted by a later resync)
 * rather than taking one written after the start for stale. Without bounds, `local` stands.
 *
 * @example onPortClock(Date.parse('2024-05-01T12:05:00Z'), { lower: -300_900, upper: -299_950 }) // 12:00:00 minus ~0.9 s
 */
export function onPortClock(local: number, offset: ClockOffset | undefined): number {
  if (!offset || (offset.lower <= 0 && offset.upper >= 0)) return local;
  return local + offset.lower;
}
