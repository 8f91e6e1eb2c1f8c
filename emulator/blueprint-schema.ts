/**
 * Blueprint body validation (docs/port-api.md §4, §8.2, §8.3): pure functions that turn a POST/PUT/PATCH
 * body into the blueprint fields the store keeps. No database access; callers pass `blueprintExists`.
 */
import { invalidRequest, notFound } from './errors.ts';
import type { Blueprint, Json, JsonObject, PropertySchema, RelationSchema } from './types.ts';

/** Entity identifiers and relation target values (§4). */
export const ENTITY_ID_RE = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/=-]+$/u;
/** Blueprint identifiers: the entity regex without `=` (§4). */
export const BLUEPRINT_ID_RE = /^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$/u;
/** Property, relation, mirror, calculation and aggregation ids (§4). */
export const PROP_ID_RE = /^[A-Za-z0-9@_=-]+$/u;

export const ENTITY_ID_MAX = 1000;
export const BLUEPRINT_ID_MAX = 100;
export const PROP_ID_MAX = 100;
export const BLUEPRINT_TITLE_MAX = 100;
export const BLUEPRINT_DESCRIPTION_MAX = 200;
export const PROPERTY_TITLE_MAX = 100;

export const PROPERTY_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;
export const PROPERTY_FORMATS = [
  'date-time', 'url', 'email', 'idn-email', 'ipv4', 'ipv6', 'markdown', 'yaml',
  'user', 'team', 'timer', 'proto', 'labeled-url', 'blueprints',
] as const;

/** The blueprint as stored, minus the timestamps and authors the caller stamps on. */
export interface BlueprintFields {
  identifier: string;
  title: string;
  icon: string | null;
  description: string | null;
  schema: { properties: Record<string, PropertySchema>; required: string[] };
  relations: Record<string, RelationSchema>;
  mirrorProperties: JsonObject;
  calculationProperties: JsonObject;
  aggregationProperties: JsonObject;
  ownership: Json;
  teamInheritance: Json;
  changelogDestination: Json;
}

type Mode = 'create' | 'replace' | 'patch';

const TOP_LEVEL_KEYS = new Set([
  'identifier', 'title', 'icon', 'description', 'schema', 'relations', 'mirrorProperties',
  'calculationProperties', 'aggregationProperties', 'ownership', 'teamInheritance', 'changelogDestination',
]);
// A client may PUT back a blueprint it fetched; the server owns these, so they are ignored, not rejected.
const SERVER_KEYS = new Set(['createdAt', 'createdBy', 'updatedAt', 'updatedBy']);
const ID_MAPS = ['mirrorProperties', 'calculationProperties', 'aggregationProperties'] as const;
const VERBATIM = ['ownership', 'teamInheritance', 'changelogDestination'] as const;
const RELATION_KEYS = new Set(['target', 'required', 'many', 'title', 'description']);
const ITEM_TYPES: readonly string[] = PROPERTY_TYPES;
const FORMATS: readonly string[] = PROPERTY_FORMATS;

/** Length in code points, so a letter outside the BMP counts once. */
export const charLength = (s: string): number => [...s].length;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON-ish rendering of a value for error messages, kept short. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Compile a schema `pattern`. JSON Schema patterns are ECMA-262; `u` is tried first so `\p{…}` works,
 * then no flags, because some patterns valid without `u` (e.g. `\-` outside a class) fail with it.
 */
export function compilePattern(pattern: string): RegExp | null {
  for (const flags of ['u', '']) {
    try {
      return new RegExp(pattern, flags);
    } catch {
      // try the next flag set
    }
  }
  return null;
}

