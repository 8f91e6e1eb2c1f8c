import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError } from '../../src/http/index.ts';
import type { HttpClient } from '../../src/http/index.ts';
import type { IncrementalContext, KindContext, KindDefinition, Logger, RawItem } from 'port-tide';
import { createAuthCache } from './auth.ts';
import type { GithubConfig } from './config.ts';
import { createKinds } from './kinds.ts';
import { ALL_REPOS, bufferedFetch, createGithubStandIn, ORG } from './github-stand-in.ts';

const TOKEN = 'ghp_test_token';
const NOW = Date.parse('2024-05-06T12:00:00Z');
const mock = createGithubStandIn({ token: TOKEN, rateLimitReset: () => NOW / 1000 + 3600 });
const server = setupServer(...mock.handlers);
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  mock.requests.length = 0;
});
afterAll(() => server.close());

/** The shared toolkit client, with a recorded sleep and a fixed clock so rate-limit waits are values, not time. */
function toolkit(): { http: HttpClient; waits: number[] } {
  const waits: number[] = [];
  const http = createHttpClient({
    fetch: bufferedFetch,
    now: () => NOW,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { http, waits };
}

function context(kind: string, selector: Record<string, unknown>, http: HttpClient, config: Partial<GithubConfig> = {}): KindContext<GithubConfig> {
  return {
    kind,
    index: 0,
    config: { githubOrganization: ORG, githubToken: TOKEN, ...config },
    selector: { query: 'true', ...selector },
    logger: quiet,
    http,
    signal: new AbortController().signal,
    attributes: {},
  } as unknown as KindContext<GithubConfig>;
}

async function run(kind: string, selector: Record<string, unknown> = {}, config: Partial<GithubConfig> = {}) {
  const { http, waits } = toolkit();
  const kinds = githubKinds();
  const def = kinds[kind];
  const ctx = context(kind, def.selector ? (def.selector.parse({ query: 'true', ...selector }) as Record<string, unknown>) : selector, http, config);
  const pages: RawItem[][] = [];
  for await (const page of def.resync(ctx) as AsyncIterable<RawItem[]>) pages.push(page);
  return { pages, items: pages.flat(), waits };
}

/** The kinds by name, for tests that pick one by a string. */
const githubKinds = (): Record<string, KindDefinition<GithubConfig>> => createKinds({ cache: createAuthCache() });

const paths = () => mock.requests.map((r) => r.url);

describe('repository', () => {
  it('follows the Link header over three pages, with GitHub headers and the token', async () => {
    const { pages } = await run('repository');
    expect(pages.map((p) => p.map((r) => r.name))).toEqual([['hello-world', 'spoon-knife'], ['docs-site'], ['legacy-tool']]);
    expect(paths()).toEqual([
      '/orgs/octo-org/repos?per_page=100&type=all',
      '/organizations/9919/repos?per_page=100&type=all&page=2',
      '/organizations/9919/repos?per_page=100&type=all&page=3',
    ]);
    expect(mock.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('passes the selector repositoryType to GitHub', async () => {
    await run('repository', { repositoryType: 'private' });
    expect(paths()[0]).toBe('/orgs/octo-org/repos?per_page=100&type=private');
  });

  it('rejects an unknown repositoryType', () => {
    const kinds = githubKinds();
    expect(kinds.repository.selector!.safeParse({ query: 'true', repositoryType: 'everything' }).success).toBe(false);
  });

  it('uses githubHost for GitHub Enterprise', async () => {
    const enterprise = createGithubStandIn({ base: 'https://ghe.example.com/api/v3', token: TOKEN });
    server.use(...enterprise.handlers);
    const { items } = await run('repository', {}, { githubHost: 'https://ghe.example.com/api/v3/' });
    expect(items).toHaveLength(4);
    expect(enterprise.requests[0].url).toBe('/api/v3/orgs/octo-org/repos?per_page=100&type=all');
    server.resetHandlers();
  });
});

describe('repository-scoped kinds', () => {
  it('pull-request: open pull requests of every repository, tagged with __repository', async () => {
    const { items } = await run('pull-request');
    expect(items.map((p) => `${p.__repository}#${p.number}`)).toEqual(['hello-world#1347', 'hello-world#1348', 'spoon-knife#7']);
    expect(paths()).toContain('/repos/octo-org/hello-world/pulls?per_page=100&state=open&sort=updated&direction=desc');
  });

  it('pull-request: both states ask GitHub for state=all; maxResultsPerRepository caps each repository', async () => {
    const { items } = await run('pull-request', { states: ['open', 'closed'], maxResultsPerRepository: 2 });
    expect(paths()).toContain('/repos/octo-org/hello-world/pulls?per_page=2&state=all&sort=updated&direction=desc');
    expect(items.filter((p) => p.__repository === 'hello-world')).toHaveLength(2);
    // The cap stopped paging: hello-world has three pull requests in all, and page 2 was never asked for.
    expect(paths().some((p) => p.startsWith('/repos/octo-org/hello-world/pulls') && p.includes('&page=2'))).toBe(false);
  });

  it('issue: drops the pull requests the issues endpoint also returns, and skips repositories without issues', async () => {
    const { items } = await run('issue');
    expect(items.map((i) => `${i.__repository}#${i.number}`)).toEqual(['hello-world#1350', 'spoon-knife#9']);
    expect(items.every((i) => i.pull_request === undefined)).toBe(true);
    const noIssues = ALL_REPOS.filter((r) => !r.has_issues).map((r) => r.name);
    expect(noIssues).toEqual(['legacy-tool']);
    expect(paths().some((p) => p.includes('/legacy-tool/issues'))).toBe(false);
  });

  it('workflow-run: reads the runs out of {total_count, workflow_runs}', async () => {
    const { items } = await run('workflow-run', { status: 'completed' });
    expect(items.map((r) => `${r.__repository}:${r.id}`)).toEqual(['hello-world:30433642', 'hello-world:30433643']);
    expect(paths()).toContain('/repos/octo-org/hello-world/actions/runs?per_page=100&status=completed');
  });

  it('lists the repositories once per resync for all repository-scoped kinds', async () => {
    const { http } = toolkit();
    const kinds = githubKinds();
    const attributes = {};
    for (const kind of ['pull-request', 'issue']) {
      const ctx = { ...context(kind, kinds[kind].selector!.parse({ query: 'true' }) as Record<string, unknown>, http), attributes };
      for await (const _ of kinds[kind].resync(ctx) as AsyncIterable<RawItem[]>);
    }
    expect(paths().filter((p) => p.includes('/repos?'))).toHaveLength(3);
  });

  it('team: the organisation teams', async () => {
    const { items } = await run('team');
    expect(items.map((t) => t.slug)).toEqual(['justice-league', 'platform']);
  });
});

describe('rate limits are the shared toolkit’s', () => {
  it('a 403 with x-ratelimit-remaining: 0 waits until x-ratelimit-reset, then retries', async () => {
    const reset = NOW / 1000 + 3;
    mock.inject({
      path: '/organizations/9919/repos',
      status: 403,
      headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' },
      body: { message: 'API rate limit exceeded for installation ID 2.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
    });
    const { items, waits } = await run('repository');
    expect(items).toHaveLength(4);
    expect(waits).toEqual([3000]);
    expect(paths().filter((p) => p.includes('page=2'))).toHaveLength(2);
  });

  it('a secondary-limit 403 with Retry-After waits that long', async () => {
    mock.inject({
      path: '/orgs/octo-org/teams',
      status: 403,
      headers: { 'retry-after': '7', 'x-ratelimit-remaining': '4990' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
    });
    const { items, waits } = await run('team');
    expect(items).toHaveLength(2);
    expect(waits).toEqual([7000]);
  });

  it('a 429 with Retry-After is retried too', async () => {
    mock.inject({ path: '/repos/octo-org/hello-world/actions/runs', status: 429, headers: { 'retry-after': '2' }, body: { message: 'Too Many Requests' } });
    const { items, waits } = await run('workflow-run');
    expect(items).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it('a plain 403 (no permission) is not retried and fails the kind', async () => {
    mock.inject({ path: '/orgs/octo-org/teams', status: 403, headers: { 'x-ratelimit-remaining': '4990' }, body: { message: 'Resource not accessible by integration' } });
    await expect(run('team')).rejects.toThrow(HttpError);
    expect(paths()).toHaveLength(1);
  });

  it('a rejected static token fails with 401 and is not retried', async () => {
    await expect(run('team', {}, { githubToken: 'ghp_wrong' })).rejects.toMatchObject({ status: 401 });
    expect(paths()).toHaveLength(1);
  });
});

describe('a 200 answer that is not the list GitHub documents fails the kind, so nothing is deleted', () => {
  const notAList = { message: 'Server Error', documentation_url: 'https://docs.github.com/rest' };

  it('a repositories page carrying an error object', async () => {
    mock.inject({ path: '/organizations/9919/repos', status: 200, headers: {}, body: notAList });
    await expect(run('repository')).rejects.toThrow(/the body of https:\/\/api\.github\.com\/organizations\/9919\/repos\?.*page=2 is not an array \(got object\)/);
  });

  it('a repository listed without a name or owner is not stringified into "undefined" requests', async () => {
    mock.inject({ path: '/orgs/octo-org/repos', status: 200, headers: {}, body: [{ id: 1296269, full_name: null, private: false }] });
    await expect(run('pull-request')).rejects.toThrow('GitHub listed a repository without a name or owner login (id 1296269)');
    expect(paths().some((p) => p.includes('undefined'))).toBe(false);
  });
});

// docs/behaviour.md §4.12: issues through GitHub's `since`, pull requests newest first with a client-side cutoff.
describe('incremental handlers', () => {
  // A stand-in of its own, since these tests change issues and pull requests.
  let gh: ReturnType<typeof createGithubStandIn>;
  beforeEach(() => {
    gh = createGithubStandIn({ token: TOKEN, rateLimitReset: () => NOW / 1000 + 3600 });
    server.use(...gh.handlers);
  });
  afterEach(() => server.resetHandlers());
  const seen = () => gh.requests.map((r) => r.url);

  async function changed(kind: 'issue' | 'pull-request', since: string, selector: Record<string, unknown> = {}) {
    const { http } = toolkit();
    const def = githubKinds()[kind];
    const deleted: RawItem[] = [];
    const ctx = {
      ...context(kind, def.selector!.parse({ query: 'true', ...selector }) as Record<string, unknown>, http),
      since: new Date(since),
      advance: () => {},
      deleted: (items: RawItem[]) => void deleted.push(...items),
    } as unknown as IncrementalContext<GithubConfig>;
    const items: RawItem[] = [];
    for await (const page of def.incremental!(ctx) as AsyncIterable<RawItem[]>) items.push(...page);
    const key = (i: RawItem) => `${i.__repository}#${i.number}`;
    return { items: items.map(key), deleted: deleted.map(key) };
  }

  it('issue: asks GitHub for every state changed since the cursor; those that left the selected state are reported deleted', async () => {
    gh.update('issues', 'spoon-knife', 9, { state: 'closed', updated_at: '2024-05-06T11:00:00Z' });
    gh.update('issues', 'hello-world', 1350, { updated_at: '2024-05-06T10:30:00Z' });
    const result = await changed('issue', '2024-05-06T10:00:00.250Z');
    expect(result).toEqual({ items: ['hello-world#1350'], deleted: ['spoon-knife#9'] });
    expect(seen()).toContain('/repos/octo-org/spoon-knife/issues?per_page=100&state=all&sort=updated&direction=desc&since=2024-05-06T10%3A00%3A00Z');
    // The pull request the issues endpoint also lists is neither an issue nor a deletion.
    expect(await changed('issue', '2024-01-01T00:00:00Z', { state: 'all' })).toEqual({ items: ['hello-world#1350', 'spoon-knife#9'], deleted: [] });
  });

  it('pull-request: newest first, stops paging at the first pull request older than the cursor', async () => {
    gh.update('pulls', 'hello-world', 1340, { updated_at: '2024-05-06T11:00:00Z' });
    gh.update('pulls', 'hello-world', 1348, { updated_at: '2024-05-06T10:30:00Z' });
    const result = await changed('pull-request', '2024-05-06T10:00:00Z', { states: ['open'] });
    // 1340 is closed: no longer an open pull request, so its entity goes.
    expect(result).toEqual({ items: ['hello-world#1348'], deleted: ['hello-world#1340'] });
    expect(seen()).toContain('/repos/octo-org/hello-world/pulls?per_page=100&state=all&sort=updated&direction=desc');
    expect(seen().filter((p) => p.includes('/pulls') && p.includes('page=2'))).toEqual([]);
  });
});
