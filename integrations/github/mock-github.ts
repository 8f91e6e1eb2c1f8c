/**
 * Test support: msw handlers that answer like GitHub's REST API v3 from the JSON fixtures, with GitHub's
 * rate-limit headers, `Link` pagination (next pages under `/organizations/{id}/…`, as GitHub links them) and
 * `Bad credentials` 401s. Tests choose the token it accepts and can inject rate-limit answers.
 */
import { http, HttpResponse } from 'msw';
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

const PULLS: Record<string, Record<string, unknown[]>> = {
  'hello-world': { open: pullsHelloWorldOpen, closed: pullsHelloWorldClosed },
  'spoon-knife': { open: pullsSpoonKnifeOpen, closed: [] },
};
const ISSUES: Record<string, unknown[]> = { 'hello-world': issuesHelloWorld, 'spoon-knife': issuesSpoonKnife };
const RUNS: Record<string, { total_count: number; workflow_runs: unknown[] }> = { 'hello-world': runsHelloWorld, 'spoon-knife': runsSpoonKnife };

/** A one-off answer for the next request whose path matches. */
export interface Injected {
  path: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface MockGithub {
  handlers: HttpHandler[];
  /** Every request GitHub saw: method, path with query, Authorization header. */
  requests: Array<{ method: string; url: string; authorization: string | null }>;
  /** The Authorization values accepted (tests add installation tokens). */
  accepted: Set<string>;
  /** Answers served once, in order, to the first request on their path. */
  inject(answer: Injected): void;
}

export function createMockGithub(options: { base?: string; token?: string; rateLimitReset?: () => number } = {}): MockGithub {
  const base = options.base ?? GITHUB;
  const accepted = new Set<string>(options.token ? [`Bearer ${options.token}`] : []);
  const requests: MockGithub['requests'] = [];
  const injected: Injected[] = [];
  const reset = options.rateLimitReset ?? (() => Math.floor(Date.now() / 1000) + 3600);

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-reset': String(reset()),
    'x-ratelimit-resource': 'core',
    'x-github-api-version-selected': '2022-11-28',
  });

  /** Serve a list the way GitHub pages it: `page` and `per_page`, with next/last links. */
  const paged = (url: URL, items: unknown[], linkBase: string): Response => {
    const perPage = Number(url.searchParams.get('per_page') ?? '30');
    const page = Number(url.searchParams.get('page') ?? '1');
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const headers = new Headers(rateHeaders());
    if (page < last) {
      const link = (n: number): string => {
        const next = new URL(linkBase);
        url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
        next.searchParams.set('page', String(n));
        return next.toString();
      };
      headers.set('link', `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`);
    }
    return HttpResponse.json(items.slice((page - 1) * perPage, page * perPage), { headers });
  };

  const guard =
    (handler: (url: URL, params: Record<string, string>) => Response) =>
    ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }): Response => {
      const url = new URL(request.url);
      const authorization = request.headers.get('authorization');
      requests.push({ method: request.method, url: url.pathname + url.search, authorization });
      const index = injected.findIndex((i) => i.path === url.pathname);
      if (index >= 0) {
        const [answer] = injected.splice(index, 1);
        return HttpResponse.json(answer.body as Record<string, unknown>, { status: answer.status, headers: answer.headers });
      }
      if (!authorization || !accepted.has(authorization)) {
        return HttpResponse.json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, { status: 401 });
      }
      return handler(url, params as Record<string, string>);
    };

  // Repositories come in pages of two per the fixtures; GitHub links page 2+ by organisation id.
  const repos = (url: URL): Response => {
    const page = Number(url.searchParams.get('page') ?? '1');
    const headers = new Headers(rateHeaders());
    if (page < REPO_PAGES.length) {
      const link = (n: number): string => {
        const next = new URL(`${base}/organizations/${ORG_ID}/repos`);
        url.searchParams.forEach((value, key) => next.searchParams.set(key, value));
        next.searchParams.set('page', String(n));
        return next.toString();
      };
      headers.set('link', `<${link(page + 1)}>; rel="next", <${link(REPO_PAGES.length)}>; rel="last"`);
    }
    return HttpResponse.json(REPO_PAGES[page - 1] ?? [], { headers });
  };

  const handlers = [
    http.get(`${base}/orgs/${ORG}/repos`, guard(repos)),
    http.get(`${base}/organizations/${ORG_ID}/repos`, guard(repos)),
    http.get(`${base}/orgs/${ORG}/teams`, guard((url) => paged(url, teams, `${base}/organizations/${ORG_ID}/teams`))),
    http.get(
      `${base}/repos/:owner/:repo/pulls`,
      guard((url, { repo }) => {
        const state = url.searchParams.get('state') ?? 'open';
        const byState = PULLS[repo] ?? { open: [], closed: [] };
        const items = state === 'all' ? [...byState.open, ...byState.closed] : (byState[state] ?? []);
        return paged(url, items, url.origin + url.pathname);
      }),
    ),
    http.get(
      `${base}/repos/:owner/:repo/issues`,
      guard((url, { repo }) => {
        const state = url.searchParams.get('state') ?? 'open';
        const items = (ISSUES[repo] ?? []).filter((i) => state === 'all' || (i as { state: string }).state === state);
        return paged(url, items, url.origin + url.pathname);
      }),
    ),
    http.get(
      `${base}/repos/:owner/:repo/actions/runs`,
      guard((url, { repo }) => {
        const runs = RUNS[repo] ?? { total_count: 0, workflow_runs: [] };
        return HttpResponse.json(runs, { headers: rateHeaders() });
      }),
    ),
  ];

  return { handlers, requests, accepted, inject: (answer) => void injected.push(answer) };
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
