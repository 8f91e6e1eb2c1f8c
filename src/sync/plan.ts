/**
 * plan(): what the next resync would do, with no write at all (`tide plan`, §4.10 `planned`). It is
 * the resync engine itself, run in one go against a Port that writes nothing (dry-run-port.ts), with
 * no hook, no raw-data example, and reconciliation as a dry run. Its sink looks up every produced key
 * whatever the batch size and classifies it per blueprint as create / update / unchanged (or
 * unresolved for search identifiers) instead of upserting.
 */
import { mappingForPort } from '../defaults/index.ts';
import type { Entity } from '../mapping/index.ts';
import { normaliseIdentifier } from '../mapping/index.ts';
import type { BatchSink, BatchWriterOptions } from './batch-writer.ts';
import type { ResyncDeps } from './deps.ts';
import { isUnchanged, lookupOwned } from './diff.ts';
import { createDryRunPort } from './dry-run-port.ts';
import { hasSearchValue, isSearchQuery, keyOf } from './entity-values.ts';
import type { CallContext } from './port.ts';
import type { ReconcileResult } from './reconcile.ts';
import type { DeletionReport, KindReport } from './report.ts';
import { RESYNC_ENGINE } from './report.ts';
import { runResync } from './resync.ts';
import type { EngineMode } from './steps.ts';
import type { DeclaredProperties } from './undeclared.ts';
import { declaredProperties, warnUndeclared } from './undeclared.ts';

/** How many identifiers each list of a blueprint plan holds; the counts cover all. */
export const MAX_PLAN_IDS = 1000;

/** What the next resync would do to one blueprint. */
export interface BlueprintPlan {
  creates: string[];
  updates: string[];
  deletes: string[];
  counts: { creates: number; updates: number; unchanged: number; unresolved: number; deletes: number };
}

/** What `plan()` resolves with. */
export interface Plan {
  planId: string;
  /** The engine that computed it (`RESYNC_ENGINE`, the resync's own). */
  engine: string;
  /** `failed` when the mapping could not be read or the plan was stopped; then the lists are incomplete. */
  status: 'ok' | 'failed';
  startedAt: string;
  finishedAt: string;
  errors: string[];
  kinds: KindReport[];
  blueprints: Record<string, BlueprintPlan>;
  /** The reconciliation as a dry run: outcome `planned` (or why it would be skipped). */
  deletion: DeletionReport;
}

function push(list: string[], id: string): void {
  if (list.length < MAX_PLAN_IDS) list.push(id);
}

/** The plan's per-blueprint lists, filled by its sink and by reconciliation. */
function createPlanRecorder() {
  const blueprints: Record<string, BlueprintPlan> = {};
  const blueprint = (bp: string): BlueprintPlan =>
    (blueprints[bp] ??= { creates: [], updates: [], deletes: [], counts: { creates: 0, updates: 0, unchanged: 0, unresolved: 0, deletes: 0 } });
  const classified = new Set<string>();

  const classify = (entity: Entity, stored: Parameters<typeof isUnchanged>[1] | undefined, kind: KindReport, declared: DeclaredProperties): void => {
    const bp = normaliseIdentifier(entity.blueprint);
    const id = normaliseIdentifier(entity.identifier);
    const key = keyOf(bp, id);
    if (classified.has(key)) return; // produced twice: the later write is the same upsert
    classified.add(key);
    const target = blueprint(bp);
    if (!stored) {
      target.counts.creates += 1;
      push(target.creates, id);
    } else if (hasSearchValue(entity) || !isUnchanged(entity, stored, declared.get(bp))) {
      target.counts.updates += 1;
      push(target.updates, id);
    } else {
      target.counts.unchanged += 1;
      kind.unchanged += 1;
    }
  };

  return {
    blueprints,
    sink: (o: BatchWriterOptions): BatchSink => ({
      async write(entities: Entity[], kind: KindReport) {
        const declared = await declaredProperties(o.port, entities, o.context);
        warnUndeclared(entities, declared, (o.cp.undeclared ??= {}), o.logger);
        const found = await lookupOwned(o.port, entities, o.context);
        for (const entity of entities) {
          if (isSearchQuery(entity.identifier)) {
            blueprint(normaliseIdentifier(entity.blueprint)).counts.unresolved += 1;
            continue;
          }
          const bp = normaliseIdentifier(entity.blueprint);
          const id = normaliseIdentifier(entity.identifier);
          const stored = found.get(bp)?.get(id);
          o.seen.add(bp, id, entity.relations);
          // What the resync's write would answer: an owned entity Port has is an update (§4.9 step 7).
          o.seen.noteExisted(bp, id, stored !== undefined);
          classify(entity, stored, kind, declared);
        }
      },
    }),
    reconciled(result: ReconcileResult) {
      for (const c of result.toDelete) {
        const target = blueprint(c.blueprint);
        target.counts.deletes += 1;
        push(target.deletes, c.identifier);
      }
    },
  };
}

/**
 * The mapping to plan with. When the integration does not exist in Port yet, startup would create it
 * with the shipped `.port/resources/port-app-config`, so `tide plan` on a fresh organisation plans with
 * that mapping (every entity then comes out as a create) instead of failing.
 */
async function planMapping(deps: ResyncDeps, context: CallContext): Promise<{ raw: unknown; source: string }> {
  const identifier = deps.settings.integration.identifier;
  const integration = await deps.port.getIntegration(identifier, context);
  if (integration) return { raw: integration.config, source: 'Port integration config' };
  const shipped = deps.integration.resources?.portAppConfig;
  if (!shipped) throw new Error(`integration "${identifier}" was not found in Port`);
  return { raw: mappingForPort(shipped), source: '.port/resources/port-app-config' };
}

/** Compute a plan. Never throws; a failure is reported in the plan. */
export async function runPlan(deps: ResyncDeps, signal: AbortSignal = new AbortController().signal, mapping?: { raw: unknown; source: string }): Promise<Plan> {
  const recorder = createPlanRecorder();
  // A given mapping is what this run would push to Port before its resync, so the plan uses it as is.
  const source = mapping ? async () => mapping : planMapping;
  const mode: EngineMode = { dryRun: true, sink: recorder.sink, mapping: source, onReconciled: recorder.reconciled };
  const port = createDryRunPort(deps.port);
  const planDeps: ResyncDeps = {
    ...deps,
    port,
    settings: { ...deps.settings, sendRawDataExamples: false },
    onResyncStateUpdated: undefined,
    onProgress: undefined,
  };
  const report = await runResync(planDeps, { signal, abortReason: () => undefined }, mode);
  const held: Record<string, number> = {};
  for (const w of port.unsent) held[w.call] = (held[w.call] ?? 0) + 1;
  deps.logger.debug('[tide] plan: writes held back, none sent to Port', { planId: report.resyncId, held });
  const failed = report.status === 'aborted' || report.deletion.skipReason === 'resync-error';
  return {
    planId: report.resyncId,
    engine: RESYNC_ENGINE,
    status: failed ? 'failed' : 'ok',
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    errors: report.status === 'aborted' ? [...report.errors, 'the plan was stopped before it finished'] : report.errors,
    kinds: report.kinds,
    blueprints: recorder.blueprints,
    deletion: report.deletion,
  };
}
