import { rowToEntity, type EntityRow } from '../db.ts';
import { invalidRequest } from '../errors.ts';
import { compileQuery, type EntityPredicate } from '../search.ts';
import type { EmulatorState } from '../state.ts';
import type { Blueprint, EntityRecord } from '../types.ts';

/**
 * The blueprint page's entity table: one page of one blueprint's entities, sorted and filtered in SQL
 * where SQLite can, with keyset cursors so that a page costs the same on page 1 and page 4,000. Sorting
 * by identifier walks the (blueprint, identifier) index; other sorts and the search box scan the
 * blueprint's rows once; filters (Port search rules, docs/port-api.md §10.2) are evaluated with the emulator's
 * own search engine over the rows in sort order.
 */
export interface TableRequest {
  sort: string;
  dir: 'asc' | 'desc';
  /** identifier/title contains (case-insensitive for ASCII). */
  q: string;
  /** Port search rules, combined with `and`. */
  rules: Array<{ property: string; operator: string; value?: unknown }>;
  after?: string;
  before?: string;
  /** `last`: the final page. */
  last?: boolean;
  size: number;
}

export interface TablePage {
  rows: EntityRecord[];
  total: number;
  /** Cursors for the neighbouring pages; absent at either end. */
  next?: string;
  prev?: string;
  /** Rows before this page, when cheaply known (first and last pages). */
  offset?: number;
}

export const PAGE_SIZES = [25, 50, 100, 200];
const SCAN_CHUNK = 1000;

/** The SQL expression a sort key reads, and whether it can be null. */
function sortExpr(bp: Blueprint, sort: string): { expr: string; nullable: boolean } {
  if (sort === 'identifier') return { expr: 'identifier', nullable: false };
  if (sort === 'title') return { expr: 'title', nullable: true };
  if (sort === 'updatedAt') return { expr: 'updated_at', nullable: false };
  if (sort === 'createdAt') return { expr: 'created_at', nullable: false };
  if (sort.startsWith('properties.') && Object.hasOwn(bp.schema.properties, sort.slice(11))) {
    return { expr: `json_extract(properties, '$."${sort.slice(11).replaceAll('"', '""').replaceAll("'", "''")}"')`, nullable: true };
  }
  throw invalidRequest(`sort: expected identifier, title, updatedAt, createdAt or properties.<a property of "${bp.identifier}">, got "${sort}"`);
}

type Key = unknown[];

