/**
 * The resync Durable Object class of fake-worker.ts (`TideResync`) with bindings of a test's choosing,
 * over the real SQLite storage of a Durable Object in workerd. The namespace's own instance is built by
 * the runtime with the wrangler bindings; this builds a second instance of the same class in that
 * object's context (`runInDurableObject`), with `env` given here and the object's own SQLite storage.
 * Its alarms are recorded, not set: the caller runs `alarm()` itself (the runtime would run them on
 * the other instance, with the wrangler bindings).
 */
import { env as workerEnv, runInDurableObject } from 'cloudflare:test';
import { TideResync } from '../fake-worker.ts';
import type { DurableObjectStateLike, DurableObjectStorageLike, ResyncObjectRpc, TideEnv } from '../types.ts';

type ResyncObject = InstanceType<typeof TideResync>;

export interface ObjectDriver<O = ResyncObject> {
  /** Run `fn` inside the object, on this driver's instance (built on first use, then kept, as in a live object). */
  run<T>(fn: (object: O) => Promise<T>): Promise<T>;
  /** The object asked for an alarm (`setAlarm`) since the last `clearAlarm()`. */
  alarmPending(): boolean;
  /** It asked for one that is due by now (a pending resync waits for a later one). */
  alarmDue(): boolean;
  clearAlarm(): void;
  /**
   * Reset the object as the runtime does when it dies (`state.abort()`): what runs in it stops, its storage stays,
   * and the next `run` builds a new instance.
   */
  abort(): Promise<void>;
}

/**
 * `ObjectClass`: the resync object class of another integration (`createWorker(...).ResyncObject`); default the fake's.
 * `binding`: the namespace the class is bound to in wrangler.toml (the actions object's is TIDE_ACTIONS).
 */
export function objectDriver<O = ResyncObject>(
  name: string,
  env: () => TideEnv,
  ObjectClass: new (state: never, env: TideEnv) => O = TideResync as never,
  binding: 'TIDE_RESYNC' | 'TIDE_ACTIONS' = 'TIDE_RESYNC',
): ObjectDriver<O> {
  const namespace = (workerEnv as unknown as TideEnv)[binding]!;
  // Replaced after abort(): a stub of an aborted object stays broken.
  let stub = namespace.get(namespace.idFromName(name));
  let alarm: number | null = null;
  let instance: O | undefined;
  return {
    run(fn) {
      return runInDurableObject(stub as never, (_runtimeInstance, state) => {
        if (!instance) {
          // The base class accepts only the runtime's DurableObjectState; the object then uses
          // `this.state` (DurableObjectStateLike), swapped here for one whose alarms are recorded.
          instance = new ObjectClass(state as never, env());
          const storage: DurableObjectStorageLike = {
            sql: state.storage.sql,
            setAlarm: async (at: number) => {
              alarm = at;
            },
            getAlarm: async () => alarm,
          };
          (instance as unknown as { state: DurableObjectStateLike }).state = { storage };
        }
        return fn(instance);
      });
    },
    alarmPending: () => alarm !== null,
    alarmDue: () => alarm !== null && alarm <= Date.now(),
    clearAlarm: () => {
      alarm = null;
    },
    async abort() {
      await runInDurableObject(stub as never, (_runtimeInstance, state) => state.abort('evicted by the test')).catch(() => {});
      stub = namespace.get(namespace.idFromName(name));
      instance = undefined;
      alarm = null;
    },
  };
}

/** The resync object's RPC surface, each call run inside the driver's instance (as a stub would reach it). */
export function resyncRpc(object: ObjectDriver): ResyncObjectRpc {
  return {
    startResync: (trigger) => object.run((o) => o.startResync(trigger)),
    startIncremental: (trigger) => object.run((o) => o.startIncremental(trigger)),
    triggerResync: () => object.run((o) => o.triggerResync()),
    resyncRecord: (resyncId) => object.run((o) => o.resyncRecord(resyncId)),
    claimDelivery: (key) => object.run((o) => o.claimDelivery(key)),
    releaseDelivery: (key) => object.run((o) => o.releaseDelivery(key)),
    tick: () => object.run((o) => o.tick()),
    liveEvent: (message) => object.run((o) => o.liveEvent(message)),
    status: () => object.run((o) => o.status()),
  };
}
