/**
 * A thin GitHub REST client over the shared HTTP toolkit (`ctx.http`): it adds the base URL, GitHub's
 * headers and auth, and pages by the `Link` header. Retries and rate limits (x-ratelimit-*, 403 with
 * `x-ratelimit-remaining: 0`, secondary limits with `Retry-After`, 429) are the toolkit's job, not ours.
 */
import { paginateLinkHeader } from 'port-tide';
import type { HttpClient, RawItem } from 'port-tide';
import { createTokenSource, GITHUB_HEADERS } from './auth.ts';
import type { AuthCache, TokenSource } from './auth.ts';
import { apiBase, authMode, organization } from './config.ts';
import type { GithubConfig } from './config.ts';

/** GitHub's largest page size for list endpoints. */
export const PER_PAGE = 100;

export interface GithubClient {
  readonly baseUrl: string;
  readonly organization: string;
  /** One request with auth; a 401 on App auth is retried once with a fresh installation token. */
  request(url: string, init?: RequestInit): Promise<Response>;
  /** Pages of a list endpoint; `itemsPath` picks the array out of wrapper objects (`workflow_runs`). */
  paginate(path: string, params?: Record<string, string>, itemsPath?: string): AsyncGenerator<RawItem[]>;
}

export interface GithubClientOptions {
  config: GithubConfig;
  http: HttpClient;
  cache: AuthCache;
  signal?: AbortSignal;
  now?: () => number;
}

export function createGithubClient(options: GithubClientOptions): GithubClient {
  const baseUrl = apiBase(options.config);
  const org = organization(options.config);
  const mode = authMode(options.config);
  const tokens: TokenSource = createTokenSource({
    mode,
    baseUrl,
    organization: org,
    http: options.http,
    cache: options.cache,
    now: options.now,
  });
  const signal = options.signal;

  async function request(url: string, init: RequestInit = {}): Promise<Response> {
    const absolute = /^https?:/i.test(url) ? url : `${baseUrl}/${url.replace(/^\/+/, '')}`;
    const send = async (): Promise<Response> => {
      const headers = new Headers(GITHUB_HEADERS);
      new Headers(init.headers).forEach((value, name) => headers.set(name, value));
      headers.set('authorization', await tokens.authorization(signal));
      return options.http.request(absolute, { ...init, headers, signal: init.signal ?? signal });
    };
    const response = await send();
    // An installation token revoked or expired early: one retry with a new one. A static token stays 401.
    if (response.status !== 401 || mode.type !== 'app') return response;
    tokens.invalidate();
    await response.body?.cancel().catch(() => undefined);
    return send();
  }

  async function* paginate(path: string, params: Record<string, string> = {}, itemsPath?: string): AsyncGenerator<RawItem[]> {
    const query = new URLSearchParams({ per_page: String(PER_PAGE), ...params });
    const url = `${baseUrl}/${path.replace(/^\/+/, '')}?${query}`;
    yield* paginateLinkHeader<RawItem[]>((next, init) => request(next, init), url, { signal, itemsPath });
  }

  return { baseUrl, organization: org, request, paginate };
}

/** `owner/name` path segment of a repository, each part escaped. */
export function repoPath(repo: { name?: unknown; owner?: unknown }): string {
  const owner = (repo.owner as { login?: string } | undefined)?.login ?? '';
  return `repos/${encodeURIComponent(owner)}/${encodeURIComponent(String(repo.name))}`;
}
