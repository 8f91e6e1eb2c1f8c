/**
 * Asynchronous completion (docs/behaviour.md §11.5): a run an executor left `pending` (marked started with an
 * external id) is completed later by a live-event processor of kind `'action'`, which finds the run by that id
 * and reports its outcome through `ctx.actions` of its processor context.
 */
import type { Logger } from '../logging/logger.ts';
import { reportRun } from './execute.ts';
import { parseActionRun, parseNodeRun } from './parse.ts';
import type { RunsApi } from './port-runs.ts';
import type { ActionRun } from './types.ts';

/** What a live-event processor may do with runs. */
export interface RunCompletion {
  /** The run marked with this external id: action runs first, then workflow node runs; undefined when none. */
  findRun(externalRunId: string): Promise<ActionRun | undefined>;
  /** Report the run's end: success (with an optional message, link and summary) or failure with its message. */
  complete(
    run: Pick<ActionRun, 'id' | 'kind'>,
    outcome: { status: 'success'; message?: string; link?: string | string[]; summary?: string } | { status: 'failure'; message: string; link?: string | string[]; summary?: string },
  ): Promise<void>;
}

export function createRunCompletion(runs: RunsApi, logger: Logger): RunCompletion {
  return {
    async findRun(externalRunId) {
      const raw = await runs.findByExternalId(externalRunId);
      if (raw === undefined) return undefined;
      const run = (raw as { identifier?: unknown }).identifier !== undefined ? parseNodeRun(raw) : parseActionRun(raw);
      if ('problem' in run) throw new Error(`[tide] actions: the run found for external id ${externalRunId} cannot be read (${run.problem})`);
      return run;
    },
    async complete(run, outcome) {
      const full: ActionRun = { type: '', properties: {}, raw: {}, ...run };
      await reportRun({ runs, logger }, full, { status: outcome.status === 'success' ? 'SUCCESS' : 'FAILURE', link: outcome.link, summary: outcome.summary }, outcome.message);
    },
  };
}
