import type Database from 'better-sqlite3';
import type { EmulatorState } from './state.ts';

/**
 * What the emulator remembers of each integration's resyncs, for the UI (kept in SQLite, cleared by
 * reset). Three sources, one table:
 * - `state`: every `PATCH …/resync-state` (docs/port-api.md §11.3), as the merged resync state it produced;
 * - `traffic`: per resync id (`ocean_info_resync_id`, §11.7), what Port saw that resync do: requests,
 *   entities upserted, created and rejected, entities deleted. Any Ocean-compatible client produces it;
 * - `report`: the framework's own resync report (Tide's deletion report, docs/behaviour.md §4.10),
 *   recorded by whoever runs Tide next to the emulator ({@link recordResyncReport}).
 */
export interface ResyncStateEntry {
  at: string;
  state: Record<string, unknown>;
}

export interface ResyncTraffic {
  resyncId: string;
  integrationId: string;
  firstAt: string;
  lastAt: string;
  requests: number;
  upserted: number;
  created: number;
  rejected: number;
  deleted: number;
  /** Per blueprint: upserted, created, rejected, deleted. */
  blueprints: Record<string, { upserted: number; created: number; rejected: number; deleted: number }>;
  /** The first {@link MAX_ROWS} deleted keys and the first rejections, with Port's message. */
  deletedRows: Array<{ blueprint: string; identifier: string }>;
  rejections: Array<{ blueprint: string; identifier: string; message: string }>;
}

/** A framework's own report of one resync, stored as given (the UI reads the fields it knows). */
export interface StoredReport {
  resyncId: string;
  at: string;
  report: Record<string, unknown>;
}

const MAX_ROWS = 100;
/** Entries kept per integration and source. */
const KEEP = 50;

/** The integration identifier in an Ocean User-Agent: `port-ocean/{type}/{version}/{identifier}/{feature}`. */
export function integrationOfAgent(agent: string | null | undefined): string | undefined {
  const parts = agent?.split('/') ?? [];
  return parts.length >= 5 && parts[0] === 'port-ocean' ? parts.slice(3, parts.length - 1).join('/') : undefined;
}

