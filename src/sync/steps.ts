/**
 * A resync carried across as many short invocations as it needs (Cloudflare Workers: one step per
 * Durable Object alarm). `beginResumableResync` opens it; each `runResyncStep` does a bounded amount
 * of work and checkpoints after every page, so an invocation that ends at any point loses nothing:
 * the next step resumes from the last checkpoint. Reconciliation runs once, after the last
 * resource, with the same rules as the one-go resync (§4.9); the seen set is the store's.
 */
import type { HookContext } from '../integration/index.ts';
import { MappingConfigError, parsePortAppConfig } from '../mapping/index.ts';
import type { PortAppConfig } from '../mapping/index.ts';
import type { ResyncCheckpoint, ResyncCheckpointStore } from './checkpoint.ts';
import { createBatchWriter } from './batch-writer.ts';
import { createExamplesCollector } from './examples.ts';
import type { CallContext } from './port.ts';
import { reconcile } from './reconcile.ts';
import type { DeletionReport, ResyncReport } from './report.ts';
import { emptyDeletionReport, summariseDeletion } from './report.ts';
import type { ResyncDeps } from './resync.ts';
import { isHttpError, selectorSchemas } from './resync.ts';
import { finishedPatch, reportResyncState, runningPatch, stateOptionsFor } from './resync-state.ts';
import type { PageInfo } from './step-resources.ts';
import { runResourcesPhase } from './step-resources.ts';

export type { PageInfo } from './step-resources.ts';

/**
 * How much one step may do. After each page the step stops when one more page of the same size would
 * exceed `maxItems`, or the deadline has passed (see step-resources.ts for handlers without a cursor).
 * A step always processes at least one page.
 */
export interface StepBudget {
  /** Raw items per step. */
  maxItems: number;
  /** Epoch ms (on `deps.now()`) after which no further page starts. */
  deadlineMs: number;
}

export interface StepOptions {
  /** Fires when a newer resync replaces this one: the step stops and writes nothing more. */
  signal?: AbortSignal;
  /** After a page's writes, before its checkpoint is saved (tests end a step there to simulate a kill). */
  onPage?: (info: PageInfo) => void | Promise<void>;
}

