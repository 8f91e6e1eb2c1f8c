/**
 * The Durable Object that owns an integration's resyncs on Workers: one per integration (named by its
 * identifier), so one resync at a time. A resync runs as alarm-driven steps, each bounded in items and
 * time, with the checkpoint and seen set in the object's SQLite storage; an alarm that dies mid-step
 * loses nothing, and the next one resumes. It also keeps the POLLING watermark and applies live events
 * (serialised here, with a durable ledger so redeliveries and late older events change nothing).
 */
import { DurableObject } from 'cloudflare:workers';
import type { IntegrationDefinition, Tide } from '../../src/integration/index.ts';
import { createTide } from '../../src/integration/index.ts';
import { listenerUsesSchedule, parseIsoInstant } from '../../src/listeners/index.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { ResyncReport, StepOptions } from '../../src/sync/index.ts';
import { createConsoleLogger, settingsFromEnv, stringBindings } from './settings.ts';
import { createKv, createLiveLedger, createSqlCheckpointStore, createSqlStateStore, migrate } from './sql-store.ts';
import type { Kv } from './sql-store.ts';
import type { DurableObjectStateLike, LiveEventMessage, LiveEventOutcome, PollResult, ResyncObjectRpc, ResyncObjectStatus, StepRecord, TideEnv } from './types.ts';

/** After this many failed steps in a row the resync is abandoned (failed, nothing deleted). */
export const MAX_STEP_FAILURES = 5;

