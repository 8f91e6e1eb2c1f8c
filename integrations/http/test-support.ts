/**
 * A real HTTP server on loopback for the http integration's tests (Node only; never imported by the
 * integration). It serves the same seven items in every pagination style, behind every auth style, plus
 * the example API shape of `.port/` (users, posts, todos) open at `/` and bearer-protected and
 * cursor-paginated at `/v2`. Every request is recorded so tests can check what was sent.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';

export const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: `item-${i + 1}`, name: `Item ${i + 1}` }));
export const GROUPS = [{ id: 'group-1' }, { id: 'group-2' }];
export const USERS = [1, 2, 3].map((id) => ({ id, name: `User ${id}`, username: `user-${id}`, email: `user-${id}@example.com` }));
export const POSTS = USERS.flatMap((u) => [1, 2].map((n) => ({ id: (u.id - 1) * 2 + n, userId: u.id, title: `Post ${(u.id - 1) * 2 + n}`, body: `Body ${(u.id - 1) * 2 + n}` })));
export const TODOS = USERS.flatMap((u) => [1, 2].map((n) => ({ id: (u.id - 1) * 2 + n, userId: u.id, title: `Todo ${(u.id - 1) * 2 + n}`, completed: n === 2 })));

export const MANY_POSTS = Array.from({ length: 2000 }, (_, i) => ({ userId: (i % USERS.length) + 1, id: i + 1, title: `Post ${i + 1}`, body: `Body ${i + 1}` }));

export const SECRETS = { token: 'token-1', username: 'user-1', password: 'password-1', apiKey: 'key-1', clientId: 'client-1', clientSecret: 'secret-1' };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  headers: Record<string, string>;
}

export interface TestApi {
  url: string;
  requests: RecordedRequest[];
  /** Token requests the OAuth2 endpoint answered with a token. */
  tokensIssued: number;
  /** Invalidate every issued OAuth2 token, as an expiry on the server side would. */
  revokeTokens(): void;
  /** `/many/posts` answers `200 {"error":"not a list"}` for the page starting at this offset. */
  errorPageAt: number | undefined;
  /** What the deployment endpoints (`/deployments/{service}`, also under `/bearer`) received: the http_request action's calls. */
  deployments: Array<{ method: string; path: string; query: Record<string, string>; body: unknown }>;
  close(): Promise<void>;
}

const PAGE = 3;
const intParam = (c: Context, name: string, fallback: number): number => {
  const value = Number(c.req.query(name));
  return Number.isInteger(value) ? value : fallback;
};

