/**
 * What depends on the delete candidates (docs/behaviour.md §4.9 step 9, "foreign dependents"). With
 * `delete_dependents=true` Port deletes, transitively, every entity that relates to a deleted one
 * (docs/port-api.md §9.9, §15.6), whoever owns it, and lists only the ids it was asked to delete
 * (docs/port-api.md §9.10). So before deleting, Tide walks the entities that relate to each candidate, blueprint by
 * blueprint (the blueprints whose relations target the candidate's), and tells apart the ones this
 * integration owns from the others. A walk stops at an entity it does not own: that alone keeps the
 * candidate, whatever lies beyond.
 */
import { keyOf } from './entity-values.ts';
import type { CallContext, PortBlueprint, SyncPort } from './port.ts';
import type { EntityKey } from './report.ts';

/** Identifiers per search: the relation values of a chunk of targets, and the ownership check of what was found. */
const CHUNK = 50;

/** Everything that would go with one candidate: owned entities the cascade removes, and entities it must not touch. */
export interface CandidateDependents {
  owned: EntityKey[];
  foreign: EntityKey[];
}

type Port = Pick<SyncPort, 'listBlueprints' | 'searchEntities' | 'ownershipRules'>;

/** blueprint → the `(blueprint, relation)` pairs whose relation targets it. */
function referrersByTarget(blueprints: readonly PortBlueprint[]): Map<string, Array<[string, string]>> {
  const out = new Map<string, Array<[string, string]>>();
  for (const bp of blueprints) {
    for (const [name, relation] of Object.entries(bp.relations ?? {})) {
      const target = (relation as { target?: unknown } | undefined)?.target;
      if (typeof target !== 'string') continue;
      out.set(target, [...(out.get(target) ?? []), [bp.identifier, name]]);
    }
  }
  return out;
}

/** The entities of `blueprint` whose relation `relation` holds one of `ids`, each with the ids it holds. */
async function referrers(port: Port, blueprint: string, relation: string, ids: readonly string[], context: CallContext): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const result = await port.searchEntities(
      { combinator: 'and', rules: [{ property: '$blueprint', operator: '=', value: blueprint }, { property: relation, operator: 'in', value: chunk }] },
      { ...context, include: ['identifier', 'blueprint', `relations.${relation}`] },
    );
    if (result.failedBlueprints.length > 0) throw new Error(`Port could not search blueprint(s) ${result.failedBlueprints.join(', ')}`);
    const wanted = new Set(chunk);
    for (const e of result.entities) {
      const value = e.relations?.[relation];
      const held = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && wanted.has(v));
      found.set(e.identifier, [...(found.get(e.identifier) ?? []), ...held]);
    }
  }
  return found;
}

/** Which of `ids` (of `blueprint`) this integration owns. */
async function ownedAmong(port: Port, blueprint: string, ids: readonly string[], context: CallContext): Promise<Set<string>> {
  const owned = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rules = [{ property: '$identifier', operator: 'in', value: ids.slice(i, i + CHUNK) }, { property: '$blueprint', operator: '=', value: blueprint }, ...port.ownershipRules()];
    const result = await port.searchEntities({ combinator: 'and', rules }, { ...context, include: ['identifier', 'blueprint'] });
    if (result.failedBlueprints.length > 0) throw new Error(`Port could not search blueprint(s) ${result.failedBlueprints.join(', ')}`);
    for (const e of result.entities) owned.add(e.identifier);
  }
  return owned;
}

/**
 * For every candidate, what depends on it, directly or through owned dependents. Throws when Port cannot
 * be asked (then nothing may be deleted: the caller keeps the candidates).
 */
export async function findDependents(port: Port, candidates: readonly EntityKey[], context: CallContext): Promise<Map<string, CandidateDependents>> {
  const targets = referrersByTarget(await port.listBlueprints(context));
  /** entity key → the keys of the entities relating to it. */
  const dependentsOf = new Map<string, Set<string>>();
  const nodes = new Map<string, EntityKey & { owned: boolean }>();
  for (const c of candidates) nodes.set(keyOf(c.blueprint, c.identifier), { ...c, owned: true });
  let frontier: EntityKey[] = [...candidates];
  while (frontier.length > 0) {
    const next: EntityKey[] = [];
    for (const [target, ids] of groupIds(frontier)) {
      for (const [blueprint, relation] of targets.get(target) ?? []) {
        const found = await referrers(port, blueprint, relation, ids, context);
        const fresh = [...found.keys()].filter((id) => !nodes.has(keyOf(blueprint, id)));
        const owned = fresh.length > 0 ? await ownedAmong(port, blueprint, fresh, context) : new Set<string>();
        for (const id of fresh) {
          nodes.set(keyOf(blueprint, id), { blueprint, identifier: id, owned: owned.has(id) });
          // A foreign dependent keeps its candidate already: what depends on it changes nothing.
          if (owned.has(id)) next.push({ blueprint, identifier: id });
        }
        for (const [id, held] of found) for (const t of held) addTo(dependentsOf, keyOf(target, t), keyOf(blueprint, id));
      }
    }
    frontier = next;
  }
  const out = new Map<string, CandidateDependents>();
  for (const c of candidates) out.set(keyOf(c.blueprint, c.identifier), closure(keyOf(c.blueprint, c.identifier), dependentsOf, nodes));
  return out;
}

function groupIds(keys: readonly EntityKey[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of keys) out.set(k.blueprint, [...(out.get(k.blueprint) ?? []), k.identifier]);
  return out;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  map.set(key, set.add(value));
}

/** Every entity reachable from `root` through "relates to", split by ownership, in a stable order. */
function closure(root: string, dependentsOf: Map<string, Set<string>>, nodes: Map<string, EntityKey & { owned: boolean }>): CandidateDependents {
  const reached = new Set<string>([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const d of dependentsOf.get(stack.pop()!) ?? []) {
      if (reached.has(d)) continue;
      reached.add(d);
      if (nodes.get(d)?.owned) stack.push(d);
    }
  }
  reached.delete(root);
  const sorted = [...reached].map((k) => nodes.get(k)!).sort((a, b) => (a.blueprint === b.blueprint ? cmp(a.identifier, b.identifier) : cmp(a.blueprint, b.blueprint)));
  return {
    owned: sorted.filter((n) => n.owned).map(({ blueprint, identifier }) => ({ blueprint, identifier })),
    foreign: sorted.filter((n) => !n.owned).map(({ blueprint, identifier }) => ({ blueprint, identifier })),
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
