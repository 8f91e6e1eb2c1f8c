/**
 * Skip-unchanged diff (§4.5) and the lookup it shares with plan(): per blueprint, the batch's
 * identifiers are looked up among this integration's entities in chunks of 50, with only the mapped
 * fields included, and compared by the exact rules of §4.5.
 */
import type { Entity } from '../mapping/index.ts';
import { canonicalJson, normaliseIdentifier } from '../mapping/index.ts';
import { hasSearchValue, isSearchQuery } from './entity-values.ts';
import type { CallContext, PortEntity, SyncPort } from './port.ts';
import type { DeclaredProperties } from './undeclared.ts';
import { declaredOnly } from './undeclared.ts';

/** Batches of at most this many entities are always upserted whole. */
export const DIFF_MIN_BATCH = 10;
/** Identifiers per lookup request. */
export const LOOKUP_CHUNK = 50;

/**
 * Port's stored version of each looked-up key (`blueprint` → `identifier` → entity), or `undefined`
 * when a lookup failed; absent keys do not exist among this integration's entities.
 */
export type LookupResult = Map<string, Map<string, PortEntity>>;

/** The `include` list of §4.5: meta fields that are mapped, and every mapped property and relation. */
export function includeFor(entities: readonly Entity[]): string[] {
  const include = new Set<string>(['blueprint', 'identifier']);
  const props = new Set<string>();
  const rels = new Set<string>();
  for (const e of entities) {
    if ('title' in e) include.add('title');
    if ('team' in e) include.add('team');
    for (const p of Object.keys(e.properties ?? {})) props.add(p);
    for (const r of Object.keys(e.relations ?? {})) rels.add(r);
  }
  return [...include, ...[...props].map((p) => `properties.${p}`), ...[...rels].map((r) => `relations.${r}`)];
}

/**
 * Look the entities up in Port, per blueprint in chunks of {@link LOOKUP_CHUNK}, restricted to
 * this integration's entities. Throws when a request fails or Port reports the blueprint failed.
 */
export async function lookupOwned(
  port: Pick<SyncPort, 'searchEntities' | 'ownershipRules'>,
  entities: readonly Entity[],
  context: CallContext,
): Promise<LookupResult> {
  const groups = new Map<string, Entity[]>();
  for (const e of entities) {
    // A search identifier has no key until Port resolves it.
    if (isSearchQuery(e.identifier)) continue;
    const bp = normaliseIdentifier(e.blueprint);
    const list = groups.get(bp);
    if (list) list.push(e);
    else groups.set(bp, [e]);
  }
  const found: LookupResult = new Map();
  for (const [blueprint, group] of groups) {
    const byId = new Map<string, PortEntity>();
    found.set(blueprint, byId);
    const include = includeFor(group);
    const ids = [...new Set(group.map((e) => normaliseIdentifier(e.identifier)))];
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      const result = await port.searchEntities(
        {
          combinator: 'and',
          rules: [
            { property: '$identifier', operator: 'in', value: chunk },
            { property: '$blueprint', operator: '=', value: blueprint },
            ...port.ownershipRules(),
          ],
        },
        { ...context, include, excludeCalculatedProperties: true },
      );
      if (result.failedBlueprints.length > 0) throw new Error(`Port could not search blueprint(s) ${result.failedBlueprints.join(', ')}`);
      for (const e of result.entities) if (e.blueprint === blueprint || e.blueprint === undefined) byId.set(e.identifier, e);
    }
  }
  return found;
}

/** Teams as a set: a string is one team, `null` none. */
function teamSet(team: unknown): string[] {
  if (team === null || team === undefined) return [];
  const list = Array.isArray(team) ? team : [team];
  return [...new Set(list.map((t) => canonicalJson(t)))].sort();
}

/**
 * Properties or relations as compared: Port keys whose value is `null` and which the new entity
 * lacks are dropped first, then both sides compare as canonical JSON.
 */
function fieldsEqual(mine: Record<string, unknown> | undefined, theirs: Record<string, unknown> | undefined): boolean {
  const local = mine ?? {};
  const remote: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(theirs ?? {})) if (!(v === null && !(k in local))) remote[k] = v;
  return canonicalJson(local) === canonicalJson(remote);
}

/**
 * §4.5 "unchanged": title, team (as sets), properties and relations equal the stored entity's.
 * `icon` is not compared; a field the mapping does not define is not compared; with `declared`, neither is
 * a property the blueprint does not declare (Port does not store it).
 */
export function isUnchanged(entity: Entity, stored: PortEntity, declared?: ReadonlySet<string>): boolean {
  if ('title' in entity && canonicalJson(entity.title ?? null) !== canonicalJson(stored.title ?? null)) return false;
  if ('team' in entity && canonicalJson(teamSet(entity.team)) !== canonicalJson(teamSet(stored.team))) return false;
  if (!fieldsEqual(declaredOnly(entity.properties, declared), stored.properties)) return false;
  if (!fieldsEqual(entity.relations, stored.relations)) return false;
  return true;
}

/** Whether the diff may run on this batch at all (§4.5). */
export function diffApplies(entities: readonly Entity[]): boolean {
  return entities.length > DIFF_MIN_BATCH && !entities.some(hasSearchValue);
}

/**
 * Split a resync batch into entities to send and entities to skip. Small batches, search-based
 * batches and failed lookups send everything. `declared`: the blueprints' declared property keys.
 */
export async function skipUnchanged<T extends { entity: Entity }>(
  port: Pick<SyncPort, 'searchEntities' | 'ownershipRules'>,
  items: readonly T[],
  context: CallContext,
  onLookupError: (error: unknown) => void,
  declared: DeclaredProperties = new Map(),
): Promise<{ changed: T[]; unchanged: T[] }> {
  if (!diffApplies(items.map((i) => i.entity))) return { changed: [...items], unchanged: [] };
  let found: LookupResult;
  try {
    found = await lookupOwned(port, items.map((i) => i.entity), context);
  } catch (error) {
    onLookupError(error);
    return { changed: [...items], unchanged: [] };
  }
  const changed: T[] = [];
  const unchanged: T[] = [];
  for (const item of items) {
    const blueprint = normaliseIdentifier(item.entity.blueprint);
    const stored = found.get(blueprint)?.get(normaliseIdentifier(item.entity.identifier));
    if (stored && isUnchanged(item.entity, stored, declared.get(blueprint))) unchanged.push(item);
    else changed.push(item);
  }
  return { changed, unchanged };
}
