/**
 * Entity body validation and merge (docs/port-api.md §9.1, §9.2, §9.3, §9.6): pure functions over one entity
 * body and its blueprint. Search objects (identifier, team, relations) are returned unresolved for the
 * caller, which owns the database.
 */
import {
  ENTITY_ID_MAX, ENTITY_ID_RE, charLength, compilePattern, describeValue, isPlainObject,
} from './blueprint-schema.ts';
import { PortError, invalidRequest, schemaMismatch } from './errors.ts';
import type {
  Blueprint, EntityRecord, Json, PropertySchema, RelationValue, SearchQuery, SearchRule,
} from './types.ts';

/** One entity body after validation; search objects are left for the caller to resolve. */
export interface NormalisedEntity {
  /** The identifier when the body gave a string. */
  identifier?: string;
  /** The identifier when the body gave a search object (§9.4). */
  identifierQuery?: SearchQuery;
  title: string | null;
  icon: string | null;
  /** `[]` when the body gave a search object; the caller replaces it after resolving `teamQuery`. */
  team: string[];
  teamQuery?: SearchQuery;
  /** Declared properties only; `null` means clear. */
  properties: Record<string, Json>;
  /** String-valued relations; a `many` relation is always an array (`null` becomes `[]`). */
  relations: Record<string, RelationValue>;
  /** Relations given as search objects; absent from `relations` until the caller resolves them. */
  relationQueries: Record<string, SearchQuery>;
  /** Undeclared property keys that were ignored (§9.2 step 3). */
  droppedProperties: string[];
  /** Which keys the body carried, for merge semantics (§9.6). */
  has: { title: boolean; icon: boolean; team: boolean; properties: boolean; relations: boolean };
}

/** The mutable part of an entity after a write. */
export interface EntityContent {
  title: string | null;
  icon: string | null;
  team: string[];
  properties: Record<string, Json>;
  relations: Record<string, RelationValue>;
}

const BODY_KEYS = new Set(['identifier', 'blueprint', 'title', 'icon', 'team', 'properties', 'relations']);
// Entities read back carry these; a client echoing one back should not be refused for it.
const SERVER_KEYS = new Set(['createdAt', 'createdBy', 'updatedAt', 'updatedBy']);

const ISO_INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/i;
const IPV4_RE = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP_RE = /^[0-9a-f]{1,4}$/i;

/**
 * Throw 422 `invalid_request` unless `id` is a valid entity identifier (§4): a string of 1–1000
 * characters matching `ENTITY_ID_RE`. Returns the identifier.
 */
export function checkIdentifier(id: unknown, field = 'identifier'): string {
  if (typeof id !== 'string') throw invalidRequest(`${field}: expected a string, got ${describeValue(id)}`);
  // Code points never outnumber UTF-16 units, so short strings skip the count.
  const len = id.length <= ENTITY_ID_MAX ? id.length : charLength(id);
  if (len < 1 || len > ENTITY_ID_MAX) {
    throw invalidRequest(`${field}: must be 1-${ENTITY_ID_MAX} characters, got ${len}`);
  }
  if (!ENTITY_ID_RE.test(id)) {
    throw invalidRequest(
      `${field}: must match ${ENTITY_ID_RE} (letters, digits and @ _ . + : \\ / = -, not "." or ".."), got ${describeValue(id)}`,
    );
  }
  return id;
}

/** True for a `{combinator, rules}` object; throws 422 when it has that shape but is malformed. */
function asSearchQuery(v: unknown, field: string): SearchQuery | null {
  if (!isPlainObject(v) || !('combinator' in v || 'rules' in v)) return null;
  checkQuery(v, field);
  return v as unknown as SearchQuery;
}

function checkQuery(v: Record<string, unknown>, field: string): void {
  if (v.combinator !== 'and' && v.combinator !== 'or') {
    throw invalidRequest(`${field}.combinator: expected "and" or "or", got ${describeValue(v.combinator)}`);
  }
  if (!Array.isArray(v.rules)) throw invalidRequest(`${field}.rules: expected an array, got ${describeValue(v.rules)}`);
  v.rules.forEach((rule: unknown, i: number) => {
    const at = `${field}.rules[${i}]`;
    if (!isPlainObject(rule)) throw invalidRequest(`${at}: expected a rule object, got ${describeValue(rule)}`);
    if ('combinator' in rule) return checkQuery(rule, at);
    const r = rule as Partial<SearchRule>;
    if (typeof r.property !== 'string') throw invalidRequest(`${at}.property: expected a string, got ${describeValue(r.property)}`);
    if (typeof r.operator !== 'string') throw invalidRequest(`${at}.operator: expected a string, got ${describeValue(r.operator)}`);
  });
}

