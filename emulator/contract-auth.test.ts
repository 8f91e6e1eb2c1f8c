import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, TEST_CREDENTIALS, type TestEmulator } from './test-helpers.ts';

/** Contract: docs/port-api.md §6 (tokens), §7 (organization, Kafka credentials), §13.1–13.2 (controls). */

const TOKEN_ROUTE = '/v1/auth/access_token';

function jwtPayload(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function expectEnvelope(body: unknown, error: string): void {
  expect(body).toEqual({ ok: false, error, message: expect.any(String) });
  expect((body as { message: string }).message.length).toBeGreaterThan(0);
}

let t: TestEmulator;

beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

const requestToken = (body: unknown = TEST_CREDENTIALS) => t.call('POST', TOKEN_ROUTE, body, { token: false });

describe('POST /v1/auth/access_token', () => {
  it('answers 200 with the token shape and a fresh 3-hour lifetime', async () => {
    const r = await requestToken();
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true, accessToken: expect.any(String), expiresIn: 10800, tokenType: 'Bearer' });
    const payload = jwtPayload(r.body.accessToken);
    expect(payload).toMatchObject({ orgId: 'org_emulator', clientId: TEST_CREDENTIALS.clientId, isMachine: true, jti: expect.any(String) });
    expect((payload.exp as number) - (payload.iat as number)).toBe(10800);
  });

  it('returns the same still-valid token with its remaining lifetime, so the expiry never moves later', async () => {
    const first = await requestToken();
    await t.admin('POST', '/clock', { advanceSeconds: 600 });
    const second = await requestToken();
    expect(second.status).toBe(200);
    expect(second.body.accessToken).toBe(first.body.accessToken);
    // 600 s passed on the emulator clock; a second boundary may also pass in real time.
    expect(second.body.expiresIn).toBeLessThanOrEqual(10200);
    expect(second.body.expiresIn).toBeGreaterThanOrEqual(10198);
    expect(jwtPayload(second.body.accessToken).exp).toBe(jwtPayload(first.body.accessToken).exp);
  });

  it('answers 401 unauthorized, the same way, for a wrong secret and an unknown client id', async () => {
    const wrongSecret = await requestToken({ clientId: TEST_CREDENTIALS.clientId, clientSecret: 'nope' });
    const unknownClient = await requestToken({ clientId: 'nobody', clientSecret: TEST_CREDENTIALS.clientSecret });
    expect(wrongSecret.status).toBe(401);
    expectEnvelope(wrongSecret.body, 'unauthorized');
    expect(unknownClient.status).toBe(401);
    expect(unknownClient.body).toEqual(wrongSecret.body);
  });

  it('answers 422 invalid_request for extra keys, missing keys and wrong types', async () => {
    for (const body of [
      { ...TEST_CREDENTIALS, extra: 1 },
      { clientId: TEST_CREDENTIALS.clientId },
      { clientSecret: TEST_CREDENTIALS.clientSecret },
      {},
      { clientId: 1, clientSecret: TEST_CREDENTIALS.clientSecret },
    ]) {
      const r = await requestToken(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expectEnvelope(r.body, 'invalid_request');
    }
  });

  it('answers 400 bad_request for a body that is not JSON', async () => {
    const r = await t.call('POST', TOKEN_ROUTE, undefined, { token: false, raw: '{"clientId":' });
    expect(r.status).toBe(400);
    expectEnvelope(r.body, 'bad_request');
  });

  it('carries isMachine from the credential pair', async () => {
    await t.admin('POST', '/credentials', { clientId: 'person@example.com', clientSecret: 's', isMachine: false });
    const r = await requestToken({ clientId: 'person@example.com', clientSecret: 's' });
    expect(r.status).toBe(200);
    expect(jwtPayload(r.body.accessToken)).toMatchObject({ clientId: 'person@example.com', isMachine: false });
  });
});

