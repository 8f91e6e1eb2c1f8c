import { z } from 'zod';
import { parseBlueprintBody } from '../blueprint-schema.ts';
import { emitIntegrationEvent } from '../changelog.ts';
import { writeEntity } from '../entity-writer.ts';
import { kafkaPublisherFor, type KafkaPublisherConfig } from '../kafka-publisher.ts';
import { invalidRequest, notFound } from '../errors.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';
import type { Blueprint, EntityRecord } from '../types.ts';
import { actionDoc } from './action-runs.ts';
import { createResyncRequest, type IntegrationDoc } from './integrations.ts';
import { exportSnapshot, importSnapshot, seedIntegration } from '../snapshot.ts';

/**
 * Emulator-only controls (docs/port-api.md §13): state, tokens and clock, rate limits, faults, the request
 * log and triggers. Port has no such routes; tests and tools drive the emulator through them.
 */
const seedBody = z.object({
  blueprints: z.array(z.record(z.string(), z.unknown())).optional(),
  integrations: z.array(z.record(z.string(), z.unknown())).optional(),
  entities: z.array(z.looseObject({ blueprint: z.string(), identifier: z.unknown(), datasource: z.string().nullable().optional() })).optional(),
  actions: z.array(z.record(z.string(), z.unknown())).optional(),
  validate: z.boolean().optional(),
});
type Seed = z.infer<typeof seedBody>;

const tokenMatch = z.strictObject({ clientId: z.string().optional(), token: z.string().optional() });

/** Insert a seed; without `validate`, rows go in as given (only the shape is checked). */
export function applySeed(ctx: Pick<HandlerContext, 'emu'>, seed: Seed): { blueprints: number; entities: number; integrations: number } {
  const { emu } = ctx;
  const now = emu.clock.iso();
  const pending = seed.blueprints ?? [];
  const ids = new Set(pending.map((b) => String(b.identifier)));
  for (const raw of pending) {
    const fields = seed.validate
      ? parseBlueprintBody(raw, 'create', (id) => ids.has(id) || emu.blueprint(id) !== undefined)
      : (raw as unknown as Blueprint);
    emu.store.putBlueprint({ ...withDefaults(fields as Partial<Blueprint>), createdAt: now, createdBy: null, updatedAt: now, updatedBy: null } as Blueprint);
  }
  emu.invalidateBlueprints();
  for (const raw of seed.integrations ?? []) seedIntegration(emu, raw);
  for (const raw of seed.actions ?? []) emu.runs.putAction(actionDoc(raw, now, null));
  for (const raw of seed.entities ?? []) {
    const bp = emu.blueprint(raw.blueprint);
    if (!bp) throw notFound(`entities: blueprint "${raw.blueprint}" was not found`);
    const { blueprint: _b, datasource, ...body } = raw;
    if (seed.validate) {
      writeEntity(emu, bp, body, { upsert: true, merge: false, createMissing: true, validationOnly: false, userAgent: datasource ?? '', clientId: null });
      continue;
    }
    if (typeof raw.identifier !== 'string') throw invalidRequest('entities[].identifier: expected a string');
    const r = raw as unknown as Partial<EntityRecord>;
    const stamp = emu.clock.entityStamp();
    const existing = emu.store.entity(bp.identifier, raw.identifier);
    emu.store.saveEntity(
      {
        identifier: raw.identifier,
        blueprint: bp.identifier,
        title: r.title ?? null,
        icon: r.icon ?? null,
        team: Array.isArray(r.team) ? r.team : typeof r.team === 'string' ? [r.team] : [],
        properties: r.properties ?? {},
        relations: r.relations ?? {},
        datasource: datasource ?? null,
        createdAt: r.createdAt ?? stamp,
        createdBy: r.createdBy ?? null,
        updatedAt: r.updatedAt ?? stamp,
        updatedBy: r.updatedBy ?? null,
      },
      existing?.rowId,
    );
  }
  return { blueprints: pending.length, entities: seed.entities?.length ?? 0, integrations: seed.integrations?.length ?? 0 };
}