/** Throw 422 `invalid_request` unless `id` is a valid blueprint identifier. */
export function checkBlueprintId(id: unknown, field = 'identifier'): string {
  if (typeof id !== 'string') throw invalidRequest(`${field}: expected a string, got ${describeValue(id)}`);
  const len = charLength(id);
  if (len < 1 || len > BLUEPRINT_ID_MAX) {
    throw invalidRequest(`${field}: must be 1-${BLUEPRINT_ID_MAX} characters, got ${len}`);
  }
  if (!BLUEPRINT_ID_RE.test(id)) {
    throw invalidRequest(
      `${field}: must match ${BLUEPRINT_ID_RE} (letters, digits and @ _ . + : \\ / -, not "." or ".."), got ${describeValue(id)}`,
    );
  }
  return id;
}

function checkPropId(id: string, field: string): void {
  if (charLength(id) > PROP_ID_MAX || !PROP_ID_RE.test(id)) {
    throw invalidRequest(`${field}: id ${describeValue(id)} must match ${PROP_ID_RE} and be 1-${PROP_ID_MAX} characters`);
  }
}

function optionalString(v: unknown, field: string, max?: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalidRequest(`${field}: expected a string or null, got ${describeValue(v)}`);
  if (max !== undefined && charLength(v) > max) {
    throw invalidRequest(`${field}: must be at most ${max} characters, got ${charLength(v)}`);
  }
  return v;
}

function checkTitle(v: unknown): string {
  if (typeof v !== 'string') throw invalidRequest(`title: expected a string, got ${describeValue(v)}`);
  const len = charLength(v);
  if (len < 1 || len > BLUEPRINT_TITLE_MAX) {
    throw invalidRequest(`title: must be 1-${BLUEPRINT_TITLE_MAX} characters, got ${len}`);
  }
  return v;
}

function checkEnum(v: unknown, field: string): Json[] {
  if (!Array.isArray(v)) throw invalidRequest(`${field}: expected an array of scalars, got ${describeValue(v)}`);
  v.forEach((e, i) => {
    if (e !== null && typeof e !== 'string' && typeof e !== 'number' && typeof e !== 'boolean') {
      throw invalidRequest(`${field}[${i}]: expected a scalar (string, number, boolean or null), got ${describeValue(e)}`);
    }
  });
  return v as Json[];
}

function checkType(v: unknown, field: string, allowed: readonly string[]): string {
  if (typeof v !== 'string' || !allowed.includes(v)) {
    throw invalidRequest(`${field}: expected one of ${allowed.join(', ')}, got ${describeValue(v)}`);
  }
  return v;
}

function checkFormat(v: unknown, type: string, field: string): void {
  if (typeof v !== 'string' || !FORMATS.includes(v)) {
    throw invalidRequest(`${field}: expected one of ${FORMATS.join(', ')}, got ${describeValue(v)}`);
  }
  if (type !== 'string') throw invalidRequest(`${field}: format applies only to type string, not ${type}`);
}

function checkItems(v: unknown, field: string): NonNullable<PropertySchema['items']> {
  if (!isPlainObject(v)) throw invalidRequest(`${field}: expected an object {type, format?, enum?}, got ${describeValue(v)}`);
  const type = checkType(v.type, `${field}.type`, ITEM_TYPES);
  if (v.format !== undefined) checkFormat(v.format, type, `${field}.format`);
  if (v.enum !== undefined) checkEnum(v.enum, `${field}.enum`);
  return { ...v, type } as NonNullable<PropertySchema['items']>;
}

