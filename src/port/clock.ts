/**
 * What Tide can know of Port's clock from its answers: each response's `Date` header (whole seconds, by
 * Port's clock, stamped between the request leaving and the answer arriving) bounds the difference
 * between Port's clock and ours. The bounds of every answer are intersected, so they tighten as answers
 * cross second boundaries; when they stop overlapping (a clock was stepped), the latest answer's bounds
 * start afresh. docs/behaviour.md §4.9 step 5 uses them for the owned snapshot's `before`.
 */

/** Port's clock minus ours, in ms, lies in `[lower, upper]`. */
export interface ClockOffset {
  lower: number;
  upper: number;
}

/** The resolution of a `Date` header. */
const DATE_RESOLUTION_MS = 1000;

export interface ClockOffsetTracker {
  /** One answer: its `Date` header (absent or unparsable: ignored), and our clock when the request left and the answer came. */
  observe(date: string | null, sentAt: number, receivedAt: number): void;
  /** The bounds so far; undefined before the first answer with a `Date`. */
  current(): ClockOffset | undefined;
}

export function createClockOffsetTracker(): ClockOffsetTracker {
  let bounds: ClockOffset | undefined;
  return {
    observe(date, sentAt, receivedAt) {
      const stamped = date ? Date.parse(date) : Number.NaN;
      if (!Number.isFinite(stamped)) return;
      // Port stamped the answer at some instant in [stamped, stamped + 1 s) of its clock, in [sentAt, receivedAt] of ours.
      const sample = { lower: stamped - receivedAt, upper: stamped + DATE_RESOLUTION_MS - sentAt };
      const lower = Math.max(bounds?.lower ?? -Infinity, sample.lower);
      const upper = Math.min(bounds?.upper ?? Infinity, sample.upper);
      bounds = lower <= upper ? { lower, upper } : sample;
    },
    current: () => bounds,
  };
}
