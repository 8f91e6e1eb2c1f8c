import { describe, expect, it } from 'vitest';
import {
  BLUEPRINT_ID_RE, ENTITY_ID_RE, PROP_ID_RE, checkBlueprintId, compilePattern, parseBlueprintBody,
} from './blueprint-schema.ts';
import { PortError } from './errors.ts';
import type { Blueprint } from './types.ts';

function caught(fn: () => unknown): PortError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PortError) return e;
    throw e;
  }
  throw new Error('expected a PortError');
}

const existing = new Set(['team', 'service']);
const exists = (id: string) => existing.has(id);
const create = (body: unknown) => parseBlueprintBody(body, 'create', exists);
const invalid = (fn: () => unknown, fieldText: string) => {
  const e = caught(fn);
  expect(e.status).toBe(422);
  expect(e.code).toBe('invalid_request');
  expect(e.message).toContain(fieldText);
  return e;
};

const stored: Blueprint = {
  identifier: 'service',
  title: 'Service',
  icon: 'Service',
  description: 'A service',
  schema: { properties: { language: { type: 'string' } }, required: ['language'] },
  relations: { owner: { target: 'team', required: false, many: false } },
  mirrorProperties: { m: { path: 'owner.$title' } },
  calculationProperties: {},
  aggregationProperties: {},
  ownership: { type: 'Direct' },
  teamInheritance: null,
  changelogDestination: null,
  createdAt: '2026-05-01T10:00:00.000Z',
  createdBy: 'client',
  updatedAt: '2026-05-01T10:00:00.000Z',
  updatedBy: 'client',
};

describe('identifier regexes (§4)', () => {
  it('entity ids take unicode letters, digits and @ _ . + : \\ / = -, never "." or ".."', () => {
    for (const ok of ['svc-a', 'a/b:c+d=e@f\\g_h.i', 'Ünïcödé', '日本', '...', '.a', 'A1']) {
      expect(ENTITY_ID_RE.test(ok), ok).toBe(true);
    }
    for (const bad of ['.', '..', 'a b', 'a#b', '', 'a?b', 'a%2F']) expect(ENTITY_ID_RE.test(bad), bad).toBe(false);
    expect(ENTITY_ID_RE.flags).toContain('u');
  });

  it('blueprint ids are the entity regex without "="', () => {
    expect(BLUEPRINT_ID_RE.test('my_bp-1/x:y+z@w.v')).toBe(true);
    expect(BLUEPRINT_ID_RE.test('Ünï')).toBe(true);
    for (const bad of ['a=b', '.', '..', 'a b', '']) expect(BLUEPRINT_ID_RE.test(bad), bad).toBe(false);
    expect(BLUEPRINT_ID_RE.flags).toContain('u');
  });

  it('property ids take ASCII letters, digits and @ _ = -', () => {
    expect(PROP_ID_RE.test('a=b@c_d-E9')).toBe(true);
    for (const bad of ['a.b', 'a/b', 'a:b', 'ü', '', 'a b']) expect(PROP_ID_RE.test(bad), bad).toBe(false);
    expect(PROP_ID_RE.flags).toContain('u');
  });

  it('checkBlueprintId enforces type, 1-100 characters (code points) and the regex', () => {
    expect(checkBlueprintId('a'.repeat(100))).toBe('a'.repeat(100));
    expect(checkBlueprintId('𝒜'.repeat(100))).toHaveLength(200);
    invalid(() => checkBlueprintId('a'.repeat(101)), 'identifier: must be 1-100 characters');
    invalid(() => checkBlueprintId(''), 'identifier: must be 1-100 characters');
    invalid(() => checkBlueprintId(7), 'identifier: expected a string');
    invalid(() => checkBlueprintId('a=b', 'relations.x.target'), 'relations.x.target: must match');
  });

  it('compilePattern falls back to no flags and reports uncompilable patterns', () => {
    expect(compilePattern('^\\p{L}+$')?.test('é')).toBe(true);
    expect(compilePattern('^a\\-b$')?.test('a-b')).toBe(true);
    expect(compilePattern('(')).toBeNull();
  });
});

