/**
 * The resync sequence (§4.3): state `running`, a new event, the mapping read fresh from Port, hook
 * `onResyncStart`, every resource in mapping order (extract → map → diff → upsert → seen),
 * reconciliation, hook `onResyncComplete`, state `completed`/`failed` and the deletion report.
 * A resync stopped by a newer one or by shutdown reconciles nothing and writes no state.
 */
import type { HttpClient } from '../http/index.ts';
import type { HookContext, IntegrationDefinition } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { Mapper, PortAppConfig } from '../mapping/index.ts';
import { MappingConfigError, parsePortAppConfig } from '../mapping/index.ts';
import type { StateStore } from '../state/index.ts';
import type { RunHandle } from './coordinator.ts';
import { createBatchWriter } from './batch-writer.ts';
import { createExamplesCollector } from './examples.ts';
import type { CallContext, SyncPort } from './port.ts';
import { reconcile } from './reconcile.ts';
import type { DeletionReport, KindReport, ResyncReport } from './report.ts';
import { emptyDeletionReport, summariseDeletion } from './report.ts';
import { runResource } from './resource.ts';
import { finishedPatch, reportResyncState, runningPatch, stateOptionsFor } from './resync-state.ts';
import { SeenSet } from './seen.ts';
import type { FailedEntity } from './upsert.ts';

/** The settings a resync reads; `TideSettings` satisfies it. */
export interface ResyncSettings {
  integration: { identifier: string; config?: Record<string, unknown> };
  /** Default true. */
  sendRawDataExamples?: boolean;
  /** Minutes; feeds `nextResync` and `intervalInMinuets`. */
  scheduledResyncInterval?: number;
  /** Default 1000 (effective `min(value, 100)`). */
  deleteEntitiesMaxBatchSize?: number;
}

/** Everything one resync needs; built once by `createResyncRunner`. */
export interface ResyncDeps {
  integration: IntegrationDefinition<any>;
  port: SyncPort;
  mapper: Mapper;
  settings: ResyncSettings;
  logger: Logger;
  state: StateStore;
  http: HttpClient;
  sensitiveValues: readonly string[];
  processStartedAt: number;
  now: () => number;
  newId: () => string;
  onResyncStateUpdated?: (updatedAt: string) => void;
  /** Live per-resource counters (see `ResourceRunShared.onProgress`). */
  onProgress?: (report: Readonly<KindReport>) => void;
}

/** An error from talking HTTP (Port or the vendor): it makes the previous state unknown (§4.3 step 6). */
export function isHttpError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'HttpError' || name === 'NetworkError' || name === 'PortApiError';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Selector schemas per kind, for validating the mapping (§3.1). */
export function selectorSchemas(integration: IntegrationDefinition<any>): Record<string, NonNullable<IntegrationDefinition['kinds'][string]['selector']>> {
  const out: Record<string, NonNullable<IntegrationDefinition['kinds'][string]['selector']>> = {};
  for (const [kind, def] of Object.entries(integration.kinds)) if (def.selector) out[kind] = def.selector;
  return out;
}

/** Read and parse the mapping from Port, uncached (§4.3 step 4). */
export async function readMapping(deps: Pick<ResyncDeps, 'port' | 'settings' | 'integration'>, context: CallContext): Promise<PortAppConfig> {
  const integration = await deps.port.getIntegration(deps.settings.integration.identifier, context);
  if (!integration) throw new Error(`integration "${deps.settings.integration.identifier}" was not found in Port`);
  return parsePortAppConfig(integration.config, { source: 'Port integration config', selectorSchemas: selectorSchemas(deps.integration) });
}

