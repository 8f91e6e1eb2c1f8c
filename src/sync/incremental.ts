/**
 * Incremental runs (docs/behaviour.md §4.12): between full resyncs, each resource whose kind declares
 * `incremental` fetches what changed since its cursor, and the run writes it the way live events write
 * (§6.5): passing entities are upserted with no skip-unchanged lookup, entities failing the selector and items
 * given to `ctx.deleted()` become delete candidates, and only owned, existing entities are deleted, never any by
 * absence. No seen set, no datasource-entities query, no reconciliation, no resync-state, no hooks.
 *
 * It is the resync's per-resource step (resource.ts: extraction, itemsToParse, mapping, raw-data examples) with the
 * live-event writes (live/apply.ts), carried as steps over a checkpoint like a full resync: in one go on Node and
 * Deno, across Durable Object alarms on Workers. A resource's cursor moves forward only when it recorded no kind
 * error and Port left no upsert unanswered (`transient`, docs/behaviour.md §4.12); deletions come after every resource, so a candidate that any
 * resource of the run upserts is dropped, and a failed resource's candidates wait for its window to be read again.
 */
import type { IncrementalContext, KindContext, RawItem } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import { deleteOwned, upsertMapped, type WriteContext } from '../live/apply.ts';
import { MappingConfigError, entityKey, parsePortAppConfig } from '../mapping/index.ts';
import type { Entity, PortAppConfig, ResourceConfig } from '../mapping/index.ts';
import type { AbortReason } from './coordinator.ts';
import type { ResyncDeps } from './deps.ts';
import { selectorSchemas } from './deps.ts';
import { createExamplesCollector } from './examples.ts';
import { validatePage, type ResourceHandler } from './extract.ts';
import type { IncrementalCursorStore } from './incremental-cursors.ts';
import type { IncrementalCheckpoint, IncrementalCheckpointStore, IncrementalReport, IncrementalResourceReport } from './incremental-report.ts';
import { createMemoryIncrementalStore, newIncrementalCheckpoint } from './incremental-report.ts';
import type { CallContext } from './port.ts';
import { addKindError, emptyKindReport } from './report.ts';
import type { KindReport } from './report.ts';
import { runResource } from './resource.ts';
import { beginRun, clearIfOwned, runToEnd, saveIfOwned } from './run-steps.ts';
import type { ResourceRunShared, ResourceStep } from './resource.ts';
import type { StepBudget, StepOptions } from './steps.ts';

/** The overlap subtracted from every cursor: it absorbs clock skew between Tide's host and the vendor. */
export const SINCE_OVERLAP_MS = 60_000;

/** What an incremental run needs beyond a resync's parts. */
export interface IncrementalDeps extends ResyncDeps {
  cursors: IncrementalCursorStore;
  /** `incrementalSyncInterval`: a resource's first window starts this long before the run. */
  intervalMinutes: number;
}

/**
 * A step's options, as a resync's: the signal fires when a full resync starts, or at shutdown, and the run stops
 * at its current resource; `onPage` receives the run's id as `resyncId`.
 */
export type IncrementalStepOptions = StepOptions;

export type IncrementalStepResult =
  | { status: 'idle' }
  | { status: 'continue'; runId: string; items: number; pages: number }
  | { status: 'done'; report: IncrementalReport };

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Whether the integration declares any incremental handler (without one, nothing is scheduled). */
export function hasIncrementalHandlers(integration: ResyncDeps['integration']): boolean {
  return Object.values(integration.kinds).some((kind) => typeof kind?.incremental === 'function');
}

interface Run {
  deps: IncrementalDeps;
  store: IncrementalCheckpointStore;
  cp: IncrementalCheckpoint;
  options: IncrementalStepOptions;
  signal: AbortSignal;
  logger: Logger;
  context: CallContext;
  upserted: Set<string>;
}