function checkProperty(id: string, v: unknown): PropertySchema {
  const field = `schema.properties.${id}`;
  checkPropId(id, field);
  if (!isPlainObject(v)) throw invalidRequest(`${field}: expected an object, got ${describeValue(v)}`);
  const type = checkType(v.type, `${field}.type`, PROPERTY_TYPES) as PropertySchema['type'];
  if (v.format !== undefined) checkFormat(v.format, type, `${field}.format`);
  if (v.enum !== undefined) checkEnum(v.enum, `${field}.enum`);
  if (v.items !== undefined) {
    if (type !== 'array') throw invalidRequest(`${field}.items: applies only to type array, not ${type}`);
    checkItems(v.items, `${field}.items`);
  }
  for (const key of ['minLength', 'maxLength'] as const) {
    const n = v[key];
    if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
      throw invalidRequest(`${field}.${key}: expected a non-negative integer, got ${describeValue(n)}`);
    }
  }
  for (const key of ['minimum', 'maximum'] as const) {
    const n = v[key];
    if (n !== undefined && !(typeof n === 'number' && Number.isFinite(n))) {
      throw invalidRequest(`${field}.${key}: expected a number, got ${describeValue(n)}`);
    }
  }
  if (v.pattern !== undefined) {
    if (typeof v.pattern !== 'string') throw invalidRequest(`${field}.pattern: expected a string, got ${describeValue(v.pattern)}`);
    if (!compilePattern(v.pattern)) throw invalidRequest(`${field}.pattern: not a valid regular expression: ${describeValue(v.pattern)}`);
  }
  if (v.title !== undefined) optionalString(v.title, `${field}.title`, PROPERTY_TITLE_MAX);
  // Other keywords (description, icon, default, enumColors, spec, ...) are stored as given (§8.3).
  return { ...v, type } as PropertySchema;
}

function parseSchema(v: unknown): BlueprintFields['schema'] {
  if (!isPlainObject(v)) throw invalidRequest(`schema: expected an object {properties, required}, got ${describeValue(v)}`);
  for (const key of Object.keys(v)) {
    if (key !== 'properties' && key !== 'required') {
      throw invalidRequest(`schema.${key}: unknown key; expected properties, required`);
    }
  }
  const props = v.properties ?? {};
  if (!isPlainObject(props)) throw invalidRequest(`schema.properties: expected an object, got ${describeValue(props)}`);
  const properties: Record<string, PropertySchema> = {};
  for (const [id, p] of Object.entries(props)) properties[id] = checkProperty(id, p);
  const req = v.required ?? [];
  if (!Array.isArray(req)) throw invalidRequest(`schema.required: expected an array of property ids, got ${describeValue(req)}`);
  req.forEach((id, i) => {
    if (typeof id !== 'string') throw invalidRequest(`schema.required[${i}]: expected a string, got ${describeValue(id)}`);
    if (!Object.hasOwn(properties, id)) {
      throw invalidRequest(`schema.required[${i}]: ${describeValue(id)} is not a property in schema.properties`);
    }
  });
  return { properties, required: [...(req as string[])] };
}

function parseRelations(v: unknown): Record<string, RelationSchema> {
  if (!isPlainObject(v)) throw invalidRequest(`relations: expected an object, got ${describeValue(v)}`);
  const out: Record<string, RelationSchema> = {};
  for (const [id, r] of Object.entries(v)) {
    const field = `relations.${id}`;
    checkPropId(id, field);
    if (!isPlainObject(r)) throw invalidRequest(`${field}: expected an object {target, required?, many?}, got ${describeValue(r)}`);
    for (const key of Object.keys(r)) {
      if (!RELATION_KEYS.has(key)) {
        throw invalidRequest(`${field}.${key}: unknown key; expected ${[...RELATION_KEYS].join(', ')}`);
      }
    }
    const target = checkBlueprintId(r.target, `${field}.target`);
    const rel: RelationSchema = { target, required: false, many: false };
    for (const key of ['required', 'many'] as const) {
      if (r[key] === undefined) continue;
      if (typeof r[key] !== 'boolean') throw invalidRequest(`${field}.${key}: expected a boolean, got ${describeValue(r[key])}`);
      rel[key] = r[key];
    }
    for (const key of ['title', 'description'] as const) {
      if (r[key] === undefined) continue;
      if (typeof r[key] !== 'string') throw invalidRequest(`${field}.${key}: expected a string, got ${describeValue(r[key])}`);
      rel[key] = r[key];
    }
    out[id] = rel;
  }
  return out;
}

function parseIdMap(v: unknown, field: string): JsonObject {
  if (!isPlainObject(v)) throw invalidRequest(`${field}: expected an object, got ${describeValue(v)}`);
  for (const id of Object.keys(v)) checkPropId(id, `${field}.${id}`);
  return v as JsonObject;
}

