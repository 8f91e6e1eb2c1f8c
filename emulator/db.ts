import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { requireOptional } from './optional.ts';
import type { Blueprint, EntityRecord, Json, RelationValue } from './types.ts';

/**
 * SQLite storage for the emulator: one file (or `:memory:`), WAL, prepared statements.
 * Whole documents (blueprints, integrations) are stored as JSON; entities get columns so the
 * hot paths (upsert by key, owned-entity scans, identifier lookups) use indexes.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (client_id TEXT PRIMARY KEY, client_secret TEXT NOT NULL, is_machine INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS tokens (jti TEXT PRIMARY KEY, token TEXT NOT NULL, client_id TEXT NOT NULL, iat INTEGER NOT NULL, exp INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tokens_client ON tokens (client_id);
CREATE TABLE IF NOT EXISTS blueprints (identifier TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
  row_id INTEGER PRIMARY KEY AUTOINCREMENT,
  blueprint TEXT NOT NULL,
  identifier TEXT NOT NULL,
  title TEXT, icon TEXT,
  team TEXT NOT NULL DEFAULT '[]',
  properties TEXT NOT NULL DEFAULT '{}',
  relations TEXT NOT NULL DEFAULT '{}',
  datasource TEXT,
  created_at TEXT NOT NULL, created_by TEXT,
  updated_at TEXT NOT NULL, updated_by TEXT,
  UNIQUE (blueprint, identifier)
);
CREATE INDEX IF NOT EXISTS entities_identifier ON entities (identifier);
CREATE TABLE IF NOT EXISTS integrations (identifier TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resync_requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, integration_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS resync_requests_integration ON resync_requests (integration_id, seq);
CREATE TABLE IF NOT EXISTS examples (integration_id TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (integration_id, kind));
CREATE TABLE IF NOT EXISTS migrations (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changelog (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);
-- Added in schema 2. Every statement is IF NOT EXISTS, so opening a file written by an older
-- emulator adds these tables and keeps its data.
CREATE TABLE IF NOT EXISTS actions (identifier TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  installation_id TEXT NOT NULL,
  claim_key TEXT NOT NULL,
  pending INTEGER NOT NULL,
  open INTEGER NOT NULL,
  claimed_until INTEGER,
  external_run_id TEXT,
  created_at TEXT NOT NULL,
  claim_count INTEGER NOT NULL DEFAULT 0,
  acked_at TEXT,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_claimable ON runs (kind, installation_id, pending, open, created_at, seq);
CREATE INDEX IF NOT EXISTS runs_external ON runs (external_run_id);
CREATE TABLE IF NOT EXISTS run_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS run_events_run ON run_events (run_id, seq);
CREATE TABLE IF NOT EXISTS cursors (integration_id TEXT NOT NULL, kind TEXT NOT NULL, idx INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (integration_id, kind, idx));
-- Added for the web UI (schema 3): entity change history and resync history.
CREATE TABLE IF NOT EXISTS entity_history (row_id INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS resync_history (seq INTEGER PRIMARY KEY AUTOINCREMENT, integration_id TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS resync_history_key ON resync_history (integration_id, kind, key);
PRAGMA user_version = 3;
`;

const TABLES = ['kv', 'credentials', 'tokens', 'blueprints', 'entities', 'integrations', 'resync_requests', 'examples', 'migrations', 'changelog',
  'actions', 'runs', 'run_events', 'cursors', 'entity_history', 'resync_history'];

export interface EntityRow {
  row_id: number;
  blueprint: string;
  identifier: string;
  title: string | null;
  icon: string | null;
  team: string;
  properties: string;
  relations: string;
  datasource: string | null;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  updated_by: string | null;
}

export function rowToEntity(r: EntityRow): EntityRecord {
  return {
    rowId: r.row_id,
    blueprint: r.blueprint,
    identifier: r.identifier,
    title: r.title,
    icon: r.icon,
    team: JSON.parse(r.team) as string[],
    properties: JSON.parse(r.properties) as Record<string, Json>,
    relations: JSON.parse(r.relations) as Record<string, RelationValue>,
    datasource: r.datasource,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

export type EntityWrite = Omit<EntityRecord, 'rowId'>;

export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // Not a dependency of port-tide: only the emulator (and the embedded Port) stores anything in SQLite,
  // so a project lists it among its development dependencies.
  const Sqlite = requireOptional<typeof Database>('better-sqlite3', 'the local Port emulator', 12);
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  // A local emulator: an application crash never corrupts a WAL database, and losing the last
  // commits to a power cut is acceptable, so commits need not wait for the disk.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('temp_store = MEMORY');
  db.exec(SCHEMA);
  return db;
}

/** Prepared statements and small typed accessors over the schema above. */
export class Store {
  readonly db: Database.Database;
  private readonly s;

