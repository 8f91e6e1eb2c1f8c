import { describe, expect, it } from 'vitest';
import {
  checkIdentifier, checkRequired, mergeEntity, normaliseEntityBody, relationTargets,
} from './entity-schema.ts';
import { PortError } from './errors.ts';
import type { Blueprint, EntityRecord, PropertySchema } from './types.ts';

function caught(fn: () => unknown): PortError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PortError) return e;
    throw e;
  }
  throw new Error('expected a PortError');
}

function expectError(fn: () => unknown, code: string, fieldText: string): PortError {
  const e = caught(fn);
  expect(e.status).toBe(422);
  expect(e.code).toBe(code);
  expect(e.message).toContain(fieldText);
  return e;
}

const T = '2026-05-01T10:00:00.000Z';

function blueprint(properties: Record<string, PropertySchema> = {}, required: string[] = []): Blueprint {
  return {
    identifier: 'service',
    title: 'Service',
    schema: { properties, required },
    relations: {
      owner: { target: 'team', required: false, many: false },
      deps: { target: 'service', required: false, many: true },
    },
    mirrorProperties: {},
    calculationProperties: {},
    aggregationProperties: {},
    ownership: null,
    teamInheritance: null,
    changelogDestination: null,
    createdAt: T,
    createdBy: null,
    updatedAt: T,
    updatedBy: null,
  };
}

const bp = blueprint({ language: { type: 'string', enum: ['go', 'ts'] }, replicas: { type: 'number' } });
const lax = { strictProperties: false };
const norm = (body: unknown, b = bp) => normaliseEntityBody(b, body, lax);
const query = { combinator: 'and', rules: [{ property: 'name', operator: '=', value: 'x' }] };

/** Normalise one property value against a single-property blueprint. */
const prop = (schema: PropertySchema, value: unknown) =>
  normaliseEntityBody(blueprint({ p: schema }), { identifier: 'e', properties: { p: value } }, lax).properties.p;
const badProp = (schema: PropertySchema, value: unknown, text = 'properties.p: expected') =>
  expectError(() => prop(schema, value), 'blueprint_schema_mismatch', text);

describe('checkIdentifier', () => {
  it('accepts identifiers per §4 and returns them', () => {
    for (const id of ['svc-a', 'a/b:c+d=e@f\\g', 'Ünï', 'x'.repeat(1000), '...']) expect(checkIdentifier(id)).toBe(id);
  });

  it('rejects type, length and regex failures naming the field and rule', () => {
    expectError(() => checkIdentifier(1), 'invalid_request', 'identifier: expected a string');
    expectError(() => checkIdentifier(''), 'invalid_request', 'identifier: must be 1-1000 characters');
    expectError(() => checkIdentifier('x'.repeat(1001)), 'invalid_request', 'identifier: must be 1-1000 characters');
    for (const bad of ['.', '..', 'a b', 'a#b']) expectError(() => checkIdentifier(bad), 'invalid_request', 'identifier: must match');
    expectError(() => checkIdentifier('a b', 'relations.owner'), 'invalid_request', 'relations.owner: must match');
  });
});

