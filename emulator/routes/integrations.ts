import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { emitIntegrationEvent, newRequestId } from '../changelog.ts';
import { conflict, invalidRequest, notFound } from '../errors.ts';
import { recordResyncState } from '../resync-history.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';

/** The integration object as the emulator stores and returns it (docs/port-api.md §11.1). */
export interface IntegrationDoc {
  identifier: string;
  installationId: string;
  installationAppType: string;
  config: unknown;
  changelogDestination: unknown;
  resyncState: Record<string, unknown> | null;
  updatedAt: string;
  logAttributes: { ingestId: string; ingestUrl: string };
  [key: string]: unknown;
}

export interface ResyncRequest {
  id: string;
  integrationId: string;
  reason: string;
  createdAt: string;
  updatedAt: string;
}

const destination = z.looseObject({ type: z.enum(['KAFKA', 'WEBHOOK']).optional(), url: z.string().optional() });
const origin = z.enum(['Empty', 'Default', 'Port']);

const createBody = z.object({
  installationId: z.string().min(1),
  installationAppType: z.string().min(1),
  version: z.string().min(1),
  title: z.string().nullable().optional(),
  changelogDestination: destination.optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  actionsProcessingEnabled: z.boolean().optional(),
  incrementalSyncEnabled: z.boolean().optional(),
  createPortResourcesOrigin: origin.optional(),
});

const patchBody = z.strictObject({
  title: z.string().nullable().optional(),
  installationAppType: z.string().min(1).optional(),
  version: z.string().optional(),
  spec: z.unknown().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  changelogDestination: destination.optional(),
  actionsProcessingEnabled: z.boolean().optional(),
  incrementalSyncEnabled: z.boolean().optional(),
  processingMode: z.enum(['ocean-core', 'dsp']).optional(),
  arePortResourcesInitialized: z.boolean().optional(),
  createPortResourcesOrigin: origin.optional(),
});

const isoOrNull = z.union([z.iso.datetime({ offset: true }), z.null()]);
const resyncStateBody = z
  .strictObject({
    status: z.enum(['running', 'completed', 'failed', 'aborted']).optional(),
    lastResyncStart: isoOrNull.optional(),
    lastResyncEnd: isoOrNull.optional(),
    nextResync: isoOrNull.optional(),
    intervalInMinuets: z.union([z.number().int(), z.null()]).optional(),
  });

function load(ctx: HandlerContext, id: string): IntegrationDoc {
  const doc = ctx.emu.store.integration<IntegrationDoc>(id);
  if (!doc) throw notFound(`Integration "${id}" was not found`);
  return doc;
}

function save(ctx: HandlerContext, doc: IntegrationDoc, stamp = ctx.emu.clock.stamp()): IntegrationDoc {
  doc.updatedAt = stamp;
  doc.updatedBy = ctx.principal?.clientId ?? null;
  ctx.emu.store.putIntegration(doc.identifier, doc);
  return doc;
}

/** A new resync request for an integration (docs/port-api.md §11.4); `updatedAt` strictly increases. */
export function createResyncRequest(ctx: Pick<HandlerContext, 'emu'>, integrationId: string, reason: string): ResyncRequest {
  const at = ctx.emu.clock.stamp();
  const request = { id: newRequestId(), integrationId, reason, createdAt: at, updatedAt: at };
  ctx.emu.store.db
    .prepare('INSERT INTO resync_requests (id, integration_id, data) VALUES (?, ?, ?)')
    .run(request.id, integrationId, JSON.stringify(request));
  return request;
}

