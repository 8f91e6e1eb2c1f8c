/**
 * The ONCE listener (OCEAN-BEHAVIOUR §5.5, conformance 35): one resync with state reporting (with
 * `incrementalSyncEnabled`, one incremental run instead, §4.12), then the caller shuts down with the exit code. **Tide:** a failed resync exits 1; Ocean reported it completed.
 */
import { silentLogger } from '../logging/logger.ts';
import { errorMessage } from './types.ts';
import type { ListenerLogger, ResyncOutcome, ResyncTrigger } from './types.ts';

/** How the one resync ended, and the process exit code that goes with it. */
export interface OnceResult {
  /** `failed` also when the trigger threw. */
  status: ResyncOutcome;
  exitCode: 0 | 1;
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
  try {
    ({ status } = await options.trigger.resync({ trigger: 'once' }));
  } catch (error) {
    logger.error(`[tide] ONCE: the ${what} threw`, { error: errorMessage(error) });
    status = 'failed';
  }
  const exitCode = onceExitCode(status);
  logger.info(`[tide] ONCE: ${what} ${status}; exiting with ${exitCode}`, { status, exitCode });
  return { status, exitCode };
}
