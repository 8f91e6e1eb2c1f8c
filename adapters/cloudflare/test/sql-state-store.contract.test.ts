/**
 * The StateStore contract (src/testing/state-store-contract.ts) on the Durable Object's SQLite storage
 * (`createSqlStateStore`, the integration's `ctx.state` on Workers), inside workerd. Each test gets a
 * Durable Object of its own; every call runs inside that object (`runInDurableObject`), as the resync
 * object's calls do, and `reopen()` is a new store over the same object's storage.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, it } from 'vitest';
import type { StateStore } from 'port-tide';
import { createSqlStateStore, migrate } from '../../../src/runtime/index.ts';
import { testStateStore } from 'port-tide/testing';
import type { TideEnv } from '../types.ts';

let objects = 0;

/** A StateStore whose every call runs in the Durable Object named `name`, over its SQL storage. */
function storeIn(name: string): StateStore {
  const namespace = (env as unknown as TideEnv).TIDE_RESYNC;
  const stub = namespace.get(namespace.idFromName(name));
  const inObject = <T>(fn: (store: StateStore) => Promise<T>): Promise<T> =>
    runInDurableObject(stub as never, (_object, state) => {
      migrate(state.storage.sql);
      return fn(createSqlStateStore(state.storage.sql));
    });
  return {
    get: <T>(key: string) => inObject((s) => s.get<T>(key)),
    set: (key, value) => inObject((s) => s.set(key, value)),
    delete: (key) => inObject((s) => s.delete(key)),
    keys: (prefix) => inObject((s) => s.keys(prefix)),
  };
}

describe('StateStore contract: Durable Object SQLite storage (workerd)', () => {
  testStateStore(
    'durable-object-sql',
    () => {
      const name = `state-store-contract/${(objects += 1)}/${crypto.randomUUID()}`;
      return { store: storeIn(name), reopen: () => storeIn(name) };
    },
    { test: (name, fn) => it(name, fn), persistent: true },
  );
});
