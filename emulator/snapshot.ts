import { randomUUID } from 'node:crypto';
import { invalidRequest } from './errors.ts';
import type { IntegrationDoc, ResyncRequest } from './routes/integrations.ts';
import type { Cursor, RunDoc, RunEvent, RunKind } from './runs-store.ts';
import type { EmulatorState, Organization } from './state.ts';
import type { Blueprint, EntityRecord } from './types.ts';

/**
 * Export and import of the whole state (`GET`/`PUT /_emulator/snapshot`), for golden tests, and the
 * integration seeding that shares its defaults with `POST /v1/integration`.
 */
export interface Snapshot {
  version: 1;
  organization: Organization;
  kafkaCredentials: { username: string; password: string } | null;
  blueprints: Blueprint[];
  entities: Array<Omit<EntityRecord, 'rowId'>>;
  integrations: IntegrationDoc[];
  resyncRequests: ResyncRequest[];
  examples: Array<{ integrationId: string; kind: string; examples: unknown[] }>;
  /** Delete-all migrations (`GET /v1/migrations/{id}`); absent in older snapshots. */
  migrations?: Array<{ id: string; [key: string]: unknown }>;
  /** Self-service actions, runs with their history, cursors and provision-enabled types; absent in older snapshots. */
  actions?: Array<{ identifier: string; [key: string]: unknown }>;
  runs?: Array<{ kind: RunKind; run: RunDoc; claimCount: number; ackedAt: string | null; history: RunEvent[] }>;
  cursors?: Array<{ integrationId: string } & Cursor>;
  provisionEnabled?: string[];
}

export function exportSnapshot(emu: EmulatorState): Snapshot {
  const db = emu.store.db;
  return {
    version: 1,
    organization: emu.organization(),
    kafkaCredentials: emu.store.kv('kafkaCredentials') ?? null,
    blueprints: emu.store.blueprints(),
    entities: emu.store.entitiesWhere(null, null).map(({ rowId: _r, ...e }) => e),
    integrations: emu.store.integrations<IntegrationDoc>(),
    resyncRequests: (db.prepare('SELECT data FROM resync_requests ORDER BY seq').all() as Array<{ data: string }>).map(
      (r) => JSON.parse(r.data) as ResyncRequest,
    ),
    examples: (db.prepare('SELECT integration_id, kind, data FROM examples').all() as Array<{ integration_id: string; kind: string; data: string }>).map(
      (r) => ({ integrationId: r.integration_id, kind: r.kind, examples: (JSON.parse(r.data) as { examples: unknown[] }).examples }),
    ),
    migrations: (db.prepare('SELECT data FROM migrations ORDER BY id').all() as Array<{ data: string }>).map(
      (r) => JSON.parse(r.data) as { id: string },
    ),
    actions: emu.runs.actions<{ identifier: string }>(),
    runs: emu.runs.runs().map((r) => ({ kind: r.kind, run: r.doc, claimCount: r.claimCount, ackedAt: r.ackedAt, history: emu.runs.events(r.id) })),
    cursors: emu.runs.allCursors().map(({ integrationId, cursor }) => ({ integrationId, ...cursor })),
    provisionEnabled: emu.store.kv<string[]>('provisionEnabled') ?? [],
  };
}

/** Replace all state with a snapshot; credentials given at start-up are kept. */
export function importSnapshot(emu: EmulatorState, raw: Record<string, unknown>): void {
  if (raw.version !== 1) throw invalidRequest('snapshot.version: expected 1');
  const s = raw as unknown as Snapshot;
  for (const key of ['blueprints', 'entities', 'integrations', 'resyncRequests', 'examples', 'migrations', 'actions', 'runs', 'cursors', 'provisionEnabled'] as const)
    if (s[key] !== undefined && !Array.isArray(s[key])) throw invalidRequest(`snapshot.${key}: expected an array`);
  emu.reset();
  try {
    insertSnapshot(emu, s);
  } catch (err) {
    // e.g. a duplicate key: the caller's transaction rolls back, and the client learns why.
    if (err instanceof Error && err.name === 'SqliteError') throw invalidRequest(`snapshot: ${err.message}`);
    throw err;
  }
}

