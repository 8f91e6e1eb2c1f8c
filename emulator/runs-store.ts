import type Database from 'better-sqlite3';

/**
 * SQLite access for self-service actions, their runs (action runs and workflow node runs), each run's
 * history, and incremental cursors (tables in db.ts). A run is stored as its public JSON plus the
 * columns a claim filters on, kept in step with that JSON by `saveRun`.
 */
export type RunKind = 'action' | 'workflow_node';

/** The public JSON of a run (docs/port-api.md §11.9 / §11.10), as Port returns it. */
export type RunDoc = Record<string, unknown> & { createdAt: string; updatedAt: string; claimedUntil: string | null; pendingExecution: boolean };

export interface StoredRun {
  seq: number;
  id: string;
  kind: RunKind;
  doc: RunDoc;
  claimCount: number;
  ackedAt: string | null;
}

/** One entry of a run's history: created, claimed, acknowledged, patched, log, released. */
export interface RunEvent {
  type: string;
  at: string;
  /** The request that caused it (its request-log trace id); null for emulator controls. */
  traceId: string | null;
  [key: string]: unknown;
}

export interface Cursor {
  kind: string;
  index: number;
  primary: string;
  updatedAt: string;
}

interface RunRow {
  seq: number;
  id: string;
  kind: RunKind;
  claim_count: number;
  acked_at: string | null;
  data: string;
}

const fromRow = (r: RunRow): StoredRun => ({
  seq: r.seq,
  id: r.id,
  kind: r.kind,
  doc: JSON.parse(r.data) as RunDoc,
  claimCount: r.claim_count,
  ackedAt: r.acked_at,
});

/** The id of a run of either kind: `id` for action runs, `identifier` for node runs. */
export const runIdOf = (kind: RunKind, doc: Record<string, unknown>): string => String(kind === 'action' ? doc.id : doc.identifier);

/** What a claim filters on, derived from the run's JSON. */
function columns(kind: RunKind, doc: RunDoc) {
  const action = doc.action as { identifier?: string } | undefined;
  const payload = (kind === 'action' ? doc.payload : doc.config) as { installationId?: string } | undefined;
  return {
    installation_id: String(payload?.installationId ?? doc.installationId ?? ''),
    claim_key: String(kind === 'action' ? (action?.identifier ?? '') : (doc.nodeUid ?? '')),
    pending: doc.pendingExecution ? 1 : 0,
    open: doc.status === 'IN_PROGRESS' ? 1 : 0,
    claimed_until: doc.claimedUntil ? Date.parse(doc.claimedUntil) : null,
    external_run_id: (doc.externalRunId as string | null | undefined) ?? null,
    created_at: doc.createdAt,
  };
}