function openRun(deps: IncrementalDeps, store: IncrementalCheckpointStore, cp: IncrementalCheckpoint, options: IncrementalStepOptions): Run {
  return {
    deps,
    store,
    cp,
    options,
    signal: options.signal ?? new AbortController().signal,
    logger: deps.logger.child({ syncType: 'incremental', runId: cp.runId, step: cp.steps }),
    // No id: Port attributes these writes to an `incremental_resync` event, never to a resync (Port API §11.7).
    context: { event: { type: 'incremental_resync' } },
    upserted: new Set(cp.upserted),
  };
}

const runIdOf = (cp: IncrementalCheckpoint): string => cp.runId;

/** Checkpoint, unless the run was stopped or replaced while the step awaited. */
function save(run: Run): Promise<void> {
  return saveIfOwned(run.store, run.cp, runIdOf, run.signal);
}

function parseMapping(deps: IncrementalDeps, cp: IncrementalCheckpoint): PortAppConfig {
  return parsePortAppConfig(cp.mapping, { source: 'Port integration config', selectorSchemas: selectorSchemas(deps.integration) });
}

function reportOf(run: Run, outcome: IncrementalReport['outcome'], deletion: IncrementalReport['deletion']): IncrementalReport {
  const { cp } = run;
  const report: IncrementalReport = {
    runId: cp.runId,
    syncType: 'incremental',
    outcome,
    startedAt: cp.startedAt,
    finishedAt: new Date(run.deps.now()).toISOString(),
    errors: cp.errors,
    resources: cp.resources.filter(Boolean),
    deletion,
  };
  if (outcome === 'aborted') report.abortReason = run.options.abortReason?.() ?? 'superseded';
  return report;
}

const NO_DELETION = { candidates: 0, deleted: 0, notOwned: 0, searchSkipped: 0, failed: 0 };

/** The end of a run: one log record, the report, the store cleared (unless another run owns it). */
async function finish(run: Run, outcome: IncrementalReport['outcome'], deletion = NO_DELETION): Promise<IncrementalStepResult> {
  const report = reportOf(run, outcome, deletion);
  const level = outcome === 'failed' ? 'error' : 'info';
  run.logger[level](`incremental run ${outcome}`, { report });
  await clearIfOwned(run.store, run.cp, runIdOf);
  return { status: 'done', report };
}

/** The mapping, read fresh, and the incremental resources in mapping order. */
async function startPhase(run: Run): Promise<IncrementalStepResult | undefined> {
  const { deps, cp, logger } = run;
  let config: PortAppConfig;
  try {
    const integration = await deps.port.getIntegration(deps.settings.integration.identifier, run.context);
    if (!integration) throw new Error(`integration "${deps.settings.integration.identifier}" was not found in Port`);
    cp.mapping = integration.config;
    config = parseMapping(deps, cp);
  } catch (error) {
    const text = error instanceof MappingConfigError ? error.message : `could not read the mapping: ${message(error)}`;
    logger.error(`[tide] ${text}; the incremental run writes nothing`);
    cp.errors.push(text);
    return finish(run, 'failed');
  }
  if (run.signal.aborted) return finish(run, 'aborted');
  cp.targets = config.resources.flatMap((resource, index) => (typeof deps.integration.kinds[resource.kind]?.incremental === 'function' ? [index] : []));
  if (cp.targets.length === 0) {
    logger.info('[tide] no resource of the mapping has a kind with an incremental handler; nothing to do');
    return finish(run, 'no-op');
  }
  cp.phase = 'resources';
  await save(run);
  return undefined;
}

/** Read the resource's cursor and open its window; a cursor that cannot be read fails the resource. */
async function openResource(run: Run, resource: ResourceConfig, index: number): Promise<boolean> {
  const { deps, cp } = run;
  const report: IncrementalResourceReport = {
    kind: resource.kind,
    index,
    label: `${resource.kind}-${index}`,
    since: '',
    cursor: null,
    advanced: false,
    fetched: 0,
    upserted: 0,
    failed: 0,
    deleted: 0,
  };
  cp.resources[cp.position] = report;
  let stored: Date | undefined;
  try {
    stored = await deps.cursors.read(resource.kind, index);
  } catch (error) {
    report.error = `could not read the cursor: ${message(error)}`;
    run.logger.error(`[tide] ${report.label}: ${report.error}; the resource is skipped and its cursor kept`);
    return false;
  }
  const runStart = Date.parse(cp.startedAt);
  const effective = stored?.getTime() ?? runStart - deps.intervalMinutes * 60_000;
  report.since = new Date(effective - SINCE_OVERLAP_MS).toISOString();
  report.cursor = stored?.toISOString() ?? null;
  cp.current = { since: report.since, previous: report.cursor, unanswered: 0, candidates: [] };
  return true;
}

