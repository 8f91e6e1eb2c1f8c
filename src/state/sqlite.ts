/**
 * Tide's stores on a synchronous SQLite connection (a Durable Object's `ctx.storage.sql`, or a wrapper
 * over any SQLite binding): a small key-value table (resync checkpoint, polling state, integration
 * state), the resync's seen set, and what live events need to be idempotent and ordered across queue
 * redeliveries. Synchronous, so the seen set answers `has` inline during reconciliation without holding
 * every key in memory (a Worker isolate has 128 MB).
 */
import { keyOf, plainRelationValues, type ResyncCheckpoint, type ResyncCheckpointStore, type SeenKeys } from '../sync/index.ts';
import type { StateStore } from './store.ts';

/** A synchronous SQLite connection, shaped like Cloudflare's `SqlStorage`. */
export interface SqlStorageLike {
  exec(query: string, ...bindings: unknown[]): { toArray(): Array<Record<string, unknown>> };
}

export function migrate(sql: SqlStorageLike): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS tide_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS tide_seen (key TEXT PRIMARY KEY)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS tide_seen_relations (blueprint TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (blueprint, name, value))`);
  // Per seen key, the first answer to "did Port have it before this resync wrote it?" (1 yes, 0 no).
  sql.exec(`CREATE TABLE IF NOT EXISTS tide_seen_existed (key TEXT PRIMARY KEY, existed INTEGER NOT NULL)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS tide_live_applied (trace_id TEXT PRIMARY KEY, at INTEGER NOT NULL)`);
  sql.exec(`CREATE TABLE IF NOT EXISTS tide_live_writers (key TEXT PRIMARY KEY, created_at INTEGER NOT NULL, at INTEGER NOT NULL)`);
}

/** JSON values in `tide_kv`. */
export function createKv(sql: SqlStorageLike) {
  return {
    get<T>(key: string): T | undefined {
      const row = sql.exec(`SELECT value FROM tide_kv WHERE key = ?`, key).toArray()[0];
      return row === undefined ? undefined : (JSON.parse(row.value as string) as T);
    },
    set(key: string, value: unknown): void {
      sql.exec(`INSERT INTO tide_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, JSON.stringify(value));
    },
    delete(key: string): void {
      sql.exec(`DELETE FROM tide_kv WHERE key = ?`, key);
    },
    keys(prefix: string): string[] {
      // substr rather than LIKE, so that `%` and `_` in a prefix mean themselves (and rather than an upper
      // bound like `prefix + '\uffff'`, which astral characters sort past in SQLite's UTF-8 byte order).
      // Sorted here: JavaScript's UTF-16 order is the StateStore contract's, SQLite's differs.
      return sql
        .exec(`SELECT key FROM tide_kv WHERE key >= ? AND substr(key, 1, length(?)) = ?`, prefix, prefix, prefix)
        .toArray()
        .map((r) => r.key as string)
        .sort();
    },
  };
}

export type Kv = ReturnType<typeof createKv>;

/** The seen set in SQLite: keys, and per (blueprint, relation) the plain target identifiers. */
export function createSqlSeenKeys(sql: SqlStorageLike): SeenKeys {
  return {
    add(blueprint, identifier, relations) {
      sql.exec(`INSERT OR IGNORE INTO tide_seen (key) VALUES (?)`, keyOf(blueprint, identifier));
      if (!relations) return;
      for (const [name, value] of Object.entries(relations)) {
        for (const v of plainRelationValues(value)) sql.exec(`INSERT OR IGNORE INTO tide_seen_relations (blueprint, name, value) VALUES (?, ?, ?)`, blueprint, name, v);
      }
    },
    has(blueprint, identifier) {
      return sql.exec(`SELECT 1 AS hit FROM tide_seen WHERE key = ?`, keyOf(blueprint, identifier)).toArray().length > 0;
    },
    get size() {
      return Number(sql.exec(`SELECT count(*) AS n FROM tide_seen`).toArray()[0].n);
    },
    noteExisted(blueprint, identifier, existed) {
      const key = keyOf(blueprint, identifier);
      sql.exec(`INSERT OR IGNORE INTO tide_seen (key) VALUES (?)`, key);
      sql.exec(`INSERT OR IGNORE INTO tide_seen_existed (key, existed) VALUES (?, ?)`, key, existed ? 1 : 0);
    },
    existed(blueprint, identifier) {
      return sql.exec(`SELECT 1 AS hit FROM tide_seen_existed WHERE key = ? AND existed = 1`, keyOf(blueprint, identifier)).toArray().length > 0;
    },
    get existedCount() {
      return Number(sql.exec(`SELECT count(*) AS n FROM tide_seen_existed WHERE existed = 1`).toArray()[0].n);
    },
    *relationValues() {
      const groups = new Map<string, [string, string, Set<string>]>();
      for (const row of sql.exec(`SELECT blueprint, name, value FROM tide_seen_relations ORDER BY blueprint, name`).toArray()) {
        const id = `${row.blueprint}\u0000${row.name}`;
        let group = groups.get(id);
        if (!group) groups.set(id, (group = [row.blueprint as string, row.name as string, new Set()]));
        group[2].add(row.value as string);
      }
      yield* groups.values();
    },
  };
}

