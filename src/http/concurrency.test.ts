import { describe, expect, it } from 'vitest';
import { createLimiter, mapConcurrent } from './concurrency.ts';

/** A task that records how many tasks run at once, and yields to the event loop while running. */
function tracker() {
  let active = 0;
  let max = 0;
  let started = 0;
  return {
    get max() {
      return max;
    },
    get started() {
      return started;
    },
    run: async <T>(value: T): Promise<T> => {
      started++;
      active++;
      max = Math.max(max, active);
      await new Promise((r) => setTimeout(r, 1));
      active--;
      return value;
    },
  };
}

describe('createLimiter', () => {
  it('never runs more than n tasks at once', async () => {
    const t = tracker();
    const limit = createLimiter(2);
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => limit(() => t.run(n))));
    expect(results).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.max).toBe(2);
  });
});

describe('mapConcurrent', () => {
  it('keeps input order and bounds the calls in flight', async () => {
    const t = tracker();
    const results = await mapConcurrent(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 3, (item, i) => t.run(`${item}${i}`));
    expect(results).toEqual(['a0', 'b1', 'c2', 'd3', 'e4', 'f5', 'g6']);
    expect(t.max).toBe(3);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const t = tracker();
    const boom = new Error('boom');
    const run = mapConcurrent([1, 2, 3, 4, 5, 6, 7, 8], 2, async (n) => {
      if (n === 2) throw boom;
      return t.run(n);
    });
    await expect(run).rejects.toBe(boom);
    await new Promise((r) => setTimeout(r, 5));
    // Item 1 was running alongside item 2; item 3 may have taken 2's slot before the rejection was seen.
    expect(t.started).toBeLessThanOrEqual(2);
  });

  it('rejects with the abort reason and starts nothing more', async () => {
    const t = tracker();
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const run = mapConcurrent([1, 2, 3, 4, 5, 6], 1, async (n) => {
      if (n === 2) controller.abort(reason);
      return t.run(n);
    }, { signal: controller.signal });
    await expect(run).rejects.toBe(reason);
    await new Promise((r) => setTimeout(r, 5));
    expect(t.started).toBe(2);
  });
});
