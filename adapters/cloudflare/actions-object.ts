/**
 * The Durable Object that runs an integration's self-service actions on Workers: one per integration (named by
 * its identifier). The cron tick wakes it; its alarm runs one session of the core's action agent (claim, execute,
 * report). What it does is the core's actions host; this class gives it the object's SQLite storage and alarms.
 */
import { DurableObject } from 'cloudflare:workers';
import type { IntegrationDefinition } from '../../src/index.ts';
import { createActionsHost, createKv, createRunJournal, createSqlStateStore, migrate, tideFromBindings } from '../../src/runtime/index.ts';
import type { ActionsHost } from '../../src/runtime/index.ts';
import type { ActionsObjectRpc, DurableObjectStateLike, TideEnv } from './types.ts';

/** An instance of the class {@link createActionsObject} returns. */
export interface TideActionsObject extends ActionsObjectRpc {
  alarm(): Promise<void>;
}

/** The actions Durable Object class of an integration (a `DurableObject` of `cloudflare:workers`). */
export type TideActionsObjectClass = new (ctx: DurableObjectStateLike, env: TideEnv) => TideActionsObject;

/** Build the actions Durable Object class for `integration`; export it from the Worker's main module. */
export function createActionsObject(integration: IntegrationDefinition<any>): TideActionsObjectClass {
  return class TideActionsObject extends DurableObject<TideEnv> implements ActionsObjectRpc {
    private readonly state: DurableObjectStateLike;
    private built?: ActionsHost;
    /** This instance: runs journalled by another instance were left behind by an object that died. */
    private readonly instance = crypto.randomUUID();

    constructor(ctx: DurableObjectStateLike, env: TideEnv) {
      super(ctx as never, env);
      this.state = ctx;
      migrate(ctx.storage.sql);
    }

    private get host(): ActionsHost {
      if (this.built) return this.built;
      const { sql } = this.state.storage;
      const kv = createKv(sql);
      const actionsJournal = createRunJournal(kv, this.instance);
      const { tide, logger } = tideFromBindings(integration, this.env, { state: createSqlStateStore(sql), actionsJournal });
      if (!tide.actions) throw new Error('[tide] actions: the action agent is off (OCEAN__ACTIONS_PROCESSOR__ENABLED, and a listener other than ONCE or WEBHOOKS_ONLY)');
      const store = { ...kv, setAlarm: (at: number) => this.state.storage.setAlarm(at) };
      return (this.built = createActionsHost({ agent: tide.actions, store, instance: this.instance, logger }));
    }

    /** The cron tick. */
    wake() {
      return this.host.wake();
    }
    status() {
      return this.host.status();
    }
    override alarm() {
      return this.host.alarm();
    }
  };
}
