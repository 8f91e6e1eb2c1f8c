import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from './errors.ts';
import { createHttpClient } from './fetch-client.ts';
import {
  paginateCursor,
  paginateLinkHeader,
  paginateOffset,
  paginatePageNumber,
  parseLinkHeader,
  valueAt,
  withParams,
} from './pagination.ts';
import { startServer } from './test-support.ts';

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

// Seven records, served by every pagination style.
const RECORDS = Array.from({ length: 7 }, (_, i) => ({ id: `r${i + 1}` }));
const ids = (pages: Array<Array<{ id: string }>>) => pages.map((p) => p.map((r) => r.id));
let requested: string[] = [];

const app = new Hono();
app.use('*', async (c, next) => {
  const url = new URL(c.req.url);
  requested.push(url.pathname + url.search);
  await next();
});
app.get('/link', (c) => {
  const page = Number(c.req.query('page') ?? '1');
  const pages = Math.ceil(RECORDS.length / 3);
  const links: string[] = [];
  // The first page links absolutely, later ones relatively, as some APIs do.
  if (page < pages) links.push(page === 1 ? `<${new URL(c.req.url).origin}/link?page=2>; rel="next"` : `</link?page=${page + 1}>; rel="next"`);
  links.push(`</link?page=${pages}>; rel="last"`);
  c.header('link', links.join(', '));
  return c.json(RECORDS.slice((page - 1) * 3, page * 3));
});
app.get('/cursor', (c) => {
  const start = Number(c.req.query('after') ?? '0');
  const slice = RECORDS.slice(start, start + 3);
  const next = start + 3 < RECORDS.length ? String(start + 3) : null;
  return c.json({ data: { records: slice }, meta: { next_cursor: next } });
});
app.get('/offset', (c) => {
  const limit = Number(c.req.query('take'));
  const offset = Number(c.req.query('skip'));
  return c.json({ values: RECORDS.slice(offset, offset + limit), total: RECORDS.length });
});
app.get('/pages', (c) => {
  const page = Number(c.req.query('p'));
  const size = Number(c.req.query('per_page') ?? '3');
  return c.json({ items: RECORDS.slice((page - 1) * size, page * size) });
});
app.get('/broken', (c) => c.json({ ok: false, error: 'rate_limit_exceeded' }, 500));
app.get('/not-array', (c) => c.json({ items: { a: 1 } }));
// Vendors that answer 200 with an error object instead of a page (on the second page here).
const NOT_A_LIST = { error: 'not a list' };
app.get('/error-page/link', (c) => {
  if (c.req.query('page') === '2') return c.json(NOT_A_LIST);
  c.header('link', '</error-page/link?page=2>; rel="next"');
  return c.json(RECORDS.slice(0, 3));
});
app.get('/error-page/offset', (c) => (c.req.query('offset') === '0' ? c.json(RECORDS.slice(0, 3)) : c.json(NOT_A_LIST)));
app.get('/error-page/pages', (c) => (c.req.query('page') === '1' ? c.json(RECORDS.slice(0, 3)) : c.json(NOT_A_LIST)));
app.get('/error-page/cursor', (c) => (c.req.query('after') === undefined ? c.json({ data: RECORDS.slice(0, 3), next: '3' }) : c.json(NOT_A_LIST)));

let server: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  server = await startServer(app);
});
afterAll(() => server.close());
beforeEach(() => {
  requested = [];
});

const client = () => createHttpClient({ baseUrl: server.url });

describe('parseLinkHeader', () => {
  it('parses several links, quoted values with commas, and multi-value rel', () => {
    const links = parseLinkHeader(
      '<https://api.x/items?page=2&a=1,2>; rel="next"; title="a, b; c", <https://api.x/items?page=9>; rel="last LAST-ish", <https://api.x/x>;rel=prev',
    );
    expect(links).toEqual([
      { uri: 'https://api.x/items?page=2&a=1,2', rel: ['next'], params: { rel: 'next', title: 'a, b; c' } },
      { uri: 'https://api.x/items?page=9', rel: ['last', 'last-ish'], params: { rel: 'last LAST-ish' } },
      { uri: 'https://api.x/x', rel: ['prev'], params: { rel: 'prev' } },
    ]);
    expect(parseLinkHeader(null)).toEqual([]);
    expect(parseLinkHeader('garbage')).toEqual([]);
  });
});

describe('helpers', () => {
  it('reads dotted paths and sets query parameters on relative and absolute URLs', () => {
    expect(valueAt({ meta: { next_cursor: 'c2' } }, 'meta.next_cursor')).toBe('c2');
    expect(valueAt({ items: [{ id: 1 }] }, 'items.0.id')).toBe(1);
    expect(valueAt({ a: null }, 'a.b')).toBeUndefined();
    expect(withParams('/x?a=1#h', { b: '2', a: '3' })).toBe('/x?a=3&b=2');
    expect(withParams('https://h/x', { q: 'a b' })).toBe('https://h/x?q=a+b');
  });
});

