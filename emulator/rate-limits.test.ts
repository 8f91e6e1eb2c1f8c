import { describe, expect, it } from 'vitest';
import { PortError } from './errors.ts';
import { BUCKET_NAMES, PORT_LIMITS, RateLimiter, bucketFor } from './rate-limits.ts';
import type { RateLimiterOptions } from './rate-limits.ts';

// 2026-05-01T10:00:00Z is a multiple of 300 s, so windows start exactly here.
const T0 = Date.UTC(2026, 4, 1, 10, 0, 0);
const T0S = T0 / 1000;

function limiter(opts: Partial<RateLimiterOptions> = {}) {
  const clock = { ms: T0 };
  const rl = new RateLimiter({ limits: 'port', now: () => clock.ms, ...opts });
  return { rl, clock };
}

function expectInvalid(fn: () => unknown, fieldText: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PortError);
    expect((e as PortError).status).toBe(422);
    expect((e as PortError).code).toBe('invalid_request');
    expect((e as PortError).message).toContain(fieldText);
    return;
  }
  throw new Error('expected invalidRequest');
}

describe('bucketFor', () => {
  const cases: Array<[string, string, boolean, string]> = [
    ['POST', '/v1/auth/access_token', true, 'unauthenticated'],
    ['POST', '/v1/auth/access_token', false, 'unauthenticated'],
    ['GET', '/v1/blueprints', false, 'unauthenticated'],
    ['POST', '/v1/blueprints/svc/entities/bulk', false, 'unauthenticated'],
    ['POST', '/v1/blueprints/svc/entities', true, 'singleUpsert'],
    ['POST', '/v1/blueprints/svc/entities?upsert=true&merge=true', true, 'singleUpsert'],
    ['POST', '/v1/blueprints/svc/entities/bulk', true, 'bulkUpsert'],
    ['POST', '/v1/entities/search', true, 'entitySearch'],
    ['post', '/v1/entities/search?include=identifier', true, 'entitySearch'],
    ['POST', '/v1/blueprints/svc/entities/search', true, 'entitySearch'],
    ['POST', '/v1/blueprints/entities/datasource-entities', true, 'entitySearch'],
    ['GET', '/v1/blueprints/svc/entities', true, 'entities'],
    ['GET', '/v1/blueprints/svc/entities/a1', true, 'entities'],
    ['GET', '/v1/blueprints/svc/entities/search', true, 'entities'], // an entity named "search"
    ['GET', '/v1/blueprints/svc/entities/bulk', true, 'entities'], // an entity named "bulk"
    ['PUT', '/v1/blueprints/svc/entities/a1', true, 'entities'],
    ['PATCH', '/v1/blueprints/svc/entities/a1', true, 'entities'],
    ['DELETE', '/v1/blueprints/svc/entities/a1?delete_dependents=true', true, 'entities'],
    ['GET', '/v1/blueprints/svc/entities/org%2Frepo', true, 'entities'],
    ['POST', '/v1/blueprints/svc/entities/a%2Fbulk', true, 'entities'],
    ['DELETE', '/v1/blueprints/svc/entities/a%2Fb%2Fsearch', true, 'entities'],
    ['POST', '/v1/blueprints/svc/bulk/entities/delete', true, 'entities'],
    ['DELETE', '/v1/blueprints/svc/bulk/entities', true, 'entities'],
    ['GET', '/v1/blueprints', true, 'blueprints'],
    ['POST', '/v1/blueprints?create_catalog_page=true', true, 'blueprints'],
    ['GET', '/v1/blueprints/svc', true, 'blueprints'],
    ['PUT', '/v1/blueprints/svc', true, 'blueprints'],
    ['PATCH', '/v1/blueprints/svc', true, 'blueprints'],
    ['DELETE', '/v1/blueprints/svc', true, 'blueprints'],
    ['DELETE', '/v1/blueprints/svc/all-entities?delete_blueprint=false', true, 'blueprints'],
    ['GET', '/v1/blueprints/entities', true, 'blueprints'], // the blueprint named "entities"
    ['GET', '/v1/organization', true, 'other'],
    ['GET', '/v1/kafka-credentials', true, 'other'],
    ['GET', '/v1/migrations/m1', true, 'other'],
    ['GET', '/v1/integration/my-int', true, 'other'],
    ['PATCH', '/v1/integration/my-int/resync-state', true, 'other'],
    ['POST', '/v1/integration/my-int/kinds/%2Fapi%2Fv1%2Fusers/examples', true, 'other'],
    ['GET', '/v1/integration/provision-enabled', true, 'other'],
  ];
  it.each(cases)('%s %s (auth=%s) → %s', (method, path, auth, bucket) => {
    expect(bucketFor(method, path, auth)).toBe(bucket);
  });

  it('does not read datasource-entities as the entities of a blueprint named "entities"', () => {
    expect(bucketFor('POST', '/v1/blueprints/entities/datasource-entities', true)).toBe('entitySearch');
    // The real entities routes of a blueprint named "entities" still classify normally.
    expect(bucketFor('POST', '/v1/blueprints/entities/entities', true)).toBe('singleUpsert');
    expect(bucketFor('POST', '/v1/blueprints/entities/entities/bulk', true)).toBe('bulkUpsert');
  });
});

