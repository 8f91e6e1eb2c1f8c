/**
 * Tide on a runtime without a long-lived process (a Worker's Durable Object, driven by cron ticks,
 * alarms and a queue): the same listener and schedule decisions as the in-process listeners
 * (`pollingStep`, `scheduleStep`), resyncs carried across invocations as budgeted steps over a
 * checkpoint, incremental runs likewise (durable-incremental.ts), and live events applied at most once and
 * never over a newer write. The runtime supplies
 * storage and alarms ({@link DurableStore}); this module decides.
 */
import type { Tide } from '../integration/index.ts';
import {
  gateTrigger,
  gateWake,
  INITIAL_POLLING_STATE,
  listenerUsesSchedule,
  pollingStep,
  readResyncRequest,
  scheduleFrom,
  scheduleStep,
  type GateState,
  type PollingState,
  type ResyncTriggered,
  type ScheduleState,
  type Watermark,
} from '../listeners/index.ts';
import type { DeliveryLedger } from '../live/index.ts';
import type { Logger } from '../logging/logger.ts';
import { MAX_RESYNC_RECORDS, type ResyncCheckpointStore, type ResyncRecord, type ResyncReport, type StepOptions } from '../sync/index.ts';
import { createDurableIncremental, type DurableIncrementalStatus } from './durable-incremental.ts';
import { liveEventFromMessage, type LiveEventMessage } from './live-message.ts';

/** After this many failed steps in a row the resync is abandoned (failed, nothing deleted). */
export const MAX_STEP_FAILURES = 5;

/** What a durable runtime keeps between invocations, and how it asks to be called again. */
export interface DurableStore {
  /** JSON values. */
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** The resumable resync's checkpoint and seen set. */
  checkpoints: ResyncCheckpointStore;
  /** Call `alarm()` again at this time (ms). */
  setAlarm(at: number): Promise<void>;
}

/** Live events across queue redeliveries: which were applied, and per entity the newest event that wrote it. */
export interface LiveLedger {
  applied(traceId: string): boolean;
  markApplied(traceId: string): void;
  /** The write guard of one event that arrived at `createdAt` (ms). */
  guard(createdAt: number): { isStale(key: string): boolean; record(key: string): void };
}

export interface PollResult {
  /** What the tick did: nothing, or started a resync (and why). */
  started?: { resyncId: string; trigger: 'start' | 'poll' | 'schedule' };
  /** An incremental run the tick started (§4.12). */
  incremental?: { runId: string };
  watermark: string;
}

export interface StepRecord {
  resyncId: string;
  items: number;
  pages: number;
  outcome: string;
}

export interface DurableStatus {
  running?: { resyncId: string; phase: string; pages: number; steps: number };
  /** The steps of the current (or last) resync. */
  steps: StepRecord[];
  lastReport?: unknown;
  stepFailures: number;
  /** Incremental runs (§4.12): the stored one, and the last report. */
  incremental: DurableIncrementalStatus;
}

export type LiveEventOutcome = 'applied' | 'duplicate';

export interface DurableHostOptions {
  tide: Tide;
  logger: Logger;
  store: DurableStore;
  ledger: LiveLedger;
  /** Per step: at most this many items, or this many milliseconds. */
  budget: { maxItems: number; maxMs: number };
  now?: () => number;
  /** Runs after each page's writes, before its checkpoint (a throw there simulates a killed step). */
  onPage?: StepOptions['onPage'];
  /** Where the delivery ids of live-event routes with `deliveryId` are remembered (the object's StateStore). */
  deliveries?: DeliveryLedger;
  newId?: () => string;
}

/**
 * What a Durable Object exposes: start a resync, `POST /resync`'s gated trigger, a resync's record, a cron tick,
 * a live event and its delivery id, its status, and the alarm that steps.
 */
