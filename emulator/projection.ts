/**
 * The public JSON of an entity (docs/port-api.md §9.1) and the `include`/`exclude` projection (§10.4).
 *
 * Decisions (EMU):
 * - Both path forms are accepted everywhere:
 *   - dotted entity paths: `identifier`, `title`, `team`, `createdAt`, `properties`,
 *     `properties.language`, `relations.owner`, deeper paths into object values
 *     (`properties.config.region`);
 *   - body form: `$identifier`, `$title`, `$createdAt`, … for meta fields, and bare property or
 *     relation ids (`language`, `owner`).
 * - A bare name that is a top-level field of the public form (`title`, `team`, `icon`, …) means
 *   that field; a property with such a name is reached as `properties.title`. Any other bare name
 *   selects the property of that id and/or the relation of that id, whichever the entity has.
 * - `identifier` and `blueprint` are always returned; excluding them does nothing. `$datasource`
 *   and unknown `$` names select nothing (the public form never has them).
 * - An absent or empty `include` means "everything". When an include names a dotted path inside
 *   `properties` or `relations`, that object is present in the result (possibly `{}`), so every
 *   entity of a response has the same shape. A bare id adds the container only on entities that
 *   have that property or relation (a cross-blueprint response may mix blueprints).
 * - Excludes apply after includes: the result holds the included paths minus the excluded ones.
 */
import type { Blueprint, EntityRecord, Json, JsonObject } from './types.ts';

/** Top-level fields of the public entity, in output order. */
export const PUBLIC_ENTITY_FIELDS = [
  'identifier',
  'blueprint',
  'title',
  'icon',
  'team',
  'properties',
  'relations',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
] as const;

const TOP_LEVEL: ReadonlySet<string> = new Set(PUBLIC_ENTITY_FIELDS);
const ALWAYS = ['identifier', 'blueprint'] as const;

/**
 * The canonical public form of a stored entity (§9.1): every field present, every schema property
 * present (`null` when unset) plus any other stored property keys, every blueprint relation present
 * (`null` for an unset single relation, `[]` for an unset `many` one) plus any other stored relation
 * keys. Never `$datasource` nor the row id. Containers are copied; property values are shared.
 */
export function toPublicEntity(e: EntityRecord, bp: Blueprint | undefined): JsonObject {
  const properties: JsonObject = {};
  const schemaProps = bp?.schema?.properties;
  if (schemaProps) for (const id of Object.keys(schemaProps)) properties[id] = null;
  if (e.properties) {
    for (const id of Object.keys(e.properties)) {
      const v = e.properties[id];
      properties[id] = v === undefined ? null : v;
    }
  }

  const relations: JsonObject = {};
  const relSchema = bp?.relations;
  if (relSchema) {
    for (const id of Object.keys(relSchema)) {
      const many = relSchema[id]!.many === true;
      const v = e.relations ? (Object.hasOwn(e.relations, id) ? e.relations[id] : undefined) : undefined;
      if (many) relations[id] = v === null || v === undefined ? [] : Array.isArray(v) ? [...v] : [v];
      else relations[id] = v === undefined ? null : Array.isArray(v) ? [...v] : v;
    }
  }
  if (e.relations) {
    for (const id of Object.keys(e.relations)) {
      if (relSchema && Object.hasOwn(relSchema, id)) continue;
      const v = e.relations[id];
      relations[id] = v === undefined ? null : Array.isArray(v) ? [...v] : v;
    }
  }

  return {
    identifier: e.identifier,
    blueprint: e.blueprint,
    title: e.title ?? null,
    icon: e.icon ?? null,
    team: e.team ? [...e.team] : [],
    properties,
    relations,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    createdBy: e.createdBy ?? null,
    updatedBy: e.updatedBy ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Paths

/** A set of paths as a tree: `true` selects the whole subtree at that key. */
type PathTree = Map<string, PathTree | true>;

interface PathSet {
  tree: PathTree;
  /** Bare ids (body form) to look up in `properties` and `relations` per entity. */
  bare: Set<string>;
}

const META_TO_FIELD: Record<string, string> = {
  $identifier: 'identifier',
  $blueprint: 'blueprint',
  $title: 'title',
  $icon: 'icon',
  $team: 'team',
  $createdAt: 'createdAt',
  $updatedAt: 'updatedAt',
  $createdBy: 'createdBy',
  $updatedBy: 'updatedBy',
};

function addPath(tree: PathTree, segments: string[]): void {
  let node = tree;
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i]!;
    const existing = node.get(key);
    if (existing === true) return; // a shorter path already selects all of it
    if (i === segments.length - 1) {
      node.set(key, true);
      return;
    }
    let next = existing;
    if (next === undefined) {
      next = new Map();
      node.set(key, next);
    }
    node = next;
  }
}

