import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from './fetch-client.ts';
import { createRateLimiter } from './rate-limiter.ts';
import type { RateLimitRelease } from './rate-limiter.ts';
import { startServer } from './test-support.ts';

const WINDOW_START = Date.UTC(2026, 0, 15, 12, 0, 0);

/**
 * A clock that moves only when a sleep is let go. Sleeps are recorded and held until
 * `advance()` releases the oldest one, moving the clock by its length.
 */
function heldTime(start: number) {
  let t = start;
  const held: Array<{ ms: number; resolve: () => void }> = [];
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    setNow: (value: number) => (t = value),
    pending: () => held.length,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        waits.push(ms);
        const entry = { ms, resolve };
        held.push(entry);
        signal?.addEventListener('abort', () => {
          held.splice(held.indexOf(entry), 1);
          reject(signal.reason);
        });
      }),
    advance: () => {
      const next = held.shift();
      if (!next) throw new Error('no sleep is pending');
      t += next.ms;
      next.resolve();
    },
  };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

function headers(remaining: number, resetEpochSeconds: number, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(null, {
    status,
    headers: { 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetEpochSeconds), 'x-ratelimit-limit': '10', ...extra },
  });
}

describe('createRateLimiter', () => {
  const reset = WINDOW_START / 1000 + 60;

  it('admits callers freely until it has learned a budget', async () => {
    const limiter = createRateLimiter();
    const permits = await Promise.all([1, 2, 3, 4].map(() => limiter.acquire()));
    expect(limiter.state().inFlight).toBe(4);
    permits.forEach((release) => release());
    expect(limiter.state().inFlight).toBe(0);
  });

  it('with 2 remaining and 5 concurrent callers, holds 3 until the reset', async () => {
    const time = heldTime(WINDOW_START);
    const limiter = createRateLimiter({ now: time.now, sleep: time.sleep });
    limiter.update(headers(2, reset));

    const granted: number[] = [];
    const permits = [0, 1, 2, 3, 4].map((i) => limiter.acquire().then((release) => (granted.push(i), release)));
    await flush();
    expect(granted).toEqual([0, 1]);
    expect(limiter.state()).toMatchObject({ remaining: 2, inFlight: 2, waiting: 3 });
    expect(time.waits).toEqual([60_000]);

    // The two admitted requests are answered: the budget is spent, the others still wait.
    const [first, second] = await Promise.all(permits.slice(0, 2));
    limiter.update(headers(1, reset));
    first();
    limiter.update(headers(0, reset));
    second();
    await flush();
    expect(granted).toEqual([0, 1]);

    time.advance();
    await flush();
    expect(granted).toEqual([0, 1, 2, 3, 4]);
    expect(limiter.state()).toMatchObject({ remaining: 10, inFlight: 3, waiting: 0 });
    expect(time.waits).toEqual([60_000]);
  });

  it('keeps minRemaining units in reserve', async () => {
    const time = heldTime(WINDOW_START);
    const limiter = createRateLimiter({ now: time.now, sleep: time.sleep, minRemaining: 3 });
    limiter.update(headers(5, reset));
    let admitted = 0;
    for (let i = 0; i < 4; i++) void limiter.acquire().then(() => admitted++);
    await flush();
    expect(admitted).toBe(2);
    expect(limiter.state().waiting).toBe(2);
  });

  it('a GitHub-style 403 with remaining 0 holds everyone until the reset', async () => {
    const time = heldTime(WINDOW_START);
    const limiter = createRateLimiter({ now: time.now, sleep: time.sleep });
    limiter.update(headers(0, WINDOW_START / 1000 + 30, 403));
    let admitted = false;
    void limiter.acquire().then(() => (admitted = true));
    await flush();
    expect(admitted).toBe(false);
    expect(time.waits).toEqual([30_000]);
    time.advance();
    await flush();
    expect(admitted).toBe(true);
  });

  it('a 429 Retry-After holds everyone for that long, even with budget reported', async () => {
    const time = heldTime(WINDOW_START);
    const limiter = createRateLimiter({ now: time.now, sleep: time.sleep });
    limiter.update(new Response(null, { status: 429, headers: { 'retry-after': '12' } }));
    void limiter.acquire();
    await flush();
    expect(time.waits).toEqual([12_000]);
    expect(limiter.state()).toMatchObject({ remaining: 0, inFlight: 0, waiting: 1 });
  });

  it('within one window, a late answer cannot raise the budget', () => {
    const limiter = createRateLimiter({ now: () => WINDOW_START });
    limiter.update(headers(3, reset));
    limiter.update(headers(5, reset));
    expect(limiter.state().remaining).toBe(3);
    limiter.update(headers(9, reset + 60));
    expect(limiter.state().remaining).toBe(9);
  });

  it('lets one probe through when the budget is spent and no reset is known', async () => {
    const limiter = createRateLimiter({ now: () => WINDOW_START });
    limiter.update(new Response(null, { headers: { 'x-ratelimit-remaining': '0' } }));
    const order: string[] = [];
    const a = limiter.acquire().then((release) => (order.push('a'), release));
    const b = limiter.acquire().then((release) => (order.push('b'), release));
    const releaseA: RateLimitRelease = await a;
    await flush();
    expect(order).toEqual(['a']);
    releaseA();
    (await b)();
    expect(order).toEqual(['a', 'b']);
  });

  it('an aborted waiter leaves the queue with the abort reason', async () => {
    const time = heldTime(WINDOW_START);
    const limiter = createRateLimiter({ now: time.now, sleep: time.sleep });
    limiter.update(headers(0, reset));
    const controller = new AbortController();
    const reason = new Error('stop waiting');
    const pending = limiter.acquire(controller.signal);
    await flush();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(limiter.state().waiting).toBe(0);
    expect(time.pending()).toBe(0);
  });
});

