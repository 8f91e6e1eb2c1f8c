import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/index.ts';
import type { KindContext, Logger, RawItem } from 'port-tide';
import http, { resyncKind } from './index.ts';
import { GROUPS, ITEMS, SECRETS, startTestApi, type TestApi } from './test-support.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
});

/** A kind context with a real HTTP client (no retries, so a failure shows at once). */
function context(kind: string, config: Record<string, unknown>, shared: Partial<KindContext> = {}): KindContext {
  return {
    kind,
    config,
    http: createHttpClient({ retry: { retries: 0 } }),
    logger: quiet,
    signal: new AbortController().signal,
    attributes: {},
    ...shared,
  } as unknown as KindContext;
}

async function pages(ctx: KindContext): Promise<RawItem[][]> {
  const out: RawItem[][] = [];
  for await (const page of resyncKind(ctx)) out.push(page);
  return out;
}

const config = (endpoints: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ baseUrl: api.url, endpoints, ...extra });
const paths = () => api.requests.map((r) => `${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}`);

describe('pagination styles against a real server', () => {
  it('none: the body is the array', async () => {
    const result = await pages(context('item', config({ item: { path: '/plain/items' } })));
    expect(result).toEqual([ITEMS]);
    expect(paths()).toEqual(['/plain/items']);
  });

  it('offset/limit with an items path, stopping at the total', async () => {
    const item = { path: '/offset/items', itemsPath: 'data', pagination: { type: 'offset', limit: 3, totalPath: '.total' } };
    const result = await pages(context('item', config({ item })));
    expect(result.map((p) => p.map((i) => i.id))).toEqual([['item-1', 'item-2', 'item-3'], ['item-4', 'item-5', 'item-6'], ['item-7']]);
    expect(paths()).toEqual(['/offset/items?limit=3&offset=0', '/offset/items?limit=3&offset=3', '/offset/items?limit=3&offset=6']);
  });

  it('page number with a page size, stopping at a short page', async () => {
    const item = { path: '/page/items', itemsPath: '.results', pagination: { type: 'pageNumber', pageSize: 3, pageSizeParam: 'per_page' } };
    const result = await pages(context('item', config({ item })));
    expect(result.flat()).toEqual(ITEMS);
    expect(paths()).toEqual(['/page/items?page=1&per_page=3', '/page/items?page=2&per_page=3', '/page/items?page=3&per_page=3']);
  });

  it('cursor read by a jq program, until it is null', async () => {
    const item = {
      path: '/cursor/items',
      itemsPath: '.items[] | select(.id != "item-2")',
      pagination: { type: 'cursor', cursorPath: '.meta | .next_cursor // empty', cursorParam: 'cursor' },
    };
    const result = await pages(context('item', config({ item })));
    expect(result.flat()).toEqual(ITEMS.filter((i) => i.id !== 'item-2'));
    expect(paths()).toEqual(['/cursor/items', '/cursor/items?cursor=c3', '/cursor/items?cursor=c6']);
  });

  it('Link header, following relative next links', async () => {
    const result = await pages(context('item', config({ item: { path: '/link/items', pagination: { type: 'linkHeader' } } })));
    expect(result.length).toBe(3);
    expect(result.flat()).toEqual(ITEMS);
    expect(paths()).toEqual(['/link/items', '/link/items?page=2', '/link/items?page=3']);
  });

  it('maxPages stops the walk early', async () => {
    const item = { path: '/link/items', pagination: { type: 'linkHeader', maxPages: 2 } };
    expect((await pages(context('item', config({ item })))).flat()).toHaveLength(6);
  });

  it('sends query parameters and headers; an items path that is not an array names the field', async () => {
    const item = { path: '/plain/items?fixed=1', params: { extra: 'x', n: 2 }, headers: { 'x-trace': 't' } };
    await pages(context('item', config({ item }, { defaultHeaders: { 'x-default': 'd' } })));
    expect(paths()).toEqual(['/plain/items?fixed=1&extra=x&n=2']);
    expect(api.requests[0].headers).toMatchObject({ 'x-trace': 't', 'x-default': 'd', accept: 'application/json' });
    const bad = { path: '/offset/items', itemsPath: 'total' };
    await expect(pages(context('item', config({ item: bad })))).rejects.toThrow('endpoints.item.itemsPath: "total" gave number, expected the array of items');
  });
});

