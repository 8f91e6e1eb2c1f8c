import { rowToEntity, type EntityRow } from '../db.ts';
import { integrationOfAgent, resyncReports, resyncStates, resyncTraffic, type ResyncTraffic, type StoredReport } from '../resync-history.ts';
import type { IntegrationDoc } from '../routes/integrations.ts';
import type { EmulatorState } from '../state.ts';
import type { Blueprint, EntityRecord } from '../types.ts';

/** What the catalog, integration and entity pages show, read from the emulator's SQLite store. */

export interface BlueprintSummary {
  blueprint: Blueprint;
  count: number;
  /** Entities per owning integration (by `$datasource`); `other` counts entities no integration owns. */
  owners: Array<{ integration: string; count: number }>;
  other: number;
}

export function blueprintSummaries(emu: EmulatorState): BlueprintSummary[] {
  const rows = emu.store.db
    .prepare('SELECT blueprint, datasource, count(*) AS n FROM entities GROUP BY blueprint, datasource')
    .all() as Array<{ blueprint: string; datasource: string | null; n: number }>;
  const byBp = new Map<string, { count: number; owners: Map<string, number>; other: number }>();
  for (const r of rows) {
    const s = byBp.get(r.blueprint) ?? { count: 0, owners: new Map(), other: 0 };
    byBp.set(r.blueprint, s);
    s.count += r.n;
    const owner = integrationOfAgent(r.datasource);
    if (owner) s.owners.set(owner, (s.owners.get(owner) ?? 0) + r.n);
    else s.other += r.n;
  }
  return emu.store.blueprints().map((blueprint) => {
    const s = byBp.get(blueprint.identifier);
    return {
      blueprint,
      count: s?.count ?? 0,
      owners: [...(s?.owners ?? [])].map(([integration, count]) => ({ integration, count })).sort((a, b) => b.count - a.count),
      other: s?.other ?? 0,
    };
  });
}

/** One resync as the UI lists it: the framework's report when there is one, else what Port saw. */
export interface ResyncSummary {
  resyncId: string;
  startedAt?: string;
  finishedAt?: string;
  status?: string;
  traffic?: ResyncTraffic;
  report?: StoredReport['report'];
}

export interface IntegrationSummary {
  doc: IntegrationDoc;
  resyncs: ResyncSummary[];
}

/** An integration's resyncs, newest first: reports and traffic joined by resync id. */
export function resyncSummaries(emu: EmulatorState, integrationId: string, limit = 20): ResyncSummary[] {
  const byId = new Map<string, ResyncSummary>();
  for (const t of resyncTraffic(emu, integrationId)) byId.set(t.resyncId, { resyncId: t.resyncId, startedAt: t.firstAt, finishedAt: t.lastAt, traffic: t });
  for (const r of resyncReports(emu, integrationId)) {
    const report = r.report;
    const s = byId.get(r.resyncId) ?? { resyncId: r.resyncId };
    s.report = report;
    s.status = typeof report.status === 'string' ? report.status : undefined;
    if (typeof report.startedAt === 'string') s.startedAt = report.startedAt;
    if (typeof report.finishedAt === 'string') s.finishedAt = report.finishedAt;
    byId.set(r.resyncId, s);
  }
  return [...byId.values()].sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, limit);
}

export function integrationSummaries(emu: EmulatorState): IntegrationSummary[] {
  return emu.store.integrations<IntegrationDoc>().map((doc) => ({ doc, resyncs: resyncSummaries(emu, doc.identifier, 1) }));
}

export { resyncStates };

/** Raw-data examples per kind (docs/port-api.md §11.5), with when they were sent. */
export function examplesOf(emu: EmulatorState, integrationId: string): Array<{ kind: string; at: string; examples: unknown[] }> {
  const rows = emu.store.db.prepare('SELECT kind, data FROM examples WHERE integration_id = ? ORDER BY kind').all(integrationId) as Array<{ kind: string; data: string }>;
  return rows.map((r) => {
    const d = JSON.parse(r.data) as { examples: unknown[]; at: string };
    return { kind: r.kind, at: d.at, examples: d.examples };
  });
}

export interface RelatedEntity {
  blueprint: string;
  identifier: string;
  title: string | null;
  exists: boolean;
}

/** Relations out: each relation's targets, with their titles when they exist. */
export function relationsOut(emu: EmulatorState, bp: Blueprint | undefined, e: EntityRecord): Array<{ relation: string; title?: string; targets: RelatedEntity[] }> {
  if (!bp) return [];
  return Object.entries(bp.relations).map(([relation, def]) => {
    const v = e.relations[relation];
    const ids = v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
    return {
      relation,
      title: def.title,
      targets: ids.slice(0, 200).map((id) => {
        const t = emu.store.entity(def.target, id);
        return { blueprint: def.target, identifier: id, title: t?.title ?? null, exists: t !== undefined };
      }),
    };
  });
}

/**
 * Relations in: entities whose relations point at `e`, per (blueprint, relation), the first `limit` of
 * each by identifier, with the full count. A text pre-filter keeps the JSON walk to candidate rows.
 */
export function relationsIn(emu: EmulatorState, e: EntityRecord, limit = 50): Array<{ blueprint: string; relation: string; count: number; sources: RelatedEntity[] }> {
  const out: Array<{ blueprint: string; relation: string; count: number; sources: RelatedEntity[] }> = [];
  const like = `%${JSON.stringify(e.identifier).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  for (const bp of emu.store.blueprints()) {
    for (const [relation, def] of Object.entries(bp.relations ?? {})) {
      if (def.target !== e.blueprint) continue;
      const where = `blueprint = ? AND relations LIKE ? ESCAPE '\\' AND EXISTS (SELECT 1 FROM json_each(relations, ?) WHERE value = ?)`;
      const args = [bp.identifier, like, `$."${relation.replaceAll('"', '""')}"`, e.identifier];
      const { n } = emu.store.db.prepare(`SELECT count(*) AS n FROM entities WHERE ${where}`).get(...args) as { n: number };
      if (n === 0) continue;
      const rows = emu.store.db.prepare(`SELECT * FROM entities WHERE ${where} ORDER BY identifier LIMIT ?`).all(...args, limit) as EntityRow[];
      out.push({
        blueprint: bp.identifier,
        relation,
        count: n,
        sources: rows.map(rowToEntity).map((r) => ({ blueprint: r.blueprint, identifier: r.identifier, title: r.title, exists: true })),
      });
    }
  }
  return out;
}
