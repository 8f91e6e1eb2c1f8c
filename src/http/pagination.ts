import { readJson } from './fetch-client.ts';
import type { HttpClient, RequestOptions } from './fetch-client.ts';
import { redactUrl } from './errors.ts';

/** The http client, or any function that fetches one URL. */
export type PageRequester =
  | Pick<HttpClient, 'request'>
  | ((url: string, init?: RequestOptions) => Promise<Response>);

/** A dotted path into the JSON body (`'meta.next_cursor'`, `'data.items'`, `'items.0'`) or a function. */
export type PathSpec<T> = string | ((body: unknown) => T);

export interface PaginateBase {
  url: string;
  /** Sent with every page request (method, headers, body…). */
  init?: RequestOptions;
  signal?: AbortSignal;
  /**
   * Where the page's items are; default: the body itself is the array. Whatever is there must be an
   * array: anything else (a 200 carrying an error object) throws instead of ending the walk.
   */
  itemsPath?: PathSpec<unknown>;
  /**
   * Where the page's item count before any filtering is, when `itemsPath` filters (`select(…)` in a jq program, a
   * function that drops items). Paging decisions use it (the next offset, a short or empty last page), so a page
   * whose items were filtered out does not end the walk early. Default: the number of items yielded.
   */
  countPath?: PathSpec<unknown>;
  /** Safety stop. Default unlimited. */
  maxPages?: number;
}

/** One RFC 8288 link: its target and parameters (`rel` split on spaces, lower-cased). */
export interface LinkValue {
  uri: string;
  rel: string[];
  params: Record<string, string>;
}

/**
 * Parse an RFC 8288 `Link` header. Commas and semicolons inside `<…>` and quoted strings
 * are respected.
 *
 * @example parseLinkHeader('<https://x/?page=2>; rel="next"')[0].uri // 'https://x/?page=2'
 */