describe('parseBlueprintBody: create', () => {
  it('fills defaults for a minimal body', () => {
    expect(create({ identifier: 'svc', title: 'Service' })).toEqual({
      identifier: 'svc',
      title: 'Service',
      icon: null,
      description: null,
      schema: { properties: {}, required: [] },
      relations: {},
      mirrorProperties: {},
      calculationProperties: {},
      aggregationProperties: {},
      ownership: null,
      teamInheritance: null,
      changelogDestination: null,
    });
  });

  it('keeps every field of the §8.2 example', () => {
    const body = {
      identifier: 'svc', title: 'Service', icon: 'Service', description: 'd',
      schema: {
        properties: {
          language: { type: 'string', enum: ['go', 'ts'], title: 'Language', enumColors: { go: 'blue' } },
          url: { type: 'string', format: 'url' },
          tags: { type: 'array', items: { type: 'string' } },
          replicas: { type: 'number', minimum: 0, maximum: 10, default: 1 },
          name: { type: 'string', minLength: 1, maxLength: 20, pattern: '^[a-z]+$' },
        },
        required: ['language'],
      },
      relations: { owner: { target: 'team', required: false, many: false, title: 'Owner', description: 'o' } },
      mirrorProperties: { m: { path: 'owner.$title' } },
      calculationProperties: { c: { calculation: '.title', type: 'string' } },
      aggregationProperties: { a: { target: 'team' } },
      ownership: { type: 'Direct' },
      teamInheritance: { path: 'owner' },
      changelogDestination: { type: 'WEBHOOK', url: 'https://x' },
    };
    expect(create(body)).toEqual(body);
  });

  it('ignores server-owned keys and rejects other unknown top-level keys', () => {
    expect(create({ identifier: 'svc', title: 'S', createdAt: 'x', updatedBy: 'y' })).not.toHaveProperty('createdAt');
    invalid(() => create({ identifier: 'svc', title: 'S', actions: [] }), 'actions: unknown blueprint key');
  });

  it('rejects a body that is not an object', () => {
    invalid(() => create([]), 'body: expected a blueprint object');
    invalid(() => create(null), 'body: expected a blueprint object');
  });

  it('checks the identifier', () => {
    invalid(() => create({ title: 'S' }), 'identifier: expected a string');
    invalid(() => create({ identifier: 'a=b', title: 'S' }), 'identifier: must match');
    invalid(() => create({ identifier: '..', title: 'S' }), 'identifier: must match');
    invalid(() => create({ identifier: 'x'.repeat(101), title: 'S' }), 'identifier: must be 1-100');
    expect(create({ identifier: 'x'.repeat(100), title: 'S' }).identifier).toHaveLength(100);
  });

  it('checks title (required, 1-100) and description (<= 200), icon', () => {
    invalid(() => create({ identifier: 'svc' }), 'title: required');
    invalid(() => create({ identifier: 'svc', title: '' }), 'title: must be 1-100');
    invalid(() => create({ identifier: 'svc', title: 't'.repeat(101) }), 'title: must be 1-100');
    invalid(() => create({ identifier: 'svc', title: 3 }), 'title: expected a string');
    expect(create({ identifier: 'svc', title: 't'.repeat(100) }).title).toHaveLength(100);
    invalid(() => create({ identifier: 'svc', title: 'S', description: 'd'.repeat(201) }), 'description: must be at most 200');
    expect(create({ identifier: 'svc', title: 'S', description: 'd'.repeat(200) }).description).toHaveLength(200);
    expect(create({ identifier: 'svc', title: 'S', description: null }).description).toBeNull();
    invalid(() => create({ identifier: 'svc', title: 'S', description: 5 }), 'description: expected a string');
    invalid(() => create({ identifier: 'svc', title: 'S', icon: {} }), 'icon: expected a string');
  });
});