export type StepResult =
  | { status: 'idle' }
  | { status: 'continue'; resyncId: string; phase: ResyncCheckpoint['phase']; items: number; pages: number }
  | { status: 'done'; report: ResyncReport }
  | { status: 'aborted'; resyncId: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Open a new resumable resync, replacing (without reconciling) any stored one; returns its id. */
export async function beginResumableResync(deps: Pick<ResyncDeps, 'newId' | 'now'>, store: ResyncCheckpointStore): Promise<string> {
  await store.clear();
  const resyncId = deps.newId();
  await store.save({
    resyncId,
    startedAt: new Date(deps.now()).toISOString(),
    phase: 'start',
    previousStateUnknown: false,
    resourceIndex: 0,
    handlerIndex: 0,
    kinds: [],
    errors: [],
    failed: [],
    attributes: {},
    examplesSent: [],
    steps: 0,
    pages: 0,
  });
  return resyncId;
}

/** Run the next step of the stored resync, if any. Throws only for faults outside handlers (the step is then retried). */
export async function runResyncStep(deps: ResyncDeps, store: ResyncCheckpointStore, budget: StepBudget, options: StepOptions = {}): Promise<StepResult> {
  const cp = await store.load();
  if (!cp) return { status: 'idle' };
  const signal = options.signal ?? new AbortController().signal;
  const { port, settings } = deps;
  const context: CallContext = { event: { type: 'resync', id: cp.resyncId } };
  const logger = deps.logger.child({ resyncId: cp.resyncId, step: cp.steps + 1 });
  const stateOptions = stateOptionsFor(deps, logger);
  const hookCtx: HookContext = { config: settings.integration.config ?? {}, logger, http: deps.http, state: deps.state, signal };
  cp.steps += 1;
  const save = async (): Promise<void> => {
    // A newer resync may have replaced this one while the step awaited: never overwrite it.
    if (signal.aborted) return;
    const current = await store.load();
    if (current?.resyncId !== cp.resyncId || signal.aborted) return;
    await store.save(cp);
  };
  const aborted = (): StepResult => {
    logger.info('[tide] resumable resync replaced by a newer one; nothing deleted');
    return { status: 'aborted', resyncId: cp.resyncId };
  };
  const finish = async (status: 'completed' | 'failed', deletion: DeletionReport): Promise<StepResult> => {
    port.clearBlueprintCache();
    if (signal.aborted) return aborted();
    const report: ResyncReport = {
      resyncId: cp.resyncId,
      status,
      startedAt: cp.startedAt,
      finishedAt: new Date(deps.now()).toISOString(),
      errors: cp.errors,
      kinds: cp.kinds,
      reingested: 0,
      deletion,
    };
    await reportResyncState(stateOptions, finishedPatch(stateOptions, status, deps.now()), context);
    logger[status === 'completed' ? 'info' : 'error'](`resync ${status} after ${cp.steps} step(s), ${cp.pages} page(s); ${summariseDeletion(deletion)}`, { deletion });
    const current = await store.load();
    if (current?.resyncId === cp.resyncId) await store.clear();
    return { status: 'done', report };
  };
  const failedEarly = (error: string): Promise<StepResult> => {
    cp.errors.push(error);
    const deletion = emptyDeletionReport(cp.resyncId, 'skipped', 'resync-error');
    deletion.error = error;
    return finish('failed', deletion);
  };

  if (cp.phase === 'start') {
    await reportResyncState(stateOptions, runningPatch(stateOptions, Date.parse(cp.startedAt)), context);
    try {
      const integration = await port.getIntegration(settings.integration.identifier, context);
      if (!integration) throw new Error(`integration "${settings.integration.identifier}" was not found in Port`);
      cp.mapping = integration.config;
      parseMapping(deps, cp.mapping);
    } catch (error) {
      const text = error instanceof MappingConfigError ? error.message : `could not read the mapping: ${message(error)}`;
      logger.error(`[tide] ${text}; the resync writes nothing`);
      return failedEarly(text);
    }
    if (deps.integration.onResyncStart) {
      try {
        await deps.integration.onResyncStart(hookCtx);
      } catch (error) {
        if (!isHttpError(error)) return failedEarly(`onResyncStart failed: ${message(error)}`);
        cp.previousStateUnknown = true;
        cp.errors.push(`onResyncStart failed with an HTTP error (previous state unknown): ${message(error)}`);
      }
    }
    cp.phase = 'resources';
    await save();
  }

  let config: PortAppConfig;
  try {
    config = parseMapping(deps, cp.mapping);
  } catch (error) {
    return failedEarly(`the mapping snapshot no longer parses: ${message(error)}`);
  }
  const seen = store.seen();
  const flags = { merge: config.enableMergeEntity, createMissingRelatedEntities: config.createMissingRelatedEntities };
  let items = 0;

  if (cp.phase === 'resources') {
    const outcome = await runResourcesPhase({
      cp,
      config,
      logger,
      save,
      onPage: options.onPage,
      overBudget: (n, last) => n + last > budget.maxItems || deps.now() >= budget.deadlineMs,
      examples: createExamplesCollector({
        enabled: settings.sendRawDataExamples !== false,
        port,
        identifier: settings.integration.identifier,
        context,
        logger,
        sensitiveValues: deps.sensitiveValues,
      }),
      shared: {
        integration: deps.integration,
        mapper: deps.mapper,
        logger,
        http: deps.http,
        state: deps.state,
        config: settings.integration.config ?? {},
        attributes: cp.attributes,
        signal,
        onEntities: createBatchWriter({ port, context, logger, flags, seen, failed: cp.failed }),
      },
    });
    items = outcome.items;
    if (outcome.status === 'aborted') return aborted();
    if (outcome.status === 'paused') return { status: 'continue', resyncId: cp.resyncId, phase: cp.phase, items, pages: cp.pages };
    cp.phase = 'reconcile';
    await save();
    // Reconciliation reads every owned entity: give it a step of its own once this one has done work.
    if (items > 0) return { status: 'continue', resyncId: cp.resyncId, phase: cp.phase, items, pages: cp.pages };
  }

  const result = await reconcile({
    port,
    resyncId: cp.resyncId,
    startedAt: cp.startedAt,
    flags: config,
    seen,
    failed: cp.failed,
    kinds: cp.kinds,
    previousStateUnknown: cp.previousStateUnknown,
    emptyMapping: config.resources.length === 0,
    context,
    signal,
    logger,
    deleteBatchSize: settings.deleteEntitiesMaxBatchSize ?? 1000,
  });
  if (signal.aborted) return aborted();
  if (result.deletion.error) cp.errors.push(`reconciliation: ${result.deletion.error}`);
  let status: 'completed' | 'failed' = result.failed ? 'failed' : 'completed';
  if (status === 'completed' && deps.integration.onResyncComplete) {
    try {
      await deps.integration.onResyncComplete(hookCtx);
    } catch (error) {
      status = 'failed';
      cp.errors.push(`onResyncComplete failed: ${message(error)}`);
    }
  }
  const done = await finish(status, result.deletion);
  if (done.status === 'done') done.report.reingested = result.reingested;
  return done;
}

/** End the stored resync as `failed` without reconciling (e.g. its steps keep failing). */
export async function abandonResumableResync(deps: ResyncDeps, store: ResyncCheckpointStore, reason: string): Promise<ResyncReport | undefined> {
  const cp = await store.load();
  if (!cp) return undefined;
  const stateOptions = stateOptionsFor(deps, deps.logger);
  const deletion = emptyDeletionReport(cp.resyncId, 'skipped', 'resync-error');
  deletion.error = reason;
  await reportResyncState(stateOptions, finishedPatch(stateOptions, 'failed', deps.now()), { event: { type: 'resync', id: cp.resyncId } });
  await store.clear();
  deps.logger.error(`[tide] resumable resync abandoned: ${reason}; nothing deleted`, { resyncId: cp.resyncId });
  const now = new Date(deps.now()).toISOString();
  return { resyncId: cp.resyncId, status: 'failed', startedAt: cp.startedAt, finishedAt: now, errors: [...cp.errors, reason], kinds: cp.kinds, reingested: 0, deletion };
}

function parseMapping(deps: Pick<ResyncDeps, 'integration'>, raw: unknown): PortAppConfig {
  return parsePortAppConfig(raw, { source: 'Port integration config', selectorSchemas: selectorSchemas(deps.integration) });
}