type Watermark = { kind: 'unknown' } | { kind: 'none' } | { kind: 'at'; updatedAt: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const LEVELS: Record<string, 'debug' | 'info' | 'warn' | 'error'> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', WARN: 'warn', ERROR: 'error', CRITICAL: 'error' };

/** Build the Durable Object class for `integration`; export it from the Worker's main module. */
export function createResyncObject(integration: IntegrationDefinition<any>) {
  return class TideResyncObject extends DurableObject<TideEnv> implements ResyncObjectRpc {
    private readonly state: DurableObjectStateLike;
    private readonly kv: Kv;
    private readonly store;
    private readonly ledger;
    private instance?: { tide: Tide; logger: Logger };
    private current?: AbortController;
    /** Test seam: runs after each page's writes, before its checkpoint (a throw simulates a killed step). */
    onPage?: StepOptions['onPage'];

    constructor(ctx: DurableObjectStateLike, env: TideEnv) {
      // The runtime passes the full DurableObjectState; this adapter relies only on DurableObjectStateLike.
      super(ctx as never, env);
      this.state = ctx;
      migrate(ctx.storage.sql);
      this.kv = createKv(ctx.storage.sql);
      this.store = createSqlCheckpointStore(ctx.storage.sql);
      this.ledger = createLiveLedger(ctx.storage.sql, () => Date.now());
    }

    private get tide(): { tide: Tide; logger: Logger } {
      if (this.instance) return this.instance;
      const settings = settingsFromEnv(integration, this.env);
      const logger = createConsoleLogger(LEVELS[settings.application.logLevel] ?? 'info').child({ integration: settings.integration.identifier });
      const tide = createTide({ integration, settings, state: createSqlStateStore(this.state.storage.sql), logger, env: stringBindings(this.env) });
      this.instance = { tide, logger };
      return this.instance;
    }

    /** Defaults provisioning (§7.1) once per object: Workers have no start-up to hang it on. */
    private async provisioned(): Promise<void> {
      if (this.kv.get<boolean>('provisioned')) return;
      await this.tide.tide.provision();
      this.kv.set('provisioned', true);
    }

    async startResync(trigger: string): Promise<{ resyncId: string }> {
      await this.provisioned();
      // A newer resync supersedes the stored one (§4.8): its running step stops, it never reconciles.
      this.current?.abort(new Error('[tide] resync superseded by a newer resync'));
      const resyncId = await this.tide.tide.resumable.begin(this.store);
      this.kv.set('lastResyncAt', Date.now());
      this.kv.set('stepFailures', 0);
      this.state.storage.sql.exec(`DELETE FROM tide_steps`);
      this.tide.logger.info('[tide] resync started', { resyncId, trigger });
      await this.state.storage.setAlarm(Date.now());
      return { resyncId };
    }

    /** The cron tick: the POLLING check (§5.2, one iteration per tick) and the scheduled resync (§5.6). */
    async poll(): Promise<PollResult> {
      await this.provisioned();
      const { tide, logger } = this.tide;
      const { settings } = tide;
      let watermark = this.kv.get<Watermark>('watermark') ?? { kind: 'unknown' };
      const describe = (w: Watermark): string => (w.kind === 'at' ? w.updatedAt : w.kind);
      if (settings.eventListener.type === 'POLLING') {
        let request: { updatedAt?: unknown; id?: string } | null | undefined;
        try {
          request = await tide.port.getResyncRequest(settings.integration.identifier);
        } catch (error) {
          logger.warn('[tide] POLLING: could not read the resync request; the next tick retries', { error: message(error) });
        }
        if (request !== undefined) {
          const instant = parseIsoInstant(request?.updatedAt);
          if (watermark.kind === 'unknown') {
            // The first read only fixes the watermark: a request older than this deployment never triggers.
            watermark = request && instant !== undefined ? { kind: 'at', updatedAt: request.updatedAt as string } : { kind: 'none' };
            this.kv.set('watermark', watermark);
            if (settings.eventListener.resyncOnStart) return { started: { ...(await this.startResync('start')), trigger: 'start' }, watermark: describe(watermark) };
          } else if (request && instant !== undefined && (watermark.kind === 'none' || instant > (parseIsoInstant(watermark.updatedAt) ?? 0n))) {
            watermark = { kind: 'at', updatedAt: request.updatedAt as string };
            this.kv.set('watermark', watermark);
            logger.info('[tide] POLLING: new resync request', { requestId: request.id, updatedAt: request.updatedAt });
            return { started: { ...(await this.startResync('poll')), trigger: 'poll' }, watermark: describe(watermark) };
          }
        }
      }
      const interval = settings.scheduledResyncInterval;
      if (interval !== undefined && listenerUsesSchedule(settings.eventListener.type)) {
        const last = this.kv.get<number>('lastResyncAt') ?? this.kv.get<number>('firstTickAt');
        if (last === undefined) this.kv.set('firstTickAt', Date.now());
        else if (Date.now() - last >= interval * 60_000) return { started: { ...(await this.startResync('schedule')), trigger: 'schedule' }, watermark: describe(watermark) };
      }
      return { watermark: describe(watermark) };
    }

    /** One live event from the queue, applied at most once and never over a newer event's write. */
    async liveEvent(m: LiveEventMessage): Promise<LiveEventOutcome> {
      if (this.ledger.applied(m.traceId)) return 'duplicate';
      const createdAt = new Date(m.createdAt);
      const rawBody = Uint8Array.from(atob(m.rawBody), (c) => c.charCodeAt(0));
      const event = { traceId: m.traceId, payload: m.payload, headers: m.headers, rawBody, createdAt };
      await this.tide.tide.live.processEvent(m.path, event, undefined, this.ledger.guard(createdAt.getTime()));
      this.ledger.markApplied(m.traceId);
      return 'applied';
    }

    async status(): Promise<ResyncObjectStatus> {
      const cp = await this.store.load();
      const steps = this.state.storage.sql
        .exec(`SELECT resync_id, items, pages, outcome FROM tide_steps ORDER BY n`)
        .toArray()
        .map((r): StepRecord => ({ resyncId: r.resync_id as string, items: Number(r.items), pages: Number(r.pages), outcome: r.outcome as string }));
      return {
        running: cp ? { resyncId: cp.resyncId, phase: cp.phase, pages: cp.pages, steps: cp.steps } : undefined,
        steps,
        lastReport: this.kv.get<ResyncReport>('lastReport'),
        stepFailures: this.kv.get<number>('stepFailures') ?? 0,
      };
    }

    /** One step of the stored resync; re-arms itself until the resync is done. Never throws (no blind runtime retries). */
    override async alarm(): Promise<void> {
      const { tide, logger } = this.tide;
      const maxItems = Number(this.env.TIDE_STEP_MAX_ITEMS ?? 2000);
      const maxMs = Number(this.env.TIDE_STEP_MAX_MS ?? 20_000);
      const controller = new AbortController();
      this.current = controller;
      const record = (resyncId: string, items: number, pages: number, outcome: string): void => {
        this.state.storage.sql.exec(`INSERT INTO tide_steps (resync_id, items, pages, outcome) VALUES (?, ?, ?, ?)`, resyncId, items, pages, outcome);
      };
      try {
        const result = await tide.resumable.step(this.store, { maxItems, deadlineMs: Date.now() + maxMs }, { signal: controller.signal, onPage: this.onPage });
        this.kv.set('stepFailures', 0);
        if (result.status === 'continue') {
          record(result.resyncId, result.items, result.pages, 'continue');
          await this.state.storage.setAlarm(Date.now());
        } else if (result.status === 'done') {
          record(result.report.resyncId, 0, 0, result.report.status);
          this.kv.set('lastReport', result.report);
        }
      } catch (error) {
        const failures = (this.kv.get<number>('stepFailures') ?? 0) + 1;
        this.kv.set('stepFailures', failures);
        const cp = await this.store.load();
        if (cp) record(cp.resyncId, 0, cp.pages, `error: ${message(error)}`);
        if (failures >= MAX_STEP_FAILURES) {
          const report = await tide.resumable.abandon(this.store, `${failures} steps in a row failed; last: ${message(error)}`);
          if (report) this.kv.set('lastReport', report);
        } else {
          logger.warn('[tide] resync step failed; it resumes from the last checkpoint', { error: message(error), failures });
          // Back off a little: the cause may be transient (Port or the vendor).
          await this.state.storage.setAlarm(Date.now() + 1000 * 2 ** (failures - 1));
        }
      } finally {
        if (this.current === controller) this.current = undefined;
      }
    }
  };
}
