/**
 * Test support (Node only; never imported by the integration): GitHub's REST API v3, answered from the JSON
 * fixtures by one Hono app, with GitHub's rate-limit headers, `Link` pagination (repositories in the fixtures'
 * three pages, later pages linked under `/organizations/{id}/…` as GitHub links them) and `Bad credentials`
 * 401s for any token but the accepted ones. The same app serves in process, behind msw for code that calls the
 * global fetch (`handlers`), and over loopback for runtimes msw cannot reach (`listen()`: Deno, workerd).
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { http } from 'msw';
import type { HttpHandler } from 'msw';
import issuesHelloWorld from './fixtures/issues.hello-world.open.json' with { type: 'json' };
import issuesSpoonKnife from './fixtures/issues.spoon-knife.open.json' with { type: 'json' };
import reposPage1 from './fixtures/org-repos.page-1.json' with { type: 'json' };
import reposPage2 from './fixtures/org-repos.page-2.json' with { type: 'json' };
import reposPage3 from './fixtures/org-repos.page-3.json' with { type: 'json' };
import teams from './fixtures/org-teams.json' with { type: 'json' };
import pullsHelloWorldClosed from './fixtures/pulls.hello-world.closed.json' with { type: 'json' };
import pullsHelloWorldOpen from './fixtures/pulls.hello-world.open.json' with { type: 'json' };
import pullsSpoonKnifeOpen from './fixtures/pulls.spoon-knife.open.json' with { type: 'json' };
import runsHelloWorld from './fixtures/runs.hello-world.json' with { type: 'json' };
import runsSpoonKnife from './fixtures/runs.spoon-knife.json' with { type: 'json' };

export const GITHUB = 'https://api.github.com';
export const ORG = 'octo-org';
const ORG_ID = 9919;

export const REPO_PAGES: unknown[][] = [reposPage1, reposPage2, reposPage3];
export const ALL_REPOS = REPO_PAGES.flat() as Array<{ name: string; has_issues: boolean }>;

type Item = Record<string, unknown> & { number: number; state: string; updated_at: string };
const PULLS: Record<string, Item[]> = {
  'hello-world': [...pullsHelloWorldOpen, ...pullsHelloWorldClosed] as Item[],
  'spoon-knife': pullsSpoonKnifeOpen as Item[],
};
const ISSUES: Record<string, Item[]> = { 'hello-world': issuesHelloWorld as Item[], 'spoon-knife': issuesSpoonKnife as Item[] };
const RUNS: Record<string, { total_count: number; workflow_runs: unknown[] }> = { 'hello-world': runsHelloWorld, 'spoon-knife': runsSpoonKnife };

/** A one-off answer for the next request whose path matches, sent with its own headers only. */
export interface Injected {
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface GithubStandIn {
  /** Answer one request in process. */
  fetch(request: Request): Promise<Response>;
  /** msw handlers that hand every request under the base URL to the app. */
  handlers: HttpHandler[];
  /** Every request GitHub saw: method, path with query, Authorization header. */
  requests: Array<{ method: string; url: string; authorization: string | undefined }>;
  /** The Authorization values accepted (tests add installation tokens). */
  accepted: Set<string>;
  /** Answers served once, in order, to the first request on their path. */
  inject(answer: Injected): void;
  /** Change an issue or pull request of a repository, as GitHub would (a new `updated_at`, a `state`…). */
  update(list: 'issues' | 'pulls', repo: string, number: number, fields: Record<string, unknown>): void;
  /** Serve on 127.0.0.1 (a free port); resolves with the URL to use as `githubHost`. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface GithubStandInOptions {
  /** The API root it answers under in process; default `https://api.github.com` (Enterprise: `https://HOST/api/v3`). */
  base?: string;
  /** The token accepted as `Bearer <token>`. */
  token?: string;
  /** `x-ratelimit-reset`, in epoch seconds; default an hour from now. */
  rateLimitReset?: () => number;
}

export function createGithubStandIn(options: GithubStandInOptions = {}): GithubStandIn {
  const base = (options.base ?? GITHUB).replace(/\/+$/, '');
  const prefix = new URL(base).pathname.replace(/\/+$/, '');
  const accepted = new Set<string>(options.token ? [`Bearer ${options.token}`] : []);
  const requests: GithubStandIn['requests'] = [];
  const injected: Injected[] = [];
  const reset = options.rateLimitReset ?? (() => Math.floor(Date.now() / 1000) + 3600);
  const app = prefix ? new Hono().basePath(prefix) : new Hono();
  // This stand-in's own copies: `update` changes them, never the fixtures.
  const lists = { issues: structuredClone(ISSUES), pulls: structuredClone(PULLS) };

  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const authorization = c.req.header('authorization');
    requests.push({ method: c.req.method, url: url.pathname + url.search, authorization });
    const index = injected.findIndex((i) => i.path === url.pathname);
    if (index >= 0) {
      const [answer] = injected.splice(index, 1);
      return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
    }
    c.header('x-ratelimit-limit', '5000');
    c.header('x-ratelimit-remaining', '4999');
    c.header('x-ratelimit-used', '1');
    c.header('x-ratelimit-reset', String(reset()));
    c.header('x-ratelimit-resource', 'core');
    c.header('x-github-api-version-selected', '2022-11-28');
    if (!authorization || !accepted.has(authorization)) {
      return c.json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, 401);
    }
    await next();
  });

  /** A link to `path` (under the API root the request came to) with the request's query and another page. */
  const linkTo = (c: Context, path: string) => (page: number): string => {
    const url = new URL(c.req.url);
    const next = new URL(`${url.origin}${path}`);
    url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
    next.searchParams.set('page', String(page));
    return next.toString();
  };

  /** `page`/`per_page` over `items`, with next/last links to `linkPath`. */
  const paged = (c: Context, items: unknown[], linkPath: string) => {
    const perPage = Number(c.req.query('per_page') ?? '30');
    const page = Number(c.req.query('page') ?? '1');
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = linkTo(c, linkPath);
    if (page < last) c.header('link', `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`);
    return c.json(items.slice((page - 1) * perPage, page * perPage));
  };

  // Repositories come in the fixtures' three pages, whatever per_page asks.
  const repos = (c: Context) => {
    const page = Number(c.req.query('page') ?? '1');
    const link = linkTo(c, `${prefix}/organizations/${ORG_ID}/repos`);
    if (page < REPO_PAGES.length) c.header('link', `<${link(page + 1)}>; rel="next", <${link(REPO_PAGES.length)}>; rel="last"`);
    return c.json(REPO_PAGES[page - 1] ?? []);
  };
  app.get(`/orgs/${ORG}/repos`, repos);
  app.get(`/organizations/${ORG_ID}/repos`, repos);
  app.get(`/orgs/${ORG}/teams`, (c) => paged(c, teams, `${prefix}/organizations/${ORG_ID}/teams`));
  /**
   * GitHub's list filters: `state` (open, closed, all), `since` (issues only: updated at or after), and `sort=updated`
   * with `direction` (default desc for issues, asc for pull requests when sort is given). Equal times keep the list order.
   */
  const listed = (c: Context, items: Item[], directionDefault: 'asc' | 'desc', since: boolean): Item[] => {
    const state = c.req.query('state') ?? 'open';
    const after = since ? c.req.query('since') : undefined;
    let out = items.filter((i) => (state === 'all' || i.state === state) && (after === undefined || Date.parse(i.updated_at) >= Date.parse(after)));
    if (c.req.query('sort') === 'updated') {
      const sign = (c.req.query('direction') ?? directionDefault) === 'asc' ? 1 : -1;
      out = [...out].sort((a, b) => sign * (Date.parse(a.updated_at) - Date.parse(b.updated_at)));
    }
    return out;
  };
  app.get('/repos/:owner/:repo/pulls', (c) => paged(c, listed(c, lists.pulls[c.req.param('repo')] ?? [], 'asc', false), c.req.path));
  app.get('/repos/:owner/:repo/issues', (c) => paged(c, listed(c, lists.issues[c.req.param('repo')] ?? [], 'desc', true), c.req.path));
  app.get('/repos/:owner/:repo/actions/runs', (c) => c.json(RUNS[c.req.param('repo')] ?? { total_count: 0, workflow_runs: [] }));
  app.notFound((c) => c.json({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }, 404));

  const answer = async (request: Request): Promise<Response> => app.fetch(request);
  let server: ServerType | undefined;
  return {
    fetch: answer,
    // msw types its request with the DOM's Request; under workers-types (the Workers project's global setup) that differs.
    handlers: [http.all(`${base}/*`, ({ request }) => answer(request as unknown as Request))],
    requests,
    accepted,
    inject: (injection) => void injected.push(injection),
    update(list, repo, number, fields) {
      const item = lists[list][repo]?.find((i) => i.number === number);
      if (!item) throw new Error(`the GitHub stand-in has no ${list} #${number} in ${repo}`);
      Object.assign(item, fields);
    },
    listen: () =>
      new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(`http://127.0.0.1:${info.port}${prefix}`));
      }),
    close: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

/**
 * The global fetch (which msw intercepts) with each response body buffered into a fresh Response. In msw
 * 2.15 on Node 20, `response.body.cancel()` on an intercepted response never settles, and the toolkit
 * cancels the body of every response it retries; a buffered copy cancels at once.
 */
export const bufferedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const body = response.status === 204 || response.status === 304 ? null : await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
};