  constructor(file: string) {
    this.db = openDatabase(file);
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      kvGet: p('SELECT value FROM kv WHERE key = ?'),
      kvSet: p('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      kvDel: p('DELETE FROM kv WHERE key = ?'),
      bpGet: p('SELECT data FROM blueprints WHERE identifier = ?'),
      bpAll: p('SELECT data FROM blueprints ORDER BY identifier'),
      bpPut: p('INSERT INTO blueprints (identifier, data) VALUES (?, ?) ON CONFLICT (identifier) DO UPDATE SET data = excluded.data'),
      bpDel: p('DELETE FROM blueprints WHERE identifier = ?'),
      entGet: p('SELECT * FROM entities WHERE blueprint = ? AND identifier = ?'),
      entExists: p('SELECT 1 FROM entities WHERE blueprint = ? AND identifier = ?'),
      entByBp: p('SELECT * FROM entities WHERE blueprint = ? ORDER BY row_id'),
      entCount: p('SELECT count(*) AS n FROM entities WHERE blueprint = ?'),
      entInsert: p(`INSERT INTO entities (blueprint, identifier, title, icon, team, properties, relations, datasource, created_at, created_by, updated_at, updated_by)
        VALUES (@blueprint, @identifier, @title, @icon, @team, @properties, @relations, @datasource, @createdAt, @createdBy, @updatedAt, @updatedBy)`),
      entUpdate: p(`UPDATE entities SET title = @title, icon = @icon, team = @team, properties = @properties, relations = @relations,
        datasource = @datasource, updated_at = @updatedAt, updated_by = @updatedBy WHERE row_id = @rowId`),
      entDel: p('DELETE FROM entities WHERE row_id = ?'),
      entPage: p('SELECT * FROM entities WHERE row_id > ? ORDER BY row_id LIMIT ?'),
      entPageBp: p('SELECT * FROM entities WHERE blueprint = ? AND row_id > ? ORDER BY row_id LIMIT ?'),
      entOwnedPage: p(`SELECT * FROM entities WHERE row_id > @after AND datasource IS NOT NULL
        AND substr(datasource, 1, length(@prefix)) = @prefix AND length(datasource) >= length(@prefix) + length(@suffix)
        AND substr(datasource, length(datasource) - length(@suffix) + 1) = @suffix
        AND (@before IS NULL OR updated_at < @before) ORDER BY row_id LIMIT @limit`),
      intGet: p('SELECT data FROM integrations WHERE identifier = ?'),
      intPut: p('INSERT INTO integrations (identifier, data) VALUES (?, ?) ON CONFLICT (identifier) DO UPDATE SET data = excluded.data'),
      intDel: p('DELETE FROM integrations WHERE identifier = ?'),
      intAll: p('SELECT data FROM integrations ORDER BY identifier'),
    };
  }

