/**
 * The resync engine (§4.3): a resync is a run of steps over a checkpoint store. `beginResumableResync`
 * opens one; each `runResyncStep` does a bounded amount of work and checkpoints wherever the resync can
 * resume, so an invocation that ends at any point loses nothing. Workers run one step per Durable
 * Object alarm; Node and Deno run the steps back to back with no budget over a store in memory
 * (resync.ts), and plan() runs them against a Port that writes nothing (plan.ts).
 *
 * A resync: state `running`, the mapping read fresh, hook `onResyncStart`, every resource in mapping
 * order (resource.ts), reconciliation (§4.9, the one call to `reconcile`), hook `onResyncComplete`,
 * state `completed`/`failed` and the deletion report. A resync stopped by a newer one or by shutdown
 * reconciles nothing and writes no state (§4.8).
 */
import type { HookContext } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import { MappingConfigError, parsePortAppConfig } from '../mapping/index.ts';
import type { Entity, PortAppConfig } from '../mapping/index.ts';
import type { ResyncCheckpoint, ResyncCheckpointStore } from './checkpoint.ts';
import { newCheckpoint } from './checkpoint.ts';
import { createBatchWriter } from './batch-writer.ts';
import type { BatchSink, BatchWriterOptions } from './batch-writer.ts';
import type { AbortReason } from './coordinator.ts';
import { createExamplesCollector } from './examples.ts';
import type { CallContext } from './port.ts';
import { reconcile } from './reconcile.ts';
import type { ReconcileResult } from './reconcile.ts';
import type { DeletionReport, KindReport, ResyncReport } from './report.ts';
import { RESYNC_ENGINE, emptyDeletionReport, resyncOutcome, summariseDeletion } from './report.ts';
import { onPortClock } from './port-clock.ts';
import { runResource } from './resource.ts';
import { beginRun, clearIfOwned, saveIfOwned } from './run-steps.ts';
import type { ResyncStateOptions } from './resync-state.ts';
import { finishedPatch, reportResyncState, runningPatch, stateOptionsFor } from './resync-state.ts';
import type { ResyncDeps } from './deps.ts';
import { isHttpError, selectorSchemas } from './deps.ts';

/**
 * How much one step may do. After a resumable page the step stops when one more page of the same
 * size would exceed `maxItems`, or the deadline has passed; a handler that declares no cursor runs to
 * its end. A step always processes at least one page. `Infinity` in both: no bound (a one-go resync).
 */
export interface StepBudget {
  /** Raw items per step. */
  maxItems: number;
  /** Epoch ms (on `deps.now()`) after which no further page starts. */
  deadlineMs: number;
}

/** Passed to `onPage` after a page's writes, before its checkpoint is saved. */
export interface PageInfo {
  resyncId: string;
  kind: string;
  /** Pages of this resync processed so far, this one included. */
  pages: number;
  itemsThisStep: number;
}

export interface StepOptions {
  /** Fires when a newer resync replaces this one, or at shutdown: the step stops and writes nothing more. */
  signal?: AbortSignal;
  /** Why the signal fired, for the report (default `superseded`). */
  abortReason?: () => AbortReason | undefined;
  /** After a page's writes, before its checkpoint is saved (tests end a step there to simulate a kill). */
  onPage?: (info: PageInfo) => void | Promise<void>;
}

export type StepResult =
  | { status: 'idle' }
  | { status: 'continue'; resyncId: string; phase: ResyncCheckpoint['phase']; items: number; pages: number }
  | { status: 'done'; report: ResyncReport }
  | { status: 'aborted'; resyncId: string; report: ResyncReport };

/** How plan() runs the engine (plan.ts). A resync uses the defaults. */
export interface EngineMode {
  /** Compute only: no hook runs and reconciliation deletes nothing (the port given writes nothing either). */
  dryRun?: boolean;
  /** What receives each batch's selector-passing entities; default: the batch writer (diff, upsert, seen). */
  sink?: (options: BatchWriterOptions) => BatchSink;
  /** Where the mapping comes from; default: the integration's config in Port. */
  mapping?: (deps: ResyncDeps, context: CallContext) => Promise<{ raw: unknown; source: string }>;
  /** Receives reconciliation's result (plan lists the would-be deletions). */
  onReconciled?: (result: ReconcileResult) => void;
}

