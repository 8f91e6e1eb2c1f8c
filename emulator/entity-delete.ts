import { rowToEntity, type EntityRow } from './db.ts';
import { recordEntityChange, type Writer } from './entity-history.ts';
import { PortError } from './errors.ts';
import type { EmulatorState } from './state.ts';
import type { EntityRecord } from './types.ts';

/**
 * Entity deletion with Port's dependents rules as the emulator models them (docs/port-api.md §9.9, §15.6):
 * a dependent is an entity whose *required* relation points at a deleted entity. Without
 * `deleteDependents`, any dependent refuses the whole call (403) and optional references are cleared;
 * with it, every entity relating to a deleted one is deleted too, transitively.
 */
interface Referrer {
  row: EntityRecord;
  relation: string;
  required: boolean;
}

const key = (e: { blueprint: string; identifier: string }) => `${e.blueprint}\u0000${e.identifier}`;

/** Entities whose relations point at any of `ids` of blueprint `target`. */
export function referrersOf(emu: EmulatorState, target: string, ids: string[]): Referrer[] {
  const out: Referrer[] = [];
  if (ids.length === 0) return out;
  for (const bp of emu.store.blueprints()) {
    for (const [relation, def] of Object.entries(bp.relations ?? {})) {
      if (def.target !== target) continue;
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const rows = emu.store.db
          .prepare(
            `SELECT * FROM entities WHERE blueprint = ? AND EXISTS (SELECT 1 FROM json_each(relations, ?) WHERE value IN (${chunk.map(() => '?').join(',')}))`,
          )
          .all(bp.identifier, `$."${relation}"`, ...chunk) as EntityRow[];
        for (const r of rows) out.push({ row: rowToEntity(r), relation, required: def.required === true });
      }
    }
  }
  return out;
}

const UNKNOWN_WRITER: Writer = { clientId: null, userAgent: null };

/** Delete `rows` (already loaded) in the current transaction; returns the identifiers deleted. */
export function deleteEntities(emu: EmulatorState, rows: EntityRecord[], deleteDependents: boolean, writer = UNKNOWN_WRITER): string[] {
  if (rows.length === 0) return [];
  const doomed = new Map<string, EntityRecord>();
  for (const r of rows) doomed.set(key(r), r);

  if (deleteDependents) {
    let frontier = rows;
    while (frontier.length) {
      const next: EntityRecord[] = [];
      for (const [target, ids] of groupIds(frontier)) {
        for (const ref of referrersOf(emu, target, ids)) {
          if (doomed.has(key(ref.row))) continue;
          doomed.set(key(ref.row), ref.row);
          next.push(ref.row);
        }
      }
      frontier = next;
    }
  } else {
    const clears: Referrer[] = [];
    for (const [target, ids] of groupIds(rows)) {
      for (const ref of referrersOf(emu, target, ids)) {
        if (doomed.has(key(ref.row))) continue;
        if (ref.required)
          throw new PortError(
            403,
            'has_dependents',
            `Entity "${ref.row.identifier}" of blueprint "${ref.row.blueprint}" depends on it through required relation "${ref.relation}"; use delete_dependents=true`,
          );
        clears.push(ref);
      }
    }
    clearReferences(emu, clears, doomed, writer);
  }

  for (const e of doomed.values()) {
    emu.store.deleteEntityRow(e.rowId);
    recordEntityChange(emu, e, undefined, writer);
  }
  return rows.map((r) => r.identifier);
}

function groupIds(rows: EntityRecord[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of rows) {
    const list = m.get(r.blueprint) ?? [];
    list.push(r.identifier);
    m.set(r.blueprint, list);
  }
  return m;
}

/** Optional references to deleted entities: a single relation becomes null, the id leaves `many` arrays. */
function clearReferences(emu: EmulatorState, refs: Referrer[], doomed: Map<string, EntityRecord>, writer: Writer): void {
  const touched = new Map<number, EntityRecord>();
  const before = new Map<number, EntityRecord>();
  for (const ref of refs) {
    if (!before.has(ref.row.rowId)) before.set(ref.row.rowId, structuredClone(ref.row));
    const row = touched.get(ref.row.rowId) ?? ref.row;
    touched.set(row.rowId, row);
    const target = emu.blueprint(row.blueprint)?.relations[ref.relation]?.target;
    const gone = (id: string) => target !== undefined && doomed.has(`${target}\u0000${id}`);
    const v = row.relations[ref.relation];
    if (Array.isArray(v)) row.relations[ref.relation] = v.filter((id) => !gone(id));
    else if (typeof v === 'string' && gone(v)) delete row.relations[ref.relation];
  }
  const stamp = emu.clock.entityStamp();
  for (const row of touched.values()) {
    const { rowId, ...rest } = row;
    emu.store.saveEntity({ ...rest, updatedAt: stamp }, rowId);
    recordEntityChange(emu, before.get(rowId), { ...row, updatedAt: stamp }, writer);
  }
}