export function latestResyncRequest(ctx: Pick<HandlerContext, 'emu'>, integrationId: string): ResyncRequest | null {
  const row = ctx.emu.store.db
    .prepare('SELECT data FROM resync_requests WHERE integration_id = ? ORDER BY seq DESC LIMIT 1')
    .get(integrationId) as { data: string } | undefined;
  return row ? (JSON.parse(row.data) as ResyncRequest) : null;
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export const integrationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/integration/provision-enabled',
    id: 'integration.provisionEnabled',
    // Integration types Port provisions resources for; set with PUT /_emulator/provision-enabled.
    handler: (ctx) => ok({ integrations: ctx.emu.store.kv<string[]>('provisionEnabled') ?? [] }),
  },
  {
    method: 'GET',
    path: '/v1/integration/:id',
    id: 'integration.get',
    handler: (ctx) => {
      const { id } = ctx.params;
      if (ctx.query.get('byField') === 'logIngestId') {
        const found = ctx.emu.store.integrations<IntegrationDoc>().find((i) => i.logAttributes?.ingestId === id);
        if (!found) throw notFound(`No integration has log ingest id "${id}"`);
        return ok({ integration: found });
      }
      return ok({ integration: load(ctx, id) });
    },
  },
  {
    method: 'POST',
    path: '/v1/integration',
    id: 'integration.create',
    body: createBody,
    handler: (ctx) => {
      const b = ctx.body as z.infer<typeof createBody>;
      if (b.installationAppType.includes('/')) throw invalidRequest('installationAppType: must not contain "/"');
      if (ctx.emu.store.integration(b.installationId)) throw conflict(`Integration "${b.installationId}" already exists`);
      const now = ctx.emu.clock.stamp();
      // The sink URLs point at the emulator's own origin as the client reached it (in-process too).
      const origin = new URL(ctx.request.url).origin;
      const ingest = (what: string) => {
        const ingestId = randomUUID();
        return { ingestId, ingestUrl: `${origin}/_emulator/ingest/${what}/${encodeURIComponent(b.installationId)}` };
      };
      const doc: IntegrationDoc = {
        identifier: b.installationId,
        installationId: b.installationId,
        installationAppType: b.installationAppType,
        integrationType: b.installationAppType,
        version: b.version,
        title: b.title ?? null,
        installationType: 'OnPrem',
        config: b.config ?? {},
        changelogDestination: b.changelogDestination ?? {},
        resyncState: null,
        actionsProcessingEnabled: b.actionsProcessingEnabled ?? false,
        incrementalSyncEnabled: b.incrementalSyncEnabled ?? false,
        processingMode: 'ocean-core',
        arePortResourcesInitialized: false,
        createPortResourcesOrigin: b.createPortResourcesOrigin ?? 'Default',
        logAttributes: ingest('logs'),
        metricAttributes: ingest('metrics'),
        _orgId: ctx.emu.organization().id,
        _id: randomUUID(),
        clientId: ctx.principal?.clientId ?? null,
        createdAt: now,
        createdBy: ctx.principal?.clientId ?? null,
        updatedAt: now,
        updatedBy: ctx.principal?.clientId ?? null,
      };
      ctx.emu.store.putIntegration(doc.identifier, doc);
      return ok({ integration: doc }, 201);
    },
  },
  {
    method: 'PATCH',
    path: '/v1/integration/:id',
    id: 'integration.patch',
    body: patchBody,
    handler: (ctx) => {
      const before = load(ctx, ctx.params.id);
      const b = ctx.body as Record<string, unknown>;
      const empty = Object.keys(b).length === 0;
      const configChanged = 'config' in b && !sameJson(b.config, before.config);
      const after = save(ctx, { ...structuredClone(before), ...b, ...(b.installationAppType ? { integrationType: b.installationAppType } : {}) });
      if (empty || configChanged) {
        const request = createResyncRequest(ctx, after.identifier, empty ? 'empty_patch' : 'config_changed');
        emitIntegrationEvent(ctx, 'configChanged', before, after, request);
      } else {
        emitIntegrationEvent(ctx, 'metadata', before, after);
      }
      return ok({ integration: after });
    },
  },
  {
    method: 'PATCH',
    path: '/v1/integration/:id/config',
    id: 'integration.patchConfig',
    body: z.strictObject({ config: z.record(z.string(), z.unknown()) }),
    handler: (ctx) => {
      const before = load(ctx, ctx.params.id);
      const after = save(ctx, { ...structuredClone(before), config: (ctx.body as { config: unknown }).config });
      if (ctx.request.headers.get('x-skip-resync') === 'true') {
        emitIntegrationEvent(ctx, 'metadata', before, after);
      } else {
        const request = createResyncRequest(ctx, after.identifier, 'config_changed');
        emitIntegrationEvent(ctx, 'configChanged', before, after, request);
      }
      return ok({ integration: after });
    },
  },
  {
    method: 'PATCH',
    path: '/v1/integration/:id/resync-state',
    id: 'integration.resyncState',
    body: z.unknown(),
    handler: (ctx) => {
      const raw = ctx.body;
      if (raw && typeof raw === 'object' && 'intervalInMinutes' in raw)
        throw invalidRequest('intervalInMinutes: unknown key; Port spells this field "intervalInMinuets"');
      const parsed = resyncStateBody.safeParse(raw ?? {});
      if (!parsed.success)
        throw invalidRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      const before = load(ctx, ctx.params.id);
      const stamp = ctx.emu.clock.stamp();
      // resyncState.updatedAt and integration.updatedAt get the same stamp, so consumers can tell
      // these writes from real configuration changes (§12.3).
      const resyncState = { ...(before.resyncState ?? {}), ...parsed.data, updatedAt: stamp };
      const after = save(ctx, { ...structuredClone(before), resyncState }, stamp);
      recordResyncState(ctx.emu, after.identifier, resyncState);
      emitIntegrationEvent(ctx, 'resyncState', before, after);
      return ok({ integration: after });
    },
  },
  {
    method: 'GET',
    path: '/v1/integration/:id/resync-request',
    id: 'integration.resyncRequest',
    handler: (ctx) => {
      load(ctx, ctx.params.id);
      return ok({ request: latestResyncRequest(ctx, ctx.params.id) });
    },
  },
  {
    method: 'POST',
    path: '/v1/integration/:id/kinds/:kind/examples',
    id: 'integration.examples',
    body: z.strictObject({ examples: z.array(z.record(z.string(), z.unknown())) }),
    handler: (ctx) => {
      load(ctx, ctx.params.id);
      const { examples } = ctx.body as { examples: unknown[] };
      ctx.emu.store.db
        .prepare('INSERT INTO examples (integration_id, kind, data) VALUES (?, ?, ?) ON CONFLICT (integration_id, kind) DO UPDATE SET data = excluded.data')
        .run(ctx.params.id, ctx.params.kind, JSON.stringify({ examples, at: ctx.emu.clock.iso() }));
      return ok({});
    },
  },
  {
    method: 'DELETE',
    path: '/v1/integration/:id',
    id: 'integration.delete',
    handler: (ctx) => {
      const before = load(ctx, ctx.params.id);
      ctx.emu.store.deleteIntegration(before.identifier);
      // A later integration with the same identifier must not inherit old resync requests or examples.
      ctx.emu.store.db.prepare('DELETE FROM resync_requests WHERE integration_id = ?').run(before.identifier);
      ctx.emu.store.db.prepare('DELETE FROM examples WHERE integration_id = ?').run(before.identifier);
      ctx.emu.store.db.prepare('DELETE FROM resync_history WHERE integration_id = ?').run(before.identifier);
      ctx.emu.runs.deleteCursors(before.identifier);
      emitIntegrationEvent(ctx, 'deleted', before, null);
      return ok({});
    },
  },
];