describe('normaliseEntityBody: top-level fields', () => {
  it('returns the §9.1 example normalised', () => {
    const out = norm({
      identifier: 'svc-a', title: 'Service A', icon: 'Go', team: ['platform'], blueprint: 'service',
      properties: { language: 'go', url: null }, relations: { owner: 'team-x', deps: ['svc-b', 'svc-c'] },
    });
    expect(out).toEqual({
      identifier: 'svc-a', title: 'Service A', icon: 'Go', team: ['platform'],
      properties: { language: 'go' }, relations: { owner: 'team-x', deps: ['svc-b', 'svc-c'] },
      relationQueries: {}, droppedProperties: ['url'],
      has: { title: true, icon: true, team: true, properties: true, relations: true },
    });
  });

  it('reports absent keys in has', () => {
    expect(norm({ identifier: 'a' }).has).toEqual({ title: false, icon: false, team: false, properties: false, relations: false });
  });

  it('rejects non-objects and unknown keys, ignores server-owned keys', () => {
    expectError(() => norm([]), 'invalid_request', 'entity: expected an object');
    expectError(() => norm({ identifier: 'a', extra: 1 }), 'invalid_request', 'extra: unknown entity key');
    expect(norm({ identifier: 'a', createdAt: T, updatedBy: 'c' }).identifier).toBe('a');
  });

  it('requires blueprint, when present, to equal the path blueprint', () => {
    expect(norm({ identifier: 'a', blueprint: 'service' }).identifier).toBe('a');
    expectError(() => norm({ identifier: 'a', blueprint: 'team' }), 'invalid_request', 'blueprint: "team" does not match');
  });

  it('requires an identifier unless told otherwise, and checks it', () => {
    expectError(() => norm({ title: 'x' }), 'invalid_request', 'identifier: required');
    const pathRoute = normaliseEntityBody(bp, { title: 'x' }, { strictProperties: false, requireIdentifier: false });
    expect(pathRoute.identifier).toBeUndefined();
    expectError(() => norm({ identifier: '..' }), 'invalid_request', 'identifier: must match');
    expectError(() => norm({ identifier: 5 }), 'invalid_request', 'identifier: expected a string');
  });

  it('returns a search identifier as identifierQuery', () => {
    const out = norm({ identifier: query });
    expect(out.identifierQuery).toEqual(query);
    expect(out.identifier).toBeUndefined();
    expectError(() => norm({ identifier: { combinator: 'xor', rules: [] } }), 'invalid_request', 'identifier.combinator');
    expectError(() => norm({ identifier: { combinator: 'and', rules: {} } }), 'invalid_request', 'identifier.rules');
    expectError(() => norm({ identifier: { combinator: 'and', rules: [{ operator: '=' }] } }), 'invalid_request',
      'identifier.rules[0].property');
    expectError(() => norm({ identifier: { combinator: 'and', rules: [{ combinator: 'or', rules: [1] }] } }), 'invalid_request',
      'identifier.rules[0].rules[0]');
  });

  it('takes title and icon as string or null', () => {
    expect(norm({ identifier: 'a', title: null, icon: null })).toMatchObject({ title: null, icon: null });
    expectError(() => norm({ identifier: 'a', title: 1 }), 'invalid_request', 'title: expected a string or null');
    expectError(() => norm({ identifier: 'a', icon: [] }), 'invalid_request', 'icon: expected a string or null');
  });

  it('stores team as an array and returns a search object as teamQuery', () => {
    expect(norm({ identifier: 'a', team: 'platform' }).team).toEqual(['platform']);
    expect(norm({ identifier: 'a', team: ['a', 'b'] }).team).toEqual(['a', 'b']);
    expect(norm({ identifier: 'a', team: null }).team).toEqual([]);
    const q = norm({ identifier: 'a', team: query });
    expect(q.teamQuery).toEqual(query);
    expect(q.team).toEqual([]);
    expect(q.has.team).toBe(true);
    expectError(() => norm({ identifier: 'a', team: ['a', 2] }), 'invalid_request', 'team[1]: expected a string');
    expectError(() => norm({ identifier: 'a', team: 3 }), 'invalid_request', 'team: expected');
  });
});

