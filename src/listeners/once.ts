/**
 * The ONCE listener (docs/behaviour.md §5.5, conformance 35): one resync with state reporting (with
 * `incrementalSyncEnabled`, one incremental run instead, §4.12), then the caller shuts down with the exit code.
 * **Tide:** a failed resync exits 1; Ocean reported it completed. A resync that completed with entities that
 * failed to upsert or delete exits 2 (§4.11).
 */
import { silentLogger } from '../logging/logger.ts';
import { errorMessage } from './types.ts';
import type { ListenerLogger, ResyncOutcome, ResyncTrigger } from './types.ts';

/** How the one resync ended, and the process exit code that goes with it. */
export interface OnceResult {
  /** `failed` also when the trigger threw. */
  status: ResyncOutcome;
  exitCode: 0 | 1 | 2;
}

/** `0` only for a completed resync; `failed` and `aborted` (e.g. interrupted by shutdown) give `1`. */
export function onceExitCode(status: ResyncOutcome): 0 | 1 {
  return status === 'completed' ? 0 : 1;
}

/**
 * Run the one resync; never rejects.
 *
 * @example
 * const { exitCode } = await runOnce({ trigger });
 * // the Node adapter then sets its exit code from `exitCode`
 */
export async function runOnce(options: { trigger: ResyncTrigger; logger?: ListenerLogger; what?: string }): Promise<OnceResult> {
  const logger = options.logger ?? silentLogger;
  const what = options.what ?? 'resync';
  let status: ResyncOutcome;
  let exitCode: 0 | 1 | 2;
  let detail: string | undefined;
  try {
    const result = await options.trigger.resync({ trigger: 'once' });
    status = result.status;
    // A report's 2 (entity failures) stands only for a completed resync.
    exitCode = status === 'completed' && result.exitCode !== undefined ? result.exitCode : onceExitCode(status);
    detail = result.detail;
  } catch (error) {
    logger.error(`[tide] ONCE: the ${what} threw`, { error: errorMessage(error) });
    status = 'failed';
    exitCode = 1;
  }
  logger[exitCode === 0 ? 'info' : 'error'](`[tide] ONCE: ${what} ${status}${detail ? ` (${detail})` : ''}; exiting with ${exitCode}`, { status, exitCode });
  return { status, exitCode };
}
