/**
 * The narrow contracts the listeners need from the rest of Tide. They are defined here, not borrowed
 * from `src/sync/`, so that the resync engine can change without touching the triggers: an adapter
 * wires the engine's `resync()` to {@link ResyncTrigger} in one line.
 */
import type { Logger } from '../logging/logger.ts';

/** What started a resync; the engine may log it or attach it to the event. */
export type ResyncTriggerKind = 'start' | 'poll' | 'webhook' | 'schedule' | 'kafka' | 'once';

/** How a resync ended, as the engine reports it. `aborted` means it was superseded or shut down. */
export type ResyncOutcome = 'completed' | 'failed' | 'aborted';

/**
 * Starts a resync. The engine behind it supersedes a running resync (docs/behaviour.md §4.8) and
 * reports resync-state `running` / `completed` / `failed` itself (§9.2), so a listener only calls it.
 *
 * @example
 * const trigger: ResyncTrigger = { resync: async () => ({ status: (await runner.resync()).status }) };
 */
export interface ResyncTrigger {
  /**
   * `resyncId`: the id the resync runs under (the WEBHOOK route hands it out before the resync starts).
   * `exitCode`: the one-shot exit status the resync's report gives (docs/behaviour.md §4.11: 2 when it completed
   * with entity failures); without it, ONCE derives 0 or 1 from `status`. `detail` says why, for the last line.
   */
  resync(reason: { trigger: ResyncTriggerKind; resyncId?: string }): Promise<{ status: ResyncOutcome; exitCode?: 0 | 1 | 2; detail?: string }>;
}

/** The newest resync request as the POLLING listener reads it; fields are checked, never trusted. */
export interface ResyncRequestInfo {
  id?: string;
  updatedAt?: unknown;
}

/**
 * `GET /integration/{identifier}/resync-request` (docs/port-api.md §11.4). The real Port client
 * (`createPortClient(...)`) satisfies it.
 */
export interface ResyncRequestSource {
  getResyncRequest(identifier: string, options?: { signal?: AbortSignal }): Promise<ResyncRequestInfo | null>;
}

/** The part of Tide's logger the listeners use. */
export type ListenerLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** An error's message for a log field, without a stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
