/**
 * The StateStore contract: one suite, written once, run against every implementation (memory, the
 * Node file store, Durable Object / KV storage, Deno KV), the way unstorage checks all its drivers with
 * one `testDriver()`. It is framework-agnostic: the caller passes its own `test(name, fn)` (vitest's
 * `it`, `Deno.test`, …); assertions are built in and throw plain `Error`s.
 *
 * @example
 * // vitest
 * describe('memory', () => testStateStore('memory', () => ({ store: createMemoryStateStore() }), { test: it }));
 * // deno test
 * testStateStore('deno-kv', async () => { const kv = await Deno.openKv(':memory:'); … }, { test: Deno.test });
 */
import type { StateStore } from '../state/index.ts';
import { assertEqual, assertRejects, contractCases } from './contract.ts';
import type { ContractOptions, ContractSubject } from './contract.ts';

/** What the factory returns for one test: a fresh, empty store, and how to reopen and dispose of it. */
export interface StateStoreSubject extends ContractSubject<StateStore> {
  store: StateStore;
}

export type StateStoreContractOptions = ContractOptions;

/** A value above Deno KV's 64 KiB per-value limit and Durable Object KV storage's 128 KiB. */
const LARGE_VALUE_CHARS = 200_000;

/** Keys a store must keep apart and list back exactly: separators, case, unicode, astral characters. */
export const AWKWARD_KEYS: readonly string[] = Object.freeze([
  'plain',
  'Plain',
  'with/slash',
  'with/slash/deeper',
  'with:colon',
  'space and %25 percent',
  '.hidden',
  '../escape',
  'h-0',
  'ünïcödé-ключ-键',
  // Same prefix: JavaScript orders 😀 (surrogates D83D DE00) before U+FF01; UTF-8 byte order the other way.
  'sym-😀',
  'sym-\uFF01',
  `long-${'é'.repeat(300)}`,
]);

/**
 * Register the StateStore contract cases through `options.test`, each on a fresh store from `factory`.
 * Test names start with `name`.
 */