describe('parseBlueprintBody: schema', () => {
  const withProps = (properties: unknown, required?: unknown) =>
    create({ identifier: 'svc', title: 'S', schema: { properties, ...(required === undefined ? {} : { required }) } });

  it('checks the schema object itself', () => {
    invalid(() => create({ identifier: 'svc', title: 'S', schema: 'x' }), 'schema: expected an object');
    invalid(() => create({ identifier: 'svc', title: 'S', schema: { properties: {}, extra: 1 } }), 'schema.extra: unknown key');
    invalid(() => withProps([]), 'schema.properties: expected an object');
    expect(create({ identifier: 'svc', title: 'S', schema: {} }).schema).toEqual({ properties: {}, required: [] });
  });

  it('requires a known type on each property', () => {
    for (const type of ['string', 'number', 'boolean', 'object', 'array']) {
      expect(withProps({ p: { type } }).schema.properties.p.type).toBe(type);
    }
    invalid(() => withProps({ p: {} }), 'schema.properties.p.type: expected one of string, number, boolean, object, array');
    invalid(() => withProps({ p: { type: 'integer' } }), 'schema.properties.p.type: expected one of');
    invalid(() => withProps({ p: 'string' }), 'schema.properties.p: expected an object');
  });

  it('checks property ids and titles', () => {
    invalid(() => withProps({ 'a.b': { type: 'string' } }), 'schema.properties.a.b: id "a.b" must match');
    invalid(() => withProps({ ['p'.repeat(101)]: { type: 'string' } }), 'must match');
    expect(Object.keys(withProps({ ['p'.repeat(100)]: { type: 'string' } }).schema.properties)).toHaveLength(1);
    invalid(() => withProps({ p: { type: 'string', title: 't'.repeat(101) } }), 'schema.properties.p.title: must be at most 100');
  });

  it('accepts each §8.3 format on strings and rejects others', () => {
    const formats = ['date-time', 'url', 'email', 'idn-email', 'ipv4', 'ipv6', 'markdown', 'yaml', 'user', 'team',
      'timer', 'proto', 'labeled-url', 'blueprints'];
    for (const format of formats) expect(withProps({ p: { type: 'string', format } }).schema.properties.p.format).toBe(format);
    const e = invalid(() => withProps({ url: { type: 'string', format: 'uri' } }), 'schema.properties.url.format: expected one of date-time, url,');
    expect(e.message).toContain('"uri"');
    invalid(() => withProps({ n: { type: 'number', format: 'url' } }), 'schema.properties.n.format: format applies only to type string');
  });

  it('requires enum to be an array of scalars', () => {
    expect(withProps({ p: { type: 'string', enum: ['a', 1, true, null] } }).schema.properties.p.enum).toEqual(['a', 1, true, null]);
    invalid(() => withProps({ p: { type: 'string', enum: 'a' } }), 'schema.properties.p.enum: expected an array of scalars');
    invalid(() => withProps({ p: { type: 'string', enum: ['a', { b: 1 }] } }), 'schema.properties.p.enum[1]: expected a scalar');
  });

  it('checks items on arrays', () => {
    const ok = withProps({ t: { type: 'array', items: { type: 'string', format: 'email', enum: ['a@b'] } } });
    expect(ok.schema.properties.t.items).toEqual({ type: 'string', format: 'email', enum: ['a@b'] });
    invalid(() => withProps({ t: { type: 'array', items: 'string' } }), 'schema.properties.t.items: expected an object');
    invalid(() => withProps({ t: { type: 'array', items: {} } }), 'schema.properties.t.items.type: expected one of');
    invalid(() => withProps({ t: { type: 'array', items: { type: 'text' } } }), 'schema.properties.t.items.type');
    invalid(() => withProps({ t: { type: 'array', items: { type: 'string', format: 'x' } } }), 'schema.properties.t.items.format');
    invalid(() => withProps({ t: { type: 'array', items: { type: 'string', enum: [[1]] } } }), 'schema.properties.t.items.enum[0]');
    invalid(() => withProps({ t: { type: 'string', items: { type: 'string' } } }), 'schema.properties.t.items: applies only to type array');
  });

  it('checks min/max/pattern keywords', () => {
    invalid(() => withProps({ p: { type: 'string', minLength: -1 } }), 'schema.properties.p.minLength: expected a non-negative integer');
    invalid(() => withProps({ p: { type: 'string', maxLength: 1.5 } }), 'schema.properties.p.maxLength');
    invalid(() => withProps({ p: { type: 'number', minimum: '1' } }), 'schema.properties.p.minimum: expected a number');
    invalid(() => withProps({ p: { type: 'number', maximum: null } }), 'schema.properties.p.maximum');
    invalid(() => withProps({ p: { type: 'string', pattern: '(' } }), 'schema.properties.p.pattern: not a valid regular expression');
    invalid(() => withProps({ p: { type: 'string', pattern: 5 } }), 'schema.properties.p.pattern: expected a string');
    expect(withProps({ p: { type: 'string', pattern: '^a+$', minLength: 0 } }).schema.properties.p).toMatchObject({ pattern: '^a+$' });
  });

  it('checks schema.required', () => {
    expect(withProps({ p: { type: 'string' } }, ['p']).schema.required).toEqual(['p']);
    invalid(() => withProps({ p: { type: 'string' } }, ['q']), 'schema.required[0]: "q" is not a property');
    invalid(() => withProps({ p: { type: 'string' } }, 'p'), 'schema.required: expected an array');
    invalid(() => withProps({ p: { type: 'string' } }, [1]), 'schema.required[0]: expected a string');
  });
});