describe('paginateLinkHeader', () => {
  it('follows rel="next" across absolute and relative links until the last page', async () => {
    const pages = await collect(paginateLinkHeader<Array<{ id: string }>>(client(), '/link'));
    expect(ids(pages)).toEqual([['r1', 'r2', 'r3'], ['r4', 'r5', 'r6'], ['r7']]);
    expect(requested).toEqual(['/link', '/link?page=2', '/link?page=3']);
  });

  it('works with a plain function as the requester', async () => {
    const pages = await collect(paginateLinkHeader((url, init) => fetch(url, init), `${server.url}/link`));
    expect(pages).toHaveLength(3);
  });
});

describe('paginateCursor', () => {
  it('passes the cursor found at a dotted path until it is null', async () => {
    const pages = await collect(
      paginateCursor<{ id: string }>(client(), {
        url: '/cursor?fields=id',
        cursorPath: 'meta.next_cursor',
        cursorParam: 'after',
        itemsPath: 'data.records',
      }),
    );
    expect(ids(pages)).toEqual([['r1', 'r2', 'r3'], ['r4', 'r5', 'r6'], ['r7']]);
    expect(requested).toEqual(['/cursor?fields=id', '/cursor?fields=id&after=3', '/cursor?fields=id&after=6']);
  });

  it('accepts functions for the cursor and the items', async () => {
    type Body = { data: { records: Array<{ id: string }> }; meta: { next_cursor: string | null } };
    const pages = await collect(
      paginateCursor<{ id: string }>(client(), {
        url: '/cursor',
        cursorPath: (b) => (b as Body).meta.next_cursor,
        cursorParam: 'after',
        itemsPath: (b) => (b as Body).data.records,
        maxPages: 2,
      }),
    );
    expect(pages).toHaveLength(2);
  });
});

describe('paginateOffset', () => {
  it('advances the offset by the page size and stops on a short page', async () => {
    const pages = await collect(
      paginateOffset<{ id: string }>(client(), { url: '/offset', limit: 3, limitParam: 'take', offsetParam: 'skip', itemsPath: 'values' }),
    );
    expect(ids(pages)).toEqual([['r1', 'r2', 'r3'], ['r4', 'r5', 'r6'], ['r7']]);
    expect(requested).toEqual(['/offset?take=3&skip=0', '/offset?take=3&skip=3', '/offset?take=3&skip=6']);
  });

  it('stops at the total without asking for an empty page', async () => {
    const pages = await collect(
      paginateOffset(client(), { url: '/offset', limit: 7, limitParam: 'take', offsetParam: 'skip', itemsPath: 'values', totalPath: 'total' }),
    );
    expect(pages).toHaveLength(1);
    expect(requested).toHaveLength(1);
  });
});

describe('paginatePageNumber', () => {
  it('counts pages from start and stops on a short page when the size is known', async () => {
    const pages = await collect(
      paginatePageNumber<{ id: string }>(client(), { url: '/pages', pageParam: 'p', pageSizeParam: 'per_page', pageSize: 2, itemsPath: 'items' }),
    );
    expect(ids(pages)).toEqual([['r1', 'r2'], ['r3', 'r4'], ['r5', 'r6'], ['r7']]);
    expect(requested.at(-1)).toBe('/pages?p=4&per_page=2');
  });

  it('stops on the first empty page when the size is unknown', async () => {
    const pages = await collect(paginatePageNumber(client(), { url: '/pages', pageParam: 'p', itemsPath: 'items' }));
    expect(pages).toHaveLength(3);
    expect(requested).toEqual(['/pages?p=1', '/pages?p=2', '/pages?p=3', '/pages?p=4']);
  });
});

