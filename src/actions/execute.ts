/**
 * One run, from a worker taking it to its report (docs/behaviour.md §11.4, §11.5): the rate-limit probe,
 * the acknowledgement, the executor bounded by its timeout, and the outcome reported once, whichever of the
 * executor, its timeout or the shutdown comes first.
 */
import { sleep } from '../http/index.ts';
import type { Logger } from '../logging/logger.ts';
import { isPositive } from './check.ts';
import type { RunReport, RunsApi } from './port-runs.ts';
import { ActionError, DEFAULT_ACTION_TIMEOUT_SECONDS, type ActionContext, type ActionDefinition, type ActionOutcome, type ActionRun, type RunLogLevel } from './types.ts';

/** The message a run gets when the integration shuts down while it executes. */
export const INTERRUPTED_MESSAGE = 'Interrupted: the integration shut down during the run';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The parts of the integration every executor's context shares. */
export interface ContextBase<Config = Record<string, unknown>> {
  config: Config;
  http: ActionContext['http'];
  state: ActionContext['state'];
  logger: Logger;
}

/** One run acknowledged and executing: what shutdown needs to end it. */
export interface Executing {
  run: ActionRun;
  /** Report the run failed with `message` (unless it was reported already) and abort its signal. */
  interrupt(message: string): Promise<void>;
}

export interface ExecuteDeps {
  runs: RunsApi;
  base: ContextBase<any>;
  logger: Logger;
  /** True once shutdown has begun: no run is acknowledged from then on. */
  stopping(): boolean;
  /** Fires when shutdown begins (ends a rate-limit wait). */
  stopSignal: AbortSignal;
  /** Under ACTIONS_ONLY nothing can complete a pending run later: say so. */
  warnPending: boolean;
  /** Called once the run is acknowledged, and when it is reported. */
  onStart(e: Executing): void | Promise<void>;
  onEnd(run: ActionRun): void | Promise<void>;
}

/** Post a run log, never throwing: a failed post is a local log line. */
export async function postLog(deps: Pick<ExecuteDeps, 'runs' | 'logger'>, run: ActionRun, text: string, level: RunLogLevel = 'INFO'): Promise<void> {
  try {
    await deps.runs.log(run, text, level);
  } catch (error) {
    deps.logger.warn('[tide] actions: could not post a run log', { runId: run.id, error: message(error) });
  }
}

/** Report a run's end: its message as a log (when there is one), then the status. Errors are logged, never raised. */
export async function reportRun(deps: Pick<ExecuteDeps, 'runs' | 'logger'>, run: ActionRun, report: RunReport, text?: string): Promise<void> {
  if (text) await postLog(deps, run, text, report.status === 'SUCCESS' ? 'INFO' : 'ERROR');
  try {
    await deps.runs.complete(run, report);
  } catch (error) {
    deps.logger.error('[tide] actions: could not report the run', { runId: run.id, status: report.status, error: message(error) });
  }
}

/**
 * Execute one claimed run with `def`. Resolves once the run is reported (or dropped, or skipped); never
 * rejects.
 */
