/**
 * A resync in one go (Node, Deno; `createResyncRunner().resync()`): the step engine (steps.ts) run
 * back to back with no budget over a checkpoint store in memory, so every runtime runs the same engine.
 */
import { createMemoryCheckpointStore } from './checkpoint.ts';
import type { RunHandle } from './coordinator.ts';
import type { ResyncDeps } from './deps.ts';
import type { ResyncReport } from './report.ts';
import type { EngineMode, StepBudget } from './steps.ts';
import { abandonResumableResync, beginResumableResync, runResyncStep } from './steps.ts';
import { runToEnd } from './run-steps.ts';

export type { ResyncDeps, ResyncSettings } from './deps.ts';

const UNBOUNDED: StepBudget = { maxItems: Infinity, deadlineMs: Infinity };

/**
 * Run one resync to its end under `handle` (see `ResyncCoordinator.run`): steps with no budget. The
 * store keeps the checkpoint object itself, since nothing resumes from it. Never throws.
 */
export async function runResync(deps: ResyncDeps, handle: RunHandle, mode: EngineMode = {}): Promise<ResyncReport> {
  const store = createMemoryCheckpointStore({ copies: false });
  await beginResumableResync(deps, store);
  const options = { signal: handle.signal, abortReason: handle.abortReason };
  return runToEnd(
    () => runResyncStep(deps, store, UNBOUNDED, options, mode),
    (reason) => {
      // A fault of Tide itself: fail the resync rather than leave its state `running`.
      deps.logger.error('[tide] resync failed unexpectedly', { error: reason });
      return abandonResumableResync(deps, store, reason, mode);
    },
  );
}