describe('an itemsPath that filters: paging decisions count the page before the filter (countPath)', () => {
  // r4, r5 and r6 are filtered out: the second page of three is empty after the filter, and the others short.
  type Page = { values?: Array<{ id: string }>; data?: { records: Array<{ id: string }> }; items?: Array<{ id: string }> };
  const kept = (list: Array<{ id: string }> = []) => list.filter((r) => !['r4', 'r5', 'r6'].includes(r.id));
  const every = [['r1', 'r2', 'r3'], ['r7']];

  it('paginateOffset advances by the unfiltered count and goes past a page emptied by the filter', async () => {
    const pages = await collect(
      paginateOffset<{ id: string }>(client(), {
        url: '/offset',
        limit: 3,
        limitParam: 'take',
        offsetParam: 'skip',
        itemsPath: (b) => kept((b as Page).values),
        countPath: (b) => (b as Page).values!.length,
      }),
    );
    expect(ids(pages)).toEqual(every);
    expect(requested).toEqual(['/offset?take=3&skip=0', '/offset?take=3&skip=3', '/offset?take=3&skip=6']);
  });

  it('paginateCursor follows the cursor of a page emptied by the filter', async () => {
    const pages = await collect(
      paginateCursor<{ id: string }>(client(), {
        url: '/cursor',
        cursorPath: 'meta.next_cursor',
        cursorParam: 'after',
        itemsPath: (b) => kept((b as Page).data!.records),
        countPath: (b) => (b as Page).data!.records.length,
      }),
    );
    expect(ids(pages)).toEqual(every);
  });

  it('paginatePageNumber and paginateLinkHeader read past it too', async () => {
    const numbered = await collect(
      paginatePageNumber<{ id: string }>(client(), {
        url: '/pages',
        pageParam: 'p',
        pageSizeParam: 'per_page',
        pageSize: 3,
        itemsPath: (b) => kept((b as Page).items),
        countPath: (b) => (b as Page).items!.length,
      }),
    );
    expect(ids(numbered)).toEqual(every);
    const linked = await collect(paginateLinkHeader<Array<{ id: string }>>(client(), '/link', { itemsPath: (b) => kept(b as Array<{ id: string }>), countPath: (b) => (b as unknown[]).length }));
    expect(ids(linked)).toEqual(every);
  });

  it('without countPath a filtered page still ends the walk (what countPath is for)', async () => {
    const pages = await collect(
      paginateOffset<{ id: string }>(client(), { url: '/offset', limit: 3, limitParam: 'take', offsetParam: 'skip', itemsPath: (b) => kept((b as Page).values) }),
    );
    expect(ids(pages)).toEqual([['r1', 'r2', 'r3']]);
  });

  it('a count that is not a whole number at least the items yielded fails the walk, naming countPath', async () => {
    await expect(collect(paginateOffset(client(), { url: '/offset', limit: 3, limitParam: 'take', offsetParam: 'skip', itemsPath: 'values', countPath: 'total.x' }))).rejects.toThrow(
      /pagination: "total.x" of \/offset\?take=3&skip=0 is not the page's item count \(got undefined, with 3 items\)/,
    );
  });
});

describe('errors and cancellation', () => {
  it('throws HttpError on a non-2xx page', async () => {
    await expect(collect(paginateLinkHeader(client(), '/broken'))).rejects.toBeInstanceOf(HttpError);
  });

  it('names the path when the items are not an array', async () => {
    await expect(collect(paginatePageNumber(client(), { url: '/not-array', itemsPath: 'items' }))).rejects.toThrow(
      /pagination: "items" of \/not-array\?page=1 is not an array \(got object\)/,
    );
  });

  describe('a 200 page carrying an error object instead of items fails the walk after the good pages', () => {
    const walks: Array<[string, () => AsyncIterable<unknown>, RegExp]> = [
      ['paginateLinkHeader', () => paginateLinkHeader(client(), '/error-page/link'), /the body of \/error-page\/link\?page=2 is not an array \(got object\)/],
      ['paginateOffset', () => paginateOffset(client(), { url: '/error-page/offset', limit: 3 }), /the body of \/error-page\/offset\?limit=3&offset=3 is not an array/],
      ['paginatePageNumber', () => paginatePageNumber(client(), { url: '/error-page/pages' }), /the body of \/error-page\/pages\?page=2 is not an array/],
      [
        'paginateCursor',
        () => paginateCursor(client(), { url: '/error-page/cursor', cursorPath: 'next', cursorParam: 'after', itemsPath: 'data' }),
        /"data" of \/error-page\/cursor\?after=3 is not an array \(got undefined\)/,
      ],
    ];
    it.each(walks)('%s', async (_name, walk, message) => {
      const seen: unknown[] = [];
      const run = async () => {
        for await (const page of walk()) seen.push(page);
      };
      await expect(run()).rejects.toThrow(message);
      expect(seen).toEqual([RECORDS.slice(0, 3)]);
    });

    it('paginateLinkHeader yields whole bodies only when asked to with itemsPath: null', async () => {
      const pages = await collect(paginateLinkHeader(client(), '/error-page/link', { itemsPath: null }));
      expect(pages).toEqual([RECORDS.slice(0, 3), NOT_A_LIST]);
    });
  });

  it('stops between pages when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('resync cancelled');
    const seen: unknown[] = [];
    const walk = async () => {
      for await (const page of paginateCursor(client(), {
        url: '/cursor',
        cursorPath: 'meta.next_cursor',
        cursorParam: 'after',
        itemsPath: 'data.records',
        signal: controller.signal,
      })) {
        seen.push(page);
        controller.abort(reason);
      }
    };
    await expect(walk()).rejects.toBe(reason);
    expect(seen).toHaveLength(1);
    expect(requested).toHaveLength(1);
  });

  it('passes the signal to the request', async () => {
    const reason = new Error('gone');
    let received: AbortSignal | undefined;
    const requester = async (_url: string, init?: RequestInit) => {
      received = init?.signal ?? undefined;
      return Response.json([]);
    };
    const controller = new AbortController();
    await collect(paginateLinkHeader(requester, '/x', { signal: controller.signal }));
    controller.abort(reason);
    expect(received?.reason).toBe(reason);
  });
});