describe('rate limiter with the http client against a budgeted server', () => {
  const LIMIT = 3;
  let clock = WINDOW_START + 10_000;
  const used = new Map<number, number>();
  let refused = 0;

  const app = new Hono();
  app.get('/api', (c) => {
    const window = Math.floor(clock / 60_000);
    const count = (used.get(window) ?? 0) + 1;
    const resetSeconds = String(((window + 1) * 60_000) / 1000);
    if (count > LIMIT) {
      refused++;
      const wait = String(Math.ceil(((window + 1) * 60_000 - clock) / 1000));
      return c.json({ ok: false }, 429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetSeconds, 'retry-after': wait });
    }
    used.set(window, count);
    return c.json({ ok: true, window }, 200, {
      'x-ratelimit-limit': String(LIMIT),
      'x-ratelimit-remaining': String(LIMIT - count),
      'x-ratelimit-reset': resetSeconds,
    });
  });

  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    server = await startServer(app);
  });
  afterAll(() => server.close());

  it('paces 5 concurrent callers on a budget of 2 so none is refused', async () => {
    used.clear();
    refused = 0;
    clock = WINDOW_START + 10_000;
    const time = heldTime(clock);
    const now = () => (clock = time.now());
    const limiter = createRateLimiter({ now, sleep: time.sleep });
    const c = createHttpClient({ baseUrl: server.url, rateLimiter: limiter, now, sleep: time.sleep });

    // One request teaches the limiter the budget: 2 left until the window ends in 50 s.
    await (await c.request('/api')).text();
    expect(limiter.state()).toMatchObject({ remaining: 2, limit: 3 });

    const calls = [0, 1, 2, 3, 4].map(() => c.request('/api').then((r) => r.json() as Promise<{ window: number }>));
    const firstTwo = await Promise.all(calls.slice(0, 2));
    expect(firstTwo.map((b) => b.window)).toEqual([Math.floor(WINDOW_START / 60_000), Math.floor(WINDOW_START / 60_000)]);
    expect(limiter.state()).toMatchObject({ remaining: 0, inFlight: 0, waiting: 3 });
    expect(time.waits).toEqual([50_000]);

    time.advance();
    now();
    const rest = await Promise.all(calls.slice(2));
    expect(rest.map((b) => b.window)).toEqual(Array(3).fill(Math.floor(WINDOW_START / 60_000) + 1));
    expect(refused).toBe(0);
  });

  it('without a limiter the same burst is refused by the server', async () => {
    used.clear();
    refused = 0;
    clock = WINDOW_START + 10_000;
    const c = createHttpClient({ baseUrl: server.url, retry: { retries: 0 } });
    const statuses = await Promise.all([0, 1, 2, 3, 4, 5].map(() => c.request('/api').then((r) => (void r.body?.cancel(), r.status))));
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    expect(refused).toBe(3);
  });

  it('a refused request waits for the reset the server names, then succeeds', async () => {
    used.clear();
    refused = 0;
    clock = WINDOW_START + 45_000;
    used.set(Math.floor(clock / 60_000), LIMIT);
    const time = heldTime(clock);
    const now = () => (clock = time.now());
    const limiter = createRateLimiter({ now, sleep: time.sleep });
    const c = createHttpClient({ baseUrl: server.url, rateLimiter: limiter, now, sleep: time.sleep });
    const pending = c.json<{ ok: boolean }>('/api');
    while (time.pending() === 0) await flush();
    expect(time.waits).toEqual([15_000]);
    time.advance();
    expect(await pending).toMatchObject({ ok: true });
    expect(refused).toBe(1);
    expect(time.waits).toEqual([15_000]);
  });
});
