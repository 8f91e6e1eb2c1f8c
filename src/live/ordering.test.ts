import { describe, expect, it } from 'vitest';
import { createEventOrdering } from './ordering.ts';

describe('event ordering under a deep queue', () => {
  it('200,000 events in flight: every arrival and finish works, and records are pruned once nobody older is in flight', () => {
    const ordering = createEventOrdering();
    const seqs = Array.from({ length: 200_000 }, () => ordering.arrive());
    // The newest event writes first; the oldest events, still in flight, must see that write as newer than theirs.
    ordering.guard(seqs.at(-1)!).record('service/svc-1');
    expect(ordering.guard(seqs[0]).isStale('service/svc-1')).toBe(true);
    for (const seq of seqs.slice(0, 100_000)) ordering.finish(seq);
    expect(ordering.guard(seqs[150_000]).isStale('service/svc-1')).toBe(true);
    expect(ordering.remembered).toBe(1);
    for (const seq of seqs.slice(100_000, -1)) ordering.finish(seq);
    // Only the writer itself is in flight now: nobody older can be contradicted by its record.
    expect(ordering.remembered).toBe(0);
    ordering.finish(seqs.at(-1)!);
    expect(ordering.remembered).toBe(0);
  });

  it('records older than every event in flight are pruned, newer ones kept, whatever order events finish in', () => {
    const ordering = createEventOrdering();
    const [a, b, c, d] = [ordering.arrive(), ordering.arrive(), ordering.arrive(), ordering.arrive()];
    ordering.guard(b).record('k/b');
    ordering.guard(d).record('k/d');
    ordering.guard(c).record('k/b'); // c wrote k/b after b did: the newest writer of k/b is c
    ordering.finish(b);
    // a is still in flight and older than every writer: all records stay.
    expect(ordering.remembered).toBe(2);
    expect(ordering.guard(a).isStale('k/b')).toBe(true);
    ordering.finish(a);
    // c is now the oldest in flight: k/b (written by c) cannot contradict anyone older; k/d can (c < d).
    expect(ordering.remembered).toBe(1);
    expect(ordering.guard(c).isStale('k/d')).toBe(true);
    ordering.finish(d);
    ordering.finish(c);
    expect(ordering.remembered).toBe(0);
  });
});
