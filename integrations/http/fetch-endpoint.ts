/**
 * Walking one described endpoint: the URL from baseUrl, path and params (placeholders filled from a parent
 * item), then the page walk by Tide's pagination helpers. Each page goes through a requester that adds
 * credentials and evaluates the endpoint's paths (dotted or jq, which is async) once, so the helpers only
 * ever see `{ items, cursor, total }` and their own stop rules apply unchanged.
 */
import { paginateCursor, paginateLinkHeader, paginateOffset, paginatePageNumber } from 'port-tide';
import type { HttpClient, RawItem } from 'port-tide';
import { absolute, type Authenticator } from './auth.ts';
import type { EndpointConfig, HttpConfig } from './config.ts';
import { fillTemplate, needsJq, pathOutputs, pathValue } from './paths.ts';

export interface EndpointWalk {
  kind: string;
  config: HttpConfig;
  http: HttpClient;
  auth: Authenticator;
  signal?: AbortSignal;
  /** The parent item filling the placeholders, when the endpoint has a parent. */
  parent?: RawItem;
}

type RequestInitLike = RequestInit & { retryable?: boolean; timeoutMs?: number };

/** The pages (arrays of raw items) of one endpoint, for one parent item or none. */
export async function* endpointPages(walk: EndpointWalk): AsyncGenerator<RawItem[]> {
  const endpoint = walk.config.endpoints[walk.kind];
  const url = endpointUrl(walk.config.baseUrl, endpoint, walk.parent);
  const requester = pageRequester(walk, endpoint);
  const base = { url, signal: walk.signal, itemsPath: 'items' };
  const p = endpoint.pagination;
  let pages: AsyncIterable<unknown[]>;
  switch (p.type) {
    case 'none':
      // One page: the Link-header walk capped at one page reads it with the toolkit's error handling.
      pages = paginateLinkHeader<unknown[]>(requester, url, { signal: walk.signal, itemsPath: 'items', maxPages: 1 });
      break;
    case 'offset':
      pages = paginateOffset(requester, { ...base, ...p, totalPath: p.totalPath === undefined ? undefined : 'total' });
      break;
    case 'pageNumber':
      pages = paginatePageNumber(requester, { ...base, ...p });
      break;
    case 'cursor':
      pages = paginateCursor(requester, { ...base, cursorParam: p.cursorParam, cursorPath: 'cursor', maxPages: p.maxPages });
      break;
    case 'linkHeader':
      pages = paginateLinkHeader<unknown[]>(requester, url, { signal: walk.signal, itemsPath: 'items', maxPages: p.maxPages });
      break;
  }
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield page.map((item) => toRawItem(item, walk.parent));
  }
}

/** baseUrl + path, with params added; placeholders filled from the parent item. */
export function endpointUrl(baseUrl: string, endpoint: EndpointConfig, parent: RawItem | undefined): string {
  const parentKind = endpoint.parent ?? '';
  const fill = (text: string, encode: (s: string) => string): string =>
    endpoint.parent === undefined ? text : fillTemplate(text, parentKind, parent, encode);
  const url = new URL(absolute(baseUrl, fill(endpoint.path, encodeURIComponent)));
  for (const [name, value] of Object.entries(endpoint.params)) url.searchParams.set(name, fill(String(value), (s) => s));
  return url.toString();
}

/**
 * The requester handed to the pagination helpers: credentials and headers on every page (including Link
 * header pages), one fresh OAuth2 token on a 401, and the body reduced to `{ items, cursor, total }`.
 */
function pageRequester(walk: EndpointWalk, endpoint: EndpointConfig) {
  const p = endpoint.pagination;
  const at = `endpoints.${walk.kind}`;
  return async (url: string, init: RequestInitLike = {}): Promise<Response> => {
    const send = async (): Promise<{ response: Response; sentUrl: string }> => {
      const headers = new Headers({ accept: 'application/json' });
      for (const [name, value] of Object.entries(walk.config.defaultHeaders)) headers.set(name, value);
      for (const [name, value] of Object.entries(endpoint.headers)) headers.set(name, value);
      const sentUrl = await walk.auth.apply(url, headers, init.signal ?? undefined);
      return { response: await walk.http.request(sentUrl, { ...init, method: 'GET', headers }), sentUrl };
    };
    let { response, sentUrl } = await send();
    if (response.status === 401 && walk.auth.refresh()) {
      await response.body?.cancel();
      ({ response, sentUrl } = await send());
    }
    if (!response.ok) return response;
    const text = await response.text();
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
    } catch {
      throw new Error(`${at}: GET ${redact(sentUrl)} did not return JSON (starts with ${JSON.stringify(text.slice(0, 60))})`);
    }
    const items = await itemsOf(body, endpoint.itemsPath, `${at}.itemsPath`);
    const cursor = p.type === 'cursor' ? await pathValue(body, p.cursorPath) : undefined;
    const total = p.type === 'offset' && p.totalPath !== undefined ? await pathValue(body, p.totalPath) : undefined;
    const headers = new Headers({ 'content-type': 'application/json' });
    const link = response.headers.get('link');
    if (link !== null) headers.set('link', link);
    return new Response(JSON.stringify({ items, cursor, total }), { status: response.status, headers });
  };
}

/**
 * The items at the path. A plain path (the default `.`, `data`, `.data.items`) names the array itself, so anything
 * else there (a 200 carrying an error object, a missing field) fails the kind instead of becoming one bogus item or
 * an empty last page, which would let reconciliation delete what the walk never reached (docs/behaviour.md §4.11).
 * A jq program may instead yield the items one by one (`.data[]`): one array output is the list, otherwise every
 * output is an item.
 */
async function itemsOf(body: unknown, path: string, field: string): Promise<unknown[]> {
  let outputs: unknown[];
  try {
    outputs = await pathOutputs(body, path);
  } catch (error) {
    throw new Error(`${field}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [first] = outputs;
  if (outputs.length === 1 && Array.isArray(first)) return first;
  const plainPath = !needsJq(path);
  if (plainPath || (outputs.length === 1 && (first === null || typeof first !== 'object'))) {
    const got = outputs.length === 0 ? 'is not in the response' : `gave ${first === null ? 'null' : typeof first}`;
    throw new Error(`${field}: ${JSON.stringify(path)} ${got}, expected the array of items (the response was ${excerpt(body)})`);
  }
  return outputs;
}

function excerpt(body: unknown): string {
  const text = JSON.stringify(body) ?? 'empty';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** A plain-object raw item; scalars become `{ value }`, and a nested endpoint's item carries its parent. */
function toRawItem(item: unknown, parent: RawItem | undefined): RawItem {
  const raw: RawItem = item !== null && typeof item === 'object' && !Array.isArray(item) ? { ...(item as RawItem) } : { value: item };
  if (parent !== undefined) raw.__parent = parent;
  return raw;
}

function redact(url: string): string {
  const u = new URL(url);
  for (const name of [...u.searchParams.keys()]) if (/token|key|secret|password|auth/i.test(name)) u.searchParams.set(name, '***');
  return u.toString();
}
