/**
 * The GitHub kinds: repository, pull-request, issue, team and workflow-run. Each resync handler yields raw
 * pages as GitHub returns them (Link-header pagination); repository-scoped kinds add `__repository` (the
 * repository name, which is the repository entity's identifier in the default mapping), as Ocean does.
 * Pull requests and issues also read only what changed since a cursor (docs/behaviour.md §4.12).
 */
import { clientSideCutoff, serverSideFilter, z } from 'port-tide';
import type { IncrementalContext, KindContext, KindDefinition, RawItem } from 'port-tide';
import type { AuthCache } from './auth.ts';
import { createGithubClient, PER_PAGE, repoPath } from './client.ts';
import type { GithubClient } from './client.ts';
import type { GithubConfig } from './config.ts';

/** `GET /orgs/{org}/repos?type=` values. */
export const REPOSITORY_TYPES = ['all', 'public', 'private', 'forks', 'sources', 'member'] as const;

const repositoryType = z.enum(REPOSITORY_TYPES).default('all');
const positiveInt = z.number().int().positive();

export const repositorySelector = z.object({ repositoryType });
export const pullRequestSelector = z.object({
  repositoryType,
  /** Which pull requests to fetch; both means `state=all`. */
  states: z.array(z.enum(['open', 'closed'])).min(1).default(['open']),
  maxResultsPerRepository: positiveInt.optional(),
});
export const issueSelector = z.object({
  repositoryType,
  state: z.enum(['open', 'closed', 'all']).default('open'),
  maxResultsPerRepository: positiveInt.optional(),
});
export const teamSelector = z.object({});
export const workflowRunSelector = z.object({
  repositoryType,
  /** GitHub's `status` filter (`completed`, `in_progress`, `failure`, …); all runs when unset. */
  status: z.string().min(1).optional(),
  /** Runs pile up quickly; only the newest this many per repository are synced. */
  maxResultsPerRepository: positiveInt.default(100),
});

/** What every kind needs beyond its context: the definition's token cache, and a clock for token expiry. */
export interface KindDeps {
  cache: AuthCache;
  now?: () => number;
}

type Ctx = KindContext<GithubConfig, unknown>;

function clientFor(ctx: Ctx, deps: KindDeps): GithubClient {
  return createGithubClient({ config: ctx.config, http: ctx.http, cache: deps.cache, signal: ctx.signal, now: deps.now });
}

/** The fields repository-scoped kinds need, kept for the whole resync instead of every repository object. */
interface RepoRef {
  name: string;
  owner: { login: string };
  has_issues?: boolean;
}

/** The organisation's repositories of one type, listed once per resync and shared by the kinds that need them. */
function repositories(ctx: Ctx, client: GithubClient, type: string): Promise<RepoRef[]> {
  const key = `github:repositories:${type}`;
  const cached = ctx.attributes[key] as Promise<RepoRef[]> | undefined;
  if (cached) return cached;
  const listing = (async () => {
    const refs: RepoRef[] = [];
    for await (const page of client.paginate(`orgs/${encodeURIComponent(client.organization)}/repos`, { type })) {
      for (const repo of page) {
        const login = (repo.owner as { login?: unknown } | undefined)?.login;
        // Stringified, a missing name would become requests to repos/…/undefined and identifiers "undefined-…".
        if (typeof repo.name !== 'string' || repo.name === '' || typeof login !== 'string' || login === '') {
          throw new Error(`GitHub listed a repository without a name or owner login (id ${JSON.stringify(repo.id ?? null)})`);
        }
        refs.push({ name: repo.name, owner: { login }, has_issues: repo.has_issues as boolean | undefined });
      }
    }
    return refs;
  })();
  ctx.attributes[key] = listing;
  // A failed listing must fail this kind, not be served to the next one from the cache.
  listing.catch(() => delete ctx.attributes[key]);
  return listing;
}

/** One repository's request: the path, its query, and how to read and filter its pages. */
interface RepoRequest {
  path: string;
  params: Record<string, string>;
  itemsPath?: string;
  keep?: (item: RawItem) => boolean;
  /** Applied to the repository's pages before anything else (an incremental cutoff). */
  pages?: (source: AsyncIterable<RawItem[]>) => AsyncIterable<RawItem[]>;
}

/** Pages of `path` per repository, each item tagged with its repository, at most `max` items per repository. */
async function* perRepository(
  ctx: Ctx,
  client: GithubClient,
  type: string,
  page: (repo: RepoRef) => RepoRequest | undefined,
  max?: number,
): AsyncGenerator<RawItem[]> {
  for (const repo of await repositories(ctx, client, type)) {
    const request = page(repo);
    if (!request) continue;
    let taken = 0;
    // Smaller pages when only a few items are wanted; filtered endpoints keep full pages.
    const params = max !== undefined && !request.keep && !request.pages ? { per_page: String(Math.min(max, PER_PAGE)), ...request.params } : request.params;
    const source = client.paginate(request.path, params, request.itemsPath);
    for await (const items of request.pages ? request.pages(source) : source) {
      let kept = request.keep ? items.filter(request.keep) : items;
      if (max !== undefined) kept = kept.slice(0, max - taken);
      taken += kept.length;
      if (kept.length > 0) yield kept.map((item) => ({ ...item, __repository: repo.name }));
      if (max !== undefined && taken >= max) break;
    }
  }
}