export function testStateStore(
  name: string,
  factory: () => StateStoreSubject | Promise<StateStoreSubject>,
  options: StateStoreContractOptions,
): void {
  const it = contractCases(name, factory, options);

  it('get of a missing key is undefined', async ({ store }) => {
    assertEqual(await store.get('missing'), undefined, 'get(missing)');
    assertEqual(await store.keys(), [], 'keys() of an empty store');
  });

  it('set then get round-trips nested JSON', async ({ store }) => {
    const value = {
      text: 'héllo "quoted" \n line',
      n: 42.5,
      negative: -1,
      yes: true,
      nothing: null,
      list: [1, 'two', { three: [3] }, []],
      nested: { deep: { deeper: { deepest: 'x' } }, empty: {} },
    };
    await store.set('doc', value);
    assertEqual(await store.get('doc'), value, 'get(doc)');
  });

  it('falsy values are values, not missing ones', async ({ store }) => {
    const values: Record<string, unknown> = { zero: 0, no: false, empty: '', nil: null, list: [], obj: {} };
    for (const [k, v] of Object.entries(values)) await store.set(k, v);
    for (const [k, v] of Object.entries(values)) assertEqual(await store.get(k), v, `get(${k})`);
    assertEqual(await store.keys(), Object.keys(values).sort(), 'keys()');
  });

  it('set overwrites', async ({ store }) => {
    await store.set('k', { version: 1, extra: 'gone after overwrite' });
    await store.set('k', { version: 2 });
    assertEqual(await store.get('k'), { version: 2 }, 'get(k) after overwrite');
    await store.set('k', 'now a string');
    assertEqual(await store.get('k'), 'now a string', 'get(k) after a change of type');
    assertEqual(await store.keys(), ['k'], 'keys()');
  });

  it('delete removes a key; deleting a missing key is a no-op', async ({ store }) => {
    await store.set('a', 1);
    await store.set('b', 2);
    await store.delete('a');
    await store.delete('never-set');
    assertEqual(await store.get('a'), undefined, 'get(a) after delete');
    assertEqual(await store.get('b'), 2, 'get(b)');
    assertEqual(await store.keys(), ['b'], 'keys()');
    await store.set('a', 'again');
    assertEqual(await store.get('a'), 'again', 'get(a) after set again');
  });

  it('keys(prefix) lists matching keys in lexicographic order', async ({ store }) => {
    for (const k of ['b/2', 'a', 'b/10', 'b/1', 'b', 'ba', 'c/1', 'B/1']) await store.set(k, k);
    assertEqual(await store.keys(), ['B/1', 'a', 'b', 'b/1', 'b/10', 'b/2', 'ba', 'c/1'], 'keys()');
    assertEqual(await store.keys('b/'), ['b/1', 'b/10', 'b/2'], "keys('b/')");
    assertEqual(await store.keys('b'), ['b', 'b/1', 'b/10', 'b/2', 'ba'], "keys('b')");
    assertEqual(await store.keys(''), await store.keys(), "keys('') equals keys()");
    assertEqual(await store.keys('zzz'), [], "keys('zzz')");
    assertEqual(await store.keys('b/1'), ['b/1', 'b/10'], "keys('b/1')");
  });

  it('keys with separators, case, unicode and length are kept apart and listed back exactly', async ({ store }) => {
    for (const [i, k] of AWKWARD_KEYS.entries()) await store.set(k, i);
    for (const [i, k] of AWKWARD_KEYS.entries()) assertEqual(await store.get(k), i, `get(${JSON.stringify(k.slice(0, 40))})`);
    assertEqual(await store.keys(), [...AWKWARD_KEYS].sort(), 'keys()');
    assertEqual(await store.keys('with/'), ['with/slash', 'with/slash/deeper'], "keys('with/')");
    assertEqual(await store.keys('with:'), ['with:colon'], "keys('with:')");
    assertEqual(await store.keys('sym-'), ['sym-😀', 'sym-\uFF01'], "keys('sym-')");
  });

  it('values are copies: mutating what was set or got does not change the store', async ({ store }) => {
    const value = { list: [1], inner: { n: 1 } };
    await store.set('k', value);
    value.list.push(2);
    value.inner.n = 99;
    const read = await store.get<{ list: number[]; inner: { n: number } }>('k');
    assertEqual(read, { list: [1], inner: { n: 1 } }, 'get(k) after mutating the set value');
    read!.list.push(3);
    read!.inner.n = 7;
    assertEqual(await store.get('k'), { list: [1], inner: { n: 1 } }, 'get(k) after mutating a read value');
  });

  it('undefined is rejected, and the previous value stays', async ({ store }) => {
    await store.set('k', 'kept');
    await assertRejects(() => store.set('k', undefined), 'set(k, undefined)');
    assertEqual(await store.get('k'), 'kept', 'get(k)');
    await assertRejects(() => store.set('fresh', undefined), 'set(fresh, undefined)');
    assertEqual(await store.keys(), ['k'], 'keys()');
  });

  it(`a large value (${LARGE_VALUE_CHARS / 1000} k characters) round-trips and can be replaced by a small one`, async ({ store }) => {
    const big = { blob: 'x'.repeat(LARGE_VALUE_CHARS / 2), unicode: 'é😀'.repeat(LARGE_VALUE_CHARS / 6), rows: [1, 2, 3] };
    await store.set('big', big);
    await store.set('small', 1);
    assertEqual(await store.get('big'), big, 'get(big)');
    await store.set('big', { small: true });
    assertEqual(await store.get('big'), { small: true }, 'get(big) after a small overwrite');
    await store.set('big', big);
    await store.delete('big');
    assertEqual(await store.get('big'), undefined, 'get(big) after delete');
    assertEqual(await store.keys(), ['small'], 'keys()');
  });

  if (options.persistent) {
    it('persists: a reopened instance reads what the previous one wrote', async (subject) => {
      if (!subject.reopen) throw new Error('a persistent store must provide reopen()');
      const { store } = subject;
      await store.set('watermark', { at: '2024-05-01T00:00:00Z' });
      await store.set('with/slash', ['a']);
      await store.set('gone', 1);
      await store.delete('gone');
      await store.set('over', 1);
      await store.set('over', 2);
      const reopened = await subject.reopen();
      assertEqual(await reopened.get('watermark'), { at: '2024-05-01T00:00:00Z' }, 'get(watermark) after reopen');
      assertEqual(await reopened.get('with/slash'), ['a'], 'get(with/slash) after reopen');
      assertEqual(await reopened.get('gone'), undefined, 'get(gone) after reopen');
      assertEqual(await reopened.get('over'), 2, 'get(over) after reopen');
      assertEqual(await reopened.keys(), ['over', 'watermark', 'with/slash'], 'keys() after reopen');
    });
  }
}