export function parseLinkHeader(value: string | null | undefined): LinkValue[] {
  const links: LinkValue[] = [];
  if (!value) return links;
  let i = 0;
  const n = value.length;
  while (i < n) {
    const open = value.indexOf('<', i);
    if (open < 0) break;
    const close = value.indexOf('>', open);
    if (close < 0) break;
    const link: LinkValue = { uri: value.slice(open + 1, close).trim(), rel: [], params: {} };
    i = close + 1;
    // Parameters: ; name[=value|="quoted"] … up to the next top-level comma.
    while (i < n) {
      while (i < n && /\s/.test(value[i])) i++;
      if (value[i] !== ';') break;
      i++;
      const nameMatch = /^\s*([^=;,\s]+)\s*/.exec(value.slice(i));
      if (!nameMatch) break;
      const name = nameMatch[1].toLowerCase();
      i += nameMatch[0].length;
      let param = '';
      if (value[i] === '=') {
        i++;
        while (i < n && /\s/.test(value[i])) i++;
        if (value[i] === '"') {
          i++;
          while (i < n && value[i] !== '"') {
            if (value[i] === '\\' && i + 1 < n) i++;
            param += value[i++];
          }
          i++;
        } else {
          const token = /^[^;,\s]*/.exec(value.slice(i))?.[0] ?? '';
          param = token;
          i += token.length;
        }
      }
      // RFC 8288 §3: only the first occurrence of a parameter counts.
      if (!(name in link.params)) link.params[name] = param;
    }
    link.rel = (link.params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    links.push(link);
    const comma = value.indexOf(',', i);
    if (comma < 0) break;
    i = comma + 1;
  }
  return links;
}

/**
 * Pages through an API that links the next page in a `Link: <…>; rel="next"` header
 * (GitHub, GitLab…); relative links resolve against the current page. Yields each page's
 * items: the body itself, which must be an array, or the array at `itemsPath`. A 200 page
 * carrying anything else (a vendor's error object) throws, so a resync never mistakes it for
 * the end of the list (docs/behaviour.md §4.11). `itemsPath: null` yields whole bodies unchecked.
 * Stops at the last page or an empty one.
 */
export async function* paginateLinkHeader<T = unknown>(
  client: PageRequester,
  url: string,
  init: RequestOptions & Omit<PaginateBase, 'url' | 'init' | 'itemsPath'> & { itemsPath?: PathSpec<unknown> | null } = {},
): AsyncGenerator<T> {
  const { itemsPath, maxPages, countPath, ...requestInit } = init;
  const seen = new Set<string>();
  let next: string | undefined = url;
  for (let page = 0; next !== undefined && !reachedMax(page, maxPages); page++) {
    seen.add(next);
    const { body, headers } = await fetchPage(client, next, requestInit, requestInit.signal ?? undefined);
    const result = itemsPath === null ? body : itemsAt(body, itemsPath, next);
    if (Array.isArray(result) && pageCount(body, countPath, result, next) === 0) return;
    if (!Array.isArray(result) || result.length > 0) yield result as T;
    const link = parseLinkHeader(headers.get('link')).find((l) => l.rel.includes('next'));
    const target: string | undefined = link ? resolveRelative(link.uri, next) : undefined;
    // A server that links a page to itself (or back) would loop forever.
    next = target !== undefined && !seen.has(target) ? target : undefined;
  }
}

export interface CursorOptions extends PaginateBase {
  /** Where the next cursor is in the body; a missing, null or empty cursor ends the walk. */
  cursorPath: PathSpec<unknown>;
  /** Query parameter that carries the cursor. */
  cursorParam: string;
}

/** Pages through a cursor API (`?cursor=…` from `meta.next_cursor`…). Yields each page's items. */
export async function* paginateCursor<T = unknown>(client: PageRequester, options: CursorOptions): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let url = options.url;
  for (let page = 0; !reachedMax(page, options.maxPages); page++) {
    const { body } = await fetchPage(client, url, options.init, options.signal);
    const items = itemsAt(body, options.itemsPath, url);
    if (pageCount(body, options.countPath, items, url) === 0) return;
    if (items.length > 0) yield items as T[];
    const cursor = valueAt(body, options.cursorPath);
    if (cursor === undefined || cursor === null || cursor === '' || cursor === false) return;
    const key = String(cursor);
    if (seen.has(key)) return;
    seen.add(key);
    url = withParams(url, { [options.cursorParam]: key });
  }
}

export interface OffsetOptions extends PaginateBase {
  limit: number;
  limitParam?: string;
  offsetParam?: string;
  /** First offset. Default 0. */
  start?: number;
  /** Where the total item count is; the walk stops once it is reached. */
  totalPath?: PathSpec<unknown>;
}

/** Pages through an offset/limit API; stops on an empty or short page, or at the total. Yields items. */
export async function* paginateOffset<T = unknown>(client: PageRequester, options: OffsetOptions): AsyncGenerator<T[]> {
  const limitParam = options.limitParam ?? 'limit';
  const offsetParam = options.offsetParam ?? 'offset';
  let offset = options.start ?? 0;
  for (let page = 0; !reachedMax(page, options.maxPages); page++) {
    const url = withParams(options.url, { [limitParam]: String(options.limit), [offsetParam]: String(offset) });
    const { body } = await fetchPage(client, url, options.init, options.signal);
    const items = itemsAt(body, options.itemsPath, url);
    const count = pageCount(body, options.countPath, items, url);
    if (count === 0) return;
    if (items.length > 0) yield items as T[];
    offset += count;
    const total = options.totalPath === undefined ? undefined : Number(valueAt(body, options.totalPath));
    if (count < options.limit || (total !== undefined && Number.isFinite(total) && offset >= total)) return;
  }
}

export interface PageNumberOptions extends PaginateBase {
  pageParam?: string;
  /** First page number. Default 1. */
  start?: number;
  pageSizeParam?: string;
  /** Sent as `pageSizeParam`; a page shorter than this is the last. */
  pageSize?: number;
}