/** GitHub's `since` format: ISO 8601 to the second (the dropped milliseconds only widen the window). */
const githubTime = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * What changed since `ctx.since`, in every state, split by the selector: items in the selected states are
 * yielded, the others (closed since, reopened since) are reported deleted, so the incremental run ends as the
 * next full resync would, which no longer lists them.
 */
async function* changed(ctx: IncrementalContext<GithubConfig, unknown>, pages: AsyncIterable<RawItem[]>, selected: (item: RawItem) => boolean): AsyncGenerator<RawItem[]> {
  for await (const page of pages) {
    const gone = page.filter((item) => !selected(item));
    if (gone.length > 0) ctx.deleted(gone);
    const kept = page.filter(selected);
    if (kept.length > 0) yield kept;
  }
}

/** The issues in `state` of every repository that has them, newest first; `params` adds to the query. */
function issuePages(ctx: Ctx, deps: KindDeps, selector: z.output<typeof issueSelector>, state: string, params: Record<string, string> = {}): AsyncGenerator<RawItem[]> {
  const client = clientFor(ctx, deps);
  return perRepository(
    ctx,
    client,
    selector.repositoryType,
    (repo) =>
      repo.has_issues === false
        ? undefined
        : {
            path: `${repoPath(repo)}/issues`,
            params: { state, sort: 'updated', direction: 'desc', ...params },
            // The issues endpoint also lists pull requests; those carry a `pull_request` key.
            keep: (item) => item.pull_request === undefined,
          },
    selector.maxResultsPerRepository,
  );
}

/** Issues: GitHub's `since` filter (server side), every state, newest first. */
function changedIssues(ctx: IncrementalContext<GithubConfig, z.output<typeof issueSelector>>, deps: KindDeps): AsyncGenerator<RawItem[]> {
  const { selector } = ctx;
  const pages = issuePages(ctx, deps, selector, 'all', serverSideFilter(ctx.since, 'since', { format: githubTime }));
  return changed(ctx, pages, (item) => selector.state === 'all' || item.state === selector.state);
}

/** Pull requests: no `since` on this endpoint, so newest first with a client-side cutoff at `ctx.since`. */
function changedPullRequests(ctx: IncrementalContext<GithubConfig, z.output<typeof pullRequestSelector>>, deps: KindDeps): AsyncGenerator<RawItem[]> {
  const { selector } = ctx;
  const client = clientFor(ctx, deps);
  const cutoff = clientSideCutoff(ctx.since, { field: 'updated_at', newestFirst: { sort: 'updated', direction: 'desc' } });
  const pages = perRepository(
    ctx,
    client,
    selector.repositoryType,
    (repo) => ({ path: `${repoPath(repo)}/pulls`, params: { state: 'all', ...cutoff.params }, pages: (source) => cutoff.pages(source) }),
    selector.maxResultsPerRepository,
  );
  return changed(ctx, pages, (item) => selector.states.includes(item.state as 'open' | 'closed'));
}

/** One kind: `ctx.selector` arrives parsed by `selector` (defaults filled in) and typed as its output. */
function kind<S extends z.ZodType>(
  selector: S,
  resync: KindDefinition<GithubConfig, S>['resync'],
  incremental?: KindDefinition<GithubConfig, S>['incremental'],
): KindDefinition<GithubConfig, S> {
  return incremental ? { selector, resync, incremental } : { selector, resync };
}

/** The five kinds. */
export function createKinds(deps: KindDeps) {
  return {
    repository: kind(repositorySelector, async function* (ctx) {
      const { selector } = ctx;
      const client = clientFor(ctx, deps);
      yield* client.paginate(`orgs/${encodeURIComponent(client.organization)}/repos`, { type: selector.repositoryType });
    }),
    'pull-request': kind(pullRequestSelector, async function* (ctx) {
      const { selector } = ctx;
      const client = clientFor(ctx, deps);
      const state = selector.states.length === 1 ? selector.states[0] : 'all';
      yield* perRepository(
        ctx,
        client,
        selector.repositoryType,
        (repo) => ({ path: `${repoPath(repo)}/pulls`, params: { state, sort: 'updated', direction: 'desc' } }),
        selector.maxResultsPerRepository,
      );
    }, (ctx) => changedPullRequests(ctx, deps)),
    issue: kind(
      issueSelector,
      (ctx) => issuePages(ctx, deps, ctx.selector, ctx.selector.state),
      (ctx) => changedIssues(ctx, deps),
    ),
    team: kind(teamSelector, async function* (ctx) {
      const client = clientFor(ctx, deps);
      yield* client.paginate(`orgs/${encodeURIComponent(client.organization)}/teams`);
    }),
    'workflow-run': kind(workflowRunSelector, async function* (ctx) {
      const { selector } = ctx;
      const client = clientFor(ctx, deps);
      const params: Record<string, string> = selector.status ? { status: selector.status } : {};
      yield* perRepository(
        ctx,
        client,
        selector.repositoryType,
        (repo) => ({ path: `${repoPath(repo)}/actions/runs`, params, itemsPath: 'workflow_runs' }),
        selector.maxResultsPerRepository,
      );
    }),
  };
}