describe('401 on other /v1 routes', () => {
  it('accepts a valid token', async () => {
    const r = await t.call('GET', '/v1/organization');
    expect(r.status).toBe(200);
  });

  it.each([
    ['missing', {}],
    ['wrong scheme', { authorization: 'Basic dGVzdDp0ZXN0' }],
    ['bare token without scheme', { authorization: 'not-a-token' }],
    ['unknown token', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4In0.c2ln' }],
  ])('answers 401 with the envelope when the token is %s', async (_name, headers) => {
    const r = await t.call('GET', '/v1/organization', undefined, { token: false, headers });
    expect(r.status).toBe(401);
    expectEnvelope(r.body, 'unauthorized');
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('rejects a valid token sent with another scheme', async () => {
    const token = await t.token();
    const r = await t.call('GET', '/v1/organization', undefined, { token: false, headers: { authorization: `Token ${token}` } });
    expect(r.status).toBe(401);
  });

  it('answers 401 once a token is expired through /_emulator/tokens/expire, and then issues a new one', async () => {
    const token = await t.token();
    const expired = await t.admin('POST', '/tokens/expire', { clientId: TEST_CREDENTIALS.clientId });
    expect(expired.status).toBe(200);
    const r = await t.call('GET', '/v1/organization', undefined, { token });
    expect(r.status).toBe(401);
    expectEnvelope(r.body, 'unauthorized');
    const fresh = await requestToken();
    expect(fresh.body.accessToken).not.toBe(token);
    expect(fresh.body.expiresIn).toBe(10800);
    expect((await t.call('GET', '/v1/organization', undefined, { token: fresh.body.accessToken })).status).toBe(200);
  });

  it('expires only the tokens that match, by token value', async () => {
    await t.admin('POST', '/credentials', { clientId: 'other', clientSecret: 'other-secret' });
    const mine = await t.token();
    const other = (await requestToken({ clientId: 'other', clientSecret: 'other-secret' })).body.accessToken as string;
    await t.admin('POST', '/tokens/expire', { token: other });
    expect((await t.call('GET', '/v1/organization', undefined, { token: other })).status).toBe(401);
    expect((await t.call('GET', '/v1/organization', undefined, { token: mine })).status).toBe(200);
  });

  it('expires every token when the body names none', async () => {
    const token = await t.token();
    await t.admin('POST', '/tokens/expire', {});
    expect((await t.call('GET', '/v1/organization', undefined, { token })).status).toBe(401);
  });

  it('answers 401 for a revoked token, and the next token request issues a new one', async () => {
    const token = await t.token();
    const revoked = await t.admin('POST', '/tokens/revoke', { token });
    expect(revoked.status).toBe(200);
    const r = await t.call('GET', '/v1/organization', undefined, { token });
    expect(r.status).toBe(401);
    expectEnvelope(r.body, 'unauthorized');
    const fresh = await requestToken();
    expect(fresh.status).toBe(200);
    expect(fresh.body.accessToken).not.toBe(token);
  });

  it('validates the expire and revoke bodies', async () => {
    expect((await t.admin('POST', '/tokens/expire', { client: 'x' })).status).toBe(422);
    expect((await t.admin('POST', '/tokens/revoke', { clientId: 5 })).status).toBe(422);
  });
});

describe('token policy and clock', () => {
  it('"full" always reports the full lifetime on reuse; "remaining" reports what is left', async () => {
    expect((await t.admin('PUT', '/tokens/config', { expiresInMode: 'full' })).status).toBe(200);
    const first = await requestToken();
    await t.admin('POST', '/clock', { advanceSeconds: 3600 });
    const reused = await requestToken();
    expect(reused.body.accessToken).toBe(first.body.accessToken);
    expect(reused.body.expiresIn).toBe(10800);

    await t.admin('PUT', '/tokens/config', { expiresInMode: 'remaining' });
    const remaining = await requestToken();
    expect(remaining.body.accessToken).toBe(first.body.accessToken);
    expect(remaining.body.expiresIn).toBeLessThanOrEqual(7200);
    expect(remaining.body.expiresIn).toBeGreaterThanOrEqual(7198);
  });

  it('lifetimeSeconds shortens new tokens, and the clock expires them', async () => {
    await t.admin('PUT', '/tokens/config', { lifetimeSeconds: 60 });
    const r = await requestToken();
    expect(r.body.expiresIn).toBe(60);
    const token = r.body.accessToken as string;
    expect((await t.call('GET', '/v1/organization', undefined, { token })).status).toBe(200);
    await t.admin('POST', '/clock', { advanceSeconds: 61 });
    expect((await t.call('GET', '/v1/organization', undefined, { token })).status).toBe(401);
  });

  it('reuse: false issues a new token on every request', async () => {
    await t.admin('PUT', '/tokens/config', { reuse: false });
    const a = await requestToken();
    const b = await requestToken();
    expect(a.body.accessToken).not.toBe(b.body.accessToken);
  });

  it('rejects an invalid token config with 422', async () => {
    expect((await t.admin('PUT', '/tokens/config', { lifetimeSeconds: 0 })).status).toBe(422);
    expect((await t.admin('PUT', '/tokens/config', { expiresInMode: 'sometimes' })).status).toBe(422);
    expect((await t.admin('PUT', '/tokens/config', { lifetime: 5 })).status).toBe(422);
  });

  it('the clock moves token expiry: advance, set and reset', async () => {
    const token = await t.token();
    const get = () => t.call('GET', '/v1/organization', undefined, { token });

    await t.admin('POST', '/clock', { advanceSeconds: 10799 - 5 });
    expect((await get()).status).toBe(200);
    await t.admin('POST', '/clock', { advanceSeconds: 10 });
    expect((await get()).status).toBe(401);

    // Resetting the clock makes the same token valid again: expiry is judged on the emulator clock.
    const reset = await t.admin('POST', '/clock', { reset: true });
    expect(reset.status).toBe(200);
    expect((await get()).status).toBe(200);

    const future = new Date(Date.now() + 4 * 3600 * 1000).toISOString();
    const set = await t.admin('POST', '/clock', { now: future });
    expect(set.status).toBe(200);
    expect(Date.parse(set.body.now)).toBeGreaterThanOrEqual(Date.parse(future));
    expect((await get()).status).toBe(401);
  });

  it('rejects a clock body that mixes or misses fields', async () => {
    expect((await t.admin('POST', '/clock', {})).status).toBe(422);
    expect((await t.admin('POST', '/clock', { advanceSeconds: 1, reset: true })).status).toBe(422);
    expect((await t.admin('POST', '/clock', { now: 'yesterday' })).status).toBe(422);
  });
});

describe('GET /v1/organization', () => {
  it('returns the default organization', async () => {
    const r = await t.call('GET', '/v1/organization');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ok: true,
      organization: { id: 'org_emulator', name: 'Emulator', featureFlags: [], createdAt: expect.any(String), updatedAt: expect.any(String) },
    });
    expect(new Date(r.body.organization.createdAt).toISOString()).toBe(r.body.organization.createdAt);
  });

  it('reflects PUT /_emulator/organization, field by field', async () => {
    const flag = 'OCEAN_KAFKA_INTEGRATION_RESYNC_REQUESTS_TOPIC_ENABLED';
    const put = await t.admin('PUT', '/organization', { featureFlags: [flag] });
    expect(put.status).toBe(200);
    let org = (await t.call('GET', '/v1/organization')).body.organization;
    expect(org).toMatchObject({ id: 'org_emulator', name: 'Emulator', featureFlags: [flag] });

    await t.admin('PUT', '/organization', { id: 'org_other', name: 'Other' });
    org = (await t.call('GET', '/v1/organization')).body.organization;
    expect(org).toMatchObject({ id: 'org_other', name: 'Other', featureFlags: [flag] });
  });

  it('rejects unknown organization fields with 422', async () => {
    const r = await t.admin('PUT', '/organization', { plan: 'enterprise' });
    expect(r.status).toBe(422);
    expectEnvelope(r.body, 'invalid_request');
  });

  it('tokens issued after an id change carry the new org id', async () => {
    await t.admin('PUT', '/organization', { id: 'org_renamed' });
    const r = await requestToken();
    expect(jwtPayload(r.body.accessToken).orgId).toBe('org_renamed');
  });
});

describe('GET /v1/kafka-credentials', () => {
  it('is 404 until credentials are set, 200 after, and 404 again once cleared with null', async () => {
    const none = await t.call('GET', '/v1/kafka-credentials');
    expect(none.status).toBe(404);
    expectEnvelope(none.body, 'not_found');

    const put = await t.admin('PUT', '/kafka-credentials', { username: 'kafka-user', password: 'kafka-pass' });
    expect(put.status).toBe(200);
    const some = await t.call('GET', '/v1/kafka-credentials');
    expect(some.status).toBe(200);
    expect(some.body).toEqual({ ok: true, credentials: { username: 'kafka-user', password: 'kafka-pass' } });

    const cleared = await t.admin('PUT', '/kafka-credentials', null);
    expect(cleared.status).toBe(200);
    expect((await t.call('GET', '/v1/kafka-credentials')).status).toBe(404);
  });

  it('rejects a partial credential body with 422', async () => {
    expect((await t.admin('PUT', '/kafka-credentials', { username: 'u' })).status).toBe(422);
  });

  it('needs a token like every other /v1 route', async () => {
    expect((await t.call('GET', '/v1/kafka-credentials', undefined, { token: false })).status).toBe(401);
  });
});
