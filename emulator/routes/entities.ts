import { z } from 'zod';
import { deleteEntities } from '../entity-delete.ts';
import { writeEntity, type WriteOptions } from '../entity-writer.ts';
import { PortError, invalidRequest, notFound } from '../errors.ts';
import { compileProjection, toPublicEntity } from '../projection.ts';
import { ok, qbool, type HandlerContext, type QueryRule, type Route } from '../router.ts';
import type { Blueprint, EntityRecord } from '../types.ts';

/** Entity writes, reads and deletes (docs/port-api.md §9.5–§9.10). */
const WRITE_QUERY: Record<string, QueryRule> = {
  upsert: 'requiredBoolean',
  merge: 'boolean',
  validation_only: 'boolean',
  create_missing_related_entities: 'boolean',
};
const READ_QUERY: Record<string, QueryRule> = {
  exclude_calculated_properties: 'boolean',
  attach_title_to_relation: 'boolean',
  attach_identifier_to_title_mirror_properties: 'boolean',
  allow_partial_results: 'boolean',
};

export function loadBlueprint(ctx: HandlerContext): Blueprint {
  const bp = ctx.emu.blueprint(ctx.params.bp);
  if (!bp) throw notFound(`Blueprint "${ctx.params.bp}" was not found`);
  return bp;
}

function writeOptions(ctx: HandlerContext, over: Partial<WriteOptions> = {}): WriteOptions {
  return {
    upsert: qbool(ctx.query, 'upsert'),
    merge: qbool(ctx.query, 'merge'),
    createMissing: qbool(ctx.query, 'create_missing_related_entities'),
    validationOnly: qbool(ctx.query, 'validation_only'),
    userAgent: ctx.userAgent,
    clientId: ctx.principal?.clientId ?? null,
    ...over,
  };
}

/** `include` / `exclude` as repeated keys or `include[]`. */
export function listParam(q: URLSearchParams, name: string): string[] | undefined {
  const values = [...q.getAll(name), ...q.getAll(`${name}[]`)];
  return values.length ? values : undefined;
}

const writerOf = (ctx: HandlerContext) => ({ clientId: ctx.principal?.clientId ?? null, userAgent: ctx.userAgent });

const pub = (ctx: HandlerContext, e: EntityRecord) => {
  const project = compileProjection(listParam(ctx.query, 'include'), listParam(ctx.query, 'exclude'));
  return project(toPublicEntity(e, ctx.emu.blueprint(e.blueprint)));
};

function loadEntity(ctx: HandlerContext, bp: Blueprint): EntityRecord {
  const e = ctx.emu.store.entity(bp.identifier, ctx.params.id);
  if (!e) throw notFound(`Entity "${ctx.params.id}" of blueprint "${bp.identifier}" was not found`);
  return e;
}

const bulkUpsertBody = z.object({ entities: z.array(z.unknown()).min(1) });
const bulkDeleteBody = z.object({ entities: z.array(z.string()).min(1).max(100) });

function bulkUpsert(ctx: HandlerContext) {
  const bp = loadBlueprint(ctx);
  const { entities } = ctx.body as { entities: unknown[] };
  const max = ctx.emu.maxBulkUpsert;
  if (entities.length > max) throw invalidRequest(`entities: at most ${max} entities per bulk upsert, got ${entities.length}`);
  const opts = writeOptions(ctx);
  const partial = ctx.fault?.type === 'partial' ? ctx.fault : undefined;
  const results: Array<{ identifier: string; index: number; created: boolean }> = [];
  const errors: Array<{ identifier: string; index: number; statusCode: number; error: string; message: string }> = [];
  entities.forEach((body, index) => {
    const given = body && typeof body === 'object' && typeof (body as { identifier?: unknown }).identifier === 'string'
      ? (body as { identifier: string }).identifier
      : 'unknown';
    if (partial?.indexes.includes(index)) {
      const statusCode = partial.statusCode ?? 422;
      errors.push({ identifier: given, index, statusCode, error: partial.error ?? 'invalid_request', message: partial.message ?? 'injected partial failure' });
      return;
    }
    try {
      // writeEntity checks everything before its first write, so a refused item leaves nothing
      // behind without a savepoint of its own; the request as a whole is one transaction.
      const r = writeEntity(ctx.emu, bp, body, opts);
      if (r.kind === 'unresolved')
        errors.push({ identifier: 'unknown', index, statusCode: 404, error: 'not_found', message: 'The search identifier matched no entity' });
      else results.push({ identifier: r.entity.identifier, index, created: r.created });
    } catch (err) {
      if (!(err instanceof PortError)) throw err;
      const identifier = given === 'unknown' || err.message.startsWith('identifier: the search') ? 'unknown' : given;
      errors.push({ identifier, index, statusCode: err.status, error: err.code, message: err.message });
    }
  });
  return ok({ entities: results, errors }, errors.length ? 207 : 200);
}