function fieldsOf(bp: Blueprint): BlueprintFields {
  return {
    identifier: bp.identifier,
    title: bp.title,
    icon: bp.icon ?? null,
    description: bp.description ?? null,
    schema: bp.schema,
    relations: bp.relations,
    mirrorProperties: bp.mirrorProperties,
    calculationProperties: bp.calculationProperties,
    aggregationProperties: bp.aggregationProperties,
    ownership: bp.ownership,
    teamInheritance: bp.teamInheritance,
    changelogDestination: bp.changelogDestination,
  };
}

function defaults(identifier: string, title: string): BlueprintFields {
  return {
    identifier,
    title,
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
  };
}

/**
 * Validate a blueprint body and return the fields to store (the caller adds timestamps and authors).
 * `create` needs `identifier` and `title`; `replace` needs `title` and `schema` and resets absent keys
 * to their defaults; `patch` replaces only the keys given. For `replace`/`patch`, `current` is the stored
 * blueprint and its identifier (the path id) wins: a body `identifier` must equal it.
 * Shape errors throw 422 `invalid_request` naming the field path; a relation whose target blueprint
 * does not exist throws 404 `not_found` (a relation to the blueprint itself is allowed).
 *
 * @example parseBlueprintBody({ identifier: 'svc', title: 'Service' }, 'create', (id) => known.has(id))
 */
export function parseBlueprintBody(
  body: unknown,
  mode: Mode,
  blueprintExists: (id: string) => boolean,
  current?: Blueprint,
): BlueprintFields {
  if (!isPlainObject(body)) throw invalidRequest(`body: expected a blueprint object, got ${describeValue(body)}`);
  if (mode !== 'create' && !current) throw new Error(`parseBlueprintBody: mode ${mode} needs the current blueprint`);
  for (const key of Object.keys(body)) {
    if (!TOP_LEVEL_KEYS.has(key) && !SERVER_KEYS.has(key)) {
      throw invalidRequest(`${key}: unknown blueprint key; expected ${[...TOP_LEVEL_KEYS].join(', ')}`);
    }
  }

  let identifier: string;
  if (mode === 'create') {
    identifier = checkBlueprintId(body.identifier);
  } else {
    identifier = current!.identifier;
    if (body.identifier !== undefined && body.identifier !== identifier) {
      throw invalidRequest(`identifier: ${describeValue(body.identifier)} does not match the path blueprint ${describeValue(identifier)}`);
    }
  }

  if (mode !== 'patch') {
    if (body.title === undefined) throw invalidRequest('title: required');
    if (mode === 'replace' && body.schema === undefined) throw invalidRequest('schema: required');
  }
  const base = mode === 'patch' ? fieldsOf(current!) : defaults(identifier, '');
  const out: BlueprintFields = { ...base, identifier };

  if (body.title !== undefined) out.title = checkTitle(body.title);
  if (body.icon !== undefined) out.icon = optionalString(body.icon, 'icon');
  if (body.description !== undefined) {
    out.description = optionalString(body.description, 'description', BLUEPRINT_DESCRIPTION_MAX);
  }
  if (body.schema !== undefined) out.schema = parseSchema(body.schema);
  if (body.relations !== undefined) out.relations = parseRelations(body.relations);
  for (const key of ID_MAPS) if (body[key] !== undefined) out[key] = parseIdMap(body[key], key);
  for (const key of VERBATIM) if (body[key] !== undefined) out[key] = body[key] as Json;

  // Targets are checked last so that every shape error (422) is reported before a missing target (404).
  if (body.relations !== undefined) {
    for (const [id, rel] of Object.entries(out.relations)) {
      if (rel.target !== identifier && !blueprintExists(rel.target)) {
        throw notFound(`relations.${id}.target: relation "${id}" targets blueprint "${rel.target}", which does not exist`);
      }
    }
  }
  return out;
}
