import { randomUUID } from 'node:crypto';
import { parseBlueprintBody } from '../blueprint-schema.ts';
import { deleteEntities } from '../entity-delete.ts';
import { conflict, invalidRequest, notFound } from '../errors.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';
import type { Blueprint } from '../types.ts';

/** Blueprint CRUD and delete-all migrations (docs/port-api.md §8). */
function load(ctx: HandlerContext, id: string): Blueprint {
  const bp = ctx.emu.blueprint(id);
  if (!bp) throw notFound(`Blueprint "${id}" was not found`);
  return bp;
}

function store(ctx: HandlerContext, fields: ReturnType<typeof parseBlueprintBody>, current?: Blueprint): Blueprint {
  // A write stamp: blueprint `updatedAt` values strictly increase like every other (§1.3).
  const now = ctx.emu.clock.stamp();
  const who = ctx.principal?.clientId ?? null;
  const bp: Blueprint = {
    ...fields,
    createdAt: current?.createdAt ?? now,
    createdBy: current?.createdBy ?? who,
    updatedAt: now,
    updatedBy: who,
  };
  ctx.emu.store.putBlueprint(bp);
  ctx.emu.invalidateBlueprints();
  return bp;
}

const exists = (ctx: HandlerContext) => (id: string) => ctx.emu.blueprint(id) !== undefined;

/** Blueprints (other than `id`) whose relations target `id`. */
function referrers(ctx: HandlerContext, id: string): string[] {
  return ctx.emu.store
    .blueprints()
    .filter((b) => b.identifier !== id && Object.values(b.relations ?? {}).some((r) => r.target === id))
    .map((b) => b.identifier);
}

export const blueprintRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/blueprints',
    id: 'blueprints.list',
    handler: (ctx) => ok({ blueprints: ctx.emu.store.blueprints() }),
  },
  {
    method: 'POST',
    path: '/v1/blueprints',
    id: 'blueprints.create',
    query: { create_catalog_page: 'boolean' },
    handler: (ctx) => {
      const fields = parseBlueprintBody(ctx.body, 'create', (id) => id === (ctx.body as { identifier?: string }).identifier || exists(ctx)(id));
      if (ctx.emu.blueprint(fields.identifier)) throw conflict(`Blueprint "${fields.identifier}" already exists`);
      return ok({ blueprint: store(ctx, fields) }, 201);
    },
  },
  {
    method: 'GET',
    path: '/v1/blueprints/:bp',
    id: 'blueprints.get',
    handler: (ctx) => ok({ blueprint: load(ctx, ctx.params.bp) }),
  },
  {
    method: 'PUT',
    path: '/v1/blueprints/:bp',
    id: 'blueprints.replace',
    handler: (ctx) => {
      const current = load(ctx, ctx.params.bp);
      return ok({ blueprint: store(ctx, parseBlueprintBody(ctx.body, 'replace', exists(ctx), current), current) });
    },
  },
  {
    method: 'PATCH',
    path: '/v1/blueprints/:bp',
    id: 'blueprints.patch',
    handler: (ctx) => {
      const current = load(ctx, ctx.params.bp);
      return ok({ blueprint: store(ctx, parseBlueprintBody(ctx.body, 'patch', exists(ctx), current), current) });
    },
  },
  {
    method: 'DELETE',
    path: '/v1/blueprints/:bp',
    id: 'blueprints.delete',
    query: { delete_actions: 'boolean' },
    handler: (ctx) => {
      const bp = load(ctx, ctx.params.bp);
      const count = ctx.emu.store.countEntities(bp.identifier);
      if (count > 0) throw invalidRequest(`Blueprint "${bp.identifier}" still has ${count} entities; delete them first`);
      const refs = referrers(ctx, bp.identifier);
      if (refs.length) throw invalidRequest(`Blueprint "${bp.identifier}" is the target of relations in: ${refs.join(', ')}`);
      ctx.emu.store.deleteBlueprint(bp.identifier);
      ctx.emu.invalidateBlueprints();
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/v1/blueprints/:bp/all-entities',
    id: 'blueprints.deleteAllEntities',
    query: { delete_blueprint: 'boolean' },
    handler: (ctx) => {
      const bp = load(ctx, ctx.params.bp);
      const rows = ctx.emu.store.entitiesOf(bp.identifier);
      deleteEntities(ctx.emu, rows, true);
      if (ctx.query.get('delete_blueprint') === 'true') {
        const refs = referrers(ctx, bp.identifier);
        if (refs.length) throw invalidRequest(`Blueprint "${bp.identifier}" is the target of relations in: ${refs.join(', ')}`);
        ctx.emu.store.deleteBlueprint(bp.identifier);
        ctx.emu.invalidateBlueprints();
      }
      // Migrations run synchronously here; Tide still polls them as it would on Port.
      const migration = { id: `migration_${randomUUID()}`, status: 'COMPLETED', sourceBlueprint: bp.identifier };
      ctx.emu.store.db.prepare('INSERT INTO migrations (id, data) VALUES (?, ?)').run(migration.id, JSON.stringify(migration));
      return ok({ migrationId: migration.id });
    },
  },
  {
    method: 'GET',
    path: '/v1/migrations/:id',
    id: 'migrations.get',
    handler: (ctx) => {
      const row = ctx.emu.store.db.prepare('SELECT data FROM migrations WHERE id = ?').get(ctx.params.id) as { data: string } | undefined;
      if (!row) throw notFound(`Migration "${ctx.params.id}" was not found`);
      return ok({ migration: JSON.parse(row.data) });
    },
  },
];