export async function startTestApi(): Promise<TestApi> {
  const app = new Hono();
  const requests: RecordedRequest[] = [];
  const issued = new Set<string>();
  const api: TestApi = { url: '', requests, tokensIssued: 0, revokeTokens: () => issued.clear(), errorPageAt: undefined, deployments: [], close: async () => {} };

  app.use('*', async (c, next) => {
    requests.push({ method: c.req.method, path: c.req.path, query: c.req.query(), authorization: c.req.header('authorization'), headers: c.req.header() });
    await next();
  });

  // Auth checks: each protected prefix accepts exactly one credential.
  const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
  const guards: Record<string, (c: Context) => boolean> = {
    '/bearer/*': (c) => c.req.header('authorization') === `Bearer ${SECRETS.token}`,
    '/v2/*': (c) => c.req.header('authorization') === `Bearer ${SECRETS.token}`,
    '/basic/*': (c) => c.req.header('authorization') === basic(SECRETS.username, SECRETS.password),
    '/header-key/*': (c) => c.req.header('x-api-key') === SECRETS.apiKey,
    '/query-key/*': (c) => c.req.query('api_key') === SECRETS.apiKey,
    '/oauth/*': (c) => c.req.path === '/oauth/token' || issued.has(c.req.header('authorization')?.replace(/^Bearer /, '') ?? ''),
  };
  for (const [pattern, ok] of Object.entries(guards)) {
    app.use(pattern, async (c, next) => (ok(c) ? next() : c.json({ message: 'unauthorized' }, 401)));
  }

  app.post('/oauth/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const fromBasic = c.req.header('authorization') === basic(SECRETS.clientId, SECRETS.clientSecret);
    const fromBody = form.get('client_id') === SECRETS.clientId && form.get('client_secret') === SECRETS.clientSecret;
    if (form.get('grant_type') !== 'client_credentials' || !(fromBasic || fromBody)) return c.json({ error: 'invalid_client' }, 401);
    api.tokensIssued += 1;
    const token = `access-${api.tokensIssued}`;
    issued.add(token);
    return c.json({ access_token: token, token_type: 'bearer', expires_in: 3600 });
  });

  // One data set, every pagination style; each style under every auth prefix.
  for (const prefix of ['', '/bearer', '/basic', '/header-key', '/query-key', '/oauth']) {
    app.get(`${prefix}/plain/items`, (c) => c.json(ITEMS));
    app.get(`${prefix}/offset/items`, (c) => {
      const offset = intParam(c, 'offset', 0);
      return c.json({ data: ITEMS.slice(offset, offset + intParam(c, 'limit', PAGE)), total: ITEMS.length });
    });
    app.get(`${prefix}/page/items`, (c) => {
      const size = intParam(c, 'per_page', PAGE);
      const page = intParam(c, 'page', 1);
      return c.json({ results: ITEMS.slice((page - 1) * size, page * size) });
    });
    app.get(`${prefix}/cursor/items`, (c) => {
      const offset = Number((c.req.query('cursor') ?? 'c0').slice(1));
      const next = offset + PAGE < ITEMS.length ? `c${offset + PAGE}` : null;
      return c.json({ items: ITEMS.slice(offset, offset + PAGE), meta: { next_cursor: next } });
    });
    app.get(`${prefix}/link/items`, (c) => {
      const page = intParam(c, 'page', 1);
      if (page * PAGE < ITEMS.length) c.header('link', `<${prefix}/link/items?page=${page + 1}>; rel="next"`);
      return c.json(ITEMS.slice((page - 1) * PAGE, page * PAGE));
    });
  }

  // A vendor that answers 200 with an error object in place of its second page, bare or wrapped in `data`.
  app.get('/error-page/items', (c) => {
    const offset = intParam(c, 'offset', 0);
    const page = ITEMS.slice(offset, offset + intParam(c, 'limit', PAGE));
    if (offset > 0) return c.json({ error: 'not a list' });
    return c.req.query('wrapped') === '1' ? c.json({ data: page }) : c.json(page);
  });

  // Answers `status` to the first `failures` requests on its path, then the items (or the example users).
  app.get('/flaky/:status/:failures/:what', (c) => {
    const seen = requests.filter((r) => r.path === c.req.path).length;
    if (seen <= Number(c.req.param('failures'))) return c.json({ message: 'Internal Server Error' }, Number(c.req.param('status')) as 500);
    return c.json(c.req.param('what') === 'users' ? USERS : ITEMS);
  });

  app.get('/groups', (c) => c.json(GROUPS));
  app.get('/groups/:id/members', (c) => {
    const page = intParam(c, 'page', 1);
    const members = [1, 2, 3, 4].map((n) => ({ id: `${c.req.param('id')}-member-${n}` }));
    return c.json({ members: members.slice((page - 1) * 2, page * 2) });
  });

  // A deployment API for the http_request action: it records each call and answers with the deployment it made.
  for (const prefix of ['', '/bearer']) {
    app.on(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], `${prefix}/deployments/:service`, async (c) => {
      const text = await c.req.text();
      api.deployments.push({ method: c.req.method, path: c.req.path, query: c.req.query(), body: text ? JSON.parse(text) : undefined });
      if (c.req.param('service') === 'broken') return c.json({ message: 'the deployment pipeline is down' }, 500);
      const id = api.deployments.length;
      return c.json({ id, service: c.req.param('service'), links: { html: `${api.url}/deployments/${c.req.param('service')}/${id}` } }, c.req.method === 'POST' ? 201 : 200);
    });
  }

  // The example API shape of .port/spec.yaml (JSONPlaceholder-like).
  app.get('/users', (c) => c.json(USERS));
  app.get('/posts', (c) => {
    const start = intParam(c, '_start', 0);
    return c.json(POSTS.slice(start, start + intParam(c, '_limit', POSTS.length)));
  });
  app.get('/users/:id/todos', (c) => c.json(TODOS.filter((t) => String(t.userId) === c.req.param('id'))));
  // A larger catalog of the same shape, paged as JSONPlaceholder pages (`_start`, `_limit`).
  app.get('/many/posts', (c) => {
    const start = intParam(c, '_start', 0);
    if (start === api.errorPageAt) return c.json({ error: 'not a list' });
    return c.json(MANY_POSTS.slice(start, start + intParam(c, '_limit', MANY_POSTS.length)));
  });
  // The same catalog, cursor-paginated 100 at a time (`next` holds the next page's start).
  app.get('/many/cursor-posts', (c) => {
    const start = Number(c.req.query('after') ?? 0);
    const next = start + 100 < MANY_POSTS.length ? String(start + 100) : null;
    return c.json({ data: MANY_POSTS.slice(start, start + 100), next });
  });

  // The same shape, bearer-protected and cursor-paginated, posts filtered by a query parameter.
  const cursorPage = <T>(c: Context, list: T[]) => {
    const offset = Number(c.req.query('after') ?? 0);
    return c.json({ data: list.slice(offset, offset + 2), meta: { next: offset + 2 < list.length ? String(offset + 2) : null } });
  };
  app.get('/v2/users', (c) => cursorPage(c, USERS));
  app.get('/v2/posts', (c) => cursorPage(c, POSTS.filter((p) => String(p.userId) === c.req.query('userId'))));
  app.get('/v2/users/:id/todos', (c) => cursorPage(c, TODOS.filter((t) => String(t.userId) === c.req.param('id'))));

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      api.url = `http://127.0.0.1:${info.port}`;
      resolve(s);
    });
  });
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}
