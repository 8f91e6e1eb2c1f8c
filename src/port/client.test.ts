import { afterEach, describe, expect, it } from 'vitest';
import { createPortEmulator } from 'port-tide/emulator';
import { createMemoryLogger } from '../logging/logger.ts';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator, type Transport } from '../../emulator/test-helpers.ts';
import { createPortClient, PortApiError, type PortClientOptions } from './index.ts';

const UA = { type: 'jira', version: '1.2.3', identifier: 'my-jira' };

let current: TestEmulator | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function setup(transport: Transport = 'inProcess', options: Partial<PortClientOptions> = {}) {
  const t = await startEmulator({ transport });
  current = t;
  await t.admin('POST', '/seed', { blueprints: [{ identifier: 'service', title: 'Service', schema: { properties: {} } }] });
  const waits: number[] = [];
  const warnings: string[] = [];
  const port = createPortClient({
    baseUrl: `${t.baseUrl}/`,
    ...TEST_CREDENTIALS,
    userAgent: UA,
    fetch: (transport === 'loopback' ? fetch : t.emulator.fetch) as typeof fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  const requests = async (path?: string) =>
    (await t.admin('GET', `/requests?limit=100000${path ? `&path=${encodeURIComponent(path)}` : ''}`)).body.requests as Array<{
      method: string;
      path: string;
      status: number;
      traceId: string;
      userAgent: string | null;
      tokenJti: string | null;
    }>;
  const fault = async (rule: unknown) => expect((await t.admin('POST', '/faults', rule)).status).toBe(201);
  return { t, port, waits, warnings, requests, fault };
}

const TOKEN_ROUTE = '/v1/auth/access_token';

describe('token', () => {
  it('is fetched once for many concurrent calls, with the User-Agent minus the feature', async () => {
    const { port, requests } = await setup('loopback');
    await Promise.all(Array.from({ length: 20 }, () => port.getOrganization()));
    await port.getBlueprint('service');
    const log = await requests();
    const tokenCalls = log.filter((r) => r.path === TOKEN_ROUTE);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0].userAgent).toBe('port-ocean/jira/1.2.3/my-jira');
    const others = log.filter((r) => r.path !== TOKEN_ROUTE);
    expect(others).toHaveLength(21);
    expect(new Set(others.map((r) => r.userAgent))).toEqual(new Set(['port-ocean/jira/1.2.3/my-jira/exporter']));
    expect(new Set(others.map((r) => r.tokenJti)).size).toBe(1);
  });

  it('after the token expires server-side: one refresh and exactly one replay, even for concurrent callers', async () => {
    const { t, port, requests } = await setup('loopback', { batchMaxLength: 2 });
    await port.getOrganization();
    await t.admin('POST', '/tokens/expire', {});
    const results = await port.upsertEntities('service', Array.from({ length: 10 }, (_, i) => ({ identifier: `e${i}` })));
    expect(results.every((r) => r.status === 'upserted')).toBe(true);
    const log = await requests();
    expect(log.filter((r) => r.path === TOKEN_ROUTE)).toHaveLength(2);
    const bulk = log.filter((r) => r.path.endsWith('/entities/bulk'));
    expect(bulk.filter((r) => r.status === 401)).toHaveLength(5);
    expect(bulk.filter((r) => r.status === 200)).toHaveLength(5);
  });

  it('is refreshed lazily 60 s before expiry, without a 401', async () => {
    let now = Date.parse('2026-05-01T10:00:00.000Z');
    const { t, port, requests } = await setup('inProcess', { now: () => now });
    await port.getOrganization();
    now += 10_800_000 - 61_000;
    await port.getOrganization();
    expect((await requests(TOKEN_ROUTE))).toHaveLength(1);
    // Past expiry − 60 s: the client asks again before using it. The emulator clock is moved too,
    // so it issues a fresh token instead of returning the still-valid one.
    now += 2_000;
    await t.admin('POST', '/clock', { advanceSeconds: 10_800 });
    await port.getOrganization();
    const log = await requests();
    expect(log.filter((r) => r.path === TOKEN_ROUTE)).toHaveLength(2);
    expect(log.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('a second 401 on one request refreshes the token again, once: the token expired again before the replay', async () => {
    const t = await startEmulator({ transport: 'loopback' });
    current = t;
    let expireAfterNextToken = false;
    // The emulator's token-expiry control, fired right after Port issues the refreshed token.
    const transport: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith(TOKEN_ROUTE) && expireAfterNextToken) {
        expireAfterNextToken = false;
        await t.admin('POST', '/tokens/expire', {});
      }
      return response;
    };
    const port = createPortClient({ baseUrl: t.baseUrl, ...TEST_CREDENTIALS, userAgent: UA, fetch: transport });
    await port.getOrganization();
    await t.admin('POST', '/tokens/expire', {});
    expireAfterNextToken = true;
    expect(await port.getOrganization()).toMatchObject({ id: 'org_emulator' });
    const log = (await t.admin('GET', '/requests?limit=1000')).body.requests as Array<{ path: string; status: number; tokenJti: string | null }>;
    expect(log.filter((r) => r.path === '/v1/organization').map((r) => r.status)).toEqual([200, 401, 401, 200]);
    expect(log.filter((r) => r.path === TOKEN_ROUTE)).toHaveLength(3);
  });

  it('a third 401 on one request is final', async () => {
    const { port, fault, requests } = await setup();
    await fault({ match: { path: '/v1/organization' }, times: 3, action: { type: 'status', status: 401 } });
    const error = await port.getOrganization().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortApiError);
    expect((error as PortApiError).status).toBe(401);
    expect(await requests('/v1/organization')).toHaveLength(3);
    expect(await requests(TOKEN_ROUTE)).toHaveLength(3);
  });

  it('a caller that aborts while the token is being fetched does not cancel it for the others', async () => {
    const { port, fault, requests } = await setup('loopback');
    await fault({ match: { path: TOKEN_ROUTE }, action: { type: 'latency', ms: 50 } });
    const controller = new AbortController();
    const aborted = port.getOrganization({ signal: controller.signal });
    const other = port.getOrganization();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(await other).toMatchObject({ id: 'org_emulator' });
    expect(await requests(TOKEN_ROUTE)).toHaveLength(1);
  });

  it('wrong credentials: a clear 401 that never shows the secret', async () => {
    const t = await startEmulator();
    current = t;
    const port = createPortClient({ baseUrl: t.baseUrl, clientId: 'test-client', clientSecret: 'not-the-secret', userAgent: UA, fetch: t.emulator.fetch as typeof fetch });
    const error = (await port.getOrganization().catch((e: unknown) => e)) as PortApiError;
    expect(error).toBeInstanceOf(PortApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', route: '/v1/auth/access_token', method: 'POST' });
    expect(error.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).not.toContain('not-the-secret');
    expect(error.message).toContain('client id or secret');
  });

  it('warns when the client id looks like an e-mail address, and about personal (non-machine) tokens', async () => {
    const t = await startEmulator();
    current = t;
    await t.admin('POST', '/credentials', { clientId: 'someone@example.com', clientSecret: 'personal-secret', isMachine: false });
    const warnings: string[] = [];
    const port = createPortClient({
      baseUrl: t.baseUrl,
      clientId: 'someone@example.com',
      clientSecret: 'personal-secret',
      userAgent: UA,
      fetch: t.emulator.fetch as typeof fetch,
      logger: { warn: (m) => warnings.push(m) },
    });
    expect(warnings.some((w) => w.includes('e-mail'))).toBe(true);
    await port.getOrganization();
    expect(warnings.some((w) => w.includes('personal user'))).toBe(true);
  });
});

describe('errors', () => {
  it('a non-retryable error surfaces after one attempt with status, code, message, route and trace id, and no token', async () => {
    const { t, port, requests } = await setup('loopback');
    const token = await t.token(); // the emulator reuses one token per pair: this is the client's token too
    const error = (await port
      .createBlueprint({ identifier: 'broken', title: 'Broken', schema: { properties: { x: { type: 'nonsense' } } } })
      .catch((e: unknown) => e)) as PortApiError;
    expect(error).toBeInstanceOf(PortApiError);
    expect(error.status).toBe(422);
    expect(error.code).toBe('invalid_request');
    expect(error.portMessage).not.toBe('');
    expect(error.method).toBe('POST');
    expect(error.route).toBe('/v1/blueprints');
    const calls = await requests('/v1/blueprints');
    expect(calls).toHaveLength(1);
    expect(error.traceId).toBe(calls[0].traceId);
    expect(error.message).toContain('422');
    expect(error.message).toContain(error.portMessage);
    expect(error.message).toContain(error.traceId as string);
    for (const secret of [token, TEST_CREDENTIALS.clientSecret]) {
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });

  it('route is the path template, never the identifiers or the query', async () => {
    const { port, fault } = await setup();
    await fault({ match: { path: '/v1/integration/*' }, action: { type: 'status', status: 403, body: { ok: false, error: 'missing_permissions', message: 'no' } } });
    const error = (await port.getIntegration('secret-ish/id').catch((e: unknown) => e)) as PortApiError;
    expect(error).toMatchObject({ status: 403, code: 'missing_permissions', portMessage: 'no', route: '/v1/integration/{id}', method: 'GET' });
  });

  it('PATCH is sent once (not retried on 503); GET is retried', async () => {
    const { t, port, fault, requests, waits } = await setup();
    await t.admin('POST', '/seed', { integrations: [{ identifier: 'my-jira', installationAppType: 'jira' }] });
    await fault({ match: { method: 'PATCH', path: '/v1/integration/my-jira' }, action: { type: 'status', status: 503 } });
    await expect(port.patchIntegration('my-jira', { version: '2' })).rejects.toMatchObject({ status: 503 });
    expect(await requests('/v1/integration/my-jira')).toHaveLength(1);

    await fault({ match: { method: 'GET', path: '/v1/integration/my-jira' }, times: 2, action: { type: 'status', status: 503 } });
    expect(await port.getIntegration('my-jira')).toMatchObject({ identifier: 'my-jira' });
    expect(waits).toHaveLength(2);
  });
});

describe('a Port response that stalls mid-body', () => {
  it.each(['inProcess', 'loopback'] as const)('over %s: the attempt ends at the deadline and is retried', async (transport) => {
    // Long enough that a healthy answer on a busy machine never meets it; only the stalled one does.
    const { t, port, fault, requests, waits, warnings } = await setup(transport, { timeoutMs: 1000 });
    await fault({ match: { method: 'GET', path: '/v1/blueprints/service' }, action: { type: 'stall' } });
    expect(await port.getBlueprint('service')).toMatchObject({ identifier: 'service', title: 'Service' });
    const log = await requests('/v1/blueprints/service');
    expect(log.map((r) => r.status)).toEqual([200, 200]);
    expect(waits).toHaveLength(1);
    expect(warnings).toEqual([`[tide] GET ${new URL(t.baseUrl).host} timed out after 1000 ms; retry 1 of 10 in ${Math.round(waits[0] / 100) / 10} s`]);
  });
});

describe('an unreachable Port', () => {
  it('logs every retry at WARN with the attempt, the wait and the reason, naming the host and no secret', async () => {
    const gone = createPortEmulator({ credentials: [TEST_CREDENTIALS] });
    const baseUrl = await gone.listen(0);
    await gone.close();
    const logger = createMemoryLogger();
    const waits: number[] = [];
    const port = createPortClient({ baseUrl, ...TEST_CREDENTIALS, userAgent: UA, random: () => 0.5, sleep: async (ms) => void waits.push(ms), logger });
    await expect(port.getOrganization()).rejects.toMatchObject({ name: 'NetworkError', attempts: 11 });
    const host = new URL(baseUrl).host;
    expect(logger.records).toHaveLength(10);
    expect(logger.records[0]).toEqual({
      level: 'warn',
      message: `[tide] POST ${host} failed (ECONNREFUSED); retry 1 of 10 in 0.3 s`,
      fields: { method: 'POST', host, attempt: 1, retries: 10, waitMs: 300, reason: 'ECONNREFUSED' },
    });
    expect(logger.records.map((r) => [r.level, r.fields.attempt, r.fields.waitMs])).toEqual(waits.map((ms, i) => ['warn', i + 1, ms]));
    expect(JSON.stringify(logger.records)).not.toContain(TEST_CREDENTIALS.clientSecret);
  });
});