/** Delete candidates from raw items the handler reported deleted: every computed entity, whatever the selector. */
async function mapDeleted(run: Run, resource: ResourceConfig, index: number, items: RawItem[], kind: KindReport): Promise<void> {
  if (items.length === 0) return;
  const { batches } = await run.deps.mapper.mapItems(resource, items, { resourceIndex: index, parseAll: true });
  for (const batch of batches) {
    for (const s of batch.selectorErrors) addKindError(kind, s.message);
    for (const { entity } of batch.entities) run.cp.current!.candidates.push({ blueprint: entity.blueprint, identifier: entity.identifier });
  }
}

/** The raw-data examples collector of a run, as a resync's (§4.5). */
function examplesOf(run: Run) {
  const { deps } = run;
  return createExamplesCollector(
    {
      enabled: deps.settings.sendRawDataExamples !== false,
      port: deps.port,
      identifier: deps.settings.integration.identifier,
      context: run.context,
      logger: run.logger,
      sensitiveValues: deps.sensitiveValues,
    },
    run.cp,
  );
}

/** A handler's ctx: the cursor's `since`, `advance()` and `deleted()` (docs/behaviour.md §4.12). */
function incrementalContext(ctx: KindContext, current: NonNullable<Run['cp']['current']>, pendingDeleted: RawItem[]): IncrementalContext {
  return {
    ...ctx,
    since: new Date(current.since),
    advance(at: Date) {
      if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError(`ctx.advance() takes a valid Date, got ${String(at)}`);
      current.advanceTo = at.toISOString();
    },
    deleted(items: RawItem[]) {
      const invalid = validatePage(items);
      if (invalid) throw new TypeError(`ctx.deleted(): ${invalid}`);
      pendingDeleted.push(...items);
    },
  };
}

/** The resource at `cp.position`, from where its checkpoint stands. */
async function processResource(
  run: Run,
  config: PortAppConfig,
  budget: StepBudget,
  counters: { items: number; last: number },
): Promise<'done' | 'paused' | 'aborted'> {
  const { deps, cp, signal } = run;
  const index = cp.targets[cp.position];
  const resource = config.resources[index];
  const handler = deps.integration.kinds[resource.kind]!.incremental!;
  // No signal: like a resync's, requests already sent complete; the run stops between pages (§4.8).
  const write: WriteContext = { port: deps.port, mapping: config, event: run.context.event!, logger: run.logger, label: 'incremental run' };
  const pendingDeleted: RawItem[] = [];
  const current = cp.current!;
  const kind = (cp.kinds[index] ??= emptyKindReport(resource.kind, index));
  const flushDeleted = () => mapDeleted(run, resource, index, pendingDeleted.splice(0), kind);
  const shared: ResourceRunShared = {
    ...deps,
    config: deps.settings.integration.config ?? {},
    logger: run.logger,
    attributes: cp.attributes,
    signal,
    examples: examplesOf(run),
    handlers: (name): ResourceHandler[] => [{ name: `incremental handler of kind "${name}"`, run: (ctx) => handler(ctx as IncrementalContext) }],
    context: (ctx) => incrementalContext(ctx, current, pendingDeleted),
    async onEntities(entities: Entity[], report: KindReport) {
      for (const entity of entities) {
        const key = entityKey(entity);
        if (!run.upserted.has(key)) {
          run.upserted.add(key);
          cp.upserted.push(key);
        }
      }
      const out = await upsertMapped(entities, write);
      report.upserted += out.upserted;
      report.dropped += out.dropped;
      report.failed += out.failed;
      current.unanswered += out.unanswered;
    },
    async onRejected(entities: Entity[]) {
      for (const entity of entities) current.candidates.push({ blueprint: entity.blueprint, identifier: entity.identifier });
    },
  };
  const step: ResourceStep = {
    cp,
    save: () => save(run),
    overBudget: () => counters.items + counters.last > budget.maxItems || deps.now() >= budget.deadlineMs,
    async afterPage(name, size) {
      await flushDeleted();
      counters.items += size;
      counters.last = size;
      cp.pages += 1;
      await run.options.onPage?.({ resyncId: cp.runId, kind: name, pages: cp.pages, itemsThisStep: counters.items });
    },
  };
  const { status } = await runResource(shared, resource, index, step);
  if (signal.aborted) return 'aborted';
  if (status !== 'done') return status;
  await flushDeleted();
  await closeResource(run, resource, index, kind);
  return 'done';
}