describe('PORT_LIMITS', () => {
  it('holds the §3.1 numbers', () => {
    expect(PORT_LIMITS).toEqual({
      unauthenticated: { limit: 100, burst: 10, periodSeconds: 300 },
      singleUpsert: { limit: 10000, burst: 200, periodSeconds: 300 },
      bulkUpsert: { limit: 35000, burst: 3500, periodSeconds: 300 },
      entitySearch: { limit: 35000, burst: 3500, periodSeconds: 300 },
      entities: { limit: 35000, burst: 3500, periodSeconds: 300 },
      blueprints: { limit: 15000, burst: 1500, periodSeconds: 300 },
      other: { limit: 15000, burst: 1500, periodSeconds: 300 },
    });
  });
});

describe('RateLimiter, window mode', () => {
  it('returns the exact headers and refuses once the window is spent', () => {
    const { rl, clock } = limiter({ limits: { unauthenticated: { limit: 3 } } });
    clock.ms = T0 + 10_500;
    expect(rl.take('unauthenticated', 'org_a')).toEqual({
      allowed: true,
      headers: {
        'x-ratelimit-period': '300',
        'x-ratelimit-limit': '3',
        'x-ratelimit-remaining': '2',
        'x-ratelimit-reset': String(T0S + 300),
      },
    });
    expect(rl.take('unauthenticated', 'org_a').headers['x-ratelimit-remaining']).toBe('1');
    expect(rl.take('unauthenticated', 'org_a').headers['x-ratelimit-remaining']).toBe('0');
    expect(rl.take('unauthenticated', 'org_a')).toEqual({
      allowed: false,
      headers: {
        'x-ratelimit-period': '300',
        'x-ratelimit-limit': '3',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(T0S + 300),
        'Retry-After': '290', // 289.5 s rounded up
      },
    });
  });

  it('does not count refused requests and opens a fresh window at the epoch-aligned boundary', () => {
    const { rl, clock } = limiter({ limits: { other: { limit: 2 } } });
    rl.take('other', 'o');
    rl.take('other', 'o');
    for (let i = 0; i < 5; i++) expect(rl.take('other', 'o').allowed).toBe(false);
    expect(rl.state().buckets.other.used).toBe(2);
    clock.ms = T0 + 299_999;
    const last = rl.take('other', 'o');
    expect(last.allowed).toBe(false);
    expect(last.headers['Retry-After']).toBe('1'); // 1 ms left still waits a whole second
    clock.ms = T0 + 300_000;
    const next = rl.take('other', 'o');
    expect(next.allowed).toBe(true);
    expect(next.headers['x-ratelimit-remaining']).toBe('1');
    expect(next.headers['x-ratelimit-reset']).toBe(String(T0S + 600));
  });

  it('keys counters separately and buckets independently', () => {
    const { rl } = limiter({ limits: { bulkUpsert: { limit: 1 }, singleUpsert: { limit: 1 } } });
    expect(rl.take('bulkUpsert', 'org_a').allowed).toBe(true);
    expect(rl.take('bulkUpsert', 'org_b').allowed).toBe(true);
    expect(rl.take('singleUpsert', 'org_a').allowed).toBe(true);
    expect(rl.take('bulkUpsert', 'org_a').allowed).toBe(false);
    expect(rl.state('org_a').buckets.bulkUpsert.used).toBe(1);
    expect(rl.state().buckets.bulkUpsert.used).toBe(2);
  });

  it('with a limit of 0 refuses everything', () => {
    const { rl } = limiter({ limits: { other: { limit: 0 } } });
    const r = rl.take('other', 'o');
    expect(r.allowed).toBe(false);
    expect(r.headers['x-ratelimit-remaining']).toBe('0');
    expect(r.headers['Retry-After']).toBe('300');
  });

  it("'none' enforces nothing but still reports the Port numbers", () => {
    const { rl } = limiter({ limits: 'none' });
    for (let i = 0; i < 150; i++) expect(rl.take('unauthenticated', 'o').allowed).toBe(true);
    const r = rl.take('unauthenticated', 'o');
    expect(r.headers).toEqual({
      'x-ratelimit-period': '300',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(T0S + 300),
    });
    expect(Object.values(rl.state().buckets).every((b) => !b.enforced)).toBe(true);
  });

  it("'port' enforces the §3.1 numbers", () => {
    const { rl } = limiter({ limits: 'port' });
    for (let i = 0; i < 100; i++) expect(rl.take('unauthenticated', 'o').allowed).toBe(true);
    expect(rl.take('unauthenticated', 'o').allowed).toBe(false);
  });

  it('explicit limits enforce only the listed buckets', () => {
    const { rl } = limiter({ limits: { singleUpsert: { limit: 5, periodSeconds: 60 } } });
    const s = rl.state().buckets;
    expect(s.singleUpsert).toMatchObject({ limit: 5, burst: 5, periodSeconds: 60, enforced: true });
    expect(s.bulkUpsert).toMatchObject({ limit: 35000, burst: 3500, periodSeconds: 300, enforced: false });
  });

  it('scale multiplies every limit and burst', () => {
    const { rl } = limiter({ limits: 'port', scale: 0.1 });
    const s = rl.state().buckets;
    expect(s.unauthenticated).toMatchObject({ limit: 10, burst: 1 });
    expect(s.singleUpsert).toMatchObject({ limit: 1000, burst: 20 });
    for (let i = 0; i < 10; i++) rl.take('unauthenticated', 'o');
    expect(rl.take('unauthenticated', 'o').allowed).toBe(false);
    expect(() => new RateLimiter({ limits: 'port', scale: 0, now: () => T0 })).toThrow(RangeError);
  });
});