/** Pages through a `?page=N` API; stops on an empty page or a short one (when `pageSize` is set). Yields items. */
export async function* paginatePageNumber<T = unknown>(
  client: PageRequester,
  options: PageNumberOptions,
): AsyncGenerator<T[]> {
  const pageParam = options.pageParam ?? 'page';
  let number = options.start ?? 1;
  for (let page = 0; !reachedMax(page, options.maxPages); page++, number++) {
    const params: Record<string, string> = { [pageParam]: String(number) };
    if (options.pageSizeParam && options.pageSize !== undefined) params[options.pageSizeParam] = String(options.pageSize);
    const url = withParams(options.url, params);
    const { body } = await fetchPage(client, url, options.init, options.signal);
    const items = itemsAt(body, options.itemsPath, url);
    const count = pageCount(body, options.countPath, items, url);
    if (count === 0) return;
    if (items.length > 0) yield items as T[];
    if (options.pageSize !== undefined && count < options.pageSize) return;
  }
}

/** Read a dotted path (`'meta.next_cursor'`, `'items.0.id'`) or apply a function. */
export function valueAt(body: unknown, path: PathSpec<unknown>): unknown {
  if (typeof path === 'function') return path(body);
  if (path === '') return body;
  let current: unknown = body;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Set (replace) query parameters on an absolute or relative URL. */
export function withParams(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const q = base.indexOf('?');
  const path = q < 0 ? base : base.slice(0, q);
  const search = new URLSearchParams(q < 0 ? '' : base.slice(q + 1));
  for (const [name, value] of Object.entries(params)) search.set(name, value);
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

async function fetchPage(
  client: PageRequester,
  url: string,
  init: RequestOptions | undefined,
  signal: AbortSignal | undefined,
): Promise<{ body: unknown; headers: Headers }> {
  signal?.throwIfAborted();
  const requestInit: RequestOptions = { ...init, signal: signal ?? init?.signal };
  const response = typeof client === 'function' ? await client(url, requestInit) : await client.request(url, requestInit);
  const body = await readJson<unknown>(response, (init?.method ?? 'GET').toUpperCase(), url);
  return { body, headers: response.headers };
}

function itemsAt(body: unknown, path: PathSpec<unknown> | undefined, url: string): unknown[] {
  const items = path === undefined ? body : valueAt(body, path);
  if (!Array.isArray(items)) {
    const where = typeof path === 'string' ? `"${path}"` : path ? 'the itemsPath function' : 'the body';
    throw new Error(`[tide] pagination: ${where} of ${redactUrl(url)} is not an array (got ${describeType(items)})`);
  }
  return items;
}

/** The page's unfiltered item count: the value at `countPath`, else the items themselves. */
function pageCount(body: unknown, countPath: PathSpec<unknown> | undefined, items: unknown[], url: string): number {
  if (countPath === undefined) return items.length;
  const count = valueAt(body, countPath);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < items.length) {
    const where = typeof countPath === 'string' ? `"${countPath}"` : 'the countPath function';
    throw new Error(`[tide] pagination: ${where} of ${redactUrl(url)} is not the page's item count (got ${JSON.stringify(count)}, with ${items.length} items)`);
  }
  return count;
}

function describeType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function reachedMax(page: number, maxPages: number | undefined): boolean {
  return maxPages !== undefined && page >= maxPages;
}

// Dummy origin so relative page URLs (a client with baseUrl) can be resolved and given back relative.
const RELATIVE_BASE = 'http://relative.invalid';

function resolveRelative(target: string, current: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(target)) return target;
  if (/^[a-z][a-z\d+.-]*:/i.test(current)) return new URL(target, current).toString();
  const resolved = new URL(target, new URL(current, `${RELATIVE_BASE}/`));
  return resolved.toString().slice(RELATIVE_BASE.length);
}