describe('parseBlueprintBody: relations and verbatim fields', () => {
  const withRels = (relations: unknown, id = 'svc') => create({ identifier: id, title: 'S', relations });

  it('defaults required and many to false', () => {
    expect(withRels({ owner: { target: 'team' } }).relations).toEqual({ owner: { target: 'team', required: false, many: false } });
    expect(withRels({ deps: { target: 'service', required: true, many: true } }).relations.deps).toEqual({
      target: 'service', required: true, many: true,
    });
  });

  it('answers 404 not_found naming the relation and the missing target blueprint', () => {
    const e = caught(() => withRels({ owner: { target: 'nope' } }));
    expect(e.status).toBe(404);
    expect(e.code).toBe('not_found');
    expect(e.message).toContain('"owner"');
    expect(e.message).toContain('"nope"');
  });

  it('allows a relation to the blueprint itself', () => {
    expect(withRels({ parent: { target: 'svc' } }).relations.parent.target).toBe('svc');
  });

  it('reports shape errors (422) before missing targets (404)', () => {
    invalid(() => withRels({ owner: { target: 'nope' }, bad: { target: 'team', many: 'yes' } }), 'relations.bad.many');
  });

  it('checks relation ids, objects, targets, flags and keys', () => {
    invalid(() => withRels([]), 'relations: expected an object');
    invalid(() => withRels({ 'a.b': { target: 'team' } }), 'relations.a.b: id "a.b" must match');
    invalid(() => withRels({ owner: 'team' }), 'relations.owner: expected an object');
    invalid(() => withRels({ owner: {} }), 'relations.owner.target: expected a string');
    invalid(() => withRels({ owner: { target: 'a=b' } }), 'relations.owner.target: must match');
    invalid(() => withRels({ owner: { target: 'team', required: 'no' } }), 'relations.owner.required: expected a boolean');
    invalid(() => withRels({ owner: { target: 'team', many: 1 } }), 'relations.owner.many: expected a boolean');
    invalid(() => withRels({ owner: { target: 'team', title: 1 } }), 'relations.owner.title: expected a string');
    invalid(() => withRels({ owner: { target: 'team', path: 'x' } }), 'relations.owner.path: unknown key');
  });

  it('stores mirror/calculation/aggregation maps verbatim but checks their ids', () => {
    const mirror = { 'ok_id': { path: 'a.b', anything: [1, { x: null }] } };
    expect(create({ identifier: 'svc', title: 'S', mirrorProperties: mirror }).mirrorProperties).toEqual(mirror);
    for (const key of ['mirrorProperties', 'calculationProperties', 'aggregationProperties']) {
      invalid(() => create({ identifier: 'svc', title: 'S', [key]: [] }), `${key}: expected an object`);
      invalid(() => create({ identifier: 'svc', title: 'S', [key]: { 'a.b': {} } }), `${key}.a.b: id "a.b" must match`);
    }
  });

  it('stores ownership, teamInheritance and changelogDestination verbatim', () => {
    const out = create({
      identifier: 'svc', title: 'S', ownership: { type: 'Inherited', path: 'x' }, teamInheritance: 'odd', changelogDestination: [1],
    });
    expect(out).toMatchObject({ ownership: { type: 'Inherited', path: 'x' }, teamInheritance: 'odd', changelogDestination: [1] });
  });
});