const CHECKPOINT_KEY = 'resync:checkpoint';

/** The resumable resync's checkpoint (in `tide_kv`) and seen set (its own tables). */
export function createSqlCheckpointStore(sql: SqlStorageLike): ResyncCheckpointStore {
  const kv = createKv(sql);
  const seen = createSqlSeenKeys(sql);
  return {
    async load() {
      return kv.get<ResyncCheckpoint>(CHECKPOINT_KEY);
    },
    async save(checkpoint) {
      kv.set(CHECKPOINT_KEY, checkpoint);
    },
    seen: () => seen,
    async clear() {
      kv.delete(CHECKPOINT_KEY);
      sql.exec(`DELETE FROM tide_seen`);
      sql.exec(`DELETE FROM tide_seen_relations`);
      sql.exec(`DELETE FROM tide_seen_existed`);
    },
  };
}

/** The integration's StateStore (`ctx.state`) in the Durable Object. */
export function createSqlStateStore(sql: SqlStorageLike): StateStore {
  const kv = createKv(sql);
  const prefix = 'state:';
  return {
    async get<T>(key: string) {
      return kv.get<T>(prefix + key);
    },
    async set(key, value) {
      if (value === undefined) throw new TypeError(`state "${key}": undefined cannot be stored; use delete()`);
      kv.set(prefix + key, value);
    },
    async delete(key) {
      kv.delete(prefix + key);
    },
    async keys(p = '') {
      return kv.keys(prefix + p).map((k) => k.slice(prefix.length));
    },
  };
}

/** Queue retention is at most 14 days: records older than that can no longer meet a redelivery. */
const LIVE_MEMORY_MS = 15 * 24 * 3600 * 1000;

/**
 * Live events across redeliveries: which events were applied (by trace id), and per entity key the
 * arrival time of the newest event that wrote it, so an older event delivered late is stale.
 */
export function createLiveLedger(sql: SqlStorageLike, now: () => number) {
  return {
    applied: (traceId: string): boolean => sql.exec(`SELECT 1 AS hit FROM tide_live_applied WHERE trace_id = ?`, traceId).toArray().length > 0,
    markApplied(traceId: string): void {
      const at = now();
      sql.exec(`INSERT OR IGNORE INTO tide_live_applied (trace_id, at) VALUES (?, ?)`, traceId, at);
      sql.exec(`DELETE FROM tide_live_applied WHERE at < ?`, at - LIVE_MEMORY_MS);
      sql.exec(`DELETE FROM tide_live_writers WHERE at < ?`, at - LIVE_MEMORY_MS);
    },
    /** The WriteGuard of one event that arrived at `createdAt` (ms). */
    guard(createdAt: number) {
      return {
        isStale: (key: string): boolean => {
          const row = sql.exec(`SELECT created_at FROM tide_live_writers WHERE key = ?`, key).toArray()[0];
          return row !== undefined && Number(row.created_at) > createdAt;
        },
        record: (key: string): void => {
          sql.exec(
            `INSERT INTO tide_live_writers (key, created_at, at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET created_at = max(created_at, excluded.created_at), at = excluded.at`,
            key,
            createdAt,
            now(),
          );
        },
      };
    },
  };
}