function bulkDelete(ctx: HandlerContext) {
  const bp = loadBlueprint(ctx);
  const ids = [...new Set((ctx.body as { entities: string[] }).entities)];
  const rows = ctx.emu.store.entitiesWhere([bp.identifier], ids);
  const deleted = deleteEntities(ctx.emu, rows, qbool(ctx.query, 'delete_dependents'), writerOf(ctx));
  return ok({ deletedEntities: deleted });
}

export const entityRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/blueprints/:bp/entities',
    id: 'entities.upsert',
    query: { ...WRITE_QUERY },
    handler: (ctx) => {
      const bp = loadBlueprint(ctx);
      const r = writeEntity(ctx.emu, bp, ctx.body, writeOptions(ctx));
      if (r.kind === 'unresolved') return ok({ entity: { blueprint: bp.identifier, identifier: r.query } });
      return ok({ entity: pub(ctx, r.entity) }, r.created && !qbool(ctx.query, 'validation_only') ? 201 : 200);
    },
  },
  {
    method: 'POST',
    path: '/v1/blueprints/:bp/entities/bulk',
    id: 'entities.bulkUpsert',
    query: { ...WRITE_QUERY },
    body: bulkUpsertBody,
    handler: bulkUpsert,
  },
  {
    method: 'GET',
    path: '/v1/blueprints/:bp/entities',
    id: 'entities.list',
    query: READ_QUERY,
    handler: (ctx) => {
      const bp = loadBlueprint(ctx);
      return ok({ entities: ctx.emu.store.entitiesOf(bp.identifier).map((e) => pub(ctx, e)) });
    },
  },
  {
    method: 'GET',
    path: '/v1/blueprints/:bp/entities/:id',
    id: 'entities.get',
    query: READ_QUERY,
    handler: (ctx) => ok({ entity: pub(ctx, loadEntity(ctx, loadBlueprint(ctx))) }),
  },
  ...(['PUT', 'PATCH'] as const).map(
    (method): Route => ({
      method,
      path: '/v1/blueprints/:bp/entities/:id',
      id: method === 'PUT' ? 'entities.replace' : 'entities.patch',
      query: { create_missing_related_entities: 'boolean' },
      handler: (ctx) => {
        const bp = loadBlueprint(ctx);
        loadEntity(ctx, bp);
        const body = ctx.body && typeof ctx.body === 'object' ? { identifier: ctx.params.id, ...(ctx.body as object) } : ctx.body;
        if ((body as { identifier?: unknown })?.identifier !== ctx.params.id)
          throw invalidRequest(`identifier: must equal the path identifier "${ctx.params.id}"`);
        const r = writeEntity(ctx.emu, bp, body, writeOptions(ctx, { upsert: true, merge: method === 'PATCH', validationOnly: false }));
        if (r.kind !== 'written') throw notFound('Entity was not found');
        return ok({ entity: pub(ctx, r.entity) });
      },
    }),
  ),
  {
    method: 'DELETE',
    path: '/v1/blueprints/:bp/entities/:id',
    id: 'entities.delete',
    query: { delete_dependents: 'requiredBoolean' },
    handler: (ctx) => {
      const e = loadEntity(ctx, loadBlueprint(ctx));
      deleteEntities(ctx.emu, [e], qbool(ctx.query, 'delete_dependents'), writerOf(ctx));
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/v1/blueprints/:bp/bulk/entities/delete',
    id: 'entities.bulkDelete',
    query: { delete_dependents: 'requiredBoolean' },
    body: bulkDeleteBody,
    handler: bulkDelete,
  },
  {
    method: 'DELETE',
    path: '/v1/blueprints/:bp/bulk/entities',
    id: 'entities.bulkDelete',
    query: { delete_dependents: 'requiredBoolean' },
    body: bulkDeleteBody,
    handler: bulkDelete,
  },
];
