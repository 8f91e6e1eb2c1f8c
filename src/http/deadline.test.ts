import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NetworkError } from './errors.ts';
import { createHttpClient } from './fetch-client.ts';
import type { HttpClientOptions, RetryInfo } from './fetch-client.ts';
import { paginateOffset } from './pagination.ts';
import { startServer, type TestServer } from './test-support.ts';

// docs/behaviour.md §4.2: one deadline per attempt covers the headers and the whole body.

// Posts shaped like JSONPlaceholder's `GET /posts?_start=&_limit=`.
const CATALOG = Array.from({ length: 100 }, (_, i) => ({ userId: (i % 10) + 1, id: i + 1, title: `Post ${i + 1}`, body: `Body of post ${i + 1}` }));
const POSTS = CATALOG.slice(0, 50);
const FULL = JSON.stringify(POSTS);
const HALF = new TextEncoder().encode(FULL.slice(0, FULL.length / 2));

let hits: Record<string, number> = {};
const count = (key: string) => (hits[key] = (hits[key] ?? 0) + 1);

/** The headers and half the body, then nothing more. */
function stalled(): Response {
  const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(HALF) });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

const app = new Hono();
// The first `stalls` answers stall mid-body.
app.get('/stall/:stalls', (c) => (count(c.req.path) > Number(c.req.param('stalls')) ? c.json(POSTS) : stalled()));
// The first answer breaks off mid-body (the server resets the stream).
app.get('/reset-mid-body', (c) => {
  if (count(c.req.path) > 1) return c.json(POSTS);
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new Error('upstream went away'));
      sent = true;
      controller.enqueue(HALF);
    },
  });
  return c.body(body, 200, { 'content-type': 'application/json' });
});
// The second page stalls the first time it is asked for.
app.get('/posts', (c) => {
  const start = Number(c.req.query('_start'));
  if (start === 50 && count('/posts second page') === 1) return stalled();
  return c.json(CATALOG.slice(start, start + Number(c.req.query('_limit'))));
});

let server: TestServer;
let baseUrl = '';
beforeAll(async () => {
  server = await startServer(app);
  baseUrl = server.url;
});
afterAll(() => server.close());
beforeEach(() => {
  hits = {};
});

// Long enough that a healthy answer on a busy machine never meets it; only the stalled ones do.
const DEADLINE_MS = 1000;

function client(extra: HttpClientOptions = {}) {
  const retries: RetryInfo[] = [];
  const c = createHttpClient({ baseUrl, timeoutMs: DEADLINE_MS, sleep: async () => {}, onRetry: (info) => retries.push(info), ...extra });
  return { client: c, retries };
}

describe('a response that stalls mid-body', () => {
  it('ends the attempt at the deadline and is retried like a network error', async () => {
    const { client: c, retries } = client();
    expect(await c.json('/stall/1')).toEqual(POSTS);
    expect(hits['/stall/1']).toBe(2);
    expect(retries).toHaveLength(1);
    expect((retries[0].error as Error).name).toBe('TimeoutError');
  });

  it('throws NetworkError (timed out) when the last attempt stalls too', async () => {
    const { client: c } = client({ retry: { retries: 1 } });
    const error = await c.request('/stall/9').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ timedOut: true, attempts: 2 });
    expect((error as Error).message).toContain('timed out after 2 attempts');
  });

  it('is not retried on a request that may not be repeated', async () => {
    const { client: c } = client();
    await expect(c.request('/stall/9', { method: 'GET', retryable: false })).rejects.toMatchObject({ name: 'NetworkError', timedOut: true, attempts: 1 });
    expect(hits['/stall/9']).toBe(1);
  });

  it('a caller that aborts while the body stalls gets its reason at once', async () => {
    const controller = new AbortController();
    const reason = new Error('resync superseded');
    let headersArrived: () => void = () => {};
    const arrived = new Promise<void>((r) => (headersArrived = r));
    const transport: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      headersArrived();
      return response;
    };
    const { client: c, retries } = client({ timeoutMs: 0, fetch: transport });
    const pending = c.request('/stall/9', { signal: controller.signal });
    await arrived;
    // One turn later the request is reading the body (before, it would have resolved at the headers).
    await new Promise((r) => setImmediate(r));
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(retries).toEqual([]);
  });

  it('a body that breaks off is a retryable network error too', async () => {
    const { client: c, retries } = client();
    expect(await c.json('/reset-mid-body')).toEqual(POSTS);
    expect(hits['/reset-mid-body']).toBe(2);
    expect(retries).toHaveLength(1);
  });

  it('the pagination helpers see the retried page, never a half one', async () => {
    const { client: c, retries } = client();
    const pages: unknown[][] = [];
    for await (const page of paginateOffset(c, { url: '/posts', limit: 50, limitParam: '_limit', offsetParam: '_start' })) pages.push(page);
    expect(pages.flat()).toEqual(CATALOG);
    expect(retries).toHaveLength(1);
  });
});