function insertSnapshot(emu: EmulatorState, s: Snapshot): void {
  const db = emu.store.db;
  if (s.organization) emu.setOrganization(s.organization);
  if (s.kafkaCredentials) emu.store.setKv('kafkaCredentials', s.kafkaCredentials);
  for (const bp of s.blueprints ?? []) emu.store.putBlueprint(bp);
  emu.invalidateBlueprints();
  for (const e of s.entities ?? []) {
    emu.store.saveEntity(e);
    emu.clock.observe(e.updatedAt);
  }
  for (const i of s.integrations ?? []) {
    emu.store.putIntegration(i.identifier, i);
    emu.clock.observe(i.updatedAt);
  }
  for (const r of s.resyncRequests ?? []) {
    db.prepare('INSERT INTO resync_requests (id, integration_id, data) VALUES (?, ?, ?)').run(r.id, r.integrationId, JSON.stringify(r));
    emu.clock.observe(r.updatedAt);
  }
  for (const x of s.examples ?? [])
    db.prepare('INSERT INTO examples (integration_id, kind, data) VALUES (?, ?, ?)').run(x.integrationId, x.kind, JSON.stringify({ examples: x.examples }));
  for (const m of s.migrations ?? []) db.prepare('INSERT INTO migrations (id, data) VALUES (?, ?)').run(m.id, JSON.stringify(m));
  for (const a of s.actions ?? []) emu.runs.putAction(a);
  for (const [i, r] of (s.runs ?? []).entries()) {
    if ((r?.kind !== 'action' && r?.kind !== 'workflow_node') || !r.run || typeof r.run !== 'object')
      throw invalidRequest(`snapshot.runs[${i}]: expected {kind: "action" or "workflow_node", run: {…}, history: […]}`);
    const run = emu.runs.insertRun(r.kind, r.run, { claimCount: r.claimCount, ackedAt: r.ackedAt });
    for (const e of r.history ?? []) emu.runs.addEvent(run.id, e);
    emu.clock.observe(r.run.updatedAt);
  }
  for (const { integrationId, ...cursor } of s.cursors ?? []) emu.runs.putCursor(integrationId, cursor);
  if (s.provisionEnabled?.length) emu.store.setKv('provisionEnabled', s.provisionEnabled);
}

/** Store an integration from a seed, filling the fields `POST /v1/integration` would. */
export function seedIntegration(emu: EmulatorState, raw: Record<string, unknown>): IntegrationDoc {
  const id = (raw.identifier ?? raw.installationId) as string | undefined;
  if (typeof id !== 'string' || !id) throw invalidRequest('integrations[].identifier: expected a non-empty string');
  const now = emu.clock.stamp();
  const type = (raw.installationAppType ?? raw.integrationType ?? 'unknown') as string;
  const ingest = (what: string) => ({ ingestId: randomUUID(), ingestUrl: `${emu.baseUrl}/_emulator/ingest/${what}/${encodeURIComponent(id)}` });
  const doc: IntegrationDoc = {
    identifier: id,
    installationId: id,
    installationAppType: type,
    integrationType: type,
    version: null,
    title: null,
    installationType: 'OnPrem',
    config: {},
    changelogDestination: {},
    resyncState: null,
    actionsProcessingEnabled: false,
    incrementalSyncEnabled: false,
    processingMode: 'ocean-core',
    arePortResourcesInitialized: false,
    createPortResourcesOrigin: 'Default',
    logAttributes: ingest('logs'),
    metricAttributes: ingest('metrics'),
    _orgId: emu.organization().id,
    _id: randomUUID(),
    clientId: null,
    createdAt: now,
    createdBy: null,
    updatedAt: now,
    updatedBy: null,
    ...raw,
  };
  emu.store.putIntegration(id, doc);
  return doc;
}