/** Store the cursor when the resource succeeded; keep its candidates only then. */
async function closeResource(run: Run, resource: ResourceConfig, index: number, kind: KindReport): Promise<void> {
  const { cp, deps } = run;
  const current = cp.current!;
  const report = cp.resources[cp.position];
  report.fetched = kind.fetched;
  report.upserted = kind.upserted;
  report.failed = kind.failed;
  const reasons = [...kind.errors];
  if (current.unanswered > 0) reasons.push(`${current.unanswered} entit${current.unanswered === 1 ? 'y' : 'ies'} went unanswered by Port (a network error, a timeout, a 408, 429 or 5xx)`);
  if (reasons.length === 0) {
    const at = new Date(current.advanceTo ?? cp.startedAt);
    try {
      await deps.cursors.write(resource.kind, index, at, cp.runId);
      report.cursor = at.toISOString();
      report.advanced = true;
      for (const c of current.candidates) cp.candidates.push({ position: cp.position, ...c });
    } catch (error) {
      reasons.push(`could not store the cursor: ${message(error)}`);
    }
  }
  if (reasons.length > 0) {
    report.error = reasons.join('; ');
    run.logger.error(`[tide] ${report.label}: the cursor stays at ${report.cursor ?? 'none'}, so the next run reads this window again: ${report.error}`);
  }
}

/** Every incremental resource from where the checkpoint stands, until done, paused or aborted. */
async function resourcesPhase(run: Run, config: PortAppConfig, budget: StepBudget): Promise<{ status: 'done' | 'paused' | 'aborted'; items: number }> {
  const { cp } = run;
  const counters = { items: 0, last: 0 };
  while (cp.position < cp.targets.length) {
    if (run.signal.aborted) return { status: 'aborted', items: counters.items };
    const index = cp.targets[cp.position];
    if (!cp.current) {
      const opened = await openResource(run, config.resources[index], index);
      if (run.signal.aborted) return { status: 'aborted', items: counters.items };
      if (!opened) {
        cp.position += 1;
        await save(run);
        continue;
      }
    }
    const status = await processResource(run, config, budget, counters);
    if (status !== 'done') return { status, items: counters.items };
    cp.current = undefined;
    cp.position += 1;
    cp.handlerIndex = 0;
    cp.iterables = undefined;
    cp.cursor = undefined;
    await save(run);
  }
  return { status: run.signal.aborted ? 'aborted' : 'done', items: counters.items };
}