export interface DurableHost {
  startResync(trigger: string, resyncId?: string): Promise<{ resyncId: string }>;
  /** One incremental run now, unless a resync or another run is stored (§4.12). */
  startIncremental(trigger: string): Promise<{ runId: string } | { skipped: string }>;
  /** `POST /resync`: start a resync, or join the pending one (the same gate as in-process, its state stored). */
  triggerResync(): Promise<ResyncTriggered>;
  /** `GET /resync/{id}`: pending, running, or one of the last resyncs with its report. */
  resyncRecord(resyncId: string): Promise<ResyncRecord | undefined>;
  /** A live delivery's id: true the first time (remembered from now on), false for a repeat. */
  claimDelivery(key: string): Promise<boolean>;
  releaseDelivery(key: string): Promise<void>;
  tick(): Promise<PollResult>;
  liveEvent(message: LiveEventMessage): Promise<LiveEventOutcome>;
  status(): Promise<DurableStatus>;
  alarm(): Promise<void>;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const describe = (w: Watermark): string => (w.kind === 'at' ? w.updatedAt : w.kind);

/**
 * The resync owner of one integration on a durable runtime.
 *
 * @example
 * const host = createDurableHost({ tide, logger, store, ledger, budget: { maxItems: 2000, maxMs: 20_000 } });
 * await host.tick(); // from the cron trigger
 * await host.alarm(); // from the runtime's alarm
 */
export function createDurableHost(o: DurableHostOptions): DurableHost {
  const { tide, logger, store, ledger } = o;
  const now = o.now ?? Date.now;
  const newId = o.newId ?? (() => crypto.randomUUID());
  const minIntervalMs = tide.settings.resyncTriggerMinInterval * 1000;
  let current: AbortController | undefined;
  const incremental = createDurableIncremental({ tide, logger, store, budget: o.budget, now, onPage: o.onPage });

  /** What the last resyncs were: one entry per resync (`resync/<id>`), the ids oldest first. */
  function keepRecord(record: ResyncRecord): void {
    const ids = (store.get<string[]>('resyncIds') ?? []).filter((id) => id !== record.resyncId);
    ids.push(record.resyncId);
    while (ids.length > MAX_RESYNC_RECORDS) store.delete(`resync/${ids.shift()}`);
    store.set('resyncIds', ids);
    store.set(`resync/${record.resyncId}`, record);
  }
  function ended(report: ResyncReport): void {
    store.set('lastReport', report);
    const started = store.get<ResyncRecord>(`resync/${report.resyncId}`);
    keepRecord({ ...started, resyncId: report.resyncId, state: report.status, finishedAt: report.finishedAt, report });
  }

  /** The gate's resync is running when the stored checkpoint is the one it started. */
  async function gateRunning(gate: GateState): Promise<{ stored: boolean; running: boolean }> {
    const cp = await store.checkpoints.load();
    return { stored: cp !== undefined, running: cp !== undefined && cp.resyncId === gate.lastStartedId };
  }

  /** Start the pending resync when the interval allows and the resync before it has ended; else wake later. */
  async function wakeGate(): Promise<void> {
    const gate = store.get<GateState>('resyncGate');
    if (!gate?.pending) return;
    const { stored, running } = await gateRunning(gate);
    const decision = gateWake(gate, now(), { minIntervalMs, running });
    store.set('resyncGate', decision.state);
    if (decision.start) await startResync('webhook', decision.start);
    // While a resync is stored its steps' alarms come anyway, and each looks again.
    else if (decision.wakeAt !== undefined && !stored) await store.setAlarm(decision.wakeAt);
  }

  // Defaults provisioning (§7.1) once per store: there is no start-up to hang it on.
  async function provisioned(): Promise<void> {
    if (store.get<boolean>('provisioned')) return;
    await tide.provision();
    store.set('provisioned', true);
  }

  async function startResync(trigger: string, wanted?: string): Promise<{ resyncId: string }> {
    await provisioned();
    // A newer resync supersedes the stored one (§4.8): its running step stops, it never reconciles.
    current?.abort(new Error('[tide] resync superseded by a newer resync'));
    // One sync at a time (§4.12): a stored incremental run ends here, at its current resource.
    await incremental.abort();
    const superseded = await store.checkpoints.load();
    const resyncId = await tide.resumable.begin(store.checkpoints, { resyncId: wanted });
    if (superseded) keepRecord({ ...store.get<ResyncRecord>(`resync/${superseded.resyncId}`), resyncId: superseded.resyncId, state: 'aborted', reason: 'superseded by a newer resync' });
    keepRecord({ resyncId, state: 'running', trigger, startedAt: new Date(now()).toISOString() });
    store.set('stepFailures', 0);
    store.set('steps', []);
    logger.info('[tide] resync started', { resyncId, trigger });
    await store.setAlarm(now());
    return { resyncId };
  }

  const record = (step: StepRecord): void => store.set('steps', [...(store.get<StepRecord[]>('steps') ?? []), step]);

  /** The POLLING iteration (§5.2, one per tick), then the scheduled resync (§5.6): the in-process decisions. */
  async function tick(): Promise<PollResult> {
    await provisioned();
    const { settings } = tide;
    let started: PollResult['started'];
    // Stores written before the polling state existed kept only the watermark.
    const legacy = store.get<Watermark>('watermark');
    let polling = store.get<PollingState>('polling') ?? (legacy ? { watermark: legacy, started: true } : INITIAL_POLLING_STATE);
    if (settings.eventListener.type === 'POLLING') {
      const decision = pollingStep(polling, await readResyncRequest(tide.port, settings.integration.identifier), { resyncOnStart: settings.eventListener.resyncOnStart });
      polling = decision.state;
      store.set('polling', polling);
      for (const note of decision.notes) logger[note.level](note.message, note.fields);
      if (decision.resync) started = { ...(await startResync(decision.resync)), trigger: decision.resync };
    }
    const interval = settings.scheduledResyncInterval;
    if (interval !== undefined && listenerUsesSchedule(settings.eventListener.type)) {
      const saved = store.get<ScheduleState>('schedule');
      // The first tick is this deployment's start: the first scheduled resync comes one interval later.
      const step = saved ? scheduleStep(saved, now(), interval) : { due: false, state: scheduleFrom(now(), now(), interval) };
      store.set('schedule', step.state);
      if (step.due && !started) started = { ...(await startResync('schedule')), trigger: 'schedule' };
    }
    const run = await incremental.tick(started !== undefined || (await store.checkpoints.load()) !== undefined);
    return { started, ...(run ? { incremental: run } : {}), watermark: describe(polling.watermark) };
  }

  /** One step of the stored resync; re-arms until the resync is done. Never throws (no blind runtime retries). */
  async function stepIncremental(): Promise<void> {
    const controller = new AbortController();
    current = controller;
    try {
      await incremental.step(controller.signal);
    } finally {
      if (current === controller) current = undefined;
    }
  }

  async function alarm(): Promise<void> {
    if (!(await store.checkpoints.load())) {
      // With no resync stored, a stored incremental run takes the alarm; once none runs, a pending POST /resync may start.
      if (incremental.stored()) await stepIncremental();
      if (!incremental.stored()) await wakeGate();
      return;
    }
    const controller = new AbortController();
    current = controller;
    try {
      const budget = { maxItems: o.budget.maxItems, deadlineMs: now() + o.budget.maxMs };
      const result = await tide.resumable.step(store.checkpoints, budget, { signal: controller.signal, onPage: o.onPage });
      store.set('stepFailures', 0);
      if (result.status === 'continue') {
        record({ resyncId: result.resyncId, items: result.items, pages: result.pages, outcome: 'continue' });
        await store.setAlarm(now());
      } else if (result.status === 'done') {
        record({ resyncId: result.report.resyncId, items: 0, pages: 0, outcome: result.report.status });
        ended(result.report);
        await wakeGate();
      }
    } catch (error) {
      const failures = (store.get<number>('stepFailures') ?? 0) + 1;
      store.set('stepFailures', failures);
      const cp = await store.checkpoints.load();
      if (cp) record({ resyncId: cp.resyncId, items: 0, pages: cp.pages, outcome: `error: ${message(error)}` });
      if (failures >= MAX_STEP_FAILURES) {
        const report = await tide.resumable.abandon(store.checkpoints, `${failures} steps in a row failed; last: ${message(error)}`);
        if (report) ended(report);
        await wakeGate();
      } else {
        logger.warn('[tide] resync step failed; it resumes from the last checkpoint', { error: message(error), failures });
        // Back off a little: the cause may be transient (Port or the vendor).
        await store.setAlarm(now() + 1000 * 2 ** (failures - 1));
      }
    } finally {
      if (current === controller) current = undefined;
    }
  }

  return {
    startResync,
    async startIncremental(trigger) {
      await provisioned();
      return incremental.start(trigger, (await store.checkpoints.load()) !== undefined);
    },
    async triggerResync() {
      const gate = store.get<GateState>('resyncGate') ?? {};
      const { stored, running } = await gateRunning(gate);
      const decision = gateTrigger(gate, now(), { minIntervalMs, running }, newId);
      store.set('resyncGate', decision.state);
      if (decision.outcome === 'started') await startResync('webhook', decision.resyncId);
      else if (!stored && decision.wakeAt !== undefined) await store.setAlarm(decision.wakeAt);
      logger.info(`[tide] POST /resync ${decision.outcome === 'started' ? 'started' : 'joined the pending'} resync ${decision.resyncId}`);
      return { resyncId: decision.resyncId, outcome: decision.outcome };
    },
    async resyncRecord(resyncId) {
      const pending = store.get<GateState>('resyncGate')?.pending;
      if (pending?.resyncId === resyncId) return { resyncId, state: 'pending', trigger: 'webhook', requestedAt: new Date(pending.requestedAt).toISOString() };
      return store.get<ResyncRecord>(`resync/${resyncId}`);
    },
    async claimDelivery(key) {
      return o.deliveries ? o.deliveries.claim(key) : true;
    },
    async releaseDelivery(key) {
      await o.deliveries?.release(key);
    },
    tick,
    alarm,
    /** One live event from the queue, applied at most once and never over a newer event's write. */
    async liveEvent(m) {
      if (ledger.applied(m.traceId)) return 'duplicate';
      const event = liveEventFromMessage(m);
      await tide.live.processEvent(m.path, event, undefined, ledger.guard(event.createdAt.getTime()));
      ledger.markApplied(m.traceId);
      return 'applied';
    },
    async status() {
      const cp = await store.checkpoints.load();
      return {
        running: cp ? { resyncId: cp.resyncId, phase: cp.phase, pages: cp.pages, steps: cp.steps } : undefined,
        steps: store.get<StepRecord[]>('steps') ?? [],
        lastReport: store.get<ResyncReport>('lastReport'),
        stepFailures: store.get<number>('stepFailures') ?? 0,
        incremental: await incremental.status(),
      };
    },
  };
}
