/**
 * Tide's resync engine: an integration yields raw items, the mapping turns them into entities, and
 * the engine writes them in batches and reconciles what is gone: streaming, bounded memory, and
 * never deleting on doubt (docs/behaviour.md §4). One step engine (steps.ts) runs every resync on
 * every runtime, and plan() too. Runtime-agnostic: web standards only.
 */
import { createHttpClient } from '../http/index.ts';
import type { HttpClient } from '../http/index.ts';
import type { IntegrationDefinition } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { Mapper } from '../mapping/index.ts';
import { createMemoryStateStore } from '../state/index.ts';
import type { StateStore } from '../state/index.ts';
import { ResyncCoordinator } from './coordinator.ts';
import type { Plan } from './plan.ts';
import { runPlan } from './plan.ts';
import type { SyncPort } from './port.ts';
import type { KindReport, ResyncReport } from './report.ts';
import { finishedPatch, reportResyncState } from './resync-state.ts';
import type { ResyncDeps, ResyncSettings } from './deps.ts';
import { runResync } from './resync.ts';
import type { ResyncCheckpointStore } from './checkpoint.ts';
import type { StepBudget, StepOptions, StepResult } from './steps.ts';
import { abandonResumableResync, beginResumableResync, runResyncStep } from './steps.ts';
import type { IncrementalDeps, IncrementalStepOptions, IncrementalStepResult } from './incremental.ts';
import { abandonIncrementalRun, beginIncrementalRun, runIncremental, runIncrementalStep } from './incremental.ts';
import type { IncrementalCursorStore } from './incremental-cursors.ts';
import { createStateCursorStore } from './incremental-cursors.ts';
import type { IncrementalCheckpointStore, IncrementalReport } from './incremental-report.ts';
import { ownsRunningState } from './lease.ts';

export type { AbortReason, RunHandle } from './coordinator.ts';
export { ResyncCoordinator } from './coordinator.ts';
export { DIFF_MIN_BATCH, LOOKUP_CHUNK, diffApplies, includeFor, isUnchanged, lookupOwned, skipUnchanged } from './diff.ts';
export type { LookupResult } from './diff.ts';
export { BULK_DELETE_MAX, deleteCandidates } from './delete.ts';
export type { DeleteCandidate, DeleteRunOptions, DeleteStatus } from './delete.ts';
export { onPortClock } from './port-clock.ts';
export { dependencyOrder, hasSearchValue, isSearchQuery, relationTargets } from './entity-values.ts';
export { MAX_EXAMPLES, createExamplesCollector, createMasker, maskDeep } from './examples.ts';
export type { ExamplesCollector, ExamplesOptions } from './examples.ts';
export { extractResource, extractUnits, resolveHandlers, validatePage } from './extract.ts';
export type { ExtractEvent, ExtractPosition, ResourceHandler } from './extract.ts';
export { createDryRunPort } from './dry-run-port.ts';
export type { DryRunPort, UnsentWrite } from './dry-run-port.ts';
export { MAX_PLAN_IDS, runPlan } from './plan.ts';
export type { BlueprintPlan, Plan } from './plan.ts';
export type { SyncPort } from './port.ts';
export { reconcile } from './reconcile.ts';
export type { ReconcileFlags, ReconcileInput, ReconcileResult } from './reconcile.ts';
export { CANDIDATE_REASON, MAX_DELETION_ROWS, RESYNC_ENGINE, describeOutcome, resyncOutcome, summariseDeletion } from './report.ts';
export type {
  DeletionAction,
  DeletionOutcome,
  DeletionReport,
  DeletionRow,
  DeletionSkipReason,
  EntityKey,
  KindReport,
  ResyncReport,
  ResyncStatus,
} from './report.ts';
export { finishedPatch, nextResync, runningPatch } from './resync-state.ts';
export { isHttpError, selectorSchemas } from './deps.ts';
export type { ResyncDeps, ResyncSettings } from './deps.ts';
export { runResync } from './resync.ts';
export { MAX_RESYNC_RECORDS, createResyncRecords } from './records.ts';
export { LEASE_RENEW_MS, RESYNC_LEASE_MS } from './lease.ts';
export type { ResyncRecord, ResyncRecords } from './records.ts';
export { SeenSet } from './seen.ts';
export type { SeenKeys } from './seen.ts';
export { createMemoryCheckpointStore } from './checkpoint.ts';
export type { MemoryCheckpointStoreOptions, ResyncCheckpoint, ResyncCheckpointStore } from './checkpoint.ts';
export { abandonResumableResync, beginResumableResync, runResyncStep } from './steps.ts';
export type { EngineMode, PageInfo, StepBudget, StepOptions, StepResult } from './steps.ts';
export { runResource } from './resource.ts';
export {
  abandonIncrementalRun,
  beginIncrementalRun,
  hasIncrementalHandlers,
  runIncremental,
  runIncrementalStep,
  SINCE_OVERLAP_MS,
} from './incremental.ts';
export type { IncrementalDeps, IncrementalStepOptions, IncrementalStepResult } from './incremental.ts';
export { createPortCursorStore, createStateCursorStore, cursorKey } from './incremental-cursors.ts';
export type { CursorPort, IncrementalCursorStore, StoredCursor } from './incremental-cursors.ts';
export { createMemoryIncrementalStore } from './incremental-report.ts';
export type {
  IncrementalCheckpoint,
  IncrementalCheckpointStore,
  IncrementalOutcome,
  IncrementalReport,
  IncrementalResourceReport,
} from './incremental-report.ts';
export type { ResourceOutcome, ResourceRunShared, ResourceStep } from './resource.ts';
export { keyOf, plainRelationValues } from './entity-values.ts';
export { groupByBlueprint, upsertEntities } from './upsert.ts';
export type { FailedEntity, UpsertCounts, UpsertFlags, UpsertOutcome } from './upsert.ts';

