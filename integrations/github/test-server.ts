/**
 * Test support (Node only; never imported by the integration): a real HTTP server on loopback that answers
 * like GitHub's REST API v3 from the JSON fixtures, for runtimes where msw cannot intercept (Deno, workerd).
 * Same shapes as mock-github.ts: rate-limit headers, `Link` pagination (repositories in the fixtures' three
 * pages, later pages linked under `/organizations/{id}/repos` as GitHub links them) and `Bad credentials`
 * 401s for any token but the one given. Point `githubHost` at `url`.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
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

export const TEST_GITHUB_ORG = 'octo-org';
const ORG_ID = 9919;
const REPO_PAGES: unknown[][] = [reposPage1, reposPage2, reposPage3];
const PULLS: Record<string, Record<string, unknown[]>> = {
  'hello-world': { open: pullsHelloWorldOpen, closed: pullsHelloWorldClosed },
  'spoon-knife': { open: pullsSpoonKnifeOpen, closed: [] },
};
const ISSUES: Record<string, unknown[]> = { 'hello-world': issuesHelloWorld, 'spoon-knife': issuesSpoonKnife };
const RUNS: Record<string, { total_count: number; workflow_runs: unknown[] }> = { 'hello-world': runsHelloWorld, 'spoon-knife': runsSpoonKnife };

export interface TestGithubApi {
  url: string;
  /** Every request: method, path with query, Authorization header. */
  requests: Array<{ method: string; url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

export async function startTestGithubApi(options: { token: string }): Promise<TestGithubApi> {
  const app = new Hono();
  const api: TestGithubApi = { url: '', requests: [], close: async () => {} };

  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const authorization = c.req.header('authorization');
    api.requests.push({ method: c.req.method, url: url.pathname + url.search, authorization });
    c.header('x-ratelimit-limit', '5000');
    c.header('x-ratelimit-remaining', '4999');
    c.header('x-ratelimit-used', '1');
    c.header('x-ratelimit-reset', String(Math.floor(Date.now() / 1000) + 3600));
    c.header('x-ratelimit-resource', 'core');
    c.header('x-github-api-version-selected', '2022-11-28');
    if (authorization !== `Bearer ${options.token}`) {
      return c.json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, 401);
    }
    await next();
  });

  /** `page`/`per_page` over `items`, with next/last links to `linkPath` (same query, another page). */
  const paged = (c: Context, items: unknown[], linkPath: string) => {
    const url = new URL(c.req.url);
    const perPage = Number(url.searchParams.get('per_page') ?? '30');
    const page = Number(url.searchParams.get('page') ?? '1');
    const last = Math.max(1, Math.ceil(items.length / perPage));
    if (page < last) {
      const link = (n: number): string => {
        const next = new URL(linkPath, api.url);
        url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
        next.searchParams.set('page', String(n));
        return next.toString();
      };
      c.header('link', `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`);
    }
    return c.json(items.slice((page - 1) * perPage, page * perPage));
  };

  // Repositories come in the fixtures' three pages, whatever per_page asks.
  const repos = (c: Context) => {
    const url = new URL(c.req.url);
    const page = Number(url.searchParams.get('page') ?? '1');
    if (page < REPO_PAGES.length) {
      const link = (n: number): string => {
        const next = new URL(`/organizations/${ORG_ID}/repos`, api.url);
        url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
        next.searchParams.set('page', String(n));
        return next.toString();
      };
      c.header('link', `<${link(page + 1)}>; rel="next", <${link(REPO_PAGES.length)}>; rel="last"`);
    }
    return c.json(REPO_PAGES[page - 1] ?? []);
  };
  app.get(`/orgs/${TEST_GITHUB_ORG}/repos`, repos);
  app.get(`/organizations/${ORG_ID}/repos`, repos);
  app.get(`/orgs/${TEST_GITHUB_ORG}/teams`, (c) => paged(c, teams, `/organizations/${ORG_ID}/teams`));
  app.get('/repos/:owner/:repo/pulls', (c) => {
    const state = c.req.query('state') ?? 'open';
    const byState = PULLS[c.req.param('repo')] ?? { open: [], closed: [] };
    const items = state === 'all' ? [...byState.open, ...byState.closed] : (byState[state] ?? []);
    return paged(c, items, c.req.path);
  });
  app.get('/repos/:owner/:repo/issues', (c) => {
    const state = c.req.query('state') ?? 'open';
    const items = (ISSUES[c.req.param('repo')] ?? []).filter((i) => state === 'all' || (i as { state: string }).state === state);
    return paged(c, items, c.req.path);
  });
  app.get('/repos/:owner/:repo/actions/runs', (c) => c.json(RUNS[c.req.param('repo')] ?? { total_count: 0, workflow_runs: [] }));
  app.notFound((c) => c.json({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' }, 404));

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      api.url = `http://127.0.0.1:${info.port}`;
      resolve(s);
    });
  });
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}
