import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logging/logger.ts';
import { NetworkError } from './errors.ts';
import { createHttpClient } from './fetch-client.ts';
import type { HttpClientOptions } from './fetch-client.ts';
import { PORT_RETRY_POLICY, retrySettings } from './retry-policy.ts';
import { startServer } from './test-support.ts';

// docs/behaviour.md §4.2: every retry is a WARN line; DNS failures are retried at most twice; callers set statuses.

let hits: Record<string, number> = {};
const count = (key: string) => (hits[key] = (hits[key] ?? 0) + 1);
const app = new Hono();
app.get('/flaky/:status/:failures', (c) => {
  if (count(c.req.path) <= Number(c.req.param('failures'))) return c.json({ message: 'try again' }, Number(c.req.param('status')) as 503);
  return c.json([{ id: 1 }]);
});

let baseUrl = '';
let host = '';
let close: () => Promise<void> = async () => {};
beforeAll(async () => {
  const server = await startServer(app);
  baseUrl = server.url;
  host = new URL(baseUrl).host;
  close = server.close;
});
afterAll(() => close());
beforeEach(() => {
  hits = {};
});

const SECRET = 's3cret-value';
function client(extra: HttpClientOptions = {}) {
  const logger = createMemoryLogger();
  const waits: number[] = [];
  const c = createHttpClient({
    baseUrl,
    headers: { authorization: `Bearer ${SECRET}` },
    random: () => 0.5,
    sleep: async (ms) => void waits.push(ms),
    logger,
    ...extra,
  });
  return { client: c, logger, waits };
}

describe('every retry is logged at WARN', () => {
  it('with the attempt, the wait and the status, naming the host but no secret', async () => {
    const { client: c, logger } = client();
    await c.json(`/flaky/503/2?api_key=${SECRET}`);
    expect(logger.records.map((r) => [r.level, r.message])).toEqual([
      ['warn', `[tide] GET ${host} answered 503; retry 1 of 10 in 0.1 s`],
      ['warn', `[tide] GET ${host} answered 503; retry 2 of 10 in 0.2 s`],
    ]);
    expect(logger.records[0].fields).toEqual({ method: 'GET', host, attempt: 1, retries: 10, waitMs: 100, reason: '503' });
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });

  it('with the error code when no response came, and for timeouts', async () => {
    const gone = await startServer(new Hono());
    await gone.close();
    const { client: c, logger } = client({ baseUrl: gone.url, retry: { retries: 2 } });
    await expect(c.request('/x')).rejects.toBeInstanceOf(NetworkError);
    const goneHost = new URL(gone.url).host;
    expect(logger.records.map((r) => r.message)).toEqual([
      `[tide] GET ${goneHost} failed (ECONNREFUSED); retry 1 of 2 in 0.1 s`,
      `[tide] GET ${goneHost} failed (ECONNREFUSED); retry 2 of 2 in 0.2 s`,
    ]);
    expect(logger.records.every((r) => r.level === 'warn' && r.fields.reason === 'ECONNREFUSED')).toBe(true);

    const stalls = new Hono().get('/slow', () => new Promise<Response>(() => {}));
    const slow = await startServer(stalls);
    const timed = client({ baseUrl: slow.url, retry: { retries: 1 }, timeoutMs: 50 });
    await expect(timed.client.request('/slow')).rejects.toMatchObject({ timedOut: true });
    expect(timed.logger.records.map((r) => [r.message, r.fields.reason])).toEqual([
      [`[tide] GET ${new URL(slow.url).host} timed out after 50 ms; retry 1 of 1 in 0.1 s`, 'timeout'],
    ]);
    await slow.close();
  });
});

describe('DNS failures', () => {
  it('an unresolvable host (ENOTFOUND or EAI_AGAIN, as Node reports them) is retried at most twice', async () => {
    const { client: c, logger, waits } = client({ baseUrl: 'http://tide-test-host.invalid', retryBase: PORT_RETRY_POLICY });
    const error = (await c.request('/v1/organization').catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.attempts).toBe(3);
    expect(error.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
    expect(waits).toHaveLength(2);
    expect(logger.records.map((r) => r.message)).toEqual([
      expect.stringMatching(/^\[tide\] GET tide-test-host\.invalid failed \((ENOTFOUND|EAI_AGAIN)\); retry 1 of 2 in 0\.3 s$/),
      expect.stringMatching(/^\[tide\] GET tide-test-host\.invalid failed \((ENOTFOUND|EAI_AGAIN)\); retry 2 of 2 in 0\.6 s$/),
    ]);
  });
});

describe('retryable statuses and attempts set by the caller', () => {
  it('withRetry: a client that retries 500 (not in the default list) and gives up after the attempts', async () => {
    const { client: base } = client();
    expect((await base.request('/flaky/500/1')).status).toBe(500);
    hits = {};
    const c = base.withRetry({ statuses: [500, 503], attempts: 3 });
    expect(c.retryPolicy.retries).toBe(2);
    expect((await c.request('/flaky/500/2')).status).toBe(200);
    hits = {};
    expect((await c.request('/flaky/500/5')).status).toBe(500);
    expect(hits['/flaky/500/5']).toBe(3);
    // A status left out of the list is no longer retried.
    hits = {};
    expect((await c.request('/flaky/429/1')).status).toBe(429);
  });

  it('per request, through the retry option', async () => {
    const { client: c } = client();
    expect((await c.request('/flaky/500/1', { retry: { statuses: [500] } })).status).toBe(200);
    hits = {};
    expect((await c.request('/flaky/503/3', { retry: { attempts: 2 } })).status).toBe(503);
    expect(hits['/flaky/503/3']).toBe(2);
  });

  it('bad settings are rejected naming the field', () => {
    expect(() => retrySettings({ statuses: [503, 200] })).toThrow('retry.statuses[1]: expected an HTTP status from 400 to 599, got 200');
    expect(() => retrySettings({ attempts: 0 })).toThrow('retry.attempts: expected a whole number from 1 to 50, got 0');
    expect(() => retrySettings({ statuses: '503' as unknown as number[] })).toThrow('retry.statuses: expected a list of HTTP statuses, got "503"');
    expect(() => client().client.withRetry({ attempts: 1.5 })).toThrow('retry.attempts: expected a whole number from 1 to 50, got 1.5');
  });
});