const SQL = {
  get: 'SELECT data FROM resync_history WHERE integration_id = ? AND kind = ? AND key = ?',
  update: 'UPDATE resync_history SET at = ?, data = ? WHERE integration_id = ? AND kind = ? AND key = ?',
  insert: 'INSERT INTO resync_history (integration_id, kind, key, at, data) VALUES (?, ?, ?, ?, ?)',
  trim: `DELETE FROM resync_history WHERE integration_id = ? AND kind = ? AND seq NOT IN
     (SELECT seq FROM resync_history WHERE integration_id = ? AND kind = ? ORDER BY seq DESC LIMIT ${KEEP})`,
};
const statements = new WeakMap<Database.Database, Record<keyof typeof SQL, Database.Statement>>();
function stmts(emu: EmulatorState): Record<keyof typeof SQL, Database.Statement> {
  const db = emu.store.db;
  let s = statements.get(db);
  if (!s) {
    s = Object.fromEntries(Object.entries(SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<keyof typeof SQL, Database.Statement>;
    statements.set(db, s);
  }
  return s;
}

function get<T>(emu: EmulatorState, integrationId: string, kind: string, key: string): T | undefined {
  const row = stmts(emu).get.get(integrationId, kind, key) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as T) : undefined;
}

/** Insert or replace one entry; a new entry trims the source to its newest {@link KEEP}. */
function put(emu: EmulatorState, integrationId: string, kind: string, key: string, at: string, data: unknown): void {
  const s = stmts(emu);
  const text = JSON.stringify(data);
  if (s.update.run(at, text, integrationId, kind, key).changes > 0) return;
  s.insert.run(integrationId, kind, key, at, text);
  s.trim.run(integrationId, kind, integrationId, kind);
}

function list<T>(emu: EmulatorState, integrationId: string, kind: string, limit: number): Array<{ key: string; at: string; data: T }> {
  const rows = emu.store.db
    .prepare('SELECT key, at, data FROM resync_history WHERE integration_id = ? AND kind = ? ORDER BY seq DESC LIMIT ?')
    .all(integrationId, kind, limit) as Array<{ key: string; at: string; data: string }>;
  return rows.map((r) => ({ key: r.key, at: r.at, data: JSON.parse(r.data) as T }));
}

/** After a resync-state PATCH: keep the state it produced. */
export function recordResyncState(emu: EmulatorState, integrationId: string, state: Record<string, unknown>): void {
  const at = typeof state.updatedAt === 'string' ? state.updatedAt : emu.clock.iso();
  put(emu, integrationId, 'state', at, at, state);
}

/** Newest first. */
export function resyncStates(emu: EmulatorState, integrationId: string, limit = KEEP): ResyncStateEntry[] {
  return list<Record<string, unknown>>(emu, integrationId, 'state', limit).map((r) => ({ at: r.at, state: r.data }));
}

interface BulkBody {
  entities?: Array<{ identifier?: string; created?: boolean }>;
  errors?: Array<{ identifier?: string; message?: string }>;
  entity?: { identifier?: string };
  deletedEntities?: string[];
}

/**
 * After a successful `/v1` call tagged with a resync id: count what it did. Only entity writes and deletes
 * change the counters; every tagged call counts as a request.
 */
export function observeResyncTraffic(
  emu: EmulatorState,
  call: { routeId: string | undefined; query: URLSearchParams; userAgent: string | null; status: number; params: Record<string, string>; body: unknown },
): void {
  const resyncId = call.query.get('ocean_info_resync_id');
  if (!resyncId) return;
  const integrationId = integrationOfAgent(call.userAgent);
  if (!integrationId) return;
  const at = emu.clock.iso();
  const found = get<ResyncTraffic>(emu, integrationId, 'traffic', resyncId);
  const t: ResyncTraffic = found ?? {
    resyncId, integrationId, firstAt: at, lastAt: at, requests: 0, upserted: 0, created: 0, rejected: 0, deleted: 0,
    blueprints: {}, deletedRows: [], rejections: [],
  };
  t.lastAt = at;
  t.requests += 1;
  const blueprint = call.params.bp;
  const body = (call.body ?? {}) as BulkBody;
  const bp = () => (t.blueprints[blueprint] ??= { upserted: 0, created: 0, rejected: 0, deleted: 0 });
  if (call.status < 300 && blueprint && (call.routeId === 'entities.bulkUpsert' || call.routeId === 'entities.upsert')) {
    const written = call.routeId === 'entities.upsert' ? (body.entity ? [{ created: call.status === 201 }] : []) : (body.entities ?? []);
    for (const e of written) {
      t.upserted += 1;
      bp().upserted += 1;
      if (e.created) {
        t.created += 1;
        bp().created += 1;
      }
    }
    for (const e of body.errors ?? []) {
      t.rejected += 1;
      bp().rejected += 1;
      if (t.rejections.length < MAX_ROWS) t.rejections.push({ blueprint, identifier: e.identifier ?? 'unknown', message: e.message ?? '' });
    }
  } else if (call.status < 300 && blueprint && (call.routeId === 'entities.bulkDelete' || call.routeId === 'entities.delete')) {
    const ids = call.routeId === 'entities.delete' ? [call.params.id] : (body.deletedEntities ?? []);
    for (const identifier of ids) {
      t.deleted += 1;
      bp().deleted += 1;
      if (t.deletedRows.length < MAX_ROWS) t.deletedRows.push({ blueprint, identifier });
    }
  }
  put(emu, integrationId, 'traffic', resyncId, t.firstAt, t);
}

export function resyncTraffic(emu: EmulatorState, integrationId: string, limit = KEEP): ResyncTraffic[] {
  return list<ResyncTraffic>(emu, integrationId, 'traffic', limit).map((r) => r.data);
}

/**
 * Keep a framework's report of one resync (Tide's `ResyncReport`: status, per-kind counts, deletion report).
 * The emulator treats it as opaque JSON; at most the newest 50 per integration are kept.
 */
export function recordResyncReport(emu: EmulatorState, integrationId: string, report: { resyncId: string } & Record<string, unknown>): void {
  const at = typeof report.finishedAt === 'string' ? report.finishedAt : emu.clock.iso();
  put(emu, integrationId, 'report', report.resyncId, at, report);
}

export function resyncReports(emu: EmulatorState, integrationId: string, limit = KEEP): StoredReport[] {
  return list<Record<string, unknown>>(emu, integrationId, 'report', limit).map((r) => ({ resyncId: r.key, at: r.at, report: r.data }));
}