  kv<T>(key: string): T | undefined {
    const row = this.s.kvGet.get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setKv(key: string, value: unknown): void {
    if (value === undefined) this.s.kvDel.run(key);
    else this.s.kvSet.run(key, JSON.stringify(value));
  }

  blueprint(id: string): Blueprint | undefined {
    const row = this.s.bpGet.get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as Blueprint) : undefined;
  }

  blueprints(): Blueprint[] {
    return (this.s.bpAll.all() as { data: string }[]).map((r) => JSON.parse(r.data) as Blueprint);
  }

  putBlueprint(bp: Blueprint): void {
    this.s.bpPut.run(bp.identifier, JSON.stringify(bp));
  }

  deleteBlueprint(id: string): void {
    this.s.bpDel.run(id);
  }

  entity(blueprint: string, identifier: string): EntityRecord | undefined {
    const row = this.s.entGet.get(blueprint, identifier) as EntityRow | undefined;
    return row ? rowToEntity(row) : undefined;
  }

  hasEntity(blueprint: string, identifier: string): boolean {
    return this.s.entExists.get(blueprint, identifier) !== undefined;
  }

  entitiesOf(blueprint: string): EntityRecord[] {
    return (this.s.entByBp.all(blueprint) as EntityRow[]).map(rowToEntity);
  }

  countEntities(blueprint: string): number {
    return (this.s.entCount.get(blueprint) as { n: number }).n;
  }

  /** Insert or update by key; returns the stored row id. */
  saveEntity(e: EntityWrite, rowId?: number): number {
    const params = {
      ...e,
      team: JSON.stringify(e.team),
      properties: JSON.stringify(e.properties),
      relations: JSON.stringify(e.relations),
    };
    if (rowId !== undefined) {
      this.s.entUpdate.run({ ...params, rowId });
      return rowId;
    }
    return Number(this.s.entInsert.run(params).lastInsertRowid);
  }

  deleteEntityRow(rowId: number): void {
    this.s.entDel.run(rowId);
  }

  /** Keyset page over all entities (or one blueprint), by row id. */
  entityPage(afterRowId: number, limit: number, blueprint?: string): EntityRecord[] {
    const rows = blueprint
      ? (this.s.entPageBp.all(blueprint, afterRowId, limit) as EntityRow[])
      : (this.s.entPage.all(afterRowId, limit) as EntityRow[]);
    return rows.map(rowToEntity);
  }

  ownedPage(q: { prefix: string; suffix: string; before: string | null; after: number; limit: number }): EntityRecord[] {
    return (this.s.entOwnedPage.all(q) as EntityRow[]).map(rowToEntity);
  }

  /** Entities by key sets, for searches narrowed by `$blueprint` / `$identifier` rules. */
  entitiesWhere(blueprints: string[] | null, identifiers: string[] | null): EntityRecord[] {
    const where: string[] = [];
    const args: string[] = [];
    if (blueprints) {
      where.push(`blueprint IN (${blueprints.map(() => '?').join(',')})`);
      args.push(...blueprints);
    }
    if (identifiers) {
      where.push(`identifier IN (${identifiers.map(() => '?').join(',')})`);
      args.push(...identifiers);
    }
    const sql = `SELECT * FROM entities ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY row_id`;
    return (this.db.prepare(sql).all(...args) as EntityRow[]).map(rowToEntity);
  }

  integration<T>(id: string): T | undefined {
    const row = this.s.intGet.get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as T) : undefined;
  }

  integrations<T>(): T[] {
    return (this.s.intAll.all() as { data: string }[]).map((r) => JSON.parse(r.data) as T);
  }

  putIntegration(id: string, data: unknown): void {
    this.s.intPut.run(id, JSON.stringify(data));
  }

  deleteIntegration(id: string): void {
    this.s.intDel.run(id);
  }

  wipe(): void {
    this.db.transaction(() => {
      for (const t of TABLES) this.db.exec(`DELETE FROM ${t}`);
      this.db.exec(`DELETE FROM sqlite_sequence`);
    })();
  }

  close(): void {
    this.db.close();
  }
}
