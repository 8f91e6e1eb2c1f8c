/**
 * The action agent (docs/behaviour.md §11): claims pending action runs and workflow node runs addressed to this
 * installation, queues them, and runs each with its type's executor. In a process (Node, Deno) `start()` runs the
 * polling loop and `stop()` ends it; a Durable Object drives the same agent in sessions (`runUntilIdle`).
 */
import type { ActionsProcessorSettings } from '../config/index.ts';
import { sleep } from '../http/index.ts';
import type { Logger } from '../logging/logger.ts';
import { executeRun, INTERRUPTED_MESSAGE, postLog, reportRun, type ContextBase, type Executing } from './execute.ts';
import { excludeKey, parseActionRun, parseNodeRun, withParsedProperties } from './parse.ts';
import type { RunRef, RunsApi } from './port-runs.ts';
import { createRunQueue } from './queue.ts';
import type { ActionDefinitions, ActionRun } from './types.ts';

/** How long shutdown waits for executing runs before reporting them interrupted (§11.4). */
export const SHUTDOWN_DRAIN_MS = 5000;

/** Where a host keeps the runs it acknowledged and has not reported, so a successor can report them interrupted. */
export interface RunJournal {
  begin(run: RunRef): void | Promise<void>;
  end(runId: string): void | Promise<void>;
}

export interface ActionAgentOptions {
  actions: ActionDefinitions<any>;
  runs: RunsApi;
  settings: ActionsProcessorSettings;
  base: ContextBase<any>;
  logger: Logger;
  /** ACTIONS_ONLY: a run left pending gets a warning. */
  warnPending?: boolean;
  /** Reads the access token's claims, for the machine-credentials check (§11.1). */
  tokenClaims(): Promise<Record<string, unknown> | undefined>;
  journal?: RunJournal;
  /** Default {@link SHUTDOWN_DRAIN_MS}. */
  drainMs?: number;
}

/** What one claim did. */
export interface PollResult {
  claimed: number;
  /** The queue was at the watermark: nothing was asked. */
  full: boolean;
}