function parsePaths(paths: readonly string[] | undefined): PathSet {
  const set: PathSet = { tree: new Map(), bare: new Set() };
  if (!paths) return set;
  for (const raw of paths) {
    if (typeof raw !== 'string') continue;
    const p = raw.trim();
    if (p === '') continue;
    if (p.startsWith('$')) {
      const field = META_TO_FIELD[p];
      if (field !== undefined) addPath(set.tree, [field]);
      continue; // $datasource and unknown meta names select nothing
    }
    const segments = p.split('.');
    if (segments.some((s) => s === '')) continue;
    if (segments.length === 1 && !TOP_LEVEL.has(p)) {
      set.bare.add(p);
      continue;
    }
    if (!TOP_LEVEL.has(segments[0]!)) continue; // e.g. `foo.bar`: not a path of the public form
    addPath(set.tree, segments);
  }
  return set;
}

/** The sub-tree for `properties`/`relations` of one entity, with the bare ids it has merged in. */
function containerTree(set: PathSet, key: 'properties' | 'relations', container: Json | undefined): PathTree | true | undefined {
  const explicit = set.tree.get(key);
  if (explicit === true) return true;
  if (set.bare.size === 0 || !isObject(container)) return explicit;
  let tree: PathTree | undefined;
  for (const id of set.bare) {
    if (!Object.hasOwn(container, id)) continue;
    if (tree === undefined) tree = explicit ? new Map(explicit) : new Map();
    tree.set(id, true);
  }
  return tree ?? explicit;
}

const isObject = (x: Json | undefined): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x);

function pick(obj: JsonObject, tree: PathTree): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(obj)) {
    const sel = tree.get(key);
    if (sel === undefined) continue;
    const v = obj[key]!;
    if (sel === true) out[key] = v;
    else if (isObject(v)) out[key] = pick(v, sel);
  }
  return out;
}

function omit(obj: JsonObject, tree: PathTree): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(obj)) {
    const sel = tree.get(key);
    const v = obj[key]!;
    if (sel === undefined) out[key] = v;
    else if (sel !== true) out[key] = isObject(v) ? omit(v, sel) : v;
  }
  return out;
}

export type Projector = (publicEntity: JsonObject) => JsonObject;

/**
 * Compiles `include`/`exclude` once for a response. `undefined` or empty `include` keeps
 * everything. See the module comment for the accepted path forms.
 */
export function compileProjection(include?: readonly string[], exclude?: readonly string[]): Projector {
  const inc = include && include.length > 0 ? parsePaths(include) : undefined;
  const exc = exclude && exclude.length > 0 ? parsePaths(exclude) : undefined;
  if (inc === undefined && (exc === undefined || (exc.tree.size === 0 && exc.bare.size === 0))) {
    return (pub) => pub;
  }
  return (pub) => {
    let out: JsonObject;
    if (inc !== undefined) {
      out = {};
      for (const key of Object.keys(pub)) {
        let sel: PathTree | true | undefined;
        if ((ALWAYS as readonly string[]).includes(key)) sel = true;
        else if (key === 'properties' || key === 'relations') sel = containerTree(inc, key, pub[key]);
        else sel = inc.tree.get(key);
        if (sel === undefined) continue;
        const v = pub[key]!;
        if (sel === true) out[key] = v;
        else if (isObject(v)) out[key] = pick(v, sel);
        else if (key === 'properties' || key === 'relations') out[key] = {};
      }
    } else {
      out = pub;
    }
    if (exc !== undefined) {
      const result: JsonObject = {};
      for (const key of Object.keys(out)) {
        const v = out[key]!;
        let sel: PathTree | true | undefined;
        if ((ALWAYS as readonly string[]).includes(key)) sel = undefined;
        else if (key === 'properties' || key === 'relations') sel = containerTree(exc, key, v);
        else sel = exc.tree.get(key);
        if (sel === undefined) result[key] = v;
        else if (sel !== true) result[key] = isObject(v) ? omit(v, sel) : v;
      }
      out = result;
    }
    return out;
  };
}

/**
 * Applies `include`/`exclude` (§10.4) to a public entity (as `toPublicEntity` returns it). For many
 * entities, compile once with `compileProjection`.
 */
export function projectEntity(publicEntity: JsonObject, include?: readonly string[], exclude?: readonly string[]): JsonObject {
  return compileProjection(include, exclude)(publicEntity);
}