describe('RateLimiter, token-bucket mode', () => {
  it('allows a burst, then refills at limit/period per second', () => {
    // 300 per 300 s = 1 token per second, capacity 3.
    const { rl, clock } = limiter({ limits: { other: { limit: 300, burst: 3 } }, mode: 'tokenBucket' });
    expect(rl.take('other', 'o').headers).toEqual({
      'x-ratelimit-period': '300',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '2',
      'x-ratelimit-reset': String(T0S),
    });
    rl.take('other', 'o');
    expect(rl.take('other', 'o').headers['x-ratelimit-remaining']).toBe('0');
    const refused = rl.take('other', 'o');
    expect(refused.allowed).toBe(false);
    expect(refused.headers['x-ratelimit-reset']).toBe(String(T0S + 1));
    expect(refused.headers['Retry-After']).toBe('1');
    clock.ms = T0 + 500;
    expect(rl.take('other', 'o').allowed).toBe(false);
    clock.ms = T0 + 1000;
    expect(rl.take('other', 'o').allowed).toBe(true);
    expect(rl.take('other', 'o').allowed).toBe(false);
    clock.ms = T0 + 60_000; // long idle: capped at the burst
    for (let i = 0; i < 3; i++) expect(rl.take('other', 'o').allowed).toBe(true);
    expect(rl.take('other', 'o').allowed).toBe(false);
  });

  it('reports Retry-After in whole seconds, at least 1', () => {
    // 30 per 300 s = one token every 10 s.
    const { rl, clock } = limiter({ limits: { other: { limit: 30, burst: 1 } }, mode: 'tokenBucket' });
    rl.take('other', 'o');
    clock.ms = T0 + 2_500;
    const r = rl.take('other', 'o');
    expect(r.allowed).toBe(false);
    expect(r.headers['Retry-After']).toBe('8'); // 7.5 s left
    expect(r.headers['x-ratelimit-reset']).toBe(String(T0S + 10));
    expect(rl.state('o').buckets.other.used).toBe(1);
    expect(rl.state().buckets.other.resetAt).toBe(new Date(T0 + 10_000).toISOString());
  });
});