/** One step's view of its resync. */
interface Run {
  deps: ResyncDeps;
  store: ResyncCheckpointStore;
  cp: ResyncCheckpoint;
  mode: EngineMode;
  options: StepOptions;
  signal: AbortSignal;
  context: CallContext;
  logger: Logger;
  stateOptions: ResyncStateOptions;
  hookCtx: HookContext;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const PORT_MAPPING = 'Port integration config';

/** The integration's mapping as Port holds it (§4.3 step 4: read fresh, uncached). */
async function portMapping(deps: ResyncDeps, context: CallContext): Promise<{ raw: unknown; source: string }> {
  const integration = await deps.port.getIntegration(deps.settings.integration.identifier, context);
  if (!integration) throw new Error(`integration "${deps.settings.integration.identifier}" was not found in Port`);
  return { raw: integration.config, source: PORT_MAPPING };
}

function parseMapping(deps: Pick<ResyncDeps, 'integration'>, cp: ResyncCheckpoint): PortAppConfig {
  return parsePortAppConfig(cp.mapping, { source: cp.mappingSource ?? PORT_MAPPING, selectorSchemas: selectorSchemas(deps.integration) });
}

function openRun(deps: ResyncDeps, store: ResyncCheckpointStore, cp: ResyncCheckpoint, options: StepOptions, mode: EngineMode): Run {
  const signal = options.signal ?? new AbortController().signal;
  const logger = deps.logger.child({ syncType: 'full', resyncId: cp.resyncId, step: cp.steps });
  const config = deps.settings.integration.config ?? {};
  return {
    deps,
    store,
    cp,
    mode,
    options,
    signal,
    context: { event: { type: 'resync', id: cp.resyncId } },
    logger,
    stateOptions: stateOptionsFor(deps, logger),
    hookCtx: { config, logger, http: deps.http, state: deps.state, signal },
  };
}

const resyncIdOf = (cp: ResyncCheckpoint): string => cp.resyncId;

/** Checkpoint, unless a newer resync replaced this one while the step awaited: never overwrite it. */
function save(run: Run): Promise<void> {
  return saveIfOwned(run.store, run.cp, resyncIdOf, run.signal);
}

function reportOf(run: Run, status: ResyncReport['status'], deletion: DeletionReport, reingested: number): ResyncReport {
  const { cp } = run;
  return {
    resyncId: cp.resyncId,
    engine: RESYNC_ENGINE,
    status,
    startedAt: cp.startedAt,
    finishedAt: new Date(run.deps.now()).toISOString(),
    errors: cp.errors,
    kinds: cp.kinds,
    reingested,
    ...resyncOutcome(status, cp.kinds, reingested, deletion),
    deletion,
  };
}

/**
 * Stopped by a newer resync or shutdown: no (further) reconciliation, no hook, no resync state (§4.8).
 * Stopped during its delete phase, it reports the deletions it made (§4.10): `deletion` is what
 * reconciliation recorded before it stopped.
 */
function aborted(run: Run, deletion?: DeletionReport): StepResult {
  const made = deletion !== undefined && deletion.counts.deleted + deletion.counts.cascaded > 0;
  const report = reportOf(run, 'aborted', made ? { ...deletion, skipReason: 'aborted' } : emptyDeletionReport(run.cp.resyncId, 'skipped', 'aborted'), 0);
  report.abortReason = run.options.abortReason?.() ?? 'superseded';
  const c = report.deletion.counts;
  const what = made ? `${c.deleted + c.cascaded} deleted before it stopped` : 'nothing deleted';
  run.logger.info(`resync aborted (${report.abortReason}); ${what}`, { deletion: report.deletion });
  return { status: 'aborted', resyncId: run.cp.resyncId, report };
}

/** Where every resync ends: state, log, report, and the store cleared (unless a newer resync owns it). */
async function finish(run: Run, status: 'completed' | 'failed', deletion: DeletionReport, reingested = 0): Promise<StepResult> {
  const { deps, cp } = run;
  deps.port.clearBlueprintCache();
  if (run.signal.aborted) return aborted(run);
  const report = reportOf(run, status, deletion, reingested);
  await reportResyncState(run.stateOptions, finishedPatch(run.stateOptions, status, deps.now()), run.context);
  const outcome = `after ${cp.steps} step(s), ${cp.pages} page(s); ${summariseDeletion(deletion)}`;
  const { upserts, deletes } = report.failures;
  const head = report.exitCode === 2 ? `completed with failures: ${upserts} entities failed to upsert, ${deletes} to delete (exit code 2)` : status;
  if (run.mode.dryRun) run.logger.info(`plan computed ${outcome}`, { deletion });
  else run.logger[report.exitCode === 0 ? 'info' : 'error'](`resync ${head} ${outcome}`, { deletion, failures: report.failures, exitCode: report.exitCode });
  await clearIfOwned(run.store, cp, resyncIdOf);
  return { status: 'done', report };
}

/** A resync that fails before any kind runs (mapping, onResyncStart) or outside them: nothing is deleted. */
function failEarly(run: Run, error: string): Promise<StepResult> {
  run.cp.errors.push(error);
  const deletion = emptyDeletionReport(run.cp.resyncId, 'skipped', 'resync-error');
  deletion.error = error;
  return finish(run, 'failed', deletion);
}

/**
 * The resync's start on Port's clock (the owned snapshot's `before`, §4.9 step 5), once Port has answered
 * this resync at least once (the resync-state PATCH, the mapping read).
 */
function portStart(deps: ResyncDeps, cp: ResyncCheckpoint, logger: Logger): string {
  const local = Date.parse(cp.startedAt);
  const offset = deps.port.clockOffset?.();
  const before = onPortClock(local, offset);
  if (before !== local) logger.info('[tide] Port’s clock differs from this host’s; the resync’s start is taken on Port’s clock', { startedAt: cp.startedAt, onPortClock: new Date(before).toISOString(), offsetMs: offset });
  return new Date(before).toISOString();
}

/** State `running`, the mapping snapshot, hook `onResyncStart`. Returns a result when the resync ends here. */
async function startPhase(run: Run): Promise<StepResult | undefined> {
  const { deps, cp, logger } = run;
  if (run.signal.aborted) return aborted(run);
  await reportResyncState(run.stateOptions, runningPatch(run.stateOptions, Date.parse(cp.startedAt)), run.context);
  try {
    const { raw, source } = await (run.mode.mapping ?? portMapping)(deps, run.context);
    cp.mapping = raw;
    cp.mappingSource = source;
    parseMapping(deps, cp);
  } catch (error) {
    const text = error instanceof MappingConfigError ? error.message : `could not read the mapping: ${message(error)}`;
    logger.error(`[tide] ${text}; the resync writes nothing`);
    return failEarly(run, text);
  }
  cp.before = portStart(deps, cp, logger);
  deps.port.clearBlueprintCache();
  if (deps.integration.onResyncStart && !run.mode.dryRun) {
    try {
      await deps.integration.onResyncStart(run.hookCtx);
    } catch (error) {
      if (!isHttpError(error)) {
        logger.error('[tide] onResyncStart failed; no kind runs', { error: message(error) });
        return failEarly(run, `onResyncStart failed: ${message(error)}`);
      }
      cp.previousStateUnknown = true;
      cp.errors.push(`onResyncStart failed with an HTTP error (previous state unknown): ${message(error)}`);
      logger.error('[tide] onResyncStart failed with an HTTP error; the resync continues but deletes nothing', { error: message(error) });
    }
  }
  cp.phase = 'resources';
  await save(run);
  return undefined;
}

/** Every resource in mapping order from where the checkpoint stands, until done, paused or aborted. */
async function resourcesPhase(run: Run, config: PortAppConfig, budget: StepBudget): Promise<{ status: 'done' | 'paused' | 'aborted'; items: number }> {
  const { deps, cp, logger, context, signal } = run;
  const { settings, port } = deps;
  const flags = { merge: config.enableMergeEntity, createMissingRelatedEntities: config.createMissingRelatedEntities };
  const sink = (run.mode.sink ?? createBatchWriter)({ port, context, logger, flags, seen: run.store.seen(), failed: cp.failed, cp });
  const examples = createExamplesCollector(
    { enabled: settings.sendRawDataExamples !== false, port, identifier: settings.integration.identifier, context, logger, sensitiveValues: deps.sensitiveValues },
    cp,
  );
  const shared = {
    ...deps,
    config: settings.integration.config ?? {},
    logger,
    attributes: cp.attributes,
    signal,
    examples,
    onEntities: (entities: Entity[], kind: KindReport) => sink.write(entities, kind),
    onResourceEnd: sink.end && ((kind: KindReport, stopped: boolean) => sink.end!(kind, stopped)),
  };
  let items = 0;
  let last = 0;
  const step = {
    cp,
    save: () => save(run),
    overBudget: () => items + last > budget.maxItems || deps.now() >= budget.deadlineMs,
    async afterPage(kind: string, size: number) {
      items += size;
      last = size;
      cp.pages += 1;
      await run.options.onPage?.({ resyncId: cp.resyncId, kind, pages: cp.pages, itemsThisStep: items });
    },
  };
  while (cp.resourceIndex < config.resources.length) {
    if (signal.aborted) return { status: 'aborted', items };
    const { status } = await runResource(shared, config.resources[cp.resourceIndex], cp.resourceIndex, step);
    if (status !== 'done') return { status, items };
    cp.resourceIndex += 1;
    cp.handlerIndex = 0;
    cp.iterables = undefined;
    cp.cursor = undefined;
    await save(run);
  }
  return { status: signal.aborted ? 'aborted' : 'done', items };
}

/** Reconciliation, hook `onResyncComplete`, and the end of the resync. */
async function reconcilePhase(run: Run, config: PortAppConfig): Promise<StepResult> {
  const { deps, cp, logger } = run;
  const result = await reconcile({
    port: deps.port,
    resyncId: cp.resyncId,
    before: cp.before ?? cp.startedAt,
    flags: config,
    seen: run.store.seen(),
    failed: cp.failed,
    kinds: cp.kinds,
    previousStateUnknown: cp.previousStateUnknown,
    emptyMapping: config.resources.length === 0,
    context: run.context,
    signal: run.signal,
    logger,
    deleteBatchSize: deps.settings.deleteEntitiesMaxBatchSize ?? 1000,
    dryRun: run.mode.dryRun,
  });
  if (run.signal.aborted) return aborted(run, result.deletion);
  run.mode.onReconciled?.(result);
  if (result.deletion.error) cp.errors.push(`reconciliation: ${result.deletion.error}`);
  let status: 'completed' | 'failed' = result.failed ? 'failed' : 'completed';
  if (status === 'completed' && deps.integration.onResyncComplete && !run.mode.dryRun) {
    try {
      await deps.integration.onResyncComplete(run.hookCtx);
    } catch (error) {
      status = 'failed';
      cp.errors.push(`onResyncComplete failed: ${message(error)}`);
      logger.error('[tide] onResyncComplete failed; deletions already made stand', { error: message(error) });
    }
  }
  return finish(run, status, result.deletion, result.reingested);
}

/** Open a new resync, replacing (without reconciling) any stored one; returns its id. */
export async function beginResumableResync(deps: Pick<ResyncDeps, 'newId' | 'now'>, store: ResyncCheckpointStore): Promise<string> {
  const resyncId = deps.newId();
  await beginRun(store, newCheckpoint(resyncId, new Date(deps.now()).toISOString()));
  return resyncId;
}

/**
 * Run the next step of the stored resync, if any. Throws only for faults of the step itself (its
 * store, its `onPage`): the step can then be retried from the last checkpoint.
 */
export async function runResyncStep(
  deps: ResyncDeps,
  store: ResyncCheckpointStore,
  budget: StepBudget,
  options: StepOptions = {},
  mode: EngineMode = {},
): Promise<StepResult> {
  const cp = await store.load();
  if (!cp) return { status: 'idle' };
  cp.steps += 1;
  const run = openRun(deps, store, cp, options, mode);
  if (cp.phase === 'start') {
    const ended = await startPhase(run);
    if (ended) return ended;
  }
  let config: PortAppConfig;
  try {
    config = parseMapping(deps, cp);
  } catch (error) {
    return failEarly(run, `the mapping snapshot no longer parses: ${message(error)}`);
  }
  if (cp.phase === 'resources') {
    const { status, items } = await resourcesPhase(run, config, budget);
    if (status === 'aborted') return aborted(run);
    const more = { status: 'continue', resyncId: cp.resyncId, items, pages: cp.pages } as const;
    if (status === 'paused') return { ...more, phase: cp.phase };
    cp.phase = 'reconcile';
    await save(run);
    // Reconciliation reads every owned entity: a bounded step that did work leaves it to a step of its own.
    if (items > 0 && (Number.isFinite(budget.maxItems) || Number.isFinite(budget.deadlineMs))) return { ...more, phase: cp.phase };
  }
  return reconcilePhase(run, config);
}

/**
 * End the stored resync as `failed` without reconciling (its steps keep failing, or a one-go run met a
 * fault of its own). Returns its report, or undefined when no resync is stored.
 */
export async function abandonResumableResync(deps: ResyncDeps, store: ResyncCheckpointStore, reason: string, mode: EngineMode = {}): Promise<ResyncReport | undefined> {
  const cp = await store.load();
  if (!cp) return undefined;
  const run = openRun(deps, store, cp, {}, mode);
  run.logger.error(`[tide] resync abandoned: ${reason}; nothing deleted`);
  const result = await failEarly(run, reason);
  return result.status === 'done' ? result.report : undefined;
}