/** Options of {@link createResyncRunner}. */
export interface ResyncRunnerOptions {
  integration: IntegrationDefinition<any>;
  /** The Port client (`createPortClient(...)`), or any object with the same calls. */
  port: SyncPort;
  /** One mapper per process: it caches the jq engine and compiled programs. */
  mapper: Mapper;
  settings: ResyncSettings;
  logger?: Logger;
  state?: StateStore;
  /** The vendor HTTP client handed to handlers as `ctx.http`. */
  http?: HttpClient;
  /** Values masked in raw-data examples (`sensitiveValues(settings, spec)`). */
  sensitiveValues?: readonly string[];
  /** Process start (ms), the origin of `nextResync`. Default: when the runner was created. */
  processStartedAt?: number;
  now?: () => number;
  /** Event ids; default `crypto.randomUUID()`. */
  newId?: () => string;
  /** Receives `resyncState.updatedAt` of each resync-state PATCH response. */
  onResyncStateUpdated?: (updatedAt: string) => void;
  /** Live per-resource counters during a resync, after each page and at the resource's end (progress displays). */
  onProgress?: (report: Readonly<KindReport>) => void;
  /** Where incremental cursors live (§4.12). Default: the StateStore (`state`). */
  cursors?: IncrementalCursorStore;
}

/** The resync engine of one integration instance. */
export interface ResyncRunner {
  /** Run a resync (under `resyncId` when given), superseding one in progress; resolves with its report (never rejects). */
  resync(options?: { resyncId?: string }): Promise<ResyncReport>;
  /** What a resync would do now, with no write at all: the same engine against a Port that writes nothing. */
  /** `mapping`: plan with this mapping instead of Port's (docs/behaviour.md §7.4: `plan --mapping FILE`, the embedded Port). */
  plan(options?: { signal?: AbortSignal; mapping?: { raw: unknown; source: string } }): Promise<Plan>;
  /**
   * Shutdown: abort the running resync (it writes no state itself), then, if Port shows this
   * integration's resync as `running`, PATCH it `aborted` (§9.2). A resync that does not stop within
   * `waitMs` (a handler that ignores its signal) is reported aborted all the same.
   */
  abort(options?: { waitMs?: number }): Promise<void>;
  /**
   * One incremental run (§4.12), only when no resync or incremental run is in progress: resolves `undefined` at
   * once otherwise. A resync started meanwhile aborts it at its current resource.
   */
  incremental(): Promise<IncrementalReport | undefined>;
  /** True while a resync or an incremental run runs. */
  readonly running: boolean;
  /**
   * A resync carried across invocations, its state in `store` (steps.ts): `begin` opens one (replacing
   * any stored one), each `step` does a bounded share and checkpoints, the last one reconciles. The
   * same engine as `resync()`, which runs these steps back to back in memory; a runtime uses one style
   * or the other.
   */
  readonly resumable: {
    begin(store: ResyncCheckpointStore, options?: { resyncId?: string }): Promise<string>;
    step(store: ResyncCheckpointStore, budget: StepBudget, options?: StepOptions): Promise<StepResult>;
    abandon(store: ResyncCheckpointStore, reason: string): Promise<ResyncReport | undefined>;
  };
  /** An incremental run carried across invocations in `store`, the same engine as `incremental()`. */
  readonly incrementalResumable: {
    begin(store: IncrementalCheckpointStore): Promise<string>;
    step(store: IncrementalCheckpointStore, budget: StepBudget, options?: IncrementalStepOptions): Promise<IncrementalStepResult>;
    abandon(store: IncrementalCheckpointStore, reason: string): Promise<IncrementalReport | undefined>;
  };
}

