import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type CallResult, type TestEmulator, type Transport } from '../test-helpers.ts';

/** Contract: docs/port-api.md §1.2–§1.4 (pipeline), §2 (envelope), §3 (rate limits), §13.3–§13.5 (controls). */

const JSON_TYPE = 'application/json; charset=utf-8';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MIB = 1024 * 1024;

function expectEnvelope(r: CallResult, status: number, error: string): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body).toEqual({ ok: false, error, message: expect.any(String) });
}

function expectRateHeaders(h: Headers): void {
  expect(h.get('x-ratelimit-period')).toMatch(/^\d+$/);
  expect(h.get('x-ratelimit-limit')).toMatch(/^\d+$/);
  expect(h.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  expect(h.get('x-ratelimit-reset')).toMatch(/^\d+$/);
}

const SERVICE_BLUEPRINT = {
  identifier: 'service',
  title: 'Service',
  schema: { properties: { language: { type: 'string' }, notes: { type: 'string' } }, required: [] },
};

/** Pipeline, run by emulator/contract.test.ts over each transport. */
export function pipeline(transport: Transport): void {
  describe('pipeline', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
    });
    afterEach(async () => {
      await t.close();
    });

    describe('headers and envelope', () => {
      it('every /v1 response carries the JSON content type, a trace id and the rate-limit headers', async () => {
        const responses: CallResult[] = [
          await t.call('POST', '/v1/auth/access_token', TEST_CREDENTIALS, { token: false }),
          await t.call('GET', '/v1/organization'),
          await t.call('GET', '/v1/organization', undefined, { token: false }),
          await t.call('GET', '/v1/no-such-route'),
          await t.call('POST', '/v1/integration', {}),
          await t.call('POST', '/v1/integration', undefined, { raw: '{nope' }),
          await t.call('GET', '/v1/integration/missing'),
        ];
        expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 404, 422, 400, 404]);
        const traceIds = new Set<string>();
        for (const r of responses) {
          expect(r.headers.get('content-type')).toBe(JSON_TYPE);
          expect(r.headers.get('x-trace-id')).toMatch(UUID);
          traceIds.add(r.headers.get('x-trace-id')!);
          expectRateHeaders(r.headers);
        }
        expect(traceIds.size).toBe(responses.length);
      });

      it('errors use the envelope; successes carry ok: true', async () => {
        expect((await t.call('GET', '/v1/organization')).body.ok).toBe(true);
        expectEnvelope(await t.call('GET', '/v1/no-such-route'), 404, 'not_found');
        expectEnvelope(await t.call('DELETE', '/v1/organization'), 404, 'not_found');
        expectEnvelope(await t.call('GET', '/v1/organization', undefined, { token: false }), 401, 'unauthorized');
        expectEnvelope(await t.call('POST', '/v1/integration', { installationId: 'x' }), 422, 'invalid_request');
        expectEnvelope(await t.call('POST', '/v1/integration', undefined, { raw: '[1,' }), 400, 'bad_request');
      });

      it('non-/v1 paths and admin routes answer JSON with a trace id, without rate-limit headers', async () => {
        const outside = await t.call('GET', '/v2/organization', undefined, { token: false });
        expectEnvelope(outside, 404, 'not_found');
        expect(outside.headers.get('content-type')).toBe(JSON_TYPE);
        expect(outside.headers.get('x-trace-id')).toMatch(UUID);

        const admin = await t.admin('GET', '/faults');
        expect(admin.status).toBe(200);
        expect(admin.headers.get('content-type')).toBe(JSON_TYPE);
        expect(admin.headers.get('x-trace-id')).toMatch(UUID);
        expect(admin.headers.get('x-ratelimit-limit')).toBeNull();
        expectEnvelope(await t.admin('GET', '/nothing-here'), 404, 'not_found');
      });

      it('rejects boolean query params other than "true"/"false" with 422', async () => {
        await t.admin('POST', '/seed', { blueprints: [SERVICE_BLUEPRINT] });
        expectEnvelope(await t.call('POST', '/v1/blueprints/service/entities?upsert=yes', { identifier: 'a' }), 422, 'invalid_request');
        expect((await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'a' })).body.ok).toBe(true);
      });
    });

    describe('rate limits', () => {
      it('answers 429 with Retry-After once a lowered bucket is spent, and does not count 429s', async () => {
        await t.token();
        const put = await t.admin('PUT', '/rate-limits', { buckets: { other: { limit: 2 } } });
        expect(put.status).toBe(200);
        expect(put.body.buckets.other).toMatchObject({ limit: 2, enforced: true });

        const first = await t.call('GET', '/v1/organization');
        expect(first.headers.get('x-ratelimit-limit')).toBe('2');
        expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);

        const refused = await t.call('GET', '/v1/organization');
        expectEnvelope(refused, 429, 'rate_limit_exceeded');
        const retryAfter = Number(refused.headers.get('retry-after'));
        expect(Number.isInteger(retryAfter)).toBe(true);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(300);
        expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(refused.headers.get('content-type')).toBe(JSON_TYPE);
        expect((await t.call('GET', '/v1/organization')).status).toBe(429);

        const state = await t.admin('GET', '/rate-limits');
        expect(state.body.buckets.other.used).toBe(2);
        // Refused requests were not counted: one more allowed request fits under a limit of 3.
        await t.admin('PUT', '/rate-limits', { buckets: { other: { limit: 3 } } });
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        expect((await t.call('GET', '/v1/organization')).status).toBe(429);

        // Other buckets are independent.
        expect((await t.call('GET', '/v1/blueprints')).status).toBe(200);
      });

      it('windows follow the emulator clock: advancing past the reset allows requests again', async () => {
        await t.token();
        await t.admin('PUT', '/rate-limits', { buckets: { other: { limit: 1 } } });
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        const refused = await t.call('GET', '/v1/organization');
        expect(refused.status).toBe(429);
        const reset = Number(refused.headers.get('x-ratelimit-reset'));
        const now = Date.parse((await t.admin('POST', '/clock', { advanceSeconds: 0 })).body.now) / 1000;
        expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(Math.ceil(reset - now) + 1);
        await t.admin('POST', '/clock', { advanceSeconds: 300 });
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
      });

      it('scope "client" keys the buckets per clientId', async () => {
        await t.admin('POST', '/credentials', { clientId: 'second', clientSecret: 'second-secret' });
        const second = (await t.call('POST', '/v1/auth/access_token', { clientId: 'second', clientSecret: 'second-secret' }, { token: false })).body
          .accessToken as string;
        await t.token();
        await t.admin('PUT', '/rate-limits', { scope: 'client', buckets: { other: { limit: 1 } } });
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        expect((await t.call('GET', '/v1/organization')).status).toBe(429);
        expect((await t.call('GET', '/v1/organization', undefined, { token: second })).status).toBe(200);
        await t.admin('PUT', '/rate-limits', { scope: 'org' });
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        expect((await t.call('GET', '/v1/organization', undefined, { token: second })).status).toBe(429);
      });

      it('GET /_emulator/rate-limits reports every bucket; POST /_emulator/rate-limits/reset zeroes the counters', async () => {
        await t.call('GET', '/v1/organization');
        const state = await t.admin('GET', '/rate-limits');
        expect(state.status).toBe(200);
        expect(Object.keys(state.body.buckets).sort()).toEqual(
          ['blueprints', 'bulkUpsert', 'entities', 'entitySearch', 'other', 'singleUpsert', 'unauthenticated'],
        );
        for (const b of Object.values(state.body.buckets) as Array<Record<string, unknown>>) {
          expect(b).toEqual({
            limit: expect.any(Number),
            burst: expect.any(Number),
            periodSeconds: 300,
            enforced: false,
            used: expect.any(Number),
            resetAt: expect.any(String),
          });
        }
        expect(state.body.buckets.other.used).toBe(1);
        expect(state.body.buckets.unauthenticated.used).toBe(1);

        const reset = await t.admin('POST', '/rate-limits/reset');
        expect(reset.status).toBe(200);
        const after = await t.admin('GET', '/rate-limits');
        expect(after.body.buckets.other.used).toBe(0);
        expect(after.body.buckets.unauthenticated.used).toBe(0);
      });

      it('rejects unknown buckets and bad values with 422', async () => {
        expectEnvelope(await t.admin('PUT', '/rate-limits', { buckets: { search: { limit: 1 } } }), 422, 'invalid_request');
        expectEnvelope(await t.admin('PUT', '/rate-limits', { buckets: { other: { limit: -1 } } }), 422, 'invalid_request');
        expectEnvelope(await t.admin('PUT', '/rate-limits', { mode: 'leaky' }), 422, 'invalid_request');
      });
    });

    describe('check order 429 → 413 → 401 → 400/422 (§1.4)', () => {
      const big = '{"pad":"' + 'x'.repeat(MIB) + '"}';

      it('429 comes before 413', async () => {
        await t.admin('PUT', '/rate-limits', { buckets: { unauthenticated: { limit: 0 } } });
        expectEnvelope(await t.call('POST', '/v1/blueprints', undefined, { token: false, raw: big }), 429, 'rate_limit_exceeded');
      });

      it('413 comes before 401, from Content-Length', async () => {
        const r = await t.call('POST', '/v1/blueprints', undefined, { token: false, raw: big });
        expectEnvelope(r, 413, 'request_too_large');
        expectRateHeaders(r.headers);
      });

      it('413 also when a body without Content-Length grows past the limit', async () => {
        const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent > MIB + chunk.byteLength) controller.close();
            else {
              sent += chunk.byteLength;
              controller.enqueue(chunk);
            }
          },
        });
        expectEnvelope(await t.call('POST', '/v1/blueprints', undefined, { raw: stream }), 413, 'request_too_large');
      });

      it('accepts a body of exactly 1 MiB (it then fails the schema, not the size)', async () => {
        const body = '{"identifier":"' + 'a'.repeat(MIB - 17) + '"}';
        expect(new TextEncoder().encode(body).byteLength).toBe(MIB);
        const r = await t.call('POST', '/v1/blueprints', undefined, { raw: body });
        expect(r.status).toBe(422);
      });

      it('413 on the token route too', async () => {
        expectEnvelope(await t.call('POST', '/v1/auth/access_token', undefined, { token: false, raw: big }), 413, 'request_too_large');
      });

      it('401 comes before 400 and 422', async () => {
        expectEnvelope(await t.call('POST', '/v1/integration', {}, { token: false }), 401, 'unauthorized');
        expectEnvelope(await t.call('POST', '/v1/integration', undefined, { token: false, raw: '{bad' }), 401, 'unauthorized');
      });

      it('with a token: unparsable JSON is 400, a mismatching body 422, an empty body on a body-less route is fine', async () => {
        expectEnvelope(await t.call('POST', '/v1/integration', undefined, { raw: '{bad' }), 400, 'bad_request');
        expectEnvelope(await t.call('POST', '/v1/integration', { installationId: 1 }), 422, 'invalid_request');
        await t.call('POST', '/v1/integration', { installationId: 'i', installationAppType: 'x', version: '1' });
        expect((await t.call('DELETE', '/v1/integration/i', undefined, { raw: '' })).status).toBe(200);
      });
    });

    describe('faults (§13.4)', () => {
      const addFault = async (rule: unknown): Promise<string> => {
        const r = await t.admin('POST', '/faults', rule);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        expect(r.body).toEqual({ ok: true, id: expect.any(String) });
        return r.body.id as string;
      };

      it('status: answers with the given status, headers and body, once by default', async () => {
        await t.token();
        await addFault({
          match: { method: 'GET', path: '/v1/organization' },
          action: { type: 'status', status: 503, headers: { 'Retry-After': '1' }, body: { ok: false, error: 'internal_error', message: 'injected' } },
        });
        const r = await t.call('GET', '/v1/organization');
        expect(r.status).toBe(503);
        expect(r.headers.get('retry-after')).toBe('1');
        expect(r.headers.get('content-type')).toBe(JSON_TYPE);
        expect(r.headers.get('x-trace-id')).toMatch(UUID);
        expect(r.body).toEqual({ ok: false, error: 'internal_error', message: 'injected' });
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
      });

      it('status without a body sends the error envelope', async () => {
        await addFault({ match: { routeId: 'organization.get' }, action: { type: 'status', status: 500 } });
        expectEnvelope(await t.call('GET', '/v1/organization'), 500, 'internal_error');
        await addFault({ match: { path: '/v1/organization' }, action: { type: 'status', status: 403 } });
        expectEnvelope(await t.call('GET', '/v1/organization'), 403, 'missing_permissions');
      });

      it('after and times decide which matching requests fail', async () => {
        await t.token();
        await addFault({ match: { path: '/v1/organization' }, after: 1, times: 2, action: { type: 'status', status: 502 } });
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await t.call('GET', '/v1/organization')).status);
        expect(statuses).toEqual([200, 502, 502, 200]);
      });

      it('times: -1 fires forever, and a faulted handler never runs', async () => {
        await addFault({ match: { method: 'POST', path: '/v1/integration' }, times: -1, action: { type: 'status', status: 500 } });
        for (let i = 0; i < 3; i++) {
          const r = await t.call('POST', '/v1/integration', { installationId: `i${i}`, installationAppType: 'x', version: '1' });
          expect(r.status).toBe(500);
        }
        await t.admin('DELETE', '/faults');
        expect((await t.call('GET', '/v1/integration/i0')).status).toBe(404);
      });

      it('matches on glob paths and query', async () => {
        await t.admin('POST', '/seed', { blueprints: [SERVICE_BLUEPRINT] });
        await addFault({
          match: { method: 'POST', path: '/v1/blueprints/*/entities', query: { upsert: 'true' } },
          action: { type: 'status', status: 504 },
        });
        expect((await t.call('POST', '/v1/blueprints/service/entities?upsert=false', { identifier: 'a' })).status).toBe(201);
        expect((await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'b' })).status).toBe(504);
      });

      it('latency: still answers; with then it ends in the given failure', async () => {
        await t.token();
        await addFault({ match: { path: '/v1/organization' }, action: { type: 'latency', ms: 20 } });
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        await addFault({ match: { path: '/v1/organization' }, action: { type: 'latency', ms: 20, then: { status: 503 } } });
        expect((await t.call('GET', '/v1/organization')).status).toBe(503);
      });

      it('drop: the client sees a network error (TypeError) and the log records status 0', async () => {
        await t.token();
        await addFault({ match: { path: '/v1/organization' }, action: { type: 'drop' } });
        await expect(t.call('GET', '/v1/organization')).rejects.toThrow(TypeError);
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        const log = (await t.admin('GET', '/requests?path=/v1/organization')).body.requests;
        expect(log.map((e: { status: number; fault: string | null }) => [e.status, e.fault])).toEqual([
          [0, 'drop'],
          [200, null],
        ]);
      });

      it('dropAfterCommit: the write happened, yet the client saw a network error', async () => {
        await t.admin('POST', '/seed', { blueprints: [SERVICE_BLUEPRINT] });
        await addFault({ match: { routeId: 'entities.upsert' }, action: { type: 'dropAfterCommit' } });
        await expect(
          t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'svc-a', properties: { language: 'go' } }),
        ).rejects.toThrow(TypeError);
        const rows = (await t.admin('GET', '/entities?blueprint=service')).body.entities;
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ identifier: 'svc-a', properties: { language: 'go' } });
        // The retry is an idempotent upsert of the same entity.
        const retry = await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'svc-a', properties: { language: 'go' } });
        expect(retry.body).toMatchObject({ ok: true, entity: { identifier: 'svc-a' } });
      });

      it('stall: the handler runs, the status, headers and first half of the body arrive, then nothing more', async () => {
        const token = await t.token();
        const whole = await (await t.fetch('/v1/organization', { headers: { authorization: `Bearer ${token}` } })).text();
        await addFault({ match: { path: '/v1/organization' }, action: { type: 'stall' } });
        const stalled = await t.fetch('/v1/organization', { headers: { authorization: `Bearer ${token}` } });
        expect(stalled.status).toBe(200);
        expect(stalled.headers.get('content-type')).toBe(JSON_TYPE);
        const reader = stalled.body!.getReader();
        const first = new TextDecoder().decode((await reader.read()).value);
        expect(first).toBe(whole.slice(0, first.length));
        expect(first.length).toBeLessThan(whole.length);
        let more = false;
        const next = reader.read().then(() => (more = true));
        // A whole request served after it, and still nothing more of the stalled body.
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        expect(more).toBe(false);
        await reader.cancel();
        await next;
        const log = (await t.admin('GET', '/requests?path=/v1/organization')).body.requests;
        expect(log.map((e: { status: number; fault: string | null }) => [e.status, e.fault])).toEqual([
          [200, null],
          [200, 'stall'],
          [200, null],
        ]);
      });

      it('GET lists rules with remaining counts; DELETE one by id; DELETE all', async () => {
        await t.token();
        const a = await addFault({ match: { path: '/v1/organization' }, times: 3, action: { type: 'status', status: 500 } });
        const b = await addFault({ match: { path: '/v1/blueprints' }, times: -1, action: { type: 'status', status: 500 } });
        await t.call('GET', '/v1/organization');
        const list = await t.admin('GET', '/faults');
        expect(list.status).toBe(200);
        expect(list.body.faults).toEqual([
          expect.objectContaining({ id: a, after: 0, times: 3, matched: 1, fired: 1, remaining: 2 }),
          expect.objectContaining({ id: b, times: -1, remaining: -1 }),
        ]);

        expect((await t.admin('DELETE', `/faults/${a}`)).status).toBe(200);
        expect((await t.call('GET', '/v1/organization')).status).toBe(200);
        expect((await t.admin('GET', '/faults')).body.faults.map((f: { id: string }) => f.id)).toEqual([b]);
        expectEnvelope(await t.admin('DELETE', `/faults/${a}`), 404, 'not_found');

        expect((await t.admin('DELETE', '/faults')).status).toBe(200);
        expect((await t.admin('GET', '/faults')).body.faults).toEqual([]);
        expect((await t.call('GET', '/v1/blueprints')).status).toBe(200);
      });

      it('rejects invalid rules with 422', async () => {
        expectEnvelope(await t.admin('POST', '/faults', { match: {}, action: { type: 'explode' } }), 422, 'invalid_request');
        expectEnvelope(await t.admin('POST', '/faults', { match: { routeId: 'nope' }, action: { type: 'drop' } }), 422, 'invalid_request');
        expectEnvelope(await t.admin('POST', '/faults', { match: {}, times: 0, action: { type: 'drop' } }), 422, 'invalid_request');
      });
    });

    describe('request log (§13.5)', () => {
      it('records each /v1 call with the documented fields, oldest first', async () => {
        const token = await t.token();
        const jti = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti as string;
        const ua = 'port-ocean/jira/0.3.1/my-jira/exporter';
        const r = await t.call('POST', '/v1/integration?ocean_info_event_type=resync&ocean_info_resync_id=abc-123&extra=1', {
          installationId: 'my-jira',
          installationAppType: 'jira',
          version: '0.3.1',
        }, { headers: { 'user-agent': ua } });
        expect(r.status).toBe(201);

        const log = await t.admin('GET', '/requests');
        expect(log.status).toBe(200);
        const entries = log.body.requests as any[];
        expect(entries.map((e) => e.path)).toEqual(['/v1/auth/access_token', '/v1/integration']);
        const e = entries[1];
        expect(e).toEqual({
          seq: expect.any(Number),
          traceId: r.headers.get('x-trace-id'),
          at: expect.any(String),
          method: 'POST',
          path: '/v1/integration',
          query: { ocean_info_event_type: 'resync', ocean_info_resync_id: 'abc-123', extra: '1' },
          userAgent: ua,
          bodyBytes: expect.any(Number),
          body: { installationId: 'my-jira', installationAppType: 'jira', version: '0.3.1' },
          status: 201,
          response: r.body,
          durationMs: expect.any(Number),
          bucket: 'other',
          fault: null,
          oceanInfo: { event_type: 'resync', resync_id: 'abc-123' },
          tokenJti: jti,
        });
        expect(e.bodyBytes).toBeGreaterThan(0);
        expect(e.seq).toBeGreaterThan(entries[0].seq);
        expect(entries[0]).toMatchObject({ bucket: 'unauthenticated', tokenJti: null, status: 200 });
      });

      it('never stores the Authorization value, the client secret or the issued access token', async () => {
        const token = await t.token();
        await t.call('GET', '/v1/organization');
        await t.call('GET', '/v1/organization', undefined, { token: false, headers: { authorization: 'Bearer not-a-real-token' } });
        await t.call('POST', '/v1/auth/access_token', { clientId: TEST_CREDENTIALS.clientId, clientSecret: 'wrong-secret' }, { token: false });
        await t.call('POST', '/v1/auth/access_token', { ...TEST_CREDENTIALS, extra: 'x' }, { token: false });
        const text = JSON.stringify((await t.admin('GET', '/requests')).body);
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.split('.')[2]);
        expect(text).not.toContain('not-a-real-token');
        expect(text).not.toContain(TEST_CREDENTIALS.clientSecret);
        expect(text).not.toContain('wrong-secret');
      });

      it('filters by method, path glob, since and limit; DELETE clears it', async () => {
        await t.token();
        await t.call('GET', '/v1/organization');
        await t.call('GET', '/v1/integration/a');
        await t.call('GET', '/v1/integration/b');
        await t.call('DELETE', '/v1/integration/c');

        const get = async (q: string) => (await t.admin('GET', `/requests${q}`)).body.requests as Array<{ seq: number; method: string; path: string }>;
        expect((await get('?method=DELETE')).map((e) => e.path)).toEqual(['/v1/integration/c']);
        expect((await get('?method=get&path=/v1/integration/*')).map((e) => e.path)).toEqual(['/v1/integration/a', '/v1/integration/b']);
        expect((await get('?path=/v1/**')).length).toBe(5);
        const all = await get('');
        expect((await get(`?since=${all[2].seq}`)).map((e) => e.path)).toEqual(['/v1/integration/b', '/v1/integration/c']);
        expect((await get('?limit=2')).map((e) => e.seq)).toEqual([all[0].seq, all[1].seq]);
        expectEnvelope(await t.admin('GET', '/requests?limit=0'), 422, 'invalid_request');
        expectEnvelope(await t.admin('GET', '/requests?limit=100001'), 422, 'invalid_request');
        expectEnvelope(await t.admin('GET', '/requests?since=x'), 422, 'invalid_request');

        expect((await t.admin('DELETE', '/requests')).status).toBe(200);
        expect(await get('')).toEqual([]);
      });
    });

    describe('admin routes are never rate-limited, faulted or logged', () => {
      it('keep answering while every bucket is at 0 and a catch-all fault is armed', async () => {
        const buckets = Object.fromEntries(
          ['unauthenticated', 'singleUpsert', 'bulkUpsert', 'entitySearch', 'entities', 'blueprints', 'other'].map((b) => [b, { limit: 0 }]),
        );
        expect((await t.admin('PUT', '/rate-limits', { buckets })).status).toBe(200);
        expect((await t.admin('POST', '/faults', { match: { path: '/**' }, times: -1, action: { type: 'status', status: 500 } })).status).toBe(201);
        for (let i = 0; i < 3; i++) {
          const r = await t.admin('GET', '/rate-limits');
          expect(r.status).toBe(200);
          expect(r.headers.get('x-ratelimit-limit')).toBeNull();
        }
        expect((await t.admin('GET', '/faults')).body.faults[0]).toMatchObject({ matched: 0, fired: 0 });
        expect((await t.call('GET', '/v1/organization', undefined, { token: false })).status).toBe(500);
        const log = (await t.admin('GET', '/requests')).body.requests as Array<{ path: string }>;
        expect(log.map((e) => e.path)).toEqual(['/v1/organization']);
        const state = (await t.admin('GET', '/rate-limits')).body.buckets;
        expect(Object.values(state).every((b) => (b as { used: number }).used === 0)).toBe(true);
      });

      it('still validate their bodies', async () => {
        expectEnvelope(await t.admin('POST', '/credentials', { clientId: 'x' }), 422, 'invalid_request');
        const raw = await t.fetch('/_emulator/credentials', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
        expect(raw.status).toBe(400);
        expect(await raw.json()).toEqual({ ok: false, error: 'bad_request', message: expect.any(String) });
      });
    });
  });
}
