/**
 * Incremental runs on a runtime without a long-lived process (docs/behaviour.md §4.12): the cron tick starts
 * one when it is due (`now ≥ lastStart + interval`, the first tick counting as the start), inside the resync
 * object, which serialises it with resyncs: none starts while a resync or another run is stored, and a resync
 * that starts ends a stored run `aborted`. The run goes as budgeted steps over a checkpoint in the object's
 * storage, like a resync, so a step that dies resumes from its last checkpoint.
 */
import type { Tide } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { IncrementalCheckpoint, IncrementalCheckpointStore, IncrementalReport, StepOptions } from '../sync/index.ts';

/** After this many failed steps in a row the run is abandoned (failed; cursors already stored stay). */
const MAX_STEP_FAILURES = 5;

const KEYS = {
  checkpoint: 'incremental:checkpoint',
  lastStart: 'incremental:lastStart',
  lastReport: 'incremental:lastReport',
  stepFailures: 'incremental:stepFailures',
} as const;

/** The parts of the durable store this module uses (see `DurableStore`). */
export interface IncrementalStorage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  setAlarm(at: number): Promise<void>;
}

export interface DurableIncrementalOptions {
  tide: Tide;
  logger: Logger;
  store: IncrementalStorage;
  budget: { maxItems: number; maxMs: number };
  now: () => number;
  onPage?: StepOptions['onPage'];
}

/** What the resync object reports of its incremental runs. */
export interface DurableIncrementalStatus {
  running?: { runId: string; phase: string; position: number; pages: number; steps: number };
  lastReport?: IncrementalReport;
  stepFailures: number;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createDurableIncremental(o: DurableIncrementalOptions) {
  const { tide, logger, store, now } = o;
  let stepping = false;
  const checkpoints: IncrementalCheckpointStore = {
    load: async () => store.get<IncrementalCheckpoint | null>(KEYS.checkpoint) ?? undefined,
    save: async (checkpoint) => store.set(KEYS.checkpoint, checkpoint),
    clear: async () => store.set(KEYS.checkpoint, null),
  };
  const stored = (): boolean => (store.get<IncrementalCheckpoint | null>(KEYS.checkpoint) ?? undefined) !== undefined;

  async function start(trigger: string, busy: boolean): Promise<{ runId: string } | { skipped: string }> {
    if (busy || stored()) {
      const skipped = 'a resync or another incremental run is in progress';
      logger.info(`[tide] incremental sync skipped: ${skipped}`, { trigger, syncType: 'incremental' });
      return { skipped };
    }
    const runId = await tide.incrementalResumable.begin(checkpoints);
    store.set(KEYS.lastStart, now());
    store.set(KEYS.stepFailures, 0);
    logger.info('[tide] incremental run started', { runId, trigger, syncType: 'incremental' });
    await store.setAlarm(now());
    return { runId };
  }

  function record(report: IncrementalReport | undefined): void {
    if (report) store.set(KEYS.lastReport, report);
  }

  return {
    start,
    /** Whether a run is stored (the alarm then steps it, unless a resync is stored). */
    stored,

    /** The cron tick's decision (§4.12); `busy` when a resync is stored or was just started. */
    async tick(busy: boolean): Promise<{ runId: string } | undefined> {
      const { incrementalSync } = tide;
      if (!incrementalSync.scheduled) return undefined;
      const last = store.get<number | null>(KEYS.lastStart);
      // The first tick is this deployment's start: the first run comes one interval later.
      if (last === undefined || last === null) {
        store.set(KEYS.lastStart, now());
        return undefined;
      }
      if (now() < last + incrementalSync.intervalMinutes * 60_000) return undefined;
      const started = await start('schedule', busy);
      return 'runId' in started ? started : undefined;
    },

    /** One step of the stored run; re-arms until it is done. Never throws. */
    async step(signal: AbortSignal): Promise<void> {
      stepping = true;
      try {
        const budget = { maxItems: o.budget.maxItems, deadlineMs: now() + o.budget.maxMs };
        const result = await tide.incrementalResumable.step(checkpoints, budget, { signal, abortReason: () => 'superseded', onPage: o.onPage });
        store.set(KEYS.stepFailures, 0);
        if (result.status === 'continue') await store.setAlarm(now());
        else if (result.status === 'done') record(result.report);
      } catch (error) {
        const failures = (store.get<number>(KEYS.stepFailures) ?? 0) + 1;
        store.set(KEYS.stepFailures, failures);
        if (failures >= MAX_STEP_FAILURES) {
          record(await tide.incrementalResumable.abandon(checkpoints, `${failures} steps in a row failed; last: ${message(error)}`));
        } else {
          logger.warn('[tide] incremental step failed; it resumes from the last checkpoint', { error: message(error), failures, syncType: 'incremental' });
          await store.setAlarm(now() + 1000 * 2 ** (failures - 1));
        }
      } finally {
        stepping = false;
      }
    },

    /**
     * A resync starts: a stored run ends `aborted` at its current resource (the resources it finished keep their
     * new cursors). A step in progress, whose signal the caller fired, ends the run itself.
     */
    async abort(): Promise<void> {
      if (stepping || !stored()) return;
      const aborted = AbortSignal.abort();
      const result = await tide.incrementalResumable.step(checkpoints, { maxItems: 0, deadlineMs: 0 }, { signal: aborted, abortReason: () => 'superseded' });
      if (result.status === 'done') record(result.report);
    },

    async status(): Promise<DurableIncrementalStatus> {
      const cp = await checkpoints.load();
      return {
        running: cp ? { runId: cp.runId, phase: cp.phase, position: cp.position, pages: cp.pages, steps: cp.steps } : undefined,
        lastReport: store.get<IncrementalReport>(KEYS.lastReport),
        stepFailures: store.get<number>(KEYS.stepFailures) ?? 0,
      };
    },
  };
}

export type DurableIncremental = ReturnType<typeof createDurableIncremental>;
