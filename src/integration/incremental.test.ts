import { describe, expect, it } from 'vitest';
import type { RawItem } from './define.ts';
import { clientSideCutoff, serverSideFilter } from './incremental.ts';

const since = new Date('2024-05-06T12:00:00.000Z');

async function collect(pages: AsyncIterable<RawItem[]>): Promise<RawItem[][]> {
  const out: RawItem[][] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** Pages of items, recording how many the consumer pulled. */
function source(pages: RawItem[][]): { pages: AsyncIterable<RawItem[]>; pulled: () => number } {
  let pulled = 0;
  return {
    pages: (async function* () {
      for (const page of pages) {
        pulled += 1;
        yield page;
      }
    })(),
    pulled: () => pulled,
  };
}

// docs/behaviour.md §4.12 "Strategies".
describe('serverSideFilter', () => {
  it('gives one parameter with the cursor, formatted and prefixed, and none without a cursor', () => {
    expect(serverSideFilter(since, 'since')).toEqual({ since: '2024-05-06T12:00:00.000Z' });
    expect(serverSideFilter(since, 'q', { prefix: 'updated>=', format: (d) => d.toISOString().slice(0, 10) })).toEqual({ q: 'updated>=2024-05-06' });
    expect(serverSideFilter(undefined, 'since')).toEqual({});
  });
});

describe('clientSideCutoff', () => {
  const newestFirst = { sort: 'updated', direction: 'desc' };

  it('asks for newest first, drops items strictly before the cursor, keeps those without a timestamp, and stops after that page', async () => {
    const cutoff = clientSideCutoff(since, { field: 'meta.updated', newestFirst });
    expect(cutoff.params).toEqual(newestFirst);
    const s = source([
      [{ id: 1, meta: { updated: '2024-05-06T13:00:00Z' } }, { id: 2, meta: { updated: '2024-05-06T12:00:00Z' } }],
      [{ id: 3 }, { id: 4, meta: { updated: '2024-05-06T11:59:59Z' } }, { id: 5, meta: { updated: '2024-05-06T12:30:00Z' } }],
      [{ id: 6, meta: { updated: '2024-05-06T10:00:00Z' } }],
    ]);
    const pages = await collect(cutoff.pages(s.pages));
    expect(pages.map((p) => p.map((i) => i.id))).toEqual([[1, 2], [3, 5]]);
    expect(s.pulled()).toBe(2);
  });

  it('takes epoch milliseconds, Dates and a function for the field', async () => {
    const cutoff = clientSideCutoff(since, { field: (item) => item.at });
    const pages = await collect(cutoff.pages(source([[{ at: since.getTime() + 1 }, { at: new Date(since.getTime() - 1) }]]).pages));
    expect(pages).toEqual([[{ at: since.getTime() + 1 }]]);
  });

  it('without a cursor sends no order and lets every page through', async () => {
    const cutoff = clientSideCutoff(undefined, { field: 'updated_at', newestFirst });
    expect(cutoff.params).toEqual({});
    const all = [[{ updated_at: '2000-01-01T00:00:00Z' }], [{ updated_at: '2001-01-01T00:00:00Z' }]];
    expect(await collect(cutoff.pages(source(all).pages))).toEqual(all);
  });
});
