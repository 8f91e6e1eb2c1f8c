import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import type { KindContext, RawItem } from 'port-tide';
import fake from './index.ts';

/** Run the fake-person kind from `cursor`, recording the cursors it declares before each page. */
async function run(cursor: unknown): Promise<{ ids: string[][]; cursors: unknown[] }> {
  const cursors: unknown[] = [];
  const ctx = {
    kind: 'fake-person',
    config: { entityAmount: 4, thirdPartyBatchSize: 2 },
    logger: silentLogger,
    signal: new AbortController().signal,
    cursor,
    checkpoint: (c: unknown) => cursors.push(c),
  } as unknown as KindContext<any>;
  const ids: string[][] = [];
  for await (const page of fake.kinds['fake-person'].resync(ctx) as AsyncIterable<RawItem[]>) ids.push(page.map((p) => p.id as string));
  return { ids, cursors };
}

describe('fake-person resumes from its page cursor', () => {
  it('declares the next page index before each page and resumes after it', async () => {
    const all = await run(undefined);
    expect(all.ids).toHaveLength(10);
    expect(all.cursors).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const resumed = await run(6);
    expect(resumed.ids).toEqual(all.ids.slice(6));
    expect(resumed.cursors).toEqual([7, 8, 9, 10]);
  });

  it('runs unchanged where the runtime offers no checkpoint (Node, Deno)', async () => {
    const ctx = { kind: 'fake-person', config: { entityAmount: 2 }, logger: silentLogger, signal: new AbortController().signal } as unknown as KindContext<any>;
    let count = 0;
    for await (const page of fake.kinds['fake-person'].resync(ctx) as AsyncIterable<RawItem[]>) count += page.length;
    expect(count).toBe(10);
  });
});
