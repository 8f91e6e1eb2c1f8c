import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpError, NetworkError } from './errors.ts';
import { createHttpClient } from './fetch-client.ts';
import type { HttpClientOptions } from './fetch-client.ts';
import { PORT_RETRY_POLICY } from './retry-policy.ts';
import { sleep as realSleep } from './sleep.ts';
import { startServer } from './test-support.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

/** A clock that only moves when the client sleeps; every requested wait is recorded. */
function fakeTime() {
  let t = NOW;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      waits.push(ms);
      t += ms;
    },
  };
}

// Per-test server state.
let hits: Record<string, number> = {};
let bodies: string[] = [];
let seenHeaders: Headers[] = [];
let releaseSlow: () => void = () => {};
let slowReached: () => void = () => {};
let slowReachedPromise: Promise<void> = Promise.resolve();
const count = (key: string) => (hits[key] = (hits[key] ?? 0) + 1);

const app = new Hono();
app.all('/flaky/:status/:failures', (c) => {
  const n = count(c.req.path);
  seenHeaders.push(c.req.raw.headers);
  if (n <= Number(c.req.param('failures'))) return c.text('try again', Number(c.req.param('status')) as 503);
  return c.json({ ok: true, attempt: n });
});
app.all('/headers/:status', (c) => {
  const n = count(c.req.path);
  if (n > 1) return c.json({ ok: true });
  const headers: Record<string, string> = {};
  for (const [k, v] of new URL(c.req.url).searchParams) headers[k] = v;
  return c.text('limited', Number(c.req.param('status')) as 429, headers);
});
app.post('/echo-fail-once', async (c) => {
  const n = count(c.req.path);
  bodies.push(`${c.req.header('content-type') ?? ''}|${await c.req.text()}`);
  return n === 1 ? c.text('busy', 503) : c.json({ ok: true });
});
app.get('/slow/:fastAfter', async (c) => {
  const n = count(c.req.path);
  if (n > Number(c.req.param('fastAfter'))) return c.json({ ok: true, attempt: n });
  slowReached();
  await new Promise<void>((r) => (releaseSlow = r));
  return c.json({ late: true });
});
app.get('/status/:status', (c) => c.json({ ok: false, error: 'nope' }, Number(c.req.param('status')) as 404));
app.get('/json', (c) => c.json({ items: [1, 2, 3] }));
app.get('/empty', (c) => c.body(null, 204));

let server: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  server = await startServer(app);
});
afterAll(async () => {
  releaseSlow();
  await server.close();
});
beforeEach(() => {
  hits = {};
  bodies = [];
  seenHeaders = [];
  slowReachedPromise = new Promise<void>((r) => (slowReached = r));
});

function client(extra: HttpClientOptions = {}) {
  const time = fakeTime();
  const c = createHttpClient({ baseUrl: server.url, now: time.now, sleep: time.sleep, random: () => 0.5, ...extra });
  return { client: c, time };
}