export async function executeRun(run: ActionRun, def: ActionDefinition<any, any>, deps: ExecuteDeps): Promise<void> {
  const log = deps.logger.child({ runId: run.id, actionType: run.type });
  const controller = new AbortController();
  const pendingLogs = new Set<Promise<void>>();
  const ctx: ActionContext = {
    ...deps.base,
    logger: log,
    signal: controller.signal,
    log(text, level = 'INFO') {
      const p = postLog({ runs: deps.runs, logger: log }, run, text, level);
      pendingLogs.add(p);
      void p.finally(() => pendingLogs.delete(p));
      return p;
    },
    async update(fields) {
      try {
        await deps.runs.update(run, fields);
      } catch (error) {
        log.warn('[tide] actions: could not update the run', { error: message(error) });
      }
    },
  };

  // 1. The rate-limit probe, before the run is acknowledged (§11.4).
  if (def.rateLimit) {
    try {
      while (!deps.stopping() && (await def.rateLimit.isNear(run, ctx))) {
        const seconds = Math.max(0, Math.min(10, Number(await def.rateLimit.waitSeconds(run, ctx)) || 0));
        await ctx.log(`Delayed due to low remaining rate limit. Will attempt to re-run in ${seconds} seconds`, 'WARNING');
        await sleep(seconds * 1000, deps.stopSignal).catch(() => {});
      }
    } catch (error) {
      log.warn('[tide] actions: the rate-limit probe failed; running the run anyway', { error: message(error) });
    }
  }
  // 2. Shutdown has begun: leave the run to be claimed again after its visibility timeout.
  if (deps.stopping()) return;
  // 3. The acknowledgement is final: of all claimers, only the one acknowledged executes.
  try {
    if ((await deps.runs.ack(run)) === 'taken') {
      log.debug('[tide] actions: another consumer has the run; skipped');
      return;
    }
  } catch (error) {
    log.error('[tide] actions: could not acknowledge the run; it is neither executed nor reported', { error: message(error) });
    return;
  }

  // 4. Execute: the first of the outcome, the timeout and an interruption reports the run.
  let reported = false;
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const finish = async (report: RunReport | undefined, text: string | undefined, why: string): Promise<void> => {
    if (reported) return void log.debug(`[tide] actions: ${why} after the run was reported; ignored`);
    reported = true;
    clearTimeout(timer);
    // Logs the executor posted come before its report.
    await Promise.allSettled([...pendingLogs]);
    if (report) await reportRun({ runs: deps.runs, logger: log }, run, report, text);
    await deps.onEnd(run);
    settle();
  };
  const timeoutSeconds = timeoutOf(def, run, log);
  const timer = setTimeout(() => {
    const text = `Timed out after ${timeoutSeconds} s`;
    controller.abort(new ActionError(text));
    void finish({ status: 'FAILURE' }, text, 'the timeout fired');
  }, timeoutSeconds * 1000);
  await deps.onStart({
    run,
    async interrupt(text) {
      controller.abort(new ActionError(text));
      await finish({ status: 'FAILURE' }, text, 'an interruption came');
    },
  });

  void (async () => {
    let outcome: ActionOutcome;
    try {
      outcome = await def.run(run, ctx);
    } catch (error) {
      if (error instanceof ActionError) log.warn(`[tide] actions: the run failed: ${error.message}`);
      else log.error('[tide] actions: the executor threw', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      return finish({ status: 'FAILURE' }, error instanceof ActionError ? error.message : `Failed to execute run: ${message(error)}`, 'the executor threw');
    }
    if (outcome && typeof outcome === 'object' && outcome.status === 'pending') {
      if (deps.warnPending) log.warn('[tide] actions: the run was left pending, but under ACTIONS_ONLY no live event will complete it');
      return finish(undefined, undefined, 'the executor returned');
    }
    if (outcome && typeof outcome === 'object' && outcome.status === 'failure') {
      return finish({ status: 'FAILURE', link: outcome.link, summary: outcome.summary }, outcome.message, 'the executor returned');
    }
    if (outcome && typeof outcome === 'object' && outcome.status !== 'success') {
      return finish({ status: 'FAILURE' }, `Failed to execute run: the executor returned an unknown status ${JSON.stringify((outcome as { status?: unknown }).status)}`, 'the executor returned');
    }
    const ok = outcome && typeof outcome === 'object' ? outcome : undefined;
    return finish({ status: 'SUCCESS', link: ok?.link, summary: ok?.summary }, ok?.message, 'the executor returned');
  })();
  await done;
}

/** The run's bound: the type's number, or what its function gives for this run (the default when that is not a positive number). */
function timeoutOf(def: ActionDefinition<any, any>, run: ActionRun, log: Logger): number {
  if (typeof def.timeoutSeconds !== 'function') return def.timeoutSeconds ?? DEFAULT_ACTION_TIMEOUT_SECONDS;
  try {
    const seconds = def.timeoutSeconds(run as never);
    if (seconds === undefined) return DEFAULT_ACTION_TIMEOUT_SECONDS;
    if (isPositive(seconds)) return seconds;
    log.warn(`[tide] actions: timeoutSeconds gave ${JSON.stringify(seconds)}, not a positive number; using ${DEFAULT_ACTION_TIMEOUT_SECONDS}`);
  } catch (error) {
    log.warn(`[tide] actions: timeoutSeconds threw; using ${DEFAULT_ACTION_TIMEOUT_SECONDS}`, { error: message(error) });
  }
  return DEFAULT_ACTION_TIMEOUT_SECONDS;
}
