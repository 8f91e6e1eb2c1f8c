/**
 * The StateStore contract on Deno KV, run by the real deno binary (`deno test -A`; adapters/deno/deno.json
 * enables KV). Both an on-disk database in a temp folder (persistent: reopened as after a restart) and an
 * in-memory one.
 */
import { testStateStore } from 'port-tide/testing';
import { createKvStateStore, openKvStateStore } from './kv-state-store.ts';

testStateStore(
  'deno kv (file)',
  async () => {
    const dir = await Deno.makeTempDir({ prefix: 'tide-kv-contract-' });
    const path = `${dir}/state.kv`;
    const handles: Deno.Kv[] = [];
    const open = async () => {
      const kv = await Deno.openKv(path);
      handles.push(kv);
      return createKvStateStore(kv, { prefix: ['tide', 'contract'] });
    };
    let store;
    try {
      store = await open();
    } catch (error) {
      await Deno.remove(dir, { recursive: true });
      throw error;
    }
    return {
      store,
      reopen: async () => {
        handles.splice(0).forEach((kv) => kv.close());
        return open();
      },
      dispose: async () => {
        handles.splice(0).forEach((kv) => kv.close());
        await Deno.remove(dir, { recursive: true });
      },
    };
  },
  { test: Deno.test, persistent: true },
);

testStateStore(
  'deno kv (:memory:)',
  async () => {
    const store = await openKvStateStore(':memory:');
    return { store, dispose: () => store.close() };
  },
  { test: Deno.test },
);

Deno.test('deno kv: two stores with different prefixes in one database do not see each other', async () => {
  const kv = await Deno.openKv(':memory:');
  try {
    const a = createKvStateStore(kv, { prefix: ['tide', 'a'] });
    const b = createKvStateStore(kv, { prefix: ['tide', 'b'] });
    await a.set('k', 'from a');
    await b.set('k', { big: 'b'.repeat(100_000) });
    if ((await a.get('k')) !== 'from a') throw new Error('store a lost its value');
    if (JSON.stringify(await a.keys()) !== '["k"]' || JSON.stringify(await b.keys()) !== '["k"]') throw new Error('keys leaked across prefixes');
    await b.delete('k');
    if ((await a.get('k')) !== 'from a') throw new Error('deleting in b changed a');
    // Nothing of b is left behind: its chunks went with the value.
    const left: unknown[] = [];
    for await (const e of kv.list({ prefix: ['tide', 'b'] })) left.push(e.key);
    if (left.length !== 0) throw new Error(`entries left under b: ${JSON.stringify(left)}`);
  } finally {
    kv.close();
  }
});
