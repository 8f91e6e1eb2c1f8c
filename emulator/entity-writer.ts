import { isDeepStrictEqual } from 'node:util';
import { recordEntityChange } from './entity-history.ts';
import { checkRequired, mergeEntity, normaliseEntityBody, relationTargets, type NormalisedEntity } from './entity-schema.ts';
import { PortError, conflict, invalidRequest, notFound } from './errors.ts';
import { compileQuery, queryIdentifiers } from './search.ts';
import type { EmulatorState } from './state.ts';
import type { Blueprint, EntityRecord, SearchQuery } from './types.ts';

/**
 * One entity write with Port's semantics (docs/port-api.md §9.2–§9.6): validation, search identifiers and
 * relations, merge, required checks, relation targets (stubs with `create_missing_related_entities`),
 * ownership (`$datasource` = the request's User-Agent) and timestamps. Runs inside the caller's
 * transaction; bulk callers wrap each item in its own savepoint.
 */
export interface WriteOptions {
  upsert: boolean;
  merge: boolean;
  createMissing: boolean;
  validationOnly: boolean;
  userAgent: string;
  clientId: string | null;
}

export type WriteResult =
  | { kind: 'written'; entity: EntityRecord; created: boolean }
  | { kind: 'unresolved'; query: SearchQuery };

const SEARCH_WRITE_OPS = ['=', 'in', 'containsAny', 'contains'];
const PROTECTED = new Set(['_user', '_team']);
const MAX_SEARCH_HITS = 100;

export function writeEntity(emu: EmulatorState, bp: Blueprint, body: unknown, opts: WriteOptions): WriteResult {
  const n = normaliseEntityBody(bp, body, { strictProperties: emu.options.strictProperties === true });
  let identifier = n.identifier;
  if (n.identifierQuery) {
    const hits = search(emu, bp.identifier, n.identifierQuery, 'identifier');
    if (hits.length === 0) return { kind: 'unresolved', query: n.identifierQuery };
    if (hits.length > 1)
      throw invalidRequest(`identifier: the search matched ${hits.length} entities of blueprint "${bp.identifier}"; it must match exactly one`);
    identifier = hits[0].identifier;
  }
  if (identifier === undefined) throw invalidRequest('identifier: required');
  const existing = emu.store.entity(bp.identifier, identifier);
  if (existing && !opts.upsert) throw conflict(`Entity "${identifier}" of blueprint "${bp.identifier}" already exists`);

  resolveQueries(emu, bp, n);
  const content = mergeEntity(existing, n, opts.upsert && opts.merge);
  checkRequired(bp, content);
  const stubs = missingTargets(emu, bp, n, { blueprint: bp.identifier, identifier }, opts.createMissing);

  const stamp = opts.validationOnly ? emu.clock.iso() : emu.clock.entityStamp();
  const datasource = opts.userAgent || null;
  // With `noOpUpdatedAt: 'keep'`, a write that leaves every stored field (ownership included) as it
  // was keeps the entity's stamps and is not written (docs/port-api.md §15.3).
  const keep = existing !== undefined && emu.settings.noOpUpdatedAt === 'keep' && existing.datasource === datasource && sameContent(existing, content);
  const record: EntityRecord = {
    rowId: existing?.rowId ?? 0,
    identifier,
    blueprint: bp.identifier,
    ...content,
    datasource,
    createdAt: existing?.createdAt ?? stamp,
    createdBy: existing?.createdBy ?? opts.clientId,
    updatedAt: keep ? existing.updatedAt : stamp,
    updatedBy: keep ? existing.updatedBy : opts.clientId,
  };
  if (opts.validationOnly) return { kind: 'written', entity: record, created: !existing };

  for (const s of stubs) {
    const stub: EntityRecord = {
      rowId: 0,
      identifier: s.identifier,
      blueprint: s.target,
      title: null,
      icon: null,
      team: [],
      properties: {},
      relations: {},
      datasource: opts.userAgent || null,
      createdAt: stamp,
      createdBy: opts.clientId,
      updatedAt: stamp,
      updatedBy: opts.clientId,
    };
    const { rowId: _stub, ...stubRow } = stub;
    stub.rowId = emu.store.saveEntity(stubRow);
    recordEntityChange(emu, undefined, stub, opts);
  }
  if (keep) return { kind: 'written', entity: record, created: false };
  const { rowId: _ignored, ...row } = record;
  record.rowId = emu.store.saveEntity(row, existing?.rowId);
  recordEntityChange(emu, existing, record, opts);
  return { kind: 'written', entity: record, created: !existing };
}