describe('parseBlueprintBody: replace and patch', () => {
  it('replace requires title and schema and resets absent keys', () => {
    invalid(() => parseBlueprintBody({ schema: {} }, 'replace', exists, stored), 'title: required');
    invalid(() => parseBlueprintBody({ title: 'S' }, 'replace', exists, stored), 'schema: required');
    const out = parseBlueprintBody({ title: 'New', schema: {} }, 'replace', exists, stored);
    expect(out).toMatchObject({
      identifier: 'service', title: 'New', icon: null, description: null, relations: {}, mirrorProperties: {}, ownership: null,
    });
  });

  it('takes the path identifier; a body identifier must equal it', () => {
    expect(parseBlueprintBody({ identifier: 'service', title: 'S', schema: {} }, 'replace', exists, stored).identifier).toBe('service');
    invalid(() => parseBlueprintBody({ identifier: 'other', title: 'S', schema: {} }, 'replace', exists, stored),
      'identifier: "other" does not match the path blueprint');
    invalid(() => parseBlueprintBody({ identifier: 'other' }, 'patch', exists, stored), 'identifier: "other" does not match');
  });

  it('patch replaces only the keys given and returns the full blueprint', () => {
    const out = parseBlueprintBody({ title: 'Renamed', relations: { self: { target: 'service' } } }, 'patch', exists, stored);
    expect(out).toEqual({
      identifier: 'service',
      title: 'Renamed',
      icon: 'Service',
      description: 'A service',
      schema: stored.schema,
      relations: { self: { target: 'service', required: false, many: false } },
      mirrorProperties: stored.mirrorProperties,
      calculationProperties: {},
      aggregationProperties: {},
      ownership: { type: 'Direct' },
      teamInheritance: null,
      changelogDestination: null,
    });
    expect(parseBlueprintBody({}, 'patch', exists, stored).title).toBe('Service');
  });

  it('patch validates what it replaces', () => {
    invalid(() => parseBlueprintBody({ title: '' }, 'patch', exists, stored), 'title: must be 1-100');
    invalid(() => parseBlueprintBody({ schema: { required: ['language'] } }, 'patch', exists, stored), 'schema.required[0]');
    expect(caught(() => parseBlueprintBody({ relations: { x: { target: 'gone' } } }, 'patch', exists, stored)).status).toBe(404);
  });

  it('needs the current blueprint outside create', () => {
    expect(() => parseBlueprintBody({}, 'patch', exists)).toThrow(/needs the current blueprint/);
  });
});
