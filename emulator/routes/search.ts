import { z } from 'zod';
import { invalidRequest } from '../errors.ts';
import { compileProjection, toPublicEntity } from '../projection.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';
import { compileQuery, queryBlueprints, queryIdentifiers, type EntityPredicate } from '../search.ts';
import type { EntityRecord } from '../types.ts';
import { listParam, loadBlueprint } from './entities.ts';

/** Cross-blueprint search, paginated blueprint search and owned entities (docs/port-api.md §9.11, §10). */
const SCAN_CHUNK = 2000;

function predicate(ctx: HandlerContext, query: unknown, path = 'query'): EntityPredicate {
  return compileQuery(query, { now: () => ctx.emu.clock.date(), blueprint: (id) => ctx.emu.blueprint(id) }, { path });
}

const encodeCursor = (rowId: number) => Buffer.from(JSON.stringify({ r: rowId })).toString('base64url');

function decodeCursor(from: string | undefined, field: string): number {
  if (from === undefined || from === null || from === '') return 0;
  try {
    const r = (JSON.parse(Buffer.from(from, 'base64url').toString('utf8')) as { r?: unknown }).r;
    if (typeof r === 'number' && Number.isInteger(r) && r >= 0) return r;
  } catch {
    /* fall through */
  }
  throw invalidRequest(`${field}: not a cursor this server issued`);
}

/**
 * Walk rows in keyset order, keeping those that match, until `limit` are found. `next` is set only
 * when one more match exists, so the page holding the last match carries no cursor (as in §9.11).
 */
function scanPage(
  ctx: HandlerContext,
  after: number,
  limit: number,
  match: (e: EntityRecord) => boolean,
  blueprint?: string,
): { rows: EntityRecord[]; next: number | null } {
  const rows: EntityRecord[] = [];
  let cursor = after;
  for (;;) {
    const chunk = ctx.emu.store.entityPage(cursor, SCAN_CHUNK, blueprint);
    for (const e of chunk) {
      cursor = e.rowId;
      if (!match(e)) continue;
      if (rows.length === limit) return { rows, next: rows[rows.length - 1].rowId };
      rows.push(e);
    }
    if (chunk.length < SCAN_CHUNK) return { rows, next: null };
  }
}

const blueprintSearchBody = z.object({
  query: z.unknown().optional(),
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
  from: z.string().optional(),
});

const datasourceBody = z.object({
  datasource_prefix: z.string(),
  datasource_suffix: z.string(),
  limit: z.number().int().min(1).max(10_000),
  from: z.string().nullable().optional(),
  before: z.iso.datetime({ offset: true }).optional(),
});

export const searchRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/entities/search',
    id: 'entities.search',
    query: {
      exclude_calculated_properties: 'boolean',
      attach_title_to_relation: 'boolean',
      attach_identifier_to_title_mirror_properties: 'boolean',
      allow_partial_results: 'boolean',
    },
    body: z.unknown(),
    handler: (ctx) => {
      const match = predicate(ctx, ctx.body ?? undefined, 'body');
      const known = ctx.emu.store.blueprints().map((b) => b.identifier);
      const restricted = queryBlueprints(ctx.body);
      const matchingBlueprints = restricted ? known.filter((b) => restricted.includes(b)) : known;
      const failed = new Set(ctx.fault?.type === 'failBlueprints' ? ctx.fault.blueprints : []);
      const ids = queryIdentifiers(ctx.body);
      // Narrow the scan with the indexed keys when the query pins them; the predicate still decides.
      const rows =
        restricted || ids
          ? ctx.emu.store.entitiesWhere(restricted ? matchingBlueprints : null, ids)
          : scanPage(ctx, 0, Number.MAX_SAFE_INTEGER, () => true).rows;
      const project = compileProjection(listParam(ctx.query, 'include'), listParam(ctx.query, 'exclude'));
      const entities = rows
        .filter((e) => !failed.has(e.blueprint) && match(e))
        .map((e) => project(toPublicEntity(e, ctx.emu.blueprint(e.blueprint))));
      return ok({ entities, matchingBlueprints, failedBlueprints: matchingBlueprints.filter((b) => failed.has(b)) });
    },
  },
  {
    method: 'POST',
    path: '/v1/blueprints/:bp/entities/search',
    id: 'entities.blueprintSearch',
    body: blueprintSearchBody,
    handler: (ctx) => {
      const bp = loadBlueprint(ctx);
      const b = ctx.body as z.infer<typeof blueprintSearchBody>;
      const match = b.query === undefined ? () => true : predicate(ctx, b.query);
      const page = scanPage(ctx, decodeCursor(b.from, 'from'), b.limit ?? 200, match, bp.identifier);
      const project = compileProjection(b.include ?? listParam(ctx.query, 'include'), b.exclude ?? listParam(ctx.query, 'exclude'));
      const entities = page.rows.map((e) => project(toPublicEntity(e, bp)));
      return ok({ entities, ...(page.next !== null ? { next: encodeCursor(page.next) } : {}) });
    },
  },
  {
    method: 'POST',
    path: '/v1/blueprints/entities/datasource-entities',
    id: 'entities.datasourceEntities',
    body: datasourceBody,
    handler: (ctx) => {
      const b = ctx.body as z.infer<typeof datasourceBody>;
      const after = decodeCursor(b.from ?? undefined, 'from');
      const before = b.before ? new Date(b.before).toISOString() : null;
      // One extra row tells whether another page exists, so the last page carries no cursor.
      const rows = ctx.emu.store.ownedPage({ prefix: b.datasource_prefix, suffix: b.datasource_suffix, before, after, limit: b.limit + 1 });
      const more = rows.length > b.limit;
      const page = more ? rows.slice(0, b.limit) : rows;
      const entities = page.map((e) => toPublicEntity(e, ctx.emu.blueprint(e.blueprint)));
      return ok({ entities, next: more ? encodeCursor(page[page.length - 1].rowId) : null });
    },
  },
];