function sameContent(a: EntityRecord, b: Pick<EntityRecord, 'title' | 'icon' | 'team' | 'properties' | 'relations'>): boolean {
  return a.title === b.title && a.icon === b.icon && isDeepStrictEqual(a.team, b.team)
    && isDeepStrictEqual(a.properties, b.properties) && isDeepStrictEqual(a.relations, b.relations);
}

/** Entities of `blueprint` matching a search object written in an identifier, team or relation. */
function search(emu: EmulatorState, blueprint: string, query: SearchQuery, path: string): EntityRecord[] {
  const predicate = compileQuery(
    query,
    { now: () => emu.clock.date(), blueprint: (id) => emu.blueprint(id) },
    { path, allowedOperators: SEARCH_WRITE_OPS, allowedOperatorsContext: `a search ${path.startsWith('identifier') ? 'identifier' : 'relation'}` },
  );
  const ids = queryIdentifiers(query);
  const rows = ids ? emu.store.entitiesWhere([blueprint], ids) : emu.store.entitiesOf(blueprint);
  return rows.filter(predicate).sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
}

function resolveQueries(emu: EmulatorState, bp: Blueprint, n: NormalisedEntity): void {
  for (const [relation, query] of Object.entries(n.relationQueries)) {
    const def = bp.relations[relation];
    const hits = search(emu, def.target, query, `relations.${relation}`).slice(0, MAX_SEARCH_HITS);
    if (def.many) n.relations[relation] = hits.map((h) => h.identifier);
    else if (hits.length > 1)
      throw invalidRequest(`relations.${relation}: the search matched ${hits.length} entities but the relation is not "many"`);
    else n.relations[relation] = hits[0]?.identifier ?? null;
  }
  if (n.teamQuery) {
    n.team = emu.blueprint('_team') ? search(emu, '_team', n.teamQuery, 'team').map((h) => h.identifier) : [];
  }
}

/** Relation targets in the body that do not exist: stubs to create, or 404 `not_found`. */
function missingTargets(
  emu: EmulatorState,
  bp: Blueprint,
  n: NormalisedEntity,
  self: { blueprint: string; identifier: string },
  createMissing: boolean,
): Array<{ target: string; identifier: string }> {
  const stubs: Array<{ target: string; identifier: string }> = [];
  const seen = new Set<string>();
  for (const t of relationTargets(bp, n.relations)) {
    const k = `${t.target}\u0000${t.identifier}`;
    if (seen.has(k)) continue;
    seen.add(k);
    if (t.target === self.blueprint && t.identifier === self.identifier) continue;
    if (emu.store.hasEntity(t.target, t.identifier)) continue;
    if (!createMissing || PROTECTED.has(t.target))
      throw notFound(
        `relations.${t.relation}: target entity "${t.identifier}" of blueprint "${t.target}" does not exist` +
          (PROTECTED.has(t.target) ? ` (entities of "${t.target}" are never created as stubs)` : ' (use create_missing_related_entities=true to create it)'),
      );
    stubs.push({ target: t.target, identifier: t.identifier });
  }
  return stubs;
}

export function isPortError(e: unknown): e is PortError {
  return e instanceof PortError;
}
