/**
 * The resync checkpoint store contract: one suite, run against every `ResyncCheckpointStore` (memory,
 * the Durable Object's SQLite). A resync carried across invocations is only as good as its store: a
 * save that is not durable repeats or skips pages, a clear that leaves seen keys protects entities
 * that are gone. Framework-agnostic like `testStateStore`: the caller passes its own `test(name, fn)`.
 *
 * @example
 * describe('memory', () => testCheckpointStore('memory', () => ({ store: createMemoryCheckpointStore() }), { test: it, snapshots: true }));
 */
import type { ResyncCheckpoint, ResyncCheckpointStore } from '../sync/checkpoint.ts';
import type { SeenKeys } from '../sync/seen.ts';
import { assertEqual, assertOk, contractCases } from './contract.ts';
import type { ContractOptions, ContractSubject } from './contract.ts';

/** What the factory returns for one test: a fresh, empty store, and how to reopen and dispose of it. */
export interface CheckpointStoreSubject extends ContractSubject<ResyncCheckpointStore> {
  store: ResyncCheckpointStore;
}

export interface CheckpointStoreContractOptions extends ContractOptions {
  /**
   * `load` returns the checkpoint as it was saved, whatever happens to the saved or loaded object
   * afterwards. Every store a later invocation resumes from must; the one-go resync's store keeps
   * the object itself instead.
   */
  snapshots?: boolean;
}