describe('RateLimiter admin operations', () => {
  it('state() has the GET /_emulator/rate-limits shape', () => {
    const { rl } = limiter({ limits: 'port' });
    rl.take('entities', 'org_a');
    const s = rl.state();
    expect(s.mode).toBe('window');
    expect(s.scope).toBe('org');
    expect(Object.keys(s.buckets)).toEqual([...BUCKET_NAMES]);
    expect(s.buckets.entities).toEqual({
      limit: 35000, burst: 3500, periodSeconds: 300, enforced: true, used: 1,
      resetAt: '2026-05-01T10:05:00.000Z',
    });
  });

  it('update() applies a partial body; a new limit turns enforcement on', () => {
    const { rl } = limiter({ limits: 'none' });
    const s = rl.update({ buckets: { bulkUpsert: { limit: 1 } } });
    expect(s.buckets.bulkUpsert).toMatchObject({ limit: 1, burst: 3500, periodSeconds: 300, enforced: true });
    expect(s.buckets.singleUpsert.enforced).toBe(false);
    expect(rl.take('bulkUpsert', 'o').allowed).toBe(true);
    expect(rl.take('bulkUpsert', 'o').allowed).toBe(false);
    rl.update({ buckets: { bulkUpsert: { enforced: false } } });
    expect(rl.take('bulkUpsert', 'o').allowed).toBe(true);
  });

  it('update() switches mode and scope and zeroes counters', () => {
    const { rl } = limiter({ limits: 'port' });
    rl.take('other', 'org_a');
    const s = rl.update({ mode: 'tokenBucket', scope: 'client' });
    expect([s.mode, s.scope, s.buckets.other.used]).toEqual(['tokenBucket', 'client', 0]);
    expect(rl.scope).toBe('client');
    expect(rl.keyFor({ orgId: 'org_a', clientId: 'cid' })).toBe('cid');
  });

  it('update() validates and names the field, changing nothing on error', () => {
    const { rl } = limiter({ limits: 'port' });
    expectInvalid(() => rl.update({ buckets: { bogus: { limit: 1 } } }), 'buckets.bogus');
    expectInvalid(() => rl.update({ buckets: { other: { limit: -1 } } }), 'buckets.other.limit');
    expectInvalid(() => rl.update({ buckets: { other: { limit: 1.5 } } }), 'buckets.other.limit');
    expectInvalid(() => rl.update({ buckets: { other: { burst: '5' } } }), 'buckets.other.burst');
    expectInvalid(() => rl.update({ buckets: { other: { periodSeconds: 0 } } }), 'buckets.other.periodSeconds');
    expectInvalid(() => rl.update({ buckets: { other: { enforced: 'yes' } } }), 'buckets.other.enforced');
    expectInvalid(() => rl.update({ buckets: { other: { limits: 5 } } }), 'buckets.other.limits');
    expectInvalid(() => rl.update({ mode: 'sliding' }), 'mode');
    expectInvalid(() => rl.update({ scope: 'user' }), 'scope');
    expectInvalid(() => rl.update({ bucket: {} }), 'bucket');
    expectInvalid(() => rl.update([]), 'body');
    expectInvalid(() => rl.update({ mode: 'tokenBucket', buckets: { other: { limit: -1 } } }), 'buckets.other.limit');
    expect(rl.mode).toBe('window');
    expect(rl.state().buckets.other.limit).toBe(15000);
  });

  it('resetCounters() keeps the configuration; restoreDefaults() restores it', () => {
    const { rl } = limiter({ limits: { other: { limit: 1 } }, scale: 2 });
    rl.take('other', 'o');
    rl.take('other', 'o');
    expect(rl.take('other', 'o').allowed).toBe(false);
    rl.resetCounters();
    expect(rl.state().buckets.other.used).toBe(0);
    expect(rl.take('other', 'o').allowed).toBe(true);
    rl.update({ mode: 'tokenBucket', scope: 'client', buckets: { other: { limit: 9, enforced: false } } });
    rl.restoreDefaults();
    const s = rl.state();
    expect([s.mode, s.scope]).toEqual(['window', 'org']);
    expect(s.buckets.other).toMatchObject({ limit: 2, enforced: true, used: 0 });
  });
});
