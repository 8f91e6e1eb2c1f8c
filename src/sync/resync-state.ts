/**
 * Resync-state reporting (§9.2): PATCH bodies with Port's `intervalInMinuets` spelling and the
 * `nextResync` schedule. A failed PATCH is logged, never raised.
 */
import type { Logger } from '../logging/logger.ts';
import type { CallContext, ResyncStatePatch, SyncPort } from './port.ts';

/**
 * `start + (floor(elapsed / interval) + 1) × interval`, with `start` the process start; `null`
 * without an interval.
 *
 * @example nextResync(Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-01-01T01:30:00Z'), 60) // '2024-01-01T02:00:00.000Z'
 */
export function nextResync(processStartedAt: number, now: number, intervalMinutes: number | undefined): string | null {
  if (!intervalMinutes || intervalMinutes <= 0) return null;
  const interval = intervalMinutes * 60_000;
  const elapsed = Math.max(0, now - processStartedAt);
  return new Date(processStartedAt + (Math.floor(elapsed / interval) + 1) * interval).toISOString();
}

export interface ResyncStateOptions {
  port: Pick<SyncPort, 'patchResyncState'>;
  identifier: string;
  /** `scheduledResyncInterval` in minutes. */
  intervalMinutes?: number;
  processStartedAt: number;
  now: () => number;
  logger: Logger;
  /** Receives `integration.resyncState.updatedAt` of each PATCH response (Kafka self-trigger filter, §5.4). */
  onUpdated?: (updatedAt: string) => void;
}

/** The state-reporting options of one resync, from the engine's dependencies. */
export function stateOptionsFor(
  deps: { port: ResyncStateOptions['port']; settings: { integration: { identifier: string }; scheduledResyncInterval?: number } } & Pick<
    ResyncStateOptions,
    'processStartedAt' | 'now'
  > & { onResyncStateUpdated?: (updatedAt: string) => void },
  logger: Logger,
): ResyncStateOptions {
  return {
    port: deps.port,
    identifier: deps.settings.integration.identifier,
    intervalMinutes: deps.settings.scheduledResyncInterval,
    processStartedAt: deps.processStartedAt,
    now: deps.now,
    logger,
    onUpdated: deps.onResyncStateUpdated,
  };
}

/** The `running` body sent before a resync. */
export function runningPatch(o: Pick<ResyncStateOptions, 'intervalMinutes' | 'processStartedAt'>, now: number): ResyncStatePatch {
  return {
    status: 'running',
    lastResyncStart: new Date(now).toISOString(),
    lastResyncEnd: null,
    nextResync: nextResync(o.processStartedAt, now, o.intervalMinutes),
    intervalInMinuets: o.intervalMinutes ?? null,
  };
}

/** The body sent after a resync (`aborted` only on shutdown). */
export function finishedPatch(
  o: Pick<ResyncStateOptions, 'intervalMinutes' | 'processStartedAt'>,
  status: 'completed' | 'failed' | 'aborted',
  now: number,
): ResyncStatePatch {
  return {
    status,
    lastResyncEnd: new Date(now).toISOString(),
    nextResync: nextResync(o.processStartedAt, now, o.intervalMinutes),
    intervalInMinuets: o.intervalMinutes ?? null,
  };
}

/** Send one resync-state PATCH; never throws. */
export async function reportResyncState(o: ResyncStateOptions, patch: ResyncStatePatch, context: CallContext): Promise<void> {
  try {
    const integration = await o.port.patchResyncState(o.identifier, patch, context);
    const updatedAt = integration?.resyncState?.updatedAt;
    if (typeof updatedAt === 'string') o.onUpdated?.(updatedAt);
  } catch (error) {
    o.logger.warn('[tide] could not report the resync state to Port', { status: patch.status, error: (error as Error).message });
  }
}