const encode = (k: Key) => Buffer.from(JSON.stringify(k)).toString('base64url');
function decode(cursor: string, width: number): Key {
  try {
    const k = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(k) && k.length === width && typeof k[width - 1] === 'string') return k;
  } catch {
    /* below */
  }
  throw invalidRequest('cursor: not a cursor this page issued');
}

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function tablePage(emu: EmulatorState, bp: Blueprint, req: TableRequest): TablePage {
  const { expr, nullable } = sortExpr(bp, req.sort);
  // The sort key never holds NULL (nulls sort last through a flag), so row values compare for keyset paging.
  const keyCols = expr === 'identifier' ? ['identifier'] : nullable ? [`(${expr} IS NULL)`, `ifnull(${expr}, 0)`, 'identifier'] : [expr, 'identifier'];
  const width = keyCols.length;
  const where = ['blueprint = ?'];
  const args: unknown[] = [bp.identifier];
  if (req.q) {
    where.push(`(identifier LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\')`);
    args.push(likePattern(req.q), likePattern(req.q));
  }
  const predicate: EntityPredicate | undefined = req.rules.length
    ? compileQuery({ combinator: 'and', rules: req.rules }, { now: () => emu.clock.date(), blueprint: (id) => emu.blueprint(id) }, { path: 'filters' })
    : undefined;

  const backwards = req.before !== undefined || req.last === true;
  const ascending = (req.dir === 'asc') !== backwards;
  const cursor = req.after ?? req.before;
  const cmp = ascending ? '>' : '<';
  const order = ascending ? 'ASC' : 'DESC';
  const keyNames = keyCols.map((_, i) => `k${i}`);
  // Two statements: an OR around the cursor condition would keep SQLite from seeking the index to it.
  const sql = (withCursor: boolean) =>
    `SELECT *, ${keyCols.map((c, i) => `${c} AS k${i}`).join(', ')} FROM entities WHERE ${where.join(' AND ')}
     ${withCursor ? `AND (${keyCols.join(', ')}) ${cmp} (${keyNames.map((k) => `@${k}`).join(', ')})` : ''}
     ORDER BY ${keyCols.map((c) => `${c} ${order}`).join(', ')} LIMIT @limit`;
  const [first, after] = [emu.store.db.prepare(sql(false)), emu.store.db.prepare(sql(true))];
  type Row = EntityRow & Record<string, unknown>;
  const start: Key | undefined = cursor ? decode(cursor, width) : undefined;
  const fetch = (from: Key | undefined, limit: number) =>
    (from
      ? after.all(...args, { limit, ...Object.fromEntries(keyNames.map((k, i) => [k, from[i]])) })
      : first.all(...args, { limit })) as Row[];

  const keyOf = (r: Row): Key => keyNames.map((k) => r[k]);
  // Collect size + 1 matching rows in walk order; the extra one says whether another page exists.
  const found: Row[] = [];
  let from = start;
  for (;;) {
    const chunk = fetch(from, predicate ? SCAN_CHUNK : req.size + 1);
    for (const r of chunk) {
      if (predicate && !predicate(rowToEntity(r))) continue;
      found.push(r);
      if (found.length > req.size) break;
    }
    if (!predicate || found.length > req.size || chunk.length < SCAN_CHUNK) break;
    from = keyOf(chunk[chunk.length - 1]);
  }
  const more = found.length > req.size;
  const page = found.slice(0, req.size);
  if (backwards) page.reverse();
  const result: TablePage = { rows: page.map(rowToEntity), total: count(emu, where, args, predicate, JSON.stringify(req.rules)) };
  if (page.length > 0) {
    const first = encode(keyOf(page[0]));
    const lastKey = encode(keyOf(page[page.length - 1]));
    // Walking forward: another page follows if there was an extra row; one precedes if we started from a cursor.
    const hasNext = backwards ? start !== undefined && !req.last : more;
    const hasPrev = backwards ? more : start !== undefined;
    if (hasNext) result.next = lastKey;
    if (hasPrev) result.prev = first;
  }
  if (!start && !req.last) result.offset = 0;
  if (req.last) result.offset = Math.max(0, result.total - page.length);
  return result;
}

/**
 * Counts cost a pass over the blueprint's index, so they are kept until the database changes: SQLite's
 * `total_changes()` grows with every write on the emulator's connection, and a different value means
 * count again. Paging through an idle catalog then costs the same at any size.
 */
const counts = new WeakMap<object, Map<string, { changes: number; n: number }>>();
const MAX_CACHED_COUNTS = 200;

function count(emu: EmulatorState, where: string[], args: unknown[], predicate: EntityPredicate | undefined, rulesKey: string): number {
  const db = emu.store.db;
  const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  let cache = counts.get(db);
  if (!cache) counts.set(db, (cache = new Map()));
  const key = JSON.stringify([where, args, rulesKey]);
  const hit = cache.get(key);
  if (hit && hit.changes === changes) return hit.n;
  const n = countNow(emu, where, args, predicate);
  if (cache.size >= MAX_CACHED_COUNTS) cache.delete(cache.keys().next().value!);
  cache.set(key, { changes, n });
  return n;
}

function countNow(emu: EmulatorState, where: string[], args: unknown[], predicate: EntityPredicate | undefined): number {
  if (!predicate) return (emu.store.db.prepare(`SELECT count(*) AS n FROM entities WHERE ${where.join(' AND ')}`).get(...args) as { n: number }).n;
  let n = 0;
  for (const r of emu.store.db.prepare(`SELECT * FROM entities WHERE ${where.join(' AND ')}`).iterate(...args) as Iterable<EntityRow>) {
    if (predicate(rowToEntity(r))) n += 1;
  }
  return n;
}