/** Run one resync under `handle` (see `ResyncCoordinator.run`). Never throws. */
export async function runResync(deps: ResyncDeps, handle: RunHandle): Promise<ResyncReport> {
  const { port, logger: baseLogger, settings } = deps;
  const resyncId = deps.newId();
  const startMs = deps.now();
  const startedAt = new Date(startMs).toISOString();
  const context: CallContext = { event: { type: 'resync', id: resyncId } };
  const logger = baseLogger.child({ resyncId });
  const signal = handle.signal;
  const stateOptions = stateOptionsFor(deps, logger);
  const report: ResyncReport = {
    resyncId,
    status: 'failed',
    startedAt,
    finishedAt: startedAt,
    errors: [],
    kinds: [],
    reingested: 0,
    deletion: emptyDeletionReport(resyncId, 'skipped', 'aborted'),
  };
  const hookCtx: HookContext = { config: settings.integration.config ?? {}, logger, http: deps.http, state: deps.state, signal };

  const finish = async (status: 'completed' | 'failed', deletion: DeletionReport): Promise<ResyncReport> => {
    port.clearBlueprintCache();
    report.finishedAt = new Date(deps.now()).toISOString();
    report.deletion = deletion;
    if (signal.aborted) return aborted();
    report.status = status;
    await reportResyncState(stateOptions, finishedPatch(stateOptions, status, deps.now()), context);
    logger[status === 'completed' ? 'info' : 'error'](`resync ${status}; ${summariseDeletion(deletion)}`, { deletion });
    return report;
  };
  // Stopped by a newer resync or shutdown: no reconciliation, no hook, no resync-state (§4.8).
  const aborted = (): ResyncReport => {
    report.status = 'aborted';
    report.abortReason = handle.abortReason() ?? 'superseded';
    report.finishedAt = new Date(deps.now()).toISOString();
    report.deletion = emptyDeletionReport(resyncId, 'skipped', 'aborted');
    logger.info(`resync aborted (${report.abortReason}); nothing deleted`, { deletion: report.deletion });
    return report;
  };
  const failedEarly = (error: string): Promise<ResyncReport> => {
    report.errors.push(error);
    const deletion = emptyDeletionReport(resyncId, 'skipped', 'resync-error');
    deletion.error = error;
    return finish('failed', deletion);
  };

  if (signal.aborted) return aborted();
  await reportResyncState(stateOptions, runningPatch(stateOptions, startMs), context);

  try {
    let config: PortAppConfig;
    try {
      config = await readMapping(deps, context);
    } catch (error) {
      const text = error instanceof MappingConfigError ? error.message : `could not read the mapping: ${message(error)}`;
      logger.error(`[tide] ${text}; the resync writes nothing`);
      return await failedEarly(text);
    }
    port.clearBlueprintCache();
    const attributes: Record<string, unknown> = {};

    let previousStateUnknown = false;
    if (deps.integration.onResyncStart) {
      try {
        await deps.integration.onResyncStart(hookCtx);
      } catch (error) {
        if (!isHttpError(error)) {
          logger.error('[tide] onResyncStart failed; no kind runs', { error: message(error) });
          return await failedEarly(`onResyncStart failed: ${message(error)}`);
        }
        previousStateUnknown = true;
        report.errors.push(`onResyncStart failed with an HTTP error (previous state unknown): ${message(error)}`);
        logger.error('[tide] onResyncStart failed with an HTTP error; the resync continues but deletes nothing', { error: message(error) });
      }
    }

    const seen = new SeenSet();
    const failed: FailedEntity[] = [];
    const flags = { merge: config.enableMergeEntity, createMissingRelatedEntities: config.createMissingRelatedEntities };
    const examples = createExamplesCollector({
      enabled: settings.sendRawDataExamples !== false,
      port,
      identifier: settings.integration.identifier,
      context,
      logger,
      sensitiveValues: deps.sensitiveValues,
    });
    const shared = {
      integration: deps.integration,
      mapper: deps.mapper,
      logger,
      http: deps.http,
      state: deps.state,
      config: settings.integration.config ?? {},
      attributes,
      signal,
      examples,
      onProgress: deps.onProgress,
      onEntities: createBatchWriter({ port, context, logger, flags, seen, failed }),
    };
    for (const [index, resource] of config.resources.entries()) {
      if (signal.aborted) break;
      report.kinds.push(await runResource(shared, resource, index));
    }
    if (signal.aborted) return aborted();

    const result = await reconcile({
      port,
      resyncId,
      startedAt,
      flags: config,
      seen,
      failed,
      kinds: report.kinds,
      previousStateUnknown,
      emptyMapping: config.resources.length === 0,
      context,
      signal,
      logger,
      deleteBatchSize: settings.deleteEntitiesMaxBatchSize ?? 1000,
    });
    report.reingested = result.reingested;
    if (result.deletion.error) report.errors.push(`reconciliation: ${result.deletion.error}`);
    if (signal.aborted) return aborted();
    let status: 'completed' | 'failed' = result.failed ? 'failed' : 'completed';
    if (status === 'completed' && deps.integration.onResyncComplete) {
      try {
        await deps.integration.onResyncComplete(hookCtx);
      } catch (error) {
        status = 'failed';
        report.errors.push(`onResyncComplete failed: ${message(error)}`);
        logger.error('[tide] onResyncComplete failed; deletions already made stand', { error: message(error) });
      }
    }
    return await finish(status, result.deletion);
  } catch (error) {
    // A fault of Tide itself: fail the resync rather than leave its state `running`.
    logger.error('[tide] resync failed unexpectedly', { error: message(error) });
    return await failedEarly(`unexpected error: ${message(error)}`);
  }
}