/** Seeded blueprints may omit what validated ones always carry. */
function withDefaults(b: Partial<Blueprint>): Partial<Blueprint> {
  return {
    ...b,
    schema: { properties: b.schema?.properties ?? {}, required: b.schema?.required ?? [] },
    relations: b.relations ?? {},
    mirrorProperties: b.mirrorProperties ?? {},
    calculationProperties: b.calculationProperties ?? {},
    aggregationProperties: b.aggregationProperties ?? {},
  };
}

const num = (q: URLSearchParams, key: string) => {
  const v = q.get(key);
  if (v === null) return undefined;
  if (!/^\d+$/.test(v)) throw invalidRequest(`query.${key}: expected a non-negative integer`);
  return Number(v);
};

export const adminRoutes: Route[] = [
  {
    method: 'POST',
    path: '/_emulator/reset',
    id: 'admin.reset',
    admin: true,
    body: z.object({ seed: seedBody.optional() }),
    handler: (ctx) => {
      ctx.emu.reset();
      const seed = (ctx.body as { seed?: Seed }).seed;
      return ok({ seeded: seed ? applySeed(ctx, seed) : null });
    },
  },
  { method: 'POST', path: '/_emulator/seed', id: 'admin.seed', admin: true, body: seedBody, handler: (ctx) => ok(applySeed(ctx, ctx.body as Seed)) },
  {
    method: 'GET',
    path: '/_emulator/entities',
    id: 'admin.entities',
    admin: true,
    handler: (ctx) => {
      const bp = ctx.query.get('blueprint');
      const ds = ctx.query.get('datasource');
      const rows = bp ? ctx.emu.store.entitiesOf(bp) : ctx.emu.store.entitiesWhere(null, null);
      const entities = rows.filter((e) => ds === null || e.datasource === ds).map(({ rowId: _r, ...e }) => e);
      return ok({ entities });
    },
  },
  { method: 'GET', path: '/_emulator/snapshot', id: 'admin.snapshot', admin: true, handler: (ctx) => ok({ snapshot: exportSnapshot(ctx.emu) }) },
  {
    method: 'PUT',
    path: '/_emulator/snapshot',
    id: 'admin.snapshotImport',
    admin: true,
    body: z.object({ snapshot: z.record(z.string(), z.unknown()) }),
    handler: (ctx) => {
      importSnapshot(ctx.emu, (ctx.body as { snapshot: Record<string, unknown> }).snapshot);
      return ok({});
    },
  },
  {
    method: 'PUT',
    path: '/_emulator/organization',
    id: 'admin.organization',
    admin: true,
    body: z.strictObject({ id: z.string().min(1).optional(), name: z.string().optional(), featureFlags: z.array(z.string()).optional() }),
    handler: (ctx) => {
      const org = { ...ctx.emu.organization(), ...(ctx.body as object), updatedAt: ctx.emu.clock.iso() };
      ctx.emu.setOrganization(org);
      return ok({ organization: org });
    },
  },
  {
    method: 'POST',
    path: '/_emulator/credentials',
    id: 'admin.credentials',
    admin: true,
    body: z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1), isMachine: z.boolean().optional() }),
    handler: (ctx) => {
      const b = ctx.body as { clientId: string; clientSecret: string; isMachine?: boolean };
      ctx.emu.auth.addCredentials(b.clientId, b.clientSecret, b.isMachine ?? true);
      return ok({ clientId: b.clientId });
    },
  },
  {
    method: 'PUT',
    path: '/_emulator/kafka-credentials',
    id: 'admin.kafkaCredentials',
    admin: true,
    body: z.union([z.strictObject({ username: z.string(), password: z.string() }), z.null()]),
    handler: (ctx) => {
      ctx.emu.store.setKv('kafkaCredentials', ctx.body ?? undefined);
      return ok({});
    },
  },
  {
    method: 'PUT',
    path: '/_emulator/kafka',
    id: 'admin.kafka',
    admin: true,
    // Connecting to the broker awaits, so this handler runs outside the SQLite transaction.
    async: true,
    body: z.strictObject({
      brokers: z.array(z.string().min(1)),
      enabled: z.boolean(),
      sasl: z.strictObject({ mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']), username: z.string(), password: z.string() }).optional(),
      ssl: z.boolean().optional(),
    }),
    handler: async (ctx) => {
      const config = ctx.body as KafkaPublisherConfig;
      if (config.enabled && config.brokers.length === 0) throw invalidRequest('brokers: at least one broker is required when enabled');
      const orgId = ctx.emu.organization().id;
      const publisher = kafkaPublisherFor(ctx.emu);
      try {
        await publisher.configure(config, [`${orgId}.change.log`, `${orgId}.integration.resync.requests`]);
      } catch (error) {
        throw invalidRequest(`kafka: could not connect to ${config.brokers.join(',')}: ${error instanceof Error ? error.message : String(error)}`);
      }
      return ok({ kafka: publisher.describe() });
    },
  },
  {
    method: 'POST',
    path: '/_emulator/tokens/expire',
    id: 'admin.tokensExpire',
    admin: true,
    body: tokenMatch,
    handler: (ctx) => ok({ expired: ctx.emu.auth.expire(ctx.body as z.infer<typeof tokenMatch>) }),
  },
  {
    method: 'POST',
    path: '/_emulator/tokens/revoke',
    id: 'admin.tokensRevoke',
    admin: true,
    body: tokenMatch,
    handler: (ctx) => ok({ revoked: ctx.emu.auth.revoke(ctx.body as z.infer<typeof tokenMatch>) }),
  },
  {
    method: 'PUT',
    path: '/_emulator/tokens/config',
    id: 'admin.tokensConfig',
    admin: true,
    body: z.strictObject({
      lifetimeSeconds: z.number().int().positive().optional(),
      reuse: z.boolean().optional(),
      expiresInMode: z.enum(['remaining', 'full']).optional(),
    }),
    handler: (ctx) => ok({ policy: ctx.emu.auth.setPolicy(ctx.body as object) }),
  },
  {
    method: 'POST',
    path: '/_emulator/clock',
    id: 'admin.clock',
    admin: true,
    body: z.union([
      z.strictObject({ advanceSeconds: z.number() }),
      z.strictObject({ now: z.iso.datetime({ offset: true }) }),
      z.strictObject({ reset: z.literal(true) }),
    ]),
    handler: (ctx) => {
      const b = ctx.body as { advanceSeconds?: number; now?: string; reset?: true };
      if (b.advanceSeconds !== undefined) ctx.emu.clock.advance(b.advanceSeconds);
      else if (b.now !== undefined) ctx.emu.clock.set(b.now);
      else ctx.emu.clock.reset();
      return ok({ now: ctx.emu.clock.iso() });
    },
  },
  { method: 'GET', path: '/_emulator/rate-limits', id: 'admin.rateLimits', admin: true, handler: (ctx) => ok(ctx.emu.limiter.state() as unknown as Record<string, unknown>) },
  {
    method: 'PUT',
    path: '/_emulator/rate-limits',
    id: 'admin.rateLimitsUpdate',
    admin: true,
    body: z.unknown(),
    handler: (ctx) => ok(ctx.emu.limiter.update(ctx.body ?? {}) as unknown as Record<string, unknown>),
  },
  {
    method: 'POST',
    path: '/_emulator/rate-limits/reset',
    id: 'admin.rateLimitsReset',
    admin: true,
    handler: (ctx) => {
      ctx.emu.limiter.resetCounters();
      return ok({});
    },
  },
  { method: 'POST', path: '/_emulator/faults', id: 'admin.faultAdd', admin: true, body: z.unknown(), handler: (ctx) => ok(ctx.emu.faults.add(ctx.body), 201) },
  { method: 'GET', path: '/_emulator/faults', id: 'admin.faults', admin: true, handler: (ctx) => ok({ faults: ctx.emu.faults.list() }) },
  {
    method: 'DELETE',
    path: '/_emulator/faults',
    id: 'admin.faultsClear',
    admin: true,
    handler: (ctx) => {
      ctx.emu.faults.clear();
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/_emulator/faults/:id',
    id: 'admin.faultRemove',
    admin: true,
    handler: (ctx) => {
      if (!ctx.emu.faults.remove(ctx.params.id)) throw notFound(`Fault "${ctx.params.id}" was not found`);
      return ok({});
    },
  },
  {
    method: 'GET',
    path: '/_emulator/requests',
    id: 'admin.requests',
    admin: true,
    query: { ingest: 'boolean' },
    handler: (ctx) => {
      const q = ctx.query;
      const limit = num(q, 'limit');
      if (limit !== undefined && (limit < 1 || limit > 100_000)) throw invalidRequest('query.limit: expected 1..100000');
      return ok({
        requests: ctx.emu.log.query({
          method: q.get('method') ?? undefined,
          path: q.get('path') ?? undefined,
          since: num(q, 'since'),
          limit,
          ingest: q.has('ingest') ? q.get('ingest') === 'true' : undefined,
          run: q.get('run') ?? undefined,
        }),
      });
    },
  },
  {
    method: 'DELETE',
    path: '/_emulator/requests',
    id: 'admin.requestsClear',
    admin: true,
    handler: (ctx) => {
      ctx.emu.log.clear();
      return ok({});
    },
  },
  {
    method: 'POST',
    path: '/_emulator/integrations/:id/resync-request',
    id: 'admin.resyncRequest',
    admin: true,
    handler: (ctx) => {
      const doc = ctx.emu.store.integration<IntegrationDoc>(ctx.params.id);
      if (!doc) throw notFound(`Integration "${ctx.params.id}" was not found`);
      const request = createResyncRequest(ctx, doc.identifier, 'manual');
      emitIntegrationEvent(ctx, 'manualResync', doc, doc, request);
      return ok({ request });
    },
  },
  {
    method: 'GET',
    path: '/_emulator/integrations/:id/examples',
    id: 'admin.examples',
    admin: true,
    handler: (ctx) => {
      const rows = ctx.emu.store.db.prepare('SELECT kind, data FROM examples WHERE integration_id = ? ORDER BY kind').all(ctx.params.id) as Array<{ kind: string; data: string }>;
      const examples: Record<string, unknown[]> = {};
      for (const r of rows) examples[r.kind] = (JSON.parse(r.data) as { examples: unknown[] }).examples;
      return ok({ examples });
    },
  },
  {
    method: 'GET',
    path: '/_emulator/changelog',
    id: 'admin.changelog',
    admin: true,
    handler: (ctx) => {
      const since = num(ctx.query, 'since') ?? 0;
      return ok({ events: ctx.emu.outbox.filter((e) => e.seq > since) });
    },
  },
  // The integration's ingest URLs (logs, sync metrics). Ocean POSTs logs and metrics and PUTs
  // per-kind metrics (`…/syncMetrics/resync/{eventId}/kind/{kind}`); the request log records each.
  ...(['logs', 'metrics'] as const).flatMap((what) =>
    (['POST', 'PUT'] as const).flatMap((method): Route[] =>
      ['', '/**'].map((rest) => ({
        method,
        path: `/_emulator/ingest/${what}/:id${rest}`,
        id: `admin.ingest.${what}${rest ? '' : '.root'}`,
        admin: true,
        ingest: true,
        body: z.unknown(),
        handler: () => ok({}),
      })),
    ),
  ),
];