export interface ActionAgent {
  /** Whether the credentials are a machine's; the agent claims nothing otherwise (checked once, then cached). */
  ready(): Promise<boolean>;
  /** Start the polling loop in the background (a process's agent). */
  start(): void;
  /** Shutdown (§11.4): stop claiming, drop queued runs, wait the drain, report what still runs as interrupted. */
  stop(): Promise<void>;
  /** One claim of both routes; queues what it got. */
  poll(): Promise<PollResult>;
  /** Claim and execute until nothing is claimed, queued or executing, or `maxMs` of claiming has passed (a Durable Object's session). */
  runUntilIdle(o?: { maxMs?: number }): Promise<{ idle: boolean }>;
  /** Report runs a previous host acknowledged and never reported (it died with them) as interrupted. */
  reportInterrupted(runs: RunRef[]): Promise<void>;
  /** Claimed runs no worker has taken yet. */
  readonly queued: number;
  /** Runs a worker has taken: waiting on the rate limit, being acknowledged, executing or being reported. */
  readonly executing: number;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Whether the token belongs to a machine: `isMachine`, or when it is absent `personalToken: false` (§11.1). */
export function isMachineToken(claims: Record<string, unknown> | undefined): boolean {
  if (!claims) return false;
  if (typeof claims.isMachine === 'boolean') return claims.isMachine;
  return claims.personalToken === false;
}

export function createActionAgent(o: ActionAgentOptions): ActionAgent {
  const { settings, runs, logger } = o;
  const interval = settings.pollCheckIntervalSeconds * 1000;
  const stopController = new AbortController();
  const executing = new Map<string, Executing>();
  let actionFirst = true;
  let machine: Promise<boolean> | undefined;
  // Decided once the token was read: personal credentials never claim (§11.1).
  let refused = false;
  let loop: Promise<void> | undefined;
  let polling: Promise<PollResult> | undefined;

  const deps = {
    runs,
    base: o.base,
    logger,
    stopping: () => stopController.signal.aborted,
    stopSignal: stopController.signal,
    warnPending: o.warnPending ?? false,
    async onStart(e: Executing) {
      executing.set(e.run.id, e);
      await o.journal?.begin(e.run);
    },
    async onEnd(run: ActionRun) {
      executing.delete(run.id);
      await o.journal?.end(run.id);
    },
  };
  const queue = createRunQueue<ActionRun>(settings.workersCount, (run) => executeRun(run, o.actions[run.type]!, deps));

  async function ready(): Promise<boolean> {
    return (machine ??= o.tokenClaims().then(
      (claims) => {
        if (isMachineToken(claims)) return true;
        refused = true;
        logger.warn('[tide] actions: the Port credentials are not a machine client\'s; the action agent does not start (use the organisation\'s machine credentials)');
        return false;
      },
      (error: unknown) => {
        machine = undefined;
        logger.error('[tide] actions: could not read the Port token; no run is claimed until it can be', { error: message(error) });
        return false;
      },
    ));
  }

  /** `exclude`: the keys with `cap` or more queued runs (§11.3). */
  function excluded(kind: ActionRun['kind']): string[] {
    const pct = settings.maxRunsBufferUtilPctPerAction;
    if (pct === null) return [];
    const cap = Math.max(1, Math.floor((settings.runsBufferHighWatermark * pct) / 100));
    const counts = new Map<string, number>();
    for (const run of queue.waiting()) {
      const key = run.kind === kind ? excludeKey(run) : undefined;
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n >= cap).map(([key]) => key).sort();
  }

  async function claim(kind: ActionRun['kind'], limit: number): Promise<unknown[]> {
    const request = { limit, visibilityTimeoutMs: settings.visibilityTimeoutMs, exclude: excluded(kind) };
    try {
      return kind === 'action' ? await runs.claimActionRuns(request) : await runs.claimNodeRuns(request);
    } catch (error) {
      logger.error(`[tide] actions: claiming ${kind === 'action' ? 'action runs' : 'workflow node runs'} failed`, { error: message(error) });
      return [];
    }
  }

  async function accept(kind: ActionRun['kind'], raws: unknown[]): Promise<number> {
    let accepted = 0;
    for (const raw of raws) {
      const parsed = kind === 'action' ? parseActionRun(raw) : parseNodeRun(raw);
      if ('problem' in parsed) {
        logger.error(`[tide] actions: a claimed run cannot be read (${parsed.problem}); skipped`);
        continue;
      }
      accepted += 1;
      if (queue.has(parsed.id)) continue;
      const def = Object.hasOwn(o.actions, parsed.type) ? o.actions[parsed.type] : undefined;
      if (!def) {
        await failAtClaim(parsed, `No executor registered for action type '${parsed.type}'`);
        continue;
      }
      // Typed once here, so the partition key, the timeout, the rate-limit probe and the executor all see it.
      const run = withParsedProperties(parsed, def.properties);
      if ('problem' in run) {
        await failAtClaim(parsed, run.problem);
        continue;
      }
      let key: string | undefined;
      try {
        key = def.partitionKey?.(run as never);
      } catch (error) {
        logger.warn('[tide] actions: partitionKey threw; the run is not partitioned', { runId: run.id, error: message(error) });
      }
      queue.push(run, key === undefined ? undefined : `${run.type}:${key}`);
    }
    return accepted;
  }

  /** A run that cannot execute (no executor, bad properties): acknowledged (a 409 skips it), then failed (§11.3). */
  async function failAtClaim(run: ActionRun, text: string): Promise<void> {
    try {
      if ((await runs.ack(run)) === 'taken') return;
    } catch (error) {
      logger.error('[tide] actions: could not acknowledge a run that cannot execute', { runId: run.id, error: message(error) });
      return;
    }
    logger.warn(`[tide] actions: ${text}`, { runId: run.id });
    await reportRun(deps, run, { status: 'FAILURE' }, text);
  }

  async function pollOnce(): Promise<PollResult> {
    if (stopController.signal.aborted || !(await ready())) return { claimed: 0, full: false };
    const watermark = settings.runsBufferHighWatermark;
    if (queue.queued >= watermark) return { claimed: 0, full: true };
    const limit = watermark - queue.queued;
    const order: ActionRun['kind'][] = actionFirst ? ['action', 'workflow-node'] : ['workflow-node', 'action'];
    actionFirst = !actionFirst;
    let claimed = 0;
    for (const kind of order) {
      const left = limit - claimed;
      if (left <= 0 || stopController.signal.aborted) break;
      claimed += await accept(kind, await claim(kind, left));
    }
    return { claimed, full: false };
  }

  function poll(): Promise<PollResult> {
    // One claim at a time, whoever asks (§11.3: the loop never overlaps with itself).
    return (polling ??= pollOnce().finally(() => (polling = undefined)));
  }

  async function run(): Promise<void> {
    while (!stopController.signal.aborted && !refused) {
      const result = await poll();
      if (result.claimed === 0 || result.full) await sleep(interval, stopController.signal).catch(() => {});
    }
  }

  async function reportInterrupted(refs: RunRef[]): Promise<void> {
    for (const ref of refs) {
      const run: ActionRun = { ...ref, type: '', properties: {}, raw: {} };
      logger.warn('[tide] actions: a run was interrupted by a shutdown; reporting it failed', { runId: ref.id });
      await reportRun(deps, run, { status: 'FAILURE' }, INTERRUPTED_MESSAGE);
      await o.journal?.end(ref.id);
    }
  }

  return {
    ready,
    start() {
      loop ??= run();
    },
    async stop() {
      if (stopController.signal.aborted) return;
      stopController.abort();
      await loop;
      await polling?.catch(() => {});
      const dropped = queue.clear();
      if (dropped.length) logger.info(`[tide] actions: ${dropped.length} queued run(s) dropped unacknowledged; Port offers them again after their visibility timeout`);
      const drainEnd = new AbortController();
      const drain = sleep(o.drainMs ?? SHUTDOWN_DRAIN_MS, drainEnd.signal).then(
        () => 'timeout' as const,
        () => 'timeout' as const,
      );
      while (executing.size > 0 && (await Promise.race([queue.nextFinish().then(() => 'finished' as const), drain])) === 'finished');
      drainEnd.abort();
      await Promise.all([...executing.values()].map((e) => e.interrupt(INTERRUPTED_MESSAGE)));
    },
    poll,
    async runUntilIdle(opts = {}) {
      const deadline = Date.now() + (opts.maxMs ?? Number.POSITIVE_INFINITY);
      for (;;) {
        const result = await poll();
        if (stopController.signal.aborted) return { idle: false };
        if (Date.now() >= deadline) {
          while (queue.running > 0 || queue.queued > 0) await queue.nextFinish();
          return { idle: false };
        }
        if (result.claimed > 0 && !result.full) continue;
        if (refused || (queue.queued === 0 && queue.running === 0)) return { idle: true };
        const pause = new AbortController();
        await Promise.race([queue.nextFinish(), sleep(interval, pause.signal).catch(() => {})]);
        pause.abort();
      }
    },
    reportInterrupted,
    get queued() {
      return queue.queued;
    },
    get executing() {
      return queue.running;
    },
  };
}