describe('a 200 page carrying an error object instead of the items', () => {
  const offset = { type: 'offset', limit: 3 };
  const walk = async (item: Record<string, unknown>) => {
    const seen: RawItem[][] = [];
    const error = await (async () => {
      for await (const page of resyncKind(context('item', config({ item })))) seen.push(page);
    })().catch((e: unknown) => e);
    return { seen, error: error as Error | undefined };
  };

  it('fails the kind after the good pages when the body itself should be the array (default itemsPath)', async () => {
    const { seen, error } = await walk({ path: '/error-page/items', pagination: offset });
    expect(seen).toEqual([ITEMS.slice(0, 3)]);
    expect(error?.message).toBe('endpoints.item.itemsPath: "." gave object, expected the array of items (the response was {"error":"not a list"})');
  });

  it.each(['data', '.data'])('fails the kind when the items path %s is missing from the page, instead of ending the walk', async (itemsPath) => {
    const { seen, error } = await walk({ path: '/error-page/items', params: { wrapped: 1 }, itemsPath, pagination: offset });
    expect(seen).toEqual([ITEMS.slice(0, 3)]);
    expect(error?.message).toBe(`endpoints.item.itemsPath: "${itemsPath}" is not in the response, expected the array of items (the response was {"error":"not a list"})`);
  });

  it('a jq program that iterates fails on the error object too; on a good page one output is one item', async () => {
    const { seen, error } = await walk({ path: '/error-page/items', params: { wrapped: 1 }, itemsPath: '.data[]', pagination: offset });
    expect(seen).toEqual([ITEMS.slice(0, 3)]);
    expect(error?.message).toMatch(/^endpoints\.item\.itemsPath: jq runtime error in "\.data\[\]": .*Cannot iterate over null/);
    const one = await pages(context('item', config({ item: { path: '/plain/items', itemsPath: '.[] | select(.id == "item-1")' } })));
    expect(one).toEqual([[ITEMS[0]]]);
  });
});

describe('retry {statuses, attempts}', () => {
  const retrying = (retry: Record<string, unknown>) => ({ ...context('item', config({ item: { path: '/flaky/500/2/items' } }, { retry })), http: createHttpClient({ sleep: async () => {} }) });

  it('retries the statuses it lists, up to the attempts', async () => {
    expect((await pages(retrying({ statuses: [500], attempts: 3 }))).flat()).toEqual(ITEMS);
    expect(paths()).toEqual(['/flaky/500/2/items', '/flaky/500/2/items', '/flaky/500/2/items']);
  });

  it('fails the kind with the status once the attempts are spent, and never retries a status it does not list', async () => {
    await expect(pages(retrying({ statuses: [500], attempts: 2 }))).rejects.toThrow(/HTTP 500 from GET/);
    expect(paths()).toHaveLength(2);
    api.requests.length = 0;
    await expect(pages(retrying({ statuses: [503] }))).rejects.toThrow(/HTTP 500 from GET/);
    expect(paths()).toHaveLength(1);
  });
});