/** A checkpoint with every field a step fills in, and text that JSON or SQL could mangle. */
export function sampleCheckpoint(resyncId: string): ResyncCheckpoint {
  const kind = (name: string, index: number) => ({
    kind: name,
    index,
    label: `${name}-${index}`,
    fetched: 120,
    mapped: 118,
    filtered: 1,
    dropped: 1,
    failed: 2,
    upserted: 100,
    unchanged: 16,
    errors: ['selector must return a boolean, got "yes" (ünïcödé 🚀)'],
  });
  return {
    resyncId,
    startedAt: '2024-05-01T12:00:00.000Z',
    before: '2024-05-01T11:55:00.000Z',
    phase: 'resources',
    mapping: { resources: [{ kind: 'service', selector: { query: '.name | test("^a\\\\d+")' }, port: { entity: { mappings: { identifier: '.id', blueprint: '"service"' } } } }] },
    mappingSource: 'Port integration config',
    previousStateUnknown: false,
    resourceIndex: 1,
    handlerIndex: 2,
    iterables: [1, 0],
    cursor: { value: { page: 3, token: 'abc=="\n\u0000-ключ', nested: [null, true, 1.5] } },
    kinds: [kind('team', 0), kind('service', 1)],
    errors: ['onResyncStart failed with an HTTP error (previous state unknown): vendor 503'],
    failed: [
      { blueprint: 'service', entity: { identifier: 'svc-1', blueprint: 'service', title: 'Sërvice 1', properties: { tags: ['a', 'b'], n: 0 }, relations: { owner: 'team-a', deps: [] } } },
      { blueprint: 'service', entity: { identifier: { combinator: 'and', rules: [{ property: 'name', operator: '=', value: 'x' }] }, blueprint: 'service', properties: {}, relations: {} } },
    ],
    requeue: [{ blueprint: 'service', entity: { identifier: 'svc-9', blueprint: 'service', title: 'Nine', properties: { n: 9 }, relations: {} } }],
    undeclared: { service: ['nickname', 'ünïcödé'] },
    attributes: { cache: { 'ключ': [1, 2, 3] }, empty: {} },
    examplesSent: ['team', 'service'],
    examples: { kind: 'service', items: [{ id: 'svc-1', secret: '[REDACTED]' }] },
    steps: 4,
    pages: 17,
  };
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function assertSeenEmpty(seen: SeenKeys, what: string): void {
  assertEqual(seen.size, 0, `${what}: seen().size`);
  assertEqual(seen.has('service', 'svc-1'), false, `${what}: seen().has(service, svc-1)`);
  assertEqual([...seen.relationValues()].length, 0, `${what}: seen().relationValues()`);
  assertEqual(seen.existedCount, 0, `${what}: seen().existedCount`);
}

/** Register the checkpoint store contract cases through `options.test`; test names start with `name`. */
export function testCheckpointStore(
  name: string,
  factory: () => CheckpointStoreSubject | Promise<CheckpointStoreSubject>,
  options: CheckpointStoreContractOptions,
): void {
  const it = contractCases(name, factory, options);

  it('an empty store has no checkpoint and an empty seen set', async ({ store }) => {
    assertEqual(await store.load(), undefined, 'load()');
    assertSeenEmpty(store.seen(), 'empty store');
  });

  it('save then load returns every field of the checkpoint', async ({ store }) => {
    await store.save(sampleCheckpoint('resync-1'));
    assertEqual(await store.load(), sampleCheckpoint('resync-1'), 'load()');
  });

  it('the last save wins, page after page', async ({ store }) => {
    const cp = sampleCheckpoint('resync-1');
    for (let page = 1; page <= 60; page++) {
      cp.pages = page;
      cp.cursor = { value: { page } };
      cp.kinds[1].fetched += 10;
      for (let i = 0; i < 5; i++) store.seen().add('service', `p${page}-${i}`);
      await store.save(copy(cp));
    }
    const loaded = await store.load();
    assertEqual([loaded?.pages, loaded?.cursor, loaded?.kinds[1].fetched], [60, { value: { page: 60 } }, 720], 'load() after 60 saves: pages, cursor, fetched');
    assertEqual(store.seen().size, 300, 'seen().size after 60 pages of 5 keys');
  });

  it('seen keys are written through: kept without a save, and beside the checkpoint', async ({ store }) => {
    await store.save(sampleCheckpoint('resync-1'));
    store.seen().add('service', 'svc-1', { owner: 'team-a' });
    store.seen().add('team', 'team-a');
    assertEqual(await store.load(), sampleCheckpoint('resync-1'), 'load() after seen keys were added');
    assertOk(store.seen().has('service', 'svc-1') && store.seen().has('team', 'team-a'), 'seen().has() of the added keys');
    assertEqual(store.seen().size, 2, 'seen().size');
  });

  it('clear forgets the checkpoint, every seen key and every relation value; the next resync starts empty', async ({ store }) => {
    await store.save(sampleCheckpoint('resync-1'));
    for (let i = 0; i < 50; i++) store.seen().add('service', `svc-${i}`, { owner: `team-${i % 3}` });
    for (let i = 0; i < 10; i++) store.seen().noteExisted('service', `svc-${i}`, i % 2 === 0);
    await store.clear();
    assertEqual(await store.load(), undefined, 'load() after clear');
    assertSeenEmpty(store.seen(), 'after clear');
    await store.save(sampleCheckpoint('resync-2'));
    assertEqual((await store.load())?.resyncId, 'resync-2', 'load().resyncId of the next resync');
    assertSeenEmpty(store.seen(), 'the next resync');
    await store.clear();
    await store.clear();
    assertEqual(await store.load(), undefined, 'load() after clearing twice');
  });

  it('a large checkpoint (2,000 failed entities) round-trips', async ({ store }) => {
    const cp = sampleCheckpoint('resync-1');
    cp.failed = Array.from({ length: 2000 }, (_, i) => ({
      blueprint: 'service',
      entity: { identifier: `svc-${i}`, blueprint: 'service', title: `Sërvice ${i} 🚀`, properties: { description: 'd'.repeat(200), i }, relations: { owner: `team-${i % 7}` } },
    }));
    await store.save(cp);
    const loaded = await store.load();
    assertEqual(loaded?.failed.length, 2000, 'load().failed.length');
    assertEqual(loaded, cp, 'load()');
  });

  if (options.snapshots) {
    it('load returns the checkpoint as saved: later changes to the saved or loaded object do not show', async ({ store }) => {
      const cp = sampleCheckpoint('resync-1');
      await store.save(cp);
      cp.pages = 99;
      cp.kinds[0].fetched = 999;
      cp.failed.push({ blueprint: 'service', entity: { identifier: 'late', blueprint: 'service', properties: {}, relations: {} } });
      assertEqual(await store.load(), sampleCheckpoint('resync-1'), 'load() after changing the saved object');
      const loaded = (await store.load())!;
      loaded.phase = 'reconcile';
      loaded.kinds.length = 0;
      assertEqual(await store.load(), sampleCheckpoint('resync-1'), 'load() after changing a loaded object');
    });
  }

  if (options.persistent) {
    it('persists: a reopened store resumes the saved checkpoint and its seen set, written through', async (subject) => {
      if (!subject.reopen) throw new Error('a persistent store must provide reopen()');
      await subject.store.save(sampleCheckpoint('resync-1'));
      const cp = sampleCheckpoint('resync-1');
      cp.pages = 18;
      await subject.store.save(cp);
      // Added after the last save, as by a page whose invocation ended before its checkpoint.
      subject.store.seen().add('service', 'svc-after-save', { owner: 'team-z' });
      const reopened = await subject.reopen();
      assertEqual(await reopened.load(), cp, 'load() after reopen');
      assertOk(reopened.seen().has('service', 'svc-after-save'), 'seen().has() after reopen');
      assertEqual([...reopened.seen().relationValues()].map(([bp, rel, v]) => [bp, rel, [...v]]), [['service', 'owner', ['team-z']]], 'seen().relationValues() after reopen');
    });

    it('persists a clear: a reopened store has no checkpoint and no seen key', async (subject) => {
      if (!subject.reopen) throw new Error('a persistent store must provide reopen()');
      await subject.store.save(sampleCheckpoint('resync-1'));
      subject.store.seen().add('service', 'svc-1', { owner: 'team-a' });
      await subject.store.clear();
      const reopened = await subject.reopen();
      assertEqual(await reopened.load(), undefined, 'load() after clear and reopen');
      assertSeenEmpty(reopened.seen(), 'after clear and reopen');
    });
  }
}
