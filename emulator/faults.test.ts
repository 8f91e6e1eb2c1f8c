import { describe, expect, it } from 'vitest';
import { PortError } from './errors.ts';
import { FaultRegistry, ROUTE_IDS, globMatch } from './faults.ts';
import type { FaultRequest } from './faults.ts';

function req(method: string, url: string, routeId?: string): FaultRequest {
  const [rawPath, qs = ''] = url.split('?');
  return { method, rawPath, query: new URLSearchParams(qs), routeId };
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

const BULK = req('POST', '/v1/blueprints/svc/entities/bulk?upsert=true', 'entities.bulkUpsert');
const status503 = { type: 'status', status: 503 };

describe('globMatch', () => {
  it('treats * as exactly one segment', () => {
    expect(globMatch('/v1/blueprints/*/entities/bulk', '/v1/blueprints/svc/entities/bulk')).toBe(true);
    expect(globMatch('/v1/blueprints/*/entities', '/v1/blueprints/svc/entities/a1')).toBe(false);
    expect(globMatch('/v1/blueprints/*/entities/*', '/v1/blueprints/svc/entities')).toBe(false);
    expect(globMatch('/v1/*', '/v1/blueprints/svc')).toBe(false);
  });

  it('treats ** as any number of segments, zero included', () => {
    expect(globMatch('/v1/**', '/v1/blueprints/svc/entities/a1')).toBe(true);
    expect(globMatch('/v1/blueprints/**/bulk', '/v1/blueprints/svc/entities/bulk')).toBe(true);
    expect(globMatch('/v1/blueprints/svc/**', '/v1/blueprints/svc')).toBe(true);
    expect(globMatch('/v1/**/search', '/v1/entities/search')).toBe(true);
    expect(globMatch('/v1/**/search', '/v1/entities/search/x')).toBe(false);
  });

  it('never splits on %2F and compares decoded segments', () => {
    expect(globMatch('/v1/blueprints/svc/entities/*', '/v1/blueprints/svc/entities/org%2Frepo')).toBe(true);
    expect(globMatch('/v1/blueprints/svc/entities/*/*', '/v1/blueprints/svc/entities/org%2Frepo')).toBe(false);
    expect(globMatch('/v1/blueprints/svc/entities/org%2frepo', '/v1/blueprints/svc/entities/org%2Frepo')).toBe(true);
    expect(globMatch('/v1/blueprints/svc/entities/a:b', '/v1/blueprints/svc/entities/a%3Ab')).toBe(true);
  });

  it('ignores the query string and a trailing slash', () => {
    expect(globMatch('/v1/entities/search', '/v1/entities/search/?include=x')).toBe(true);
  });
});

describe('FaultRegistry.add validation', () => {
  const reg = new FaultRegistry();
  const cases: Array<[unknown, string]> = [
    [null, 'body'],
    [{ action: status503 }, 'match'],
    [{ match: {}, action: status503, extra: 1 }, 'extra'],
    [{ match: { method: 'PO ST' }, action: status503 }, 'match.method'],
    [{ match: { path: 'v1/x' }, action: status503 }, 'match.path'],
    [{ match: { routeId: 'entities.nope' }, action: status503 }, 'match.routeId'],
    [{ match: { query: { upsert: { a: 1 } } }, action: status503 }, 'match.query.upsert'],
    [{ match: { paths: '/v1' }, action: status503 }, 'match.paths'],
    [{ match: {}, after: -1, action: status503 }, 'after'],
    [{ match: {}, times: 0, action: status503 }, 'times'],
    [{ match: {}, times: -2, action: status503 }, 'times'],
    [{ match: {} }, 'action'],
    [{ match: {}, action: { type: 'explode' } }, 'action.type'],
    [{ match: {}, action: { type: 'status' } }, 'action.status'],
    [{ match: {}, action: { type: 'status', status: 700 } }, 'action.status'],
    [{ match: {}, action: { type: 'status', status: 503, headers: { 'Retry-After': [1] } } }, 'action.headers.Retry-After'],
    [{ match: {}, action: { type: 'latency' } }, 'action.ms'],
    [{ match: {}, action: { type: 'latency', ms: 10, then: { status: 'x' } } }, 'action.then.status'],
    [{ match: {}, action: { type: 'drop', ms: 1 } }, 'action.ms'],
    [{ match: {}, action: { type: 'stall', ms: 1 } }, 'action.ms'],
    [{ match: {}, action: { type: 'partial', indexes: [] } }, 'action.indexes'],
    [{ match: {}, action: { type: 'partial', indexes: [-1] } }, 'action.indexes'],
    [{ match: {}, action: { type: 'partial', indexes: [0], statusCode: 200 } }, 'action.statusCode'],
    [{ match: {}, action: { type: 'failBlueprints', blueprints: 'svc' } }, 'action.blueprints'],
  ];
  it.each(cases)('rejects %j naming %s', (body, field) => {
    expectInvalid(() => reg.add(body), field);
  });

  it('accepts every known route id', () => {
    for (const routeId of ROUTE_IDS) expect(reg.add({ match: { routeId }, action: { type: 'drop' } }).id).toMatch(/^fault_/);
  });

  it('fills in defaults', () => {
    const r = new FaultRegistry();
    r.add({ match: { method: 'post' }, action: { type: 'status', status: 503 } });
    r.add({ match: {}, action: { type: 'status', status: 429 } });
    r.add({ match: {}, action: { type: 'latency', ms: 5, then: { status: 502, headers: { 'x-a': 1 } } } });
    r.add({ match: {}, action: { type: 'partial', indexes: [1, 3] } });
    r.add({ match: { query: { upsert: true } }, action: { type: 'drop' } });
    const [a, b, c, d, e] = r.list();
    expect(a).toEqual({
      id: 'fault_1', match: { method: 'POST' }, after: 0, times: 1, matched: 0, fired: 0, remaining: 1,
      action: { type: 'status', status: 503, headers: {}, body: { ok: false, error: 'internal_error', message: 'injected fault' } },
    });
    expect(b.action).toMatchObject({ body: { ok: false, error: 'rate_limit_exceeded', message: 'injected fault' } });
    expect(c.action).toEqual({
      type: 'latency', ms: 5,
      then: { status: 502, headers: { 'x-a': '1' }, body: { ok: false, error: 'internal_error', message: 'injected fault' } },
    });
    expect(d.action).toEqual({ type: 'partial', indexes: [1, 3], statusCode: 422, error: 'invalid_request', message: 'injected fault' });
    expect(e.match).toEqual({ query: { upsert: 'true' } });
  });
});

describe('FaultRegistry.match', () => {
  it('fires `times` times after skipping `after` matches', () => {
    const r = new FaultRegistry();
    const { id } = r.add({ match: { routeId: 'entities.bulkUpsert' }, after: 2, times: 2, action: status503 });
    const fired = Array.from({ length: 6 }, () => r.match(BULK)?.ruleId);
    expect(fired).toEqual([undefined, undefined, id, id, undefined, undefined]);
    expect(r.list()[0]).toMatchObject({ matched: 6, fired: 2, remaining: 0 });
  });

  it('times -1 fires forever', () => {
    const r = new FaultRegistry();
    r.add({ match: { method: 'POST' }, times: -1, action: { type: 'drop' } });
    for (let i = 0; i < 20; i++) expect(r.match(BULK)).toEqual({ type: 'drop', ruleId: 'fault_1' });
    expect(r.list()[0]).toMatchObject({ fired: 20, remaining: -1 });
  });

  it('with overlapping rules, every matching rule counts but only the first armed one fires', () => {
    const r = new FaultRegistry();
    const a = r.add({ match: { path: '/v1/blueprints/*/entities/bulk' }, after: 1, times: 1, action: status503 }).id;
    const b = r.add({ match: { method: 'POST' }, times: 2, action: { type: 'drop' } }).id;
    // 1st: a has not passed `after`; b fires. 2nd: a is armed and wins; b only counts.
    // 3rd: a is spent; b fires its second time. 4th: nothing left.
    const fired = Array.from({ length: 4 }, () => r.match(BULK)?.ruleId);
    expect(fired).toEqual([b, a, b, undefined]);
    expect(r.list().map((x) => [x.matched, x.fired])).toEqual([[4, 1], [4, 2]]);
  });

  it('an `after` counter advances even while an earlier rule is firing', () => {
    const r = new FaultRegistry();
    const a = r.add({ match: { method: 'POST' }, times: 2, action: status503 }).id;
    const b = r.add({ match: { method: 'POST' }, after: 1, action: { type: 'drop' } }).id;
    expect(Array.from({ length: 4 }, () => r.match(BULK)?.ruleId)).toEqual([a, a, b, undefined]);
  });

  it('matches method, query and path together', () => {
    const r = new FaultRegistry();
    r.add({ match: { method: 'POST', path: '/v1/blueprints/*/entities/bulk', query: { upsert: 'true' } }, times: -1, action: status503 });
    expect(r.match(req('POST', '/v1/blueprints/svc/entities/bulk?upsert=true&merge=true'))).toBeDefined();
    expect(r.match(req('post', '/v1/blueprints/svc/entities/bulk?upsert=true'))).toBeDefined();
    expect(r.match(req('POST', '/v1/blueprints/svc/entities/bulk'))).toBeUndefined();
    expect(r.match(req('POST', '/v1/blueprints/svc/entities/bulk?upsert=false'))).toBeUndefined();
    expect(r.match(req('GET', '/v1/blueprints/svc/entities/bulk?upsert=true'))).toBeUndefined();
    expect(r.match(req('POST', '/v1/blueprints/svc/entities?upsert=true'))).toBeUndefined();
  });

  it('matches a repeated query key on any of its values', () => {
    const r = new FaultRegistry();
    r.add({ match: { query: { include: 'blueprint' } }, times: -1, action: { type: 'drop' } });
    expect(r.match(req('POST', '/v1/entities/search?include=identifier&include=blueprint'))).toBeDefined();
    expect(r.match(req('POST', '/v1/entities/search?include=identifier'))).toBeUndefined();
  });

  it('matches on routeId in place of a path', () => {
    const r = new FaultRegistry();
    r.add({ match: { routeId: 'entities.get' }, times: -1, action: { type: 'status', status: 404 } });
    expect(r.match(req('GET', '/v1/blueprints/svc/entities/a1', 'entities.get'))).toMatchObject({ status: 404 });
    expect(r.match(req('GET', '/v1/blueprints/svc/entities/a1'))).toBeUndefined();
    expect(r.match(req('GET', '/v1/blueprints/svc', 'blueprints.get'))).toBeUndefined();
  });

  it('partial and failBlueprints only match their own route', () => {
    const r = new FaultRegistry();
    r.add({ match: {}, times: -1, action: { type: 'partial', indexes: [0] } });
    r.add({ match: {}, times: -1, action: { type: 'failBlueprints', blueprints: ['svc'] } });
    expect(r.match(req('GET', '/v1/organization', 'organization.get'))).toBeUndefined();
    expect(r.match(BULK)).toMatchObject({ type: 'partial', ruleId: 'fault_1' });
    expect(r.match(req('POST', '/v1/blueprints/svc/entities/bulk'))).toMatchObject({ type: 'partial' });
    expect(r.match(req('POST', '/v1/entities/search', 'entities.search'))).toMatchObject({ type: 'failBlueprints' });
    expect(r.match(req('POST', '/v1/blueprints/svc/entities/search', 'entities.blueprintSearch'))).toBeUndefined();
    expect(r.list().map((x) => x.matched)).toEqual([2, 1]);
  });

  it('returns a copy, so callers cannot change the stored rule', () => {
    const r = new FaultRegistry();
    r.add({ match: {}, times: -1, action: { type: 'status', status: 500, body: { custom: true } } });
    const hit = r.match(BULK);
    if (hit?.type !== 'status') throw new Error('expected a status fault');
    (hit.body as Record<string, unknown>).custom = false;
    expect(r.match(BULK)).toMatchObject({ body: { custom: true } });
  });
});

describe('FaultRegistry.remove and clear', () => {
  it('removes one rule or all', () => {
    const r = new FaultRegistry();
    const a = r.add({ match: {}, times: -1, action: status503 }).id;
    const b = r.add({ match: {}, times: -1, action: { type: 'drop' } }).id;
    expect(r.remove(a)).toBe(true);
    expect(r.remove(a)).toBe(false);
    expect(r.match(BULK)?.ruleId).toBe(b);
    r.clear();
    expect(r.list()).toEqual([]);
    expect(r.match(BULK)).toBeUndefined();
    expect(r.add({ match: {}, action: status503 }).id).not.toBe(b);
  });
});