/** Delete the owned entities of the succeeded resources' candidates that this run did not upsert. */
async function deletePhase(run: Run, config: PortAppConfig): Promise<IncrementalStepResult> {
  const { cp } = run;
  const deletion = { ...NO_DELETION };
  const write: WriteContext = { port: run.deps.port, mapping: config, event: run.context.event!, logger: run.logger, label: 'incremental run' };
  const handled = new Set<string>();
  for (const [position, report] of cp.resources.entries()) {
    // Stopped during deletions: the report still lists those already made.
    if (run.signal.aborted) return finish(run, 'aborted', deletion);
    const own = cp.candidates
      .filter((c) => c.position === position)
      .map((c) => ({ blueprint: c.blueprint, identifier: c.identifier, properties: {}, relations: {} }) as Entity)
      .filter((e) => !run.upserted.has(entityKey(e)) && !handled.has(entityKey(e)));
    if (own.length === 0) continue;
    for (const e of own) handled.add(entityKey(e));
    deletion.candidates += own.length;
    const out = await deleteOwned(own, () => false, write);
    report.deleted = out.deleted;
    deletion.deleted += out.deleted;
    deletion.notOwned += out.notOwned;
    deletion.searchSkipped += out.searchSkipped;
    deletion.failed += out.deleteErrors;
  }
  if (run.signal.aborted) return finish(run, 'aborted', deletion);
  const failed = cp.errors.length > 0 || cp.resources.some((r) => r?.error !== undefined);
  return finish(run, failed ? 'failed' : 'completed', deletion);
}

/** Open a new incremental run in `store`, replacing any stored one; returns its id. */
export async function beginIncrementalRun(deps: Pick<ResyncDeps, 'newId' | 'now'>, store: IncrementalCheckpointStore): Promise<string> {
  const runId = deps.newId();
  await beginRun(store, newIncrementalCheckpoint(runId, new Date(deps.now()).toISOString()));
  return runId;
}

/**
 * Run the next step of the stored incremental run, if any. Throws only for faults of the step itself (its store,
 * its `onPage`): the step can then be retried from the last checkpoint.
 */
export async function runIncrementalStep(
  deps: IncrementalDeps,
  store: IncrementalCheckpointStore,
  budget: StepBudget,
  options: IncrementalStepOptions = {},
): Promise<IncrementalStepResult> {
  const cp = await store.load();
  if (!cp) return { status: 'idle' };
  cp.steps += 1;
  const run = openRun(deps, store, cp, options);
  if (run.signal.aborted) return finish(run, 'aborted');
  if (cp.phase === 'start') {
    const ended = await startPhase(run);
    if (ended) return ended;
  }
  let config: PortAppConfig;
  try {
    config = parseMapping(deps, cp);
  } catch (error) {
    cp.errors.push(`the mapping snapshot no longer parses: ${message(error)}`);
    return finish(run, 'failed');
  }
  if (cp.phase === 'resources') {
    const { status, items } = await resourcesPhase(run, config, budget);
    if (status === 'aborted') return finish(run, 'aborted');
    if (status === 'paused') return { status: 'continue', runId: cp.runId, items, pages: cp.pages };
    cp.phase = 'delete';
    await save(run);
  }
  return deletePhase(run, config);
}

/** End the stored run as `failed` (its steps keep failing): cursors already stored stay, nothing more is deleted. */
export async function abandonIncrementalRun(deps: IncrementalDeps, store: IncrementalCheckpointStore, reason: string): Promise<IncrementalReport | undefined> {
  const cp = await store.load();
  if (!cp) return undefined;
  const run = openRun(deps, store, cp, {});
  cp.errors.push(reason);
  run.logger.error(`[tide] incremental run abandoned: ${reason}`);
  const result = await finish(run, 'failed');
  return result.status === 'done' ? result.report : undefined;
}

const UNBOUNDED: StepBudget = { maxItems: Infinity, deadlineMs: Infinity };

/** One incremental run to its end under `handle` (see `ResyncCoordinator.tryRun`): steps with no budget, in memory. Never throws. */
export async function runIncremental(deps: IncrementalDeps, handle: { signal: AbortSignal; abortReason(): AbortReason | undefined }): Promise<IncrementalReport> {
  const store = createMemoryIncrementalStore({ copies: false });
  await beginIncrementalRun(deps, store);
  const options = { signal: handle.signal, abortReason: handle.abortReason };
  return runToEnd(
    () => runIncrementalStep(deps, store, UNBOUNDED, options),
    (reason) => abandonIncrementalRun(deps, store, reason),
  );
}