function isIsoInstant(s: string): boolean {
  const m = ISO_INSTANT_RE.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  // Date.UTC rolls 31 February over into March; the round trip catches it.
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d;
}

function isUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function isIpv6(s: string): boolean {
  let body = s;
  const tail = s.slice(s.lastIndexOf(':') + 1);
  if (tail.includes('.')) {
    if (!IPV4_RE.test(tail)) return false;
    // An embedded IPv4 tail stands for the last two groups.
    body = `${s.slice(0, s.length - tail.length)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const parts = halves.map((h) => (h === '' ? [] : h.split(':')));
  if (!parts.every((p) => p.every((g) => HEX_GROUP_RE.test(g)))) return false;
  const count = parts.reduce((n, p) => n + p.length, 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

const FORMAT_CHECKS: Record<string, { test: (s: string) => boolean; expected: string }> = {
  'date-time': { test: isIsoInstant, expected: 'an ISO 8601 instant (e.g. 2026-05-01T10:00:00.000Z)' },
  timer: { test: isIsoInstant, expected: 'an ISO 8601 instant (e.g. 2026-05-01T10:00:00.000Z)' },
  url: { test: isUrl, expected: 'an absolute http(s) URL' },
  email: { test: (s) => s.split('@').length === 2, expected: 'an address with exactly one "@"' },
  'idn-email': { test: (s) => s.split('@').length === 2, expected: 'an address with exactly one "@"' },
  user: { test: (s) => s.split('@').length === 2, expected: 'an address with exactly one "@"' },
  ipv4: { test: (s) => IPV4_RE.test(s), expected: 'an IPv4 address' },
  ipv6: { test: isIpv6, expected: 'an IPv6 address' },
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function matchesType(v: unknown, type: string | undefined): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'boolean': return typeof v === 'boolean';
    case 'object': return isPlainObject(v);
    case 'array': return Array.isArray(v);
    default: return true;
  }
}

type ValueSchema = Pick<PropertySchema, 'format' | 'enum' | 'minLength' | 'maxLength' | 'pattern' | 'minimum' | 'maximum'> & {
  type?: string;
};

const patterns = new Map<string, RegExp | null>();
function cachedPattern(pattern: string): RegExp | null {
  let re = patterns.get(pattern);
  if (re === undefined) {
    re = compilePattern(pattern);
    patterns.set(pattern, re);
  }
  return re;
}

/** Check one non-null value against a property (or `items`) schema; throws 422 blueprint_schema_mismatch. */
// A module-level function, not a per-call closure: this runs for every property of every entity.
function mismatch(field: string, v: Json, expected: string): PortError {
  return schemaMismatch(`${field}: expected ${expected}, got ${describeValue(v)}`);
}

function checkValue(v: Json, s: ValueSchema, field: string): void {
  if (!matchesType(v, s.type)) throw mismatch(field, v, `a value of type ${s.type}, not ${typeName(v)}`);
  if (s.enum && !s.enum.some((e) => e === v)) throw mismatch(field, v, `one of ${describeValue(s.enum)}`);
  if (typeof v === 'string') {
    const check = s.format ? FORMAT_CHECKS[s.format] : undefined;
    if (check && !check.test(v)) throw mismatch(field, v, `${check.expected} (format ${s.format})`);
    if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
      const len = charLength(v);
      if (typeof s.minLength === 'number' && len < s.minLength) throw mismatch(field, v, `at least ${s.minLength} characters`);
      if (typeof s.maxLength === 'number' && len > s.maxLength) throw mismatch(field, v, `at most ${s.maxLength} characters`);
    }
    if (typeof s.pattern === 'string') {
      const re = cachedPattern(s.pattern);
      if (re && !re.test(v)) throw mismatch(field, v, `a string matching pattern ${describeValue(s.pattern)}`);
    }
  }
  if (typeof v === 'number') {
    if (typeof s.minimum === 'number' && v < s.minimum) throw mismatch(field, v, `a number >= ${s.minimum}`);
    if (typeof s.maximum === 'number' && v > s.maximum) throw mismatch(field, v, `a number <= ${s.maximum}`);
  }
}

function checkProperty(v: Json, s: PropertySchema, field: string): void {
  checkValue(v, s, field);
  if (Array.isArray(v) && s.items) {
    const items = s.items as ValueSchema;
    v.forEach((e, i) => checkValue(e, items, `${field}[${i}]`));
  }
}

function nullableString(v: unknown, field: string): string | null {
  if (v === null || typeof v === 'string') return v;
  throw invalidRequest(`${field}: expected a string or null, got ${describeValue(v)}`);
}

function parseTeam(v: unknown, out: NormalisedEntity): void {
  const query = asSearchQuery(v, 'team');
  if (query) {
    out.teamQuery = query;
    return;
  }
  if (v === null) return;
  if (typeof v === 'string') {
    out.team = [v];
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((t, i) => {
      if (typeof t !== 'string') throw invalidRequest(`team[${i}]: expected a string, got ${describeValue(t)}`);
    });
    out.team = [...(v as string[])];
    return;
  }
  throw invalidRequest(`team: expected a string, an array of strings, null or a search object, got ${describeValue(v)}`);
}

function parseRelation(bp: Blueprint, id: string, v: unknown, out: NormalisedEntity): void {
  const field = `relations.${id}`;
  const rel = bp.relations[id];
  if (!rel) {
    throw schemaMismatch(`${field}: blueprint "${bp.identifier}" has no relation "${id}"`);
  }
  const query = asSearchQuery(v, field);
  if (query) {
    out.relationQueries[id] = query;
    return;
  }
  if (rel.many) {
    if (v === null) out.relations[id] = [];
    else if (typeof v === 'string') out.relations[id] = [checkIdentifier(v, field)];
    else if (Array.isArray(v)) out.relations[id] = v.map((t, i) => checkIdentifier(t, `${field}[${i}]`));
    else throw invalidRequest(`${field}: expected an array of identifiers, null or a search object, got ${describeValue(v)}`);
    return;
  }
  if (Array.isArray(v)) {
    throw new PortError(422, 'relation_many_violation',
      `${field}: relation "${id}" is not many, so it takes one identifier, not an array`);
  }
  if (v === null) out.relations[id] = null;
  else if (typeof v === 'string') out.relations[id] = checkIdentifier(v, field);
  else throw invalidRequest(`${field}: expected an identifier, null or a search object, got ${describeValue(v)}`);
}

/**
 * Validate one entity body against its blueprint (§9.1, §9.2 steps 2–4 and 6). Undeclared property keys
 * are dropped (listed in `droppedProperties`) or, with `strictProperties`, rejected with 422
 * `blueprint_schema_mismatch`. `requireIdentifier` (default true) is off for routes whose path names the
 * entity. Required checks need the merged entity: see `mergeEntity` and `checkRequired`.
 *
 * @example normaliseEntityBody(bp, { identifier: 'svc-a', properties: { language: 'go' } }, { strictProperties: false })
 */
export function normaliseEntityBody(
  bp: Blueprint,
  body: unknown,
  opts: { strictProperties: boolean; requireIdentifier?: boolean },
): NormalisedEntity {
  if (!isPlainObject(body)) throw invalidRequest(`entity: expected an object, got ${describeValue(body)}`);
  for (const key of Object.keys(body)) {
    if (!BODY_KEYS.has(key) && !SERVER_KEYS.has(key)) {
      throw invalidRequest(`${key}: unknown entity key; expected ${[...BODY_KEYS].join(', ')}`);
    }
  }
  if (body.blueprint !== undefined && body.blueprint !== bp.identifier) {
    throw invalidRequest(`blueprint: ${describeValue(body.blueprint)} does not match the path blueprint "${bp.identifier}"`);
  }
  const out: NormalisedEntity = {
    title: null,
    icon: null,
    team: [],
    properties: {},
    relations: {},
    relationQueries: {},
    droppedProperties: [],
    has: {
      title: 'title' in body,
      icon: 'icon' in body,
      team: 'team' in body,
      properties: 'properties' in body,
      relations: 'relations' in body,
    },
  };

  if (body.identifier === undefined) {
    if (opts.requireIdentifier ?? true) throw invalidRequest('identifier: required');
  } else {
    const query = asSearchQuery(body.identifier, 'identifier');
    if (query) out.identifierQuery = query;
    else out.identifier = checkIdentifier(body.identifier);
  }
  if (out.has.title) out.title = nullableString(body.title, 'title');
  if (out.has.icon) out.icon = nullableString(body.icon, 'icon');
  if (out.has.team) parseTeam(body.team, out);

  if (out.has.properties) {
    if (!isPlainObject(body.properties)) {
      throw invalidRequest(`properties: expected an object, got ${describeValue(body.properties)}`);
    }
    const declared = bp.schema.properties;
    const unknown = Object.keys(body.properties).filter((k) => !Object.hasOwn(declared, k));
    if (unknown.length > 0 && opts.strictProperties) {
      throw schemaMismatch(
        `properties: blueprint "${bp.identifier}" does not declare ${unknown.map((k) => `properties.${k}`).join(', ')}`,
      );
    }
    out.droppedProperties = unknown;
    for (const [id, v] of Object.entries(body.properties)) {
      if (!Object.hasOwn(declared, id)) continue;
      if (v !== null) checkProperty(v as Json, declared[id], `properties.${id}`);
      out.properties[id] = v as Json;
    }
  }

  if (out.has.relations) {
    if (!isPlainObject(body.relations)) {
      throw invalidRequest(`relations: expected an object, got ${describeValue(body.relations)}`);
    }
    for (const [id, v] of Object.entries(body.relations)) parseRelation(bp, id, v, out);
  }
  return out;
}

function withoutNulls<T>(rec: Record<string, T | null>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) if (v !== null) out[k] = v;
  return out;
}

/**
 * Apply §9.6: with `merge`, fields present in the body replace the stored ones and `properties` /
 * `relations` merge key by key (values replaced whole, `null` clears); without `merge`, the body replaces
 * the entity and absent keys become unset. Identifier, blueprint and creation meta are the caller's and
 * never change. Cleared (`null`) keys are left out of the result; canonical output re-adds them as null.
 * Resolve `teamQuery`/`relationQueries` into `team`/`relations` before calling.
 */
export function mergeEntity(
  existing: EntityRecord | undefined,
  incoming: Pick<NormalisedEntity, 'title' | 'icon' | 'team' | 'properties' | 'relations' | 'has'>,
  merge: boolean,
): EntityContent {
  const base: EntityContent = merge && existing
    ? existing
    : { title: null, icon: null, team: [], properties: {}, relations: {} };
  const { has } = incoming;
  return {
    title: has.title ? incoming.title : base.title,
    icon: has.icon ? incoming.icon : base.icon,
    team: has.team ? [...incoming.team] : [...base.team],
    properties: withoutNulls({ ...base.properties, ...(has.properties ? incoming.properties : {}) }),
    relations: withoutNulls({ ...base.relations, ...(has.relations ? incoming.relations : {}) }),
  };
}

/**
 * Check the required properties and relations of the resulting entity (§9.2 steps 5 and 6): a required
 * property must be non-null (422 `blueprint_schema_mismatch`); a required relation must be non-null and
 * non-empty (422 `required_relation`). Each error names every offending key.
 */
export function checkRequired(
  bp: Blueprint,
  result: Pick<EntityContent, 'properties' | 'relations'>,
): void {
  const missingProps = bp.schema.required.filter((id) => result.properties[id] == null);
  if (missingProps.length > 0) {
    throw schemaMismatch(
      `${missingProps.map((id) => `properties.${id}`).join(', ')}: required by blueprint "${bp.identifier}" but missing or null`,
    );
  }
  const missingRels = Object.entries(bp.relations)
    .filter(([id, rel]) => {
      const v = result.relations[id];
      return rel.required && (v == null || (Array.isArray(v) && v.length === 0));
    })
    .map(([id]) => id);
  if (missingRels.length > 0) {
    throw new PortError(422, 'required_relation',
      `${missingRels.map((id) => `relations.${id}`).join(', ')}: required by blueprint "${bp.identifier}" but missing or empty`);
  }
}

/** Every string relation target to resolve, with the blueprint it must belong to (§9.3). */
export function relationTargets(
  bp: Blueprint,
  relations: Record<string, RelationValue>,
): Array<{ relation: string; target: string; identifier: string }> {
  const out: Array<{ relation: string; target: string; identifier: string }> = [];
  for (const [relation, v] of Object.entries(relations)) {
    const rel = bp.relations[relation];
    if (!rel || v === null) continue;
    for (const identifier of Array.isArray(v) ? v : [v]) out.push({ relation, target: rel.target, identifier });
  }
  return out;
}