/**
 * Create the resync engine.
 *
 * @example
 * const runner = createResyncRunner({ integration, port: createPortClient(opts), mapper: createMapper(), settings });
 * const report = await runner.resync();
 * console.log(report.status, report.deletion.outcome);
 */
export function createResyncRunner(options: ResyncRunnerOptions): ResyncRunner {
  const now = options.now ?? Date.now;
  const deps: ResyncDeps = {
    integration: options.integration,
    port: options.port,
    mapper: options.mapper,
    settings: options.settings,
    logger: options.logger ?? silentLogger,
    state: options.state ?? createMemoryStateStore(),
    http: options.http ?? createHttpClient(),
    sensitiveValues: options.sensitiveValues ?? [],
    processStartedAt: options.processStartedAt ?? now(),
    now,
    newId: options.newId ?? (() => crypto.randomUUID()),
    onResyncStateUpdated: options.onResyncStateUpdated,
    onProgress: options.onProgress,
  };
  const coordinator = new ResyncCoordinator();
  const incrementalDeps: IncrementalDeps = {
    ...deps,
    cursors: options.cursors ?? createStateCursorStore(deps.state, deps.settings.integration.identifier, now),
    intervalMinutes: deps.settings.integration.incrementalSyncInterval ?? 15,
  };

  return {
    resync: (o = {}) => coordinator.run((handle) => runResync(deps, handle, {}, o.resyncId)),
    incremental: () => coordinator.tryRun((handle) => runIncremental(incrementalDeps, handle)),
    plan: (o = {}) => runPlan(deps, o.signal, o.mapping),
    async abort(o = {}) {
      const stopped = coordinator.abortAll('shutdown');
      const waited = await (o.waitMs === undefined ? stopped.then(() => true) : within(stopped, o.waitMs));
      if (!waited) deps.logger.error(`[tide] the running resync did not stop within ${(o.waitMs ?? 0) / 1000} s of shutdown; it is reported aborted`);
      const identifier = deps.settings.integration.identifier;
      try {
        const integration = await deps.port.getIntegration(identifier);
        // Another instance's running resync is left alone (lease.ts).
        if (!(await ownsRunningState(deps, integration?.resyncState))) return;
      } catch (error) {
        deps.logger.warn('[tide] could not read the resync state at shutdown', { error: (error as Error).message });
        return;
      }
      const stateOptions = {
        port: deps.port,
        identifier,
        intervalMinutes: deps.settings.scheduledResyncInterval,
        processStartedAt: deps.processStartedAt,
        now,
        logger: deps.logger,
        onUpdated: deps.onResyncStateUpdated,
      };
      await reportResyncState(stateOptions, finishedPatch(stateOptions, 'aborted', now()), {});
    },
    get running() {
      return coordinator.running;
    },
    resumable: {
      begin: (store, o = {}) => beginResumableResync(deps, store, o.resyncId),
      step: (store, budget, o) => runResyncStep(deps, store, budget, o),
      abandon: (store, reason) => abandonResumableResync(deps, store, reason),
    },
    incrementalResumable: {
      begin: (store) => beginIncrementalRun(deps, store),
      step: (store, budget, o) => runIncrementalStep(incrementalDeps, store, budget, o),
      abandon: (store, reason) => abandonIncrementalRun(incrementalDeps, store, reason),
    },
  };
}

/** Whether `promise` settled within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