describe('normaliseEntityBody: properties', () => {
  it('drops undeclared keys by default and rejects them with strictProperties', () => {
    const out = norm({ identifier: 'a', properties: { language: 'go', extra: 1, more: 'x' } });
    expect(out.properties).toEqual({ language: 'go' });
    expect(out.droppedProperties).toEqual(['extra', 'more']);
    const e = expectError(() => normaliseEntityBody(bp, { identifier: 'a', properties: { extra: 1 } }, { strictProperties: true }),
      'blueprint_schema_mismatch', 'properties.extra');
    expect(e.message).toContain('"service"');
  });

  it('rejects a properties value that is not an object', () => {
    expectError(() => norm({ identifier: 'a', properties: [] }), 'invalid_request', 'properties: expected an object');
    expectError(() => norm({ identifier: 'a', properties: null }), 'invalid_request', 'properties: expected an object');
  });

  it('allows null, meaning clear, whatever the schema', () => {
    expect(prop({ type: 'string', format: 'url', minLength: 3 }, null)).toBeNull();
    expect(prop({ type: 'number', minimum: 1 }, null)).toBeNull();
  });

  it('checks JSON types; number takes integers and floats', () => {
    expect(prop({ type: 'string' }, 'x')).toBe('x');
    expect(prop({ type: 'number' }, 3)).toBe(3);
    expect(prop({ type: 'number' }, -2.5)).toBe(-2.5);
    expect(prop({ type: 'boolean' }, false)).toBe(false);
    expect(prop({ type: 'object' }, { a: [1] })).toEqual({ a: [1] });
    expect(prop({ type: 'array' }, [1, 'a'])).toEqual([1, 'a']);
    badProp({ type: 'string' }, 1, 'properties.p: expected a value of type string, not number');
    badProp({ type: 'number' }, '1', 'properties.p: expected a value of type number, not string');
    badProp({ type: 'boolean' }, 'true', 'type boolean');
    badProp({ type: 'object' }, [], 'type object, not array');
    badProp({ type: 'array' }, {}, 'type array, not object');
  });

  it('checks date-time and timer as ISO instants', () => {
    for (const format of ['date-time', 'timer']) {
      for (const ok of [T, '2026-05-01T10:00:00Z', '2026-05-01T10:00:00+02:00', '2024-02-29T23:59:59.1-05:30']) {
        expect(prop({ type: 'string', format }, ok)).toBe(ok);
      }
      for (const bad of ['2026-05-01', 'yesterday', '2026-02-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-05-01T24:00:00Z',
        '2026-05-01T10:00:00', '2026-05-01 10:00:00Z']) {
        badProp({ type: 'string', format }, bad, `(format ${format})`);
      }
    }
  });

  it('checks url as an absolute http(s) URL', () => {
    expect(prop({ type: 'string', format: 'url' }, 'https://example.com/x?y')).toBe('https://example.com/x?y');
    expect(prop({ type: 'string', format: 'url' }, 'http://localhost:8080')).toBe('http://localhost:8080');
    for (const bad of ['ftp://example.com', '/relative', 'example.com', 'mailto:a@b']) {
      badProp({ type: 'string', format: 'url' }, bad, 'absolute http(s) URL');
    }
  });

  it('checks email, idn-email and user for exactly one @', () => {
    for (const format of ['email', 'idn-email', 'user']) {
      expect(prop({ type: 'string', format }, 'a@b.c')).toBe('a@b.c');
      badProp({ type: 'string', format }, 'ab.c', 'exactly one "@"');
      badProp({ type: 'string', format }, 'a@b@c', 'exactly one "@"');
    }
  });

  it('checks ipv4 and ipv6 address syntax', () => {
    for (const ok of ['0.0.0.0', '192.168.1.255', '10.0.0.1']) expect(prop({ type: 'string', format: 'ipv4' }, ok)).toBe(ok);
    for (const bad of ['256.1.1.1', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d']) {
      badProp({ type: 'string', format: 'ipv4' }, bad, 'an IPv4 address');
    }
    for (const ok of ['::', '::1', '1::', 'fe80::1', '2001:db8:0:0:0:0:2:1', '::ffff:192.0.2.1', '1:2:3:4:5:6:1.2.3.4',
      '1:2:3:4:5:6:7::']) {
      expect(prop({ type: 'string', format: 'ipv6' }, ok)).toBe(ok);
    }
    for (const bad of ['1.2.3.4', '1:2:3:4:5:6:7', '1::2::3', '12345::', 'g::1', 'fe80::1%eth0', ':1::', '1:2:3:4:5:6:7:8:9',
      '::ffff:999.0.0.1']) {
      badProp({ type: 'string', format: 'ipv6' }, bad, 'an IPv6 address');
    }
  });

  it('takes any string for the other formats', () => {
    for (const format of ['markdown', 'yaml', 'team', 'proto', 'labeled-url', 'blueprints']) {
      expect(prop({ type: 'string', format }, 'anything at all')).toBe('anything at all');
    }
  });

  it('checks enum', () => {
    expect(prop({ type: 'string', enum: ['go', 'ts'] }, 'go')).toBe('go');
    badProp({ type: 'string', enum: ['go', 'ts'] }, 'rust', 'properties.p: expected one of ["go","ts"]');
    badProp({ type: 'number', enum: [1, 2] }, 3, 'one of [1,2]');
  });

  it('checks every array element against items, naming its index', () => {
    const s: PropertySchema = { type: 'array', items: { type: 'string', format: 'email', enum: ['a@b', 'c@d'] } };
    expect(prop(s, ['a@b', 'c@d'])).toEqual(['a@b', 'c@d']);
    expect(prop(s, [])).toEqual([]);
    badProp(s, ['a@b', 3], 'properties.p[1]: expected a value of type string');
    badProp(s, ['a@b', 'x@y'], 'properties.p[1]: expected one of');
    badProp({ type: 'array', items: { type: 'string', format: 'url' } }, ['nope'], 'properties.p[0]: expected an absolute');
    badProp({ type: 'array', items: { type: 'number' } }, [1, null], 'properties.p[1]');
  });

  it('checks minLength, maxLength, pattern, minimum and maximum', () => {
    const str: PropertySchema = { type: 'string', minLength: 2, maxLength: 4, pattern: '^[a-z]+$' };
    expect(prop(str, 'abcd')).toBe('abcd');
    badProp(str, 'a', 'at least 2 characters');
    badProp(str, 'abcde', 'at most 4 characters');
    badProp(str, 'AB', 'matching pattern "^[a-z]+$"');
    expect(prop({ type: 'string', maxLength: 1 }, '𝒜')).toBe('𝒜');
    const num: PropertySchema = { type: 'number', minimum: 0, maximum: 10 };
    expect(prop(num, 0)).toBe(0);
    expect(prop(num, 10)).toBe(10);
    badProp(num, -1, 'a number >= 0');
    badProp(num, 10.5, 'a number <= 10');
  });
});

describe('normaliseEntityBody: relations', () => {
  const rel = (relations: unknown) => norm({ identifier: 'a', relations });

  it('rejects relations the blueprint does not declare', () => {
    expectError(() => rel({ manager: 'x' }), 'blueprint_schema_mismatch', 'relations.manager');
    expectError(() => rel([]), 'invalid_request', 'relations: expected an object');
  });

  it('single relations take a string, null or a search object', () => {
    expect(rel({ owner: 'team-x' }).relations).toEqual({ owner: 'team-x' });
    expect(rel({ owner: null }).relations).toEqual({ owner: null });
    const q = rel({ owner: query });
    expect(q.relationQueries).toEqual({ owner: query });
    expect(q.relations).toEqual({});
    expectError(() => rel({ owner: ['a'] }), 'relation_many_violation', 'relations.owner');
    expectError(() => rel({ owner: 5 }), 'invalid_request', 'relations.owner: expected an identifier');
    expectError(() => rel({ owner: 'a b' }), 'invalid_request', 'relations.owner: must match');
    expectError(() => rel({ owner: { combinator: 'and' } }), 'invalid_request', 'relations.owner.rules');
  });

  it('many relations take an array, null (as []) or a search object, and wrap a bare string', () => {
    expect(rel({ deps: ['a', 'b'] }).relations).toEqual({ deps: ['a', 'b'] });
    expect(rel({ deps: 'a' }).relations).toEqual({ deps: ['a'] });
    expect(rel({ deps: null }).relations).toEqual({ deps: [] });
    expect(rel({ deps: query }).relationQueries).toEqual({ deps: query });
    expectError(() => rel({ deps: ['a', '..'] }), 'invalid_request', 'relations.deps[1]: must match');
    expectError(() => rel({ deps: ['a', 1] }), 'invalid_request', 'relations.deps[1]: expected a string');
    expectError(() => rel({ deps: 1 }), 'invalid_request', 'relations.deps: expected an array');
  });
});

function record(over: Partial<EntityRecord> = {}): EntityRecord {
  return {
    rowId: 1, identifier: 'a', blueprint: 'service', title: 'Old', icon: 'Go', team: ['t1'],
    properties: { language: 'go', replicas: 2, meta: { a: 1, b: 2 }, tags: ['x', 'y'] },
    relations: { owner: 'team-x', deps: ['b', 'c'] },
    datasource: null, createdAt: T, createdBy: 'c', updatedAt: T, updatedBy: 'c', ...over,
  };
}

describe('mergeEntity (§9.6)', () => {
  const incoming = (body: Record<string, unknown>) => norm({ identifier: 'a', ...body }, blueprint({
    language: { type: 'string' }, replicas: { type: 'number' }, meta: { type: 'object' }, tags: { type: 'array' },
  }));

  it('merge=true keeps absent fields and replaces present ones key by key', () => {
    const out = mergeEntity(record(), incoming({ icon: null, properties: { replicas: 3, meta: { c: 3 }, tags: ['z'] },
      relations: { deps: ['d'] } }), true);
    expect(out).toEqual({
      title: 'Old', icon: null, team: ['t1'],
      properties: { language: 'go', replicas: 3, meta: { c: 3 }, tags: ['z'] },
      relations: { owner: 'team-x', deps: ['d'] },
    });
  });

  it('merge=true: null clears a property or relation', () => {
    const out = mergeEntity(record(), incoming({ properties: { language: null }, relations: { owner: null, deps: null } }), true);
    expect(out.properties).toEqual({ replicas: 2, meta: { a: 1, b: 2 }, tags: ['x', 'y'] });
    expect(out.relations).toEqual({ deps: [] });
  });

  it('merge=false replaces the whole entity; absent keys become unset', () => {
    const out = mergeEntity(record(), incoming({ properties: { replicas: 5 } }), false);
    expect(out).toEqual({ title: null, icon: null, team: [], properties: { replicas: 5 }, relations: {} });
  });

  it('creates from the body alone when nothing exists', () => {
    for (const merge of [true, false]) {
      expect(mergeEntity(undefined, incoming({ title: 'T', team: 'x', relations: { owner: 'o' } }), merge)).toEqual({
        title: 'T', icon: null, team: ['x'], properties: {}, relations: { owner: 'o' },
      });
    }
  });

  it('does not mutate the stored record', () => {
    const existing = record();
    const before = structuredClone(existing);
    const out = mergeEntity(existing, incoming({ team: ['t2'], properties: { language: 'ts' } }), true);
    out.team.push('t3');
    expect(existing).toEqual(before);
  });
});

describe('checkRequired', () => {
  const req = blueprint({ language: { type: 'string' }, on: { type: 'boolean' }, n: { type: 'number' } }, ['language', 'on', 'n']);
  req.relations.owner.required = true;
  req.relations.deps.required = true;
  const rels = { owner: 'o', deps: ['d'] };

  it('passes when required values are present, falsy ones included', () => {
    expect(() => checkRequired(req, { properties: { language: '', on: false, n: 0 }, relations: rels })).not.toThrow();
  });

  it('names every missing or null required property (blueprint_schema_mismatch)', () => {
    const e = expectError(() => checkRequired(req, { properties: { language: null, on: true }, relations: rels }),
      'blueprint_schema_mismatch', 'properties.language');
    expect(e.message).toContain('properties.n');
    expect(e.message).not.toContain('properties.on');
  });

  it('names every null, missing or empty required relation (required_relation)', () => {
    const props = { language: 'go', on: true, n: 1 };
    const e = expectError(() => checkRequired(req, { properties: props, relations: { owner: null, deps: [] } }),
      'required_relation', 'relations.owner');
    expect(e.message).toContain('relations.deps');
    expectError(() => checkRequired(req, { properties: props, relations: { deps: ['d'] } }), 'required_relation', 'relations.owner');
  });
});

describe('relationTargets', () => {
  it('lists each string target with the target blueprint, skipping null and undeclared relations', () => {
    expect(relationTargets(bp, { owner: 'team-x', deps: ['b', 'c'], gone: 'z' })).toEqual([
      { relation: 'owner', target: 'team', identifier: 'team-x' },
      { relation: 'deps', target: 'service', identifier: 'b' },
      { relation: 'deps', target: 'service', identifier: 'c' },
    ]);
    expect(relationTargets(bp, { owner: null, deps: [] })).toEqual([]);
  });
});
