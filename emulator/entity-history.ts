import type Database from 'better-sqlite3';
import type { EmulatorState } from './state.ts';
import type { EntityRecord, Json } from './types.ts';

/**
 * Each entity's change history, as Port's audit log keeps it: who wrote the entity (client id and
 * `$datasource`), when, and what changed, field by field. The UI's entity page shows it. A write that
 * changes neither content nor ownership leaves no entry, so re-sending an unchanged catalog does not
 * grow the table; the whole table keeps the newest {@link MAX_CHANGES} entries.
 */
export interface FieldChange {
  /** `title`, `icon`, `team`, `properties.<id>` or `relations.<id>`. */
  path: string;
  before?: Json;
  after?: Json;
}

export type ChangeAction = 'created' | 'updated' | 'deleted';

export interface EntityChange {
  seq: number;
  blueprint: string;
  identifier: string;
  at: string;
  action: ChangeAction;
  /** The client id of the token that wrote it (null for seeds and unauthenticated tools). */
  by: string | null;
  /** The writing request's User-Agent (for a write, also the new `$datasource`). */
  agent: string | null;
  /** `$datasource` after the write (before it, for a delete). */
  datasource: string | null;
  /** The datasource before, when the write moved ownership. */
  previousDatasource?: string | null;
  changes: FieldChange[];
}

export const MAX_CHANGES = 500_000;
const TRIM_EVERY = 10_000;

type Content = Pick<EntityRecord, 'title' | 'icon' | 'team' | 'properties' | 'relations'>;

const inserts = new WeakMap<Database.Database, Database.Statement>();
const insertFor = (db: Database.Database): Database.Statement => {
  let s = inserts.get(db);
  if (!s) inserts.set(db, (s = db.prepare('INSERT INTO entity_changes (blueprint, identifier, at, data) VALUES (?, ?, ?, ?)')));
  return s;
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Field-level differences between two versions of an entity (either may be absent). */
export function diffEntity(before: Content | undefined, after: Content | undefined): FieldChange[] {
  const out: FieldChange[] = [];
  const push = (path: string, b: Json | undefined, a: Json | undefined) => {
    if (same(b, a)) return;
    const change: FieldChange = { path };
    if (b !== undefined && b !== null) change.before = b;
    if (a !== undefined && a !== null) change.after = a;
    out.push(change);
  };
  push('title', before?.title ?? undefined, after?.title ?? undefined);
  push('icon', before?.icon ?? undefined, after?.icon ?? undefined);
  const teamOf = (c: Content | undefined) => (c && c.team.length > 0 ? c.team : undefined);
  push('team', teamOf(before), teamOf(after));
  for (const group of ['properties', 'relations'] as const) {
    const b = (before?.[group] ?? {}) as Record<string, Json>;
    const a = (after?.[group] ?? {}) as Record<string, Json>;
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) push(`${group}.${key}`, b[key], a[key]);
  }
  return out;
}

/** Record one write or delete, inside the caller's transaction. */
export interface Writer {
  clientId: string | null;
  userAgent: string | null;
}

export function recordEntityChange(emu: EmulatorState, before: EntityRecord | undefined, after: EntityRecord | undefined, writer: Writer): void {
  if (emu.options.entityHistory === false) return;
  const subject = after ?? before;
  if (!subject) return;
  const changes = diffEntity(before, after);
  const moved = before !== undefined && after !== undefined && before.datasource !== after.datasource;
  if (before && after && changes.length === 0 && !moved) return;
  const entry: Omit<EntityChange, 'seq' | 'blueprint' | 'identifier' | 'at'> = {
    action: !before ? 'created' : !after ? 'deleted' : 'updated',
    by: writer.clientId,
    agent: writer.userAgent || null,
    datasource: subject.datasource,
    changes,
  };
  if (moved) entry.previousDatasource = before.datasource;
  const at = after?.updatedAt ?? emu.clock.iso();
  const seq = Number(insertFor(emu.store.db).run(subject.blueprint, subject.identifier, at, JSON.stringify(entry)).lastInsertRowid);
  if (seq % TRIM_EVERY === 0 && seq > MAX_CHANGES) emu.store.db.prepare('DELETE FROM entity_changes WHERE seq <= ?').run(seq - MAX_CHANGES);
}

/** The newest `limit` changes of one entity, newest first. */
export function entityChanges(emu: EmulatorState, blueprint: string, identifier: string, limit = 50): EntityChange[] {
  const rows = emu.store.db
    .prepare('SELECT seq, blueprint, identifier, at, data FROM entity_changes WHERE blueprint = ? AND identifier = ? ORDER BY seq DESC LIMIT ?')
    .all(blueprint, identifier, limit) as Array<{ seq: number; blueprint: string; identifier: string; at: string; data: string }>;
  return rows.map((r) => ({ seq: r.seq, blueprint: r.blueprint, identifier: r.identifier, at: r.at, ...(JSON.parse(r.data) as object) }) as EntityChange);
}
