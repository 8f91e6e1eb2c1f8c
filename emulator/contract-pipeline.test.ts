import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator } from './test-helpers.ts';

/** Contract: Port's own rate limits (docs/port-api.md §3) and gzip over a real socket (§1.2); the rest of the pipeline is in emulator/contract/pipeline.ts. */

const JSON_TYPE = 'application/json; charset=utf-8';
const SERVICE_BLUEPRINT = {
  identifier: 'service',
  title: 'Service',
  schema: { properties: { language: { type: 'string' }, notes: { type: 'string' } }, required: [] },
};

describe("rateLimits: 'port'", () => {
  let t: TestEmulator;
  afterEach(async () => {
    await t.close();
  });

  it('reports the §3.1 numbers in the headers', async () => {
    t = await startEmulator({ rateLimits: 'port' });
    const tokenResponse = await t.call('POST', '/v1/auth/access_token', TEST_CREDENTIALS, { token: false });
    expect(tokenResponse.headers.get('x-ratelimit-limit')).toBe('100');
    expect(tokenResponse.headers.get('x-ratelimit-remaining')).toBe('99');
    expect(tokenResponse.headers.get('x-ratelimit-period')).toBe('300');

    const org = await t.call('GET', '/v1/organization');
    expect(org.headers.get('x-ratelimit-limit')).toBe('15000');
    expect(org.headers.get('x-ratelimit-remaining')).toBe('14999');
    const reset = Number(org.headers.get('x-ratelimit-reset'));
    expect(reset % 300).toBe(0);
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Date.now() / 1000 + 300);

    const limits = async (method: string, path: string) =>
      (await t.call(method, path, method === 'GET' ? undefined : {})).headers.get('x-ratelimit-limit');
    expect(await limits('POST', '/v1/blueprints/service/entities?upsert=true')).toBe('10000');
    expect(await limits('POST', '/v1/blueprints/service/entities/bulk?upsert=true')).toBe('35000');
    expect(await limits('POST', '/v1/blueprints/service/entities/search')).toBe('35000');
    expect(await limits('GET', '/v1/blueprints/service')).toBe('15000');

    const state = (await t.admin('GET', '/rate-limits')).body.buckets;
    // Two token requests: the one above and the helper's own.
    expect(state.unauthenticated).toMatchObject({ limit: 100, burst: 10, enforced: true, used: 2 });
    expect(state.singleUpsert).toMatchObject({ limit: 10000, burst: 200, enforced: true });
  });

  it('rateLimitScale multiplies every limit', async () => {
    t = await startEmulator({ rateLimits: 'port', rateLimitScale: 2 });
    const org = await t.call('GET', '/v1/organization');
    expect(org.headers.get('x-ratelimit-limit')).toBe('30000');
  });
});

describe('gzip over loopback', () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startEmulator({ transport: 'loopback' });
    const entities = Array.from({ length: 60 }, (_, i) => ({
      blueprint: 'service',
      identifier: `svc-${i}`,
      properties: { language: 'go', notes: 'n'.repeat(100) },
    }));
    expect((await t.admin('POST', '/seed', { blueprints: [SERVICE_BLUEPRINT], entities })).status).toBe(200);
  });
  afterEach(async () => {
    await t.close();
  });

  const rawPost = (path: string, body: string, headers: Record<string, string>) =>
    new Promise<{ status: number; headers: Record<string, unknown>; bytes: Buffer }>((resolve, reject) => {
      const req = httpRequest(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });

  it('gzips a large search response when the client accepts gzip, and it decodes', async () => {
    const token = await t.token();
    const viaFetch = await t.call('POST', '/v1/blueprints/service/entities/search', {}, { headers: { 'accept-encoding': 'gzip' } });
    expect(viaFetch.status).toBe(200);
    expect(viaFetch.headers.get('content-encoding')).toBe('gzip');
    expect(viaFetch.body.entities).toHaveLength(60);

    const raw = await rawPost('/v1/blueprints/service/entities/search', '{}', { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' });
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['content-type']).toBe(JSON_TYPE);
    const decoded = JSON.parse(gunzipSync(raw.bytes).toString('utf8'));
    expect(decoded.ok).toBe(true);
    expect(decoded.entities).toHaveLength(60);
  });

  it('does not gzip without accept-encoding, nor small bodies', async () => {
    const token = await t.token();
    const plain = await rawPost('/v1/blueprints/service/entities/search', '{}', { authorization: `Bearer ${token}` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.bytes.toString('utf8')).entities).toHaveLength(60);

    const small = await rawPost('/v1/blueprints/service/entities/search', '{"limit":1}', { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
  });
});