describe('retries', () => {
  it.each([408, 429, 502, 503, 504])('retries %i then succeeds', async (status) => {
    const { client: c, time } = client();
    const res = await c.request(`/flaky/${status}/2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, attempt: 3 });
    expect(time.waits).toEqual([100, 200]);
  });

  it('never retries 500 and returns it to the caller', async () => {
    const { client: c, time } = client();
    const res = await c.request('/flaky/500/5');
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('try again');
    expect(hits['/flaky/500/5']).toBe(1);
    expect(time.waits).toEqual([]);
  });

  it('sends POST once unless marked retryable', async () => {
    const { client: c } = client();
    const once = await c.request('/flaky/503/1', { method: 'POST' });
    expect(once.status).toBe(503);
    expect(hits['/flaky/503/1']).toBe(1);

    hits = {};
    const retried = await c.request('/flaky/503/1', { method: 'POST', retryable: true });
    expect(retried.status).toBe(200);
    expect(hits['/flaky/503/1']).toBe(2);
  });

  it('never retries when retryable is false, even for GET', async () => {
    const { client: c } = client();
    expect((await c.request('/flaky/503/1', { retryable: false })).status).toBe(503);
    expect(hits['/flaky/503/1']).toBe(1);
  });

  it('stops after the retry limit and returns the last response', async () => {
    const { client: c, time } = client({ retry: { retries: 3 } });
    const res = await c.request('/flaky/503/99');
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('try again');
    expect(hits['/flaky/503/99']).toBe(4);
    expect(time.waits).toEqual([100, 200, 400]);
  });

  it('backs off 0.3·2^(n−1) s ±10 % under the Port policy, capped at 300 s', async () => {
    const retries: Array<{ attempt: number; delayMs: number; status?: number }> = [];
    const { client: c, time } = client({
      retryBase: PORT_RETRY_POLICY,
      retry: { retries: 11 },
      random: () => 1,
      onRetry: ({ attempt, delayMs, status }) => retries.push({ attempt, delayMs, status }),
    });
    const res = await c.request('/flaky/502/11');
    expect(res.status).toBe(200);
    expect(time.waits).toEqual([330, 660, 1320, 2640, 5280, 10560, 21120, 42240, 84480, 168960, 300000]);
    expect(retries[0]).toEqual({ attempt: 1, delayMs: 330, status: 502 });
    expect(retries).toHaveLength(11);
  });

  it('cancels the bodies of retried responses', async () => {
    let cancelled = 0;
    let calls = 0;
    const fakeFetch: typeof fetch = async () => {
      calls++;
      if (calls === 3) return new Response('done');
      const body = new ReadableStream({
        pull: (controller) => controller.enqueue(new TextEncoder().encode('x')),
        cancel: () => void cancelled++,
      });
      return new Response(body, { status: 503 });
    };
    const { client: c } = client({ fetch: fakeFetch });
    expect(await (await c.request('/any')).text()).toBe('done');
    expect(cancelled).toBe(2);
  });
});

describe('waits read from headers', () => {
  const epoch = (ms: number) => String(Math.floor(ms / 1000));
  const cases: Array<[string, number, Record<string, string>, number]> = [
    ['Retry-After seconds', 429, { 'retry-after': '7' }, 7_000],
    ['Retry-After HTTP-date', 503, { 'retry-after': new Date(NOW + 90_000).toUTCString() }, 90_000],
    ['x-ratelimit-reset epoch seconds', 429, { 'x-ratelimit-reset': epoch(NOW + 42_000) }, 42_000],
    ['x-ratelimit-reset ISO date', 429, { 'x-ratelimit-reset': new Date(NOW + 15_000).toISOString() }, 15_000],
    ['unreadable Retry-After falls to x-ratelimit-reset', 429, { 'retry-after': 'soon', 'x-ratelimit-reset': '12' }, 12_000],
    ['a wait above the cap is capped at 300 s', 429, { 'retry-after': '3600' }, 300_000],
    ['GitHub 403 with remaining 0 waits for the reset', 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch(NOW + 30_000) }, 30_000],
  ];
  it.each(cases)('%s', async (_name, status, headers, expected) => {
    const { client: c, time } = client({ retryBase: PORT_RETRY_POLICY });
    const query = new URLSearchParams(headers).toString();
    const res = await c.request(`/headers/${status}?${query}`);
    expect(res.status).toBe(200);
    expect(time.waits).toEqual([expected]);
  });

  it('does not retry an ordinary 403', async () => {
    const { client: c } = client();
    expect((await c.request('/headers/403?x-ratelimit-remaining=10')).status).toBe(403);
  });
});

describe('network errors and timeouts', () => {
  it('retries a network error and then succeeds', async () => {
    let calls = 0;
    const flaky: typeof fetch = (input, init) => {
      calls++;
      return calls === 1 ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    };
    const { client: c, time } = client({ fetch: flaky });
    expect(await c.json('/json')).toEqual({ items: [1, 2, 3] });
    expect(calls).toBe(2);
    expect(time.waits).toEqual([100]);
  });

  it('throws NetworkError after exhausting retries, without headers or secrets', async () => {
    const closed = await startServer(new Hono());
    await closed.close();
    const errors: unknown[] = [];
    const { client: c, time } = client({
      baseUrl: closed.url,
      retry: { retries: 2 },
      headers: { authorization: 'Bearer s3cret-token' },
      onRetry: (info) => errors.push(info.error),
    });
    const error = await c.request('/things?api_key=s3cret-key&page=2').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    const ne = error as NetworkError;
    expect(ne.attempts).toBe(3);
    expect(ne.method).toBe('GET');
    expect(ne.timedOut).toBe(false);
    expect(ne.url).toBe(`${closed.url}/things?api_key=***&page=2`);
    expect(ne.message).toContain('ECONNREFUSED');
    expect(ne.message).not.toContain('s3cret');
    expect(errors).toHaveLength(2);
    expect(time.waits).toEqual([100, 200]);
  });

  it('does not retry a network error on a POST that is not retryable', async () => {
    let calls = 0;
    const failing: typeof fetch = async () => {
      calls++;
      throw new TypeError('fetch failed');
    };
    const { client: c } = client({ fetch: failing });
    await expect(c.request('/x', { method: 'POST', body: '{}' })).rejects.toMatchObject({ name: 'NetworkError', attempts: 1 });
    expect(calls).toBe(1);
  });

  it('counts a timeout as a retryable network error', async () => {
    const { client: c } = client({ timeoutMs: 50 });
    const res = await c.request('/slow/1');
    expect(await res.json()).toEqual({ ok: true, attempt: 2 });
    releaseSlow();
  });

  it('throws NetworkError with timedOut after the last attempt times out', async () => {
    const { client: c } = client({ retry: { retries: 0 } });
    const error = await c.request('/slow/5', { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).timedOut).toBe(true);
    expect((error as NetworkError).message).toContain('timed out');
    releaseSlow();
  });
});

describe('cancellation', () => {
  it('stops at once when the caller aborts during a request', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const retried: unknown[] = [];
    const { client: c } = client({ onRetry: (i) => retried.push(i) });
    const pending = c.request('/slow/5', { signal: controller.signal });
    await slowReachedPromise;
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(retried).toEqual([]);
    expect(hits['/slow/5']).toBe(1);
    releaseSlow();
  });

  it('stops at once when the caller aborts during the backoff sleep', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    // The real sleep: a 60 s Retry-After wait ends as soon as the caller aborts.
    const c = createHttpClient({
      baseUrl: server.url,
      sleep: realSleep,
      onRetry: () => setTimeout(() => controller.abort(reason), 0),
    });
    await expect(c.request('/headers/429?retry-after=60', { signal: controller.signal })).rejects.toBe(reason);
    expect(hits['/headers/429']).toBe(1);
  });

  it('rejects before sending when the signal is already aborted', async () => {
    const { client: c } = client();
    const reason = new Error('already');
    await expect(c.request('/json', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(hits['/json']).toBeUndefined();
  });
});

describe('bodies and headers', () => {
  const payload = JSON.stringify({ entities: [{ identifier: 'svc-é', properties: { n: 1 } }] });
  const cases: Array<[string, BodyInit, string]> = [
    ['string', payload, `text/plain;charset=UTF-8|${payload}`],
    ['Uint8Array', new TextEncoder().encode(payload), `|${payload}`],
    ['ArrayBuffer', new TextEncoder().encode(payload).buffer as ArrayBuffer, `|${payload}`],
    ['URLSearchParams', new URLSearchParams({ a: '1', b: 'x y' }), 'application/x-www-form-urlencoded;charset=UTF-8|a=1&b=x+y'],
  ];
  it.each(cases)('re-sends a %s body intact on retry', async (_name, body, expected) => {
    const { client: c } = client();
    const res = await c.request('/echo-fail-once', { method: 'POST', body, retryable: true });
    expect(res.status).toBe(200);
    expect(bodies).toEqual([expected, expected]);
  });

  it('sends a stream body once, since it cannot be replayed', async () => {
    const { client: c } = client();
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const init = { method: 'POST', body: stream, retryable: true, duplex: 'half' } as RequestInit & { retryable: boolean };
    const res = await c.request('/echo-fail-once', init);
    expect(res.status).toBe(503);
    expect(bodies).toEqual(['|streamed']);
  });

  it('joins baseUrl and merges default headers with per-request ones', async () => {
    const { client: c } = client({ baseUrl: `${server.url}/`, headers: { 'user-agent': 'tide/test', 'x-a': 'default' } });
    await c.request('flaky/503/0', { headers: { 'x-a': 'mine' } });
    expect(seenHeaders[0].get('user-agent')).toBe('tide/test');
    expect(seenHeaders[0].get('x-a')).toBe('mine');
  });
});

describe('json()', () => {
  it('parses a JSON body and gives undefined for 204', async () => {
    const { client: c } = client();
    expect(await c.json<{ items: number[] }>('/json')).toEqual({ items: [1, 2, 3] });
    expect(await c.json('/empty')).toBeUndefined();
  });

  it('throws HttpError on a non-2xx status, with an excerpt and no secrets', async () => {
    const { client: c } = client({ headers: { authorization: 'Bearer s3cret' } });
    const error = await c.json('/status/404?token=abc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    const he = error as HttpError;
    expect(he.status).toBe(404);
    expect(he.method).toBe('GET');
    expect(he.url).toBe(`${server.url}/status/404?token=***`);
    expect(JSON.parse(he.bodyText)).toEqual({ ok: false, error: 'nope' });
    expect(he.message).not.toContain('s3cret');
    expect(he.message).not.toContain('abc');
  });
});
