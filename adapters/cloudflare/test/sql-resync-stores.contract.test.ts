/**
 * The checkpoint store and seen-set contracts (src/testing/) on the Durable Object's SQLite storage
 * (`createSqlCheckpointStore`, `createSqlSeenKeys`: a Workers resync's state between alarms), inside
 * workerd. Each test gets a Durable Object of its own and runs inside it (`runInDurableObject`), as
 * the resync object's alarm does: the seen set answers synchronously from `ctx.storage.sql`.
 * `reopen()` is a new store over the same object's storage, as the next alarm builds one.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, it } from 'vitest';
import { createSqlCheckpointStore, createSqlSeenKeys, migrate } from '../../../src/runtime/index.ts';
import type { SqlStorageLike } from '../../../src/runtime/index.ts';
import { testCheckpointStore, testSeenKeys } from 'port-tide/testing';
import type { TideEnv } from '../types.ts';

let objects = 0;
/** The storage of the Durable Object the running test executes in. */
let sql: SqlStorageLike | undefined;

/** Register `fn` to run inside a fresh Durable Object, with `sql` set to its storage. */
function inObject(name: string, fn: () => Promise<void>): void {
  it(name, async () => {
    const namespace = (env as unknown as TideEnv).TIDE_RESYNC;
    const stub = namespace.get(namespace.idFromName(`resync-stores-contract/${(objects += 1)}/${crypto.randomUUID()}`));
    await runInDurableObject(stub as never, async (_object, state) => {
      migrate(state.storage.sql);
      sql = state.storage.sql;
      try {
        await fn();
      } finally {
        sql = undefined;
      }
    });
  });
}

function storage(): SqlStorageLike {
  if (!sql) throw new Error('the contract ran outside its Durable Object');
  return sql;
}

describe('ResyncCheckpointStore contract: Durable Object SQLite storage (workerd)', () => {
  testCheckpointStore('durable-object-sql', () => ({ store: createSqlCheckpointStore(storage()), reopen: () => createSqlCheckpointStore(storage()) }), {
    test: inObject,
    persistent: true,
    snapshots: true,
  });
});

describe('SeenKeys contract: Durable Object SQLite storage (workerd)', () => {
  testSeenKeys('durable-object-sql', () => ({ seen: createSqlSeenKeys(storage()), reopen: () => createSqlSeenKeys(storage()) }), { test: inObject, persistent: true });
});
