/**
 * plan(): the resync pipeline with no writes at all (`tide plan`, §4.10 `planned`). Every produced
 * key is looked up whatever the batch size and classified per blueprint as create / update /
 * unchanged (or unresolved for search identifiers); reconciliation is computed as a dry run. No
 * upsert, delete, resync-state, example or hook runs.
 */
import type { HttpClient } from '../http/index.ts';
import { mappingForPort } from '../defaults/index.ts';
import type { Entity, PortAppConfig } from '../mapping/index.ts';
import { normaliseIdentifier, parsePortAppConfig } from '../mapping/index.ts';
import { lookupOwned, isUnchanged } from './diff.ts';
import { hasSearchValue, isSearchQuery, keyOf } from './entity-values.ts';
import type { CallContext } from './port.ts';
import { reconcile } from './reconcile.ts';
import type { DeletionReport, KindReport } from './report.ts';
import { emptyDeletionReport } from './report.ts';
import { runResource } from './resource.ts';
import type { ResyncDeps } from './resync.ts';
import { readMapping, selectorSchemas } from './resync.ts';
import { SeenSet } from './seen.ts';

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
  /** `failed` when the mapping could not be read; then nothing else is filled in. */
  status: 'ok' | 'failed';
  startedAt: string;
  finishedAt: string;
  errors: string[];
  kinds: KindReport[];
  blueprints: Record<string, BlueprintPlan>;
  /** The reconciliation as a dry run: outcome `planned` (or why it would be skipped). */
  deletion: DeletionReport;
}

function emptyBlueprintPlan(): BlueprintPlan {
  return { creates: [], updates: [], deletes: [], counts: { creates: 0, updates: 0, unchanged: 0, unresolved: 0, deletes: 0 } };
}

function push(list: string[], id: string): void {
  if (list.length < MAX_PLAN_IDS) list.push(id);
}

/** Compute a plan. Never throws; a failure is reported in the plan. */
export async function runPlan(deps: ResyncDeps, signal: AbortSignal = new AbortController().signal): Promise<Plan> {
  const planId = deps.newId();
  const startedAt = new Date(deps.now()).toISOString();
  const context: CallContext = { event: { type: 'resync', id: planId } };
  const logger = deps.logger.child({ planId });
  const plan: Plan = {
    planId,
    status: 'ok',
    startedAt,
    finishedAt: startedAt,
    errors: [],
    kinds: [],
    blueprints: {},
    deletion: emptyDeletionReport(planId, 'skipped', 'dry-run'),
  };
  const blueprint = (bp: string): BlueprintPlan => (plan.blueprints[bp] ??= emptyBlueprintPlan());

  let config;
  try {
    config = await planMapping(deps, context);
  } catch (error) {
    plan.status = 'failed';
    plan.errors.push((error as Error).message);
    plan.deletion = emptyDeletionReport(planId, 'skipped', 'resync-error');
    plan.deletion.error = (error as Error).message;
    plan.finishedAt = new Date(deps.now()).toISOString();
    return plan;
  }
  deps.port.clearBlueprintCache();

  const seen = new SeenSet();
  const classified = new Set<string>();
  const onEntities = async (entities: Entity[], kind: KindReport): Promise<void> => {
    const found = await lookupOwned(deps.port, entities, context);
    for (const entity of entities) {
      const bp = normaliseIdentifier(entity.blueprint);
      if (isSearchQuery(entity.identifier)) {
        blueprint(bp).counts.unresolved += 1;
        continue;
      }
      const id = normaliseIdentifier(entity.identifier);
      seen.add(bp, id, entity.relations);
      const key = keyOf(bp, id);
      if (classified.has(key)) continue; // produced twice: the later write is the same upsert
      classified.add(key);
      const stored = found.get(bp)?.get(id);
      const target = blueprint(bp);
      if (!stored) {
        target.counts.creates += 1;
        push(target.creates, id);
      } else if (hasSearchValue(entity) || !isUnchanged(entity, stored)) {
        target.counts.updates += 1;
        push(target.updates, id);
      } else {
        target.counts.unchanged += 1;
        kind.unchanged += 1;
      }
    }
  };

  for (const [index, resource] of config.resources.entries()) {
    if (signal.aborted) break;
    plan.kinds.push(
      await runResource(
        {
          integration: deps.integration,
          mapper: deps.mapper,
          logger,
          http: deps.http as HttpClient,
          state: deps.state,
          config: deps.settings.integration.config ?? {},
          attributes: {},
          signal,
          onEntities,
        },
        resource,
        index,
      ),
    );
  }

  const result = await reconcile({
    port: deps.port,
    resyncId: planId,
    startedAt,
    flags: config,
    seen,
    failed: [],
    kinds: plan.kinds,
    previousStateUnknown: false,
    emptyMapping: config.resources.length === 0,
    context,
    signal,
    logger,
    deleteBatchSize: deps.settings.deleteEntitiesMaxBatchSize ?? 1000,
    dryRun: true,
  });
  plan.deletion = result.deletion;
  if (result.deletion.error) plan.errors.push(result.deletion.error);
  for (const c of result.toDelete) {
    const target = blueprint(c.blueprint);
    target.counts.deletes += 1;
    push(target.deletes, c.identifier);
  }
  plan.finishedAt = new Date(deps.now()).toISOString();
  return plan;
}

/**
 * The mapping to plan with. When the integration does not exist in Port yet, startup would create it
 * with the shipped `.port/resources/port-app-config`, so `tide plan` on a fresh organisation plans with
 * that mapping (every entity then comes out as a create) instead of failing.
 */
async function planMapping(deps: ResyncDeps, context: CallContext): Promise<PortAppConfig> {
  const shipped = deps.integration.resources?.portAppConfig;
  if (shipped && !(await deps.port.getIntegration(deps.settings.integration.identifier, context))) {
    return parsePortAppConfig(mappingForPort(shipped), { source: '.port/resources/port-app-config', selectorSchemas: selectorSchemas(deps.integration) });
  }
  return readMapping(deps, context);
}
