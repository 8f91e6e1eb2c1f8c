/**
 * The Durable Object that owns an integration's resyncs on Workers: one per integration (named by its
 * identifier), so one resync at a time. What it does is the core's durable host (cron tick, alarm
 * steps, live events); this class gives it the object's SQLite storage and alarms.
 */
import { DurableObject } from 'cloudflare:workers';
import type { IntegrationDefinition } from '../../src/index.ts';
import {
  createDeliveryLedger,
  createDurableHost,
  createKv,
  createLiveLedger,
  createSqlCheckpointStore,
  createSqlStateStore,
  migrate,
  tideFromBindings,
} from '../../src/runtime/index.ts';
import type { DurableHost, LiveEventMessage, StepOptions } from '../../src/runtime/index.ts';
import type { DurableObjectStateLike, ResyncObjectRpc, TideEnv } from './types.ts';

export { MAX_STEP_FAILURES } from '../../src/runtime/index.ts';

/** An instance of the class {@link createResyncObject} returns. */
export interface TideResyncObject extends ResyncObjectRpc {
  alarm(): Promise<void>;
  /** Test seam: runs after each page's writes, before its checkpoint (a throw simulates a killed step). */
  onPage?: StepOptions['onPage'];
}

/** The Durable Object class of an integration (a `DurableObject` of `cloudflare:workers`). */
export type TideResyncObjectClass = new (ctx: DurableObjectStateLike, env: TideEnv) => TideResyncObject;

/** Build the Durable Object class for `integration`; export it from the Worker's main module. */
export function createResyncObject(integration: IntegrationDefinition<any>): TideResyncObjectClass {
  return class TideResyncObject extends DurableObject<TideEnv> implements ResyncObjectRpc {
    private readonly state: DurableObjectStateLike;
    private built?: DurableHost;
    /** Test seam: runs after each page's writes, before its checkpoint (a throw simulates a killed step). */
    onPage?: StepOptions['onPage'];

    constructor(ctx: DurableObjectStateLike, env: TideEnv) {
      // The runtime passes the full DurableObjectState; this adapter relies only on DurableObjectStateLike.
      super(ctx as never, env);
      this.state = ctx;
      migrate(ctx.storage.sql);
    }

    private get host(): DurableHost {
      if (this.built) return this.built;
      const { sql } = this.state.storage;
      const state = createSqlStateStore(sql);
      const { tide, logger } = tideFromBindings(integration, this.env, { state });
      return (this.built = createDurableHost({
        tide,
        logger,
        store: { ...createKv(sql), checkpoints: createSqlCheckpointStore(sql), setAlarm: (at) => this.state.storage.setAlarm(at) },
        ledger: createLiveLedger(sql, () => Date.now()),
        budget: { maxItems: Number(this.env.TIDE_STEP_MAX_ITEMS ?? 2000), maxMs: Number(this.env.TIDE_STEP_MAX_MS ?? 20_000) },
        onPage: (info) => this.onPage?.(info),
        // The Cloudflare Queue holds an accepted delivery durably: it is remembered from its acceptance.
        deliveries: createDeliveryLedger(state, { commitOnClaim: true }),
      }));
    }

    // The RPC surface is the core's durable host (src/runtime/durable.ts), method for method.
    startResync(trigger: string, resyncId?: string) {
      return this.host.startResync(trigger, resyncId);
    }
    startIncremental(trigger: string) {
      return this.host.startIncremental(trigger);
    }
    triggerResync() {
      return this.host.triggerResync();
    }
    resyncRecord(resyncId: string) {
      return this.host.resyncRecord(resyncId);
    }
    claimDelivery(key: string) {
      return this.host.claimDelivery(key);
    }
    releaseDelivery(key: string) {
      return this.host.releaseDelivery(key);
    }
    tick() {
      return this.host.tick();
    }
    liveEvent(message: LiveEventMessage) {
      return this.host.liveEvent(message);
    }
    status() {
      return this.host.status();
    }
    override alarm() {
      return this.host.alarm();
    }
  };
}
