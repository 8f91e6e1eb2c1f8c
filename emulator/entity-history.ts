import type Database from 'better-sqlite3';
import type { EmulatorState } from './state.ts';
import type { EntityRecord, Json } from './types.ts';

/**
 * Each entity's change history, as Port's audit log keeps it: who wrote the entity (client id and
 * User-Agent), when, and what changed, field by field. The UI's entity page shows it.
 *
 * It is kept where it costs least on the write path: one row per entity, keyed by the entity's own row
 * id, holding its newest {@link MAX_CHANGES} changes. A creation adds nothing (the entity carries who
 * created it and when); a write that changes neither content nor ownership adds nothing, so re-sending an
 * unchanged catalog does not grow it; a delete drops the entity's history with it.
 */
export interface FieldChange {
  /** `title`, `icon`, `team`, `properties.<id>` or `relations.<id>`. */
  path: string;
  before?: Json;
  after?: Json;
}

export interface EntityChange {
  at: string;
  action: 'created' | 'updated';
  /** The client id of the token that wrote it (null for seeds and unauthenticated tools). */
  by: string | null;
  /** The writing request's User-Agent, which became the entity's `$datasource`. */
  agent: string | null;
  /** The datasource before, when the write moved ownership. */
  previousDatasource?: string | null;
  changes: FieldChange[];
}

export interface Writer {
  clientId: string | null;
  userAgent: string | null;
}

export const MAX_CHANGES = 20;

type Content = Pick<EntityRecord, 'title' | 'icon' | 'team' | 'properties' | 'relations'>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Field-level differences between two versions of an entity. */
export function diffEntity(before: Content, after: Content): FieldChange[] {
  const out: FieldChange[] = [];
  const push = (path: string, b: Json | undefined, a: Json | undefined) => {
    if (same(b, a)) return;
    const change: FieldChange = { path };
    if (b !== undefined && b !== null) change.before = b;
    if (a !== undefined && a !== null) change.after = a;
    out.push(change);
  };
  push('title', before.title ?? undefined, after.title ?? undefined);
  push('icon', before.icon ?? undefined, after.icon ?? undefined);
  push('team', before.team.length ? before.team : undefined, after.team.length ? after.team : undefined);
  for (const group of ['properties', 'relations'] as const) {
    const b = before[group] as Record<string, Json>;
    const a = after[group] as Record<string, Json>;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) push(`${group}.${key}`, b[key], a[key]);
  }
  return out;
}

interface Statements {
  get: Database.Statement;
  put: Database.Statement;
  drop: Database.Statement;
}
const statements = new WeakMap<Database.Database, Statements>();
function stmts(db: Database.Database): Statements {
  let s = statements.get(db);
  if (!s) {
    s = {
      get: db.prepare('SELECT data FROM entity_history WHERE row_id = ?'),
      put: db.prepare('INSERT INTO entity_history (row_id, data) VALUES (?, ?) ON CONFLICT (row_id) DO UPDATE SET data = excluded.data'),
      drop: db.prepare('DELETE FROM entity_history WHERE row_id = ?'),
    };
    statements.set(db, s);
  }
  return s;
}

/** Record one write or delete of a stored entity, inside the caller's transaction. */
export function recordEntityChange(emu: EmulatorState, before: EntityRecord | undefined, after: EntityRecord | undefined, writer: Writer): void {
  if (emu.options.entityHistory === false || !before) return;
  const s = stmts(emu.store.db);
  if (!after) {
    s.drop.run(before.rowId);
    return;
  }
  const changes = diffEntity(before, after);
  const moved = before.datasource !== after.datasource;
  if (changes.length === 0 && !moved) return;
  const entry: EntityChange = { at: after.updatedAt, action: 'updated', by: writer.clientId, agent: writer.userAgent || null, changes };
  if (moved) entry.previousDatasource = before.datasource;
  const row = s.get.get(after.rowId) as { data: string } | undefined;
  const history = row ? (JSON.parse(row.data) as EntityChange[]) : [];
  history.push(entry);
  s.put.run(after.rowId, JSON.stringify(history.slice(-MAX_CHANGES)));
}

/** An entity's changes, newest first, ending with its creation. */
export function entityChanges(emu: EmulatorState, e: EntityRecord): EntityChange[] {
  const row = stmts(emu.store.db).get.get(e.rowId) as { data: string } | undefined;
  const updates = row ? (JSON.parse(row.data) as EntityChange[]) : [];
  const firstOwner = updates.find((u) => u.previousDatasource !== undefined)?.previousDatasource;
  const created: EntityChange = { at: e.createdAt, action: 'created', by: e.createdBy, agent: firstOwner !== undefined ? firstOwner : e.datasource, changes: [] };
  return [...updates.reverse(), created];
}