describe('auth', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['bearer', { auth: { type: 'bearer' }, token: SECRETS.token }, '/bearer'],
    ['basic', { auth: { type: 'basic', username: SECRETS.username }, password: SECRETS.password }, '/basic'],
    ['API key header', { auth: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, apiKey: SECRETS.apiKey }, '/header-key'],
    ['API key query', { auth: { type: 'apiKey', in: 'query', name: 'api_key' }, apiKey: SECRETS.apiKey }, '/query-key'],
    ['OAuth2 client credentials (basic)', { auth: { type: 'oauth2ClientCredentials', tokenUrl: '/oauth/token', clientId: SECRETS.clientId }, clientSecret: SECRETS.clientSecret }, '/oauth'],
    [
      'OAuth2 client credentials (body)',
      { auth: { type: 'oauth2ClientCredentials', tokenUrl: '/oauth/token', clientId: SECRETS.clientId, clientAuth: 'body' }, clientSecret: SECRETS.clientSecret },
      '/oauth',
    ],
  ];

  for (const [name, auth, prefix] of cases) {
    it(`${name}: every page of every style is authenticated`, async () => {
      const endpoints = {
        link: { path: `${prefix}/link/items`, pagination: { type: 'linkHeader' } },
        cursor: { path: `${prefix}/cursor/items`, itemsPath: 'items', pagination: { type: 'cursor', cursorPath: 'meta.next_cursor', cursorParam: 'cursor' } },
      };
      const http = createHttpClient({ retry: { retries: 0 } });
      for (const kind of ['link', 'cursor']) {
        expect((await pages(context(kind, config(endpoints, auth), { http }))).flat()).toEqual(ITEMS);
      }
      const dataRequests = api.requests.filter((r) => r.path !== '/oauth/token');
      expect(dataRequests).toHaveLength(6);
      // The OAuth2 token is fetched once and reused across pages and kinds.
      if (prefix === '/oauth') expect(api.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
    });
  }

  it('OAuth2: a token the server no longer accepts is renewed once, on the 401', async () => {
    const auth = { auth: { type: 'oauth2ClientCredentials', tokenUrl: `${api.url}/oauth/token`, clientId: SECRETS.clientId }, clientSecret: SECRETS.clientSecret };
    const http = createHttpClient({ retry: { retries: 0 } });
    const endpoints = { item: { path: '/oauth/plain/items' } };
    expect((await pages(context('item', config(endpoints, auth), { http }))).flat()).toEqual(ITEMS);
    const before = api.tokensIssued;
    api.revokeTokens();
    expect((await pages(context('item', config(endpoints, auth), { http }))).flat()).toEqual(ITEMS);
    expect(api.tokensIssued).toBe(before + 1);
    expect(api.requests.filter((r) => r.path === '/oauth/plain/items').map((r) => r.authorization)).toEqual([
      `Bearer access-${before}`,
      `Bearer access-${before}`,
      `Bearer access-${before + 1}`,
    ]);
  });

  it('wrong credentials: the server answers 401 and the kind fails with the status', async () => {
    const endpoints = { item: { path: '/bearer/plain/items' } };
    await expect(pages(context('item', config(endpoints, { auth: { type: 'bearer' }, token: 'wrong' })))).rejects.toThrow(/HTTP 401 from GET/);
    const oauth = { auth: { type: 'oauth2ClientCredentials', tokenUrl: '/oauth/token', clientId: SECRETS.clientId }, clientSecret: 'wrong' };
    await expect(pages(context('item', config({ item: { path: '/oauth/plain/items' } }, oauth)))).rejects.toThrow(
      /auth: the OAuth2 token request to http:\/\/127\.0\.0\.1:\d+\/oauth\/token failed with HTTP 401/,
    );
    expect(api.requests.some((r) => r.path === '/oauth/plain/items')).toBe(false);
  });
});

describe('nested endpoints', () => {
  const endpoints = {
    group: { path: '/groups' },
    member: { path: '/groups/{group.id}/members', itemsPath: 'members', parent: 'group', pagination: { type: 'pageNumber' } },
  };

  it('walk the child once per parent item, filling the path from it and attaching the parent', async () => {
    const result = (await pages(context('member', config(endpoints)))).flat();
    expect(result.map((m) => m.id)).toEqual(GROUPS.flatMap((g) => [1, 2, 3, 4].map((n) => `${g.id}-member-${n}`)));
    expect(result[0].__parent).toEqual({ id: 'group-1' });
    expect(paths()).toEqual([
      '/groups',
      ...GROUPS.flatMap((g) => [1, 2, 3].map((page) => `/groups/${g.id}/members?page=${page}`)),
    ]);
  });

  it('reuse the parent kind\'s items from earlier in the same resync', async () => {
    const attributes = {};
    await pages(context('group', config(endpoints), { attributes }));
    await pages(context('member', config(endpoints), { attributes }));
    expect(paths().filter((p) => p === '/groups')).toHaveLength(1);
  });

  it('a parent item without the placeholder field fails the kind, naming the placeholder', async () => {
    const bad = { ...endpoints, member: { ...endpoints.member, path: '/groups/{group.slug}/members' } };
    await expect(pages(context('member', config(bad)))).rejects.toThrow('member of group "group-1": placeholder {group.slug}: the group item has no such field');
  });
});

describe('the integration definition', () => {
  it('serves every kind through the catch-all and rejects kinds the config does not describe', async () => {
    expect(http.kinds).toEqual({});
    const ctx = context('ghost', config({ item: { path: '/plain/items' } }));
    await expect(pages(ctx)).rejects.toThrow('kind "ghost" is not described in endpoints (described: item)');
  });
});