export class RunStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      actionGet: p('SELECT data FROM actions WHERE identifier = ?'),
      actionPut: p('INSERT INTO actions (identifier, data) VALUES (?, ?) ON CONFLICT (identifier) DO UPDATE SET data = excluded.data'),
      actionAll: p('SELECT data FROM actions ORDER BY identifier'),
      runInsert: p(`INSERT INTO runs (id, kind, installation_id, claim_key, pending, open, claimed_until, external_run_id, created_at, claim_count, acked_at, data)
        VALUES (@id, @kind, @installation_id, @claim_key, @pending, @open, @claimed_until, @external_run_id, @created_at, @claim_count, @acked_at, @data)`),
      runUpdate: p(`UPDATE runs SET installation_id = @installation_id, claim_key = @claim_key, pending = @pending, open = @open,
        claimed_until = @claimed_until, external_run_id = @external_run_id, claim_count = @claim_count, acked_at = @acked_at, data = @data WHERE id = @id`),
      runGet: p('SELECT * FROM runs WHERE id = ?'),
      // Oldest first; `exclude` is a JSON array so one statement serves every claim.
      runClaimable: p(`SELECT * FROM runs WHERE kind = @kind AND installation_id = @installationId AND pending = 1 AND open = 1
        AND (claimed_until IS NULL OR claimed_until <= @now)
        AND claim_key NOT IN (SELECT value FROM json_each(@exclude))
        ORDER BY created_at, seq LIMIT @limit`),
      runAll: p('SELECT * FROM runs ORDER BY created_at, seq'),
      runByExternal: p('SELECT * FROM runs WHERE kind = ? AND external_run_id = ? ORDER BY created_at, seq'),
      runByKind: p('SELECT * FROM runs WHERE kind = ? ORDER BY created_at, seq'),
      eventAdd: p('INSERT INTO run_events (run_id, type, data) VALUES (?, ?, ?)'),
      events: p('SELECT data FROM run_events WHERE run_id = ? ORDER BY seq'),
      eventsOfType: p('SELECT data FROM run_events WHERE run_id = ? AND type = ? ORDER BY seq'),
      cursorGet: p('SELECT data FROM cursors WHERE integration_id = ? AND kind = ? AND idx = ?'),
      cursorPut: p('INSERT INTO cursors (integration_id, kind, idx, data) VALUES (?, ?, ?, ?) ON CONFLICT (integration_id, kind, idx) DO UPDATE SET data = excluded.data'),
      cursorsOf: p('SELECT data FROM cursors WHERE integration_id = ? ORDER BY kind, idx'),
      cursorsAll: p('SELECT integration_id, data FROM cursors ORDER BY integration_id, kind, idx'),
      cursorsDelete: p('DELETE FROM cursors WHERE integration_id = ?'),
    };
  }

  action<T = Record<string, unknown>>(identifier: string): T | undefined {
    const row = this.s.actionGet.get(identifier) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  putAction(doc: { identifier: string }): void {
    this.s.actionPut.run(doc.identifier, JSON.stringify(doc));
  }

  actions<T = Record<string, unknown>>(): T[] {
    return (this.s.actionAll.all() as Array<{ data: string }>).map((r) => JSON.parse(r.data) as T);
  }

  insertRun(kind: RunKind, doc: RunDoc, meta: { claimCount?: number; ackedAt?: string | null } = {}): StoredRun {
    const id = runIdOf(kind, doc);
    const row = { id, kind, ...columns(kind, doc), claim_count: meta.claimCount ?? 0, acked_at: meta.ackedAt ?? null, data: JSON.stringify(doc) };
    const seq = Number(this.s.runInsert.run(row).lastInsertRowid);
    return { seq, id, kind, doc, claimCount: row.claim_count, ackedAt: row.acked_at };
  }

  saveRun(run: StoredRun): void {
    this.s.runUpdate.run({ id: run.id, ...columns(run.kind, run.doc), claim_count: run.claimCount, acked_at: run.ackedAt, data: JSON.stringify(run.doc) });
  }

  run(id: string): StoredRun | undefined {
    const row = this.s.runGet.get(id) as RunRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  claimable(q: { kind: RunKind; installationId: string; exclude: string[]; now: number; limit: number }): StoredRun[] {
    return (this.s.runClaimable.all({ ...q, exclude: JSON.stringify(q.exclude) }) as RunRow[]).map(fromRow);
  }

  /** Runs oldest first: all, of one kind, or of one kind with an external run id. */
  runs(filter: { kind?: RunKind; externalRunId?: string } = {}): StoredRun[] {
    const rows = filter.kind && filter.externalRunId !== undefined
      ? this.s.runByExternal.all(filter.kind, filter.externalRunId)
      : filter.kind
        ? this.s.runByKind.all(filter.kind)
        : this.s.runAll.all();
    return (rows as RunRow[]).map(fromRow);
  }

  addEvent(runId: string, event: RunEvent): void {
    this.s.eventAdd.run(runId, event.type, JSON.stringify(event));
  }

  events(runId: string, type?: string): RunEvent[] {
    const rows = type ? this.s.eventsOfType.all(runId, type) : this.s.events.all(runId);
    return (rows as Array<{ data: string }>).map((r) => JSON.parse(r.data) as RunEvent);
  }

  cursor(integrationId: string, kind: string, index: number): Cursor | undefined {
    const row = this.s.cursorGet.get(integrationId, kind, index) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Cursor) : undefined;
  }

  putCursor(integrationId: string, cursor: Cursor): void {
    this.s.cursorPut.run(integrationId, cursor.kind, cursor.index, JSON.stringify(cursor));
  }

  cursors(integrationId: string): Cursor[] {
    return (this.s.cursorsOf.all(integrationId) as Array<{ data: string }>).map((r) => JSON.parse(r.data) as Cursor);
  }

  allCursors(): Array<{ integrationId: string; cursor: Cursor }> {
    return (this.s.cursorsAll.all() as Array<{ integration_id: string; data: string }>).map((r) => ({
      integrationId: r.integration_id,
      cursor: JSON.parse(r.data) as Cursor,
    }));
  }

  deleteCursors(integrationId: string): void {
    this.s.cursorsDelete.run(integrationId);
  }
}
