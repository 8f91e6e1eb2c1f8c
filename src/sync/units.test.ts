import { describe, expect, it } from 'vitest';
import type { TideSettings } from '../config/index.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import type { Entity } from '../mapping/index.ts';
import type { KindContext } from '../integration/index.ts';
import { ResyncCoordinator } from './coordinator.ts';
import { deleteCandidates } from './delete.ts';
import { diffApplies, includeFor, isUnchanged } from './diff.ts';
import { dependencyOrder, hasSearchValue, relationTargets } from './entity-values.ts';
import { createMasker, maskDeep } from './examples.ts';
import { extractResource, resolveHandlers } from './extract.ts';
import type { SyncPort } from './port.ts';
import { reconcile } from './reconcile.ts';
import { emptyKindReport } from './report.ts';
import { nextResync } from './resync-state.ts';
import type { ResyncSettings } from './resync.ts';
import { SeenSet } from './seen.ts';

const entity = (over: Partial<Entity> = {}): Entity => ({ identifier: 'a', blueprint: 'svc', properties: {}, relations: {}, ...over });

describe('skip-unchanged comparison (§4.5)', () => {
  it('drops Port nulls the new entity lacks, compares canonically, teams as sets, ignores icon', () => {
    const mine = entity({ title: 'A', team: ['y', 'x'], icon: 'Go', properties: { b: 1, a: { d: 2, c: 3 } }, relations: { owner: 't' } });
    const stored = { identifier: 'a', blueprint: 'svc', title: 'A', team: ['x', 'y'], icon: 'Other', properties: { a: { c: 3, d: 2 }, b: 1, gone: null }, relations: { owner: 't', many: null } };
    expect(isUnchanged(mine, stored)).toBe(true);
    expect(isUnchanged({ ...mine, title: 'B' }, stored)).toBe(false);
    expect(isUnchanged({ ...mine, team: ['x'] }, stored)).toBe(false);
    expect(isUnchanged({ ...mine, properties: { ...mine.properties, gone: null } }, stored)).toBe(true);
    expect(isUnchanged(mine, { ...stored, properties: { ...stored.properties, extra: 1 } })).toBe(false);
    // A title the mapping does not define is not compared.
    const { title: _t, ...untitled } = mine;
    expect(isUnchanged(untitled as Entity, { ...stored, title: 'Anything' })).toBe(true);
  });

  it('applies only to batches of more than 10 plain entities', () => {
    const plain = Array.from({ length: 11 }, (_, i) => entity({ identifier: `e${i}` }));
    expect(diffApplies(plain.slice(0, 10))).toBe(false);
    expect(diffApplies(plain)).toBe(true);
    const search = { combinator: 'and' as const, rules: [{ property: '$identifier', operator: '=', value: 'x' }] };
    expect(diffApplies([...plain, entity({ relations: { owner: [search] } })])).toBe(false);
    expect(hasSearchValue(entity({ team: search }))).toBe(true);
    expect(hasSearchValue(entity({ identifier: search }))).toBe(true);
  });

  it('includes only mapped fields', () => {
    expect(includeFor([entity({ title: 'x', properties: { p: 1 }, relations: { r: 'y' } })])).toEqual(['blueprint', 'identifier', 'title', 'properties.p', 'relations.r']);
  });
});

describe('dependency order', () => {
  const items = [
    { id: 'c', deps: ['b'] },
    { id: 'b', deps: ['a'] },
    { id: 'x', deps: [] },
    { id: 'a', deps: [] },
  ];
  it('puts targets first, or referrers first, stably', () => {
    const order = (dir: 'targetsFirst' | 'referrersFirst') => dependencyOrder(items, (i) => i.id, (i) => i.deps, dir).map((i) => i.id);
    expect(order('targetsFirst')).toEqual(['x', 'a', 'b', 'c']);
    expect(order('referrersFirst')).toEqual(['c', 'b', 'x', 'a']);
  });
  it('keeps the input order on a cycle', () => {
    const cyclic = [
      { id: 'p', deps: ['q'] },
      { id: 'q', deps: ['p'] },
    ];
    expect(dependencyOrder(cyclic, (i) => i.id, (i) => i.deps, 'targetsFirst').map((i) => i.id)).toEqual(['p', 'q']);
  });
  it('reads exact $identifier rules of search relations', () => {
    const search = { combinator: 'and', rules: [{ property: '$identifier', operator: '=', value: 'b' }, { property: 'x', operator: '=', value: 'no' }] };
    expect(relationTargets([search, 'c', 7])).toEqual(['b', 'c', '7']);
  });
});

describe('raw example masking', () => {
  it('masks built-in secret patterns and sensitive values in a deep copy', () => {
    const mask = createMasker(['s3cr3t-value']);
    const item = {
      a: 'key -----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY----- end',
      b: ['postgres://admin:pw@db:5432/x', 'Server=x;Password=hunter2;'],
      c: { d: 'uses s3cr3t-value', e: 42, f: `xoxb-${'1'.repeat(12)}` },
    };
    const out = maskDeep(item, mask) as typeof item;
    expect(out).toEqual({
      a: 'key [REDACTED] end',
      b: ['postgres://[REDACTED]@db:5432/x', 'Server=x;Password=[REDACTED];'],
      c: { d: 'uses [REDACTED]', e: 42, f: '[REDACTED]' },
    });
    expect(item.c.d).toBe('uses s3cr3t-value');
  });
});

describe('nextResync (§9.2)', () => {
  it('is the next multiple of the interval after the process start', () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    expect(nextResync(start, Date.parse('2024-01-01T01:30:00Z'), 60)).toBe('2024-01-01T02:00:00.000Z');
    expect(nextResync(start, start, 15)).toBe('2024-01-01T00:15:00.000Z');
    expect(nextResync(start, start, undefined)).toBeNull();
  });
});

function kindContext(signal: AbortSignal): KindContext {
  return { signal } as unknown as KindContext;
}

describe('extract', () => {
  it('names the kinds that have handlers when one has none', () => {
    expect(resolveHandlers({ kinds: { a: { resync: () => [] } } }, 'b')).toBe('kind "b" has no resync handler (kinds with one: a)');
  });

  it('runs array handlers first (concatenated), then iterables in order; bad pages are kind errors', async () => {
    const errors: string[] = [];
    const handlers = [
      { name: 'iter', run: async function* () { yield [{ n: 3 }]; yield 'nope' as never; yield [{ n: 99 }]; } },
      { name: 'arr1', run: () => [{ n: 1 }] },
      { name: 'arr2', run: async () => [{ n: 2 }] },
      { name: 'bad', run: () => [new Date()] as never },
      { name: 'throws', run: () => { throw new Error('at call'); } },
    ];
    const out: unknown[] = [];
    for await (const page of extractResource(handlers, kindContext(new AbortController().signal), (e) => errors.push(e))) out.push(page);
    expect(out).toEqual([[{ n: 1 }, { n: 2 }], [{ n: 3 }]]);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/throws handler failed: at call/);
    expect(errors.join('\n')).toMatch(/bad handler returned invalid raw items: item 0 is a Date object/);
    expect(errors.join('\n')).toMatch(/iter handler yielded invalid raw items on page 2/);
  });

  it('stops at the pending await when aborted', async () => {
    const controller = new AbortController();
    const handlers = [{ name: 'hang', run: async function* () { yield [{ n: 1 }]; await new Promise(() => {}); } }];
    const out: unknown[] = [];
    for await (const page of extractResource(handlers, kindContext(controller.signal), () => {})) {
      out.push(page);
      controller.abort();
    }
    expect(out).toEqual([[{ n: 1 }]]);
  });
});

describe('coordinator', () => {
  it('aborts the running resync when a new one starts, and the new one waits for it to stop', async () => {
    const c = new ResyncCoordinator();
    const events: string[] = [];
    const first = c.run(async (h) => {
      await new Promise<void>((resolve) => h.signal.addEventListener('abort', () => resolve()));
      events.push(`first stopped: ${h.abortReason()}`);
    });
    const second = c.run(async () => {
      events.push('second started');
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['first stopped: superseded', 'second started']);
    expect(c.running).toBe(false);
  });
});

/** An in-memory Port with owned entities and a log of deletes. */
function memoryPort(owned: Array<{ blueprint: string; identifier: string; relations?: Record<string, unknown> }>) {
  const deletes: Array<{ blueprint: string; ids: string[]; dependents: boolean | undefined }> = [];
  const port: Pick<SyncPort, 'upsertEntity' | 'ownedEntities' | 'getBlueprint' | 'deleteEntities' | 'listBlueprints' | 'searchEntities' | 'ownershipRules'> = {
    upsertEntity: async (_bp, e) => ({ status: 'upserted', identifier: String(e.identifier) }),
    async *ownedEntities() {
      yield owned.map((o) => ({ relations: {}, ...o }));
    },
    getBlueprint: async () => ({ identifier: 'svc', relations: { owner: { target: 'team' } } }),
    // No blueprint relates to another, so nothing depends on a candidate.
    listBlueprints: async () => [],
    searchEntities: async () => ({ entities: [], matchingBlueprints: [], failedBlueprints: [] }),
    ownershipRules: () => [],
    deleteEntities: async (blueprint, ids, o) => {
      deletes.push({ blueprint, ids, dependents: o?.deleteDependents });
      return { deleted: ids, failed: [] };
    },
  };
  return { port, deletes };
}

const baseInput = (port: ReturnType<typeof memoryPort>['port'], seen: SeenSet, threshold: number) => ({
  port,
  resyncId: 'r',
  before: new Date(0).toISOString(),
  flags: { deleteDependentEntities: true, createMissingRelatedEntities: true, enableMergeEntity: true, entityDeletionThreshold: threshold },
  seen,
  failed: [],
  kinds: [emptyKindReport('svc', 0)],
  previousStateUnknown: false,
  emptyMapping: false,
  context: {},
  logger: createMemoryLogger(),
  deleteBatchSize: 1000,
});

describe('reconcile with an in-memory port', () => {
  const owned = Array.from({ length: 250 }, (_, i) => ({ blueprint: 'svc', identifier: `s${i}` }));

  it('threshold 1 always allows; bulk deletes carry at most 100 ids', async () => {
    const { port, deletes } = memoryPort(owned);
    const result = await reconcile(baseInput(port, new SeenSet(), 1));
    expect(result.deletion).toMatchObject({ outcome: 'deleted', counts: { candidates: 250, deleted: 250 }, rowsOmitted: 150 });
    expect(result.deletion.rows).toHaveLength(100);
    expect(deletes.map((d) => d.ids.length)).toEqual([100, 100, 50]);
    expect(deletes.every((d) => d.dependents === true)).toBe(true);
  });

  it('threshold 0 blocks every deletion', async () => {
    const { port, deletes } = memoryPort(owned);
    const seen = new SeenSet();
    for (let i = 0; i < 249; i++) seen.add('svc', `s${i}`);
    const result = await reconcile(baseInput(port, seen, 0));
    expect(result.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'threshold-exceeded', counts: { candidates: 1 } });
    expect(deletes).toEqual([]);
  });

  it('kind errors and an unknown previous state skip deletions and fail', async () => {
    const { port, deletes } = memoryPort(owned);
    const kinds = [{ ...emptyKindReport('svc', 0), errors: ['boom'] }];
    const r1 = await reconcile({ ...baseInput(port, new SeenSet(), 1), kinds });
    expect(r1).toMatchObject({ failed: true, deletion: { skipReason: 'kind-errors', kindErrors: { 'svc-0': ['boom'] } } });
    const r2 = await reconcile({ ...baseInput(port, new SeenSet(), 1), previousStateUnknown: true });
    expect(r2).toMatchObject({ failed: true, deletion: { skipReason: 'previous-state-unknown' } });
    expect(deletes).toEqual([]);
  });

  it('protects relation targets of seen entities by the relation’s target blueprint', async () => {
    const { port, deletes } = memoryPort([
      { blueprint: 'svc', identifier: 'kept-svc' },
      { blueprint: 'team', identifier: 't1' },
      { blueprint: 'svc', identifier: 't1' },
    ]);
    const seen = new SeenSet();
    seen.add('svc', 'kept-svc', { owner: 't1' });
    const result = await reconcile(baseInput(port, seen, 1));
    expect(result.deletion.counts).toMatchObject({ candidates: 2, protected: 1, deleted: 1 });
    expect(deletes).toEqual([{ blueprint: 'svc', ids: ['t1'], dependents: true }]);
  });

  it('one id per call in reverse dependency order without deleteDependentEntities', async () => {
    const calls: string[] = [];
    const port = {
      deleteEntities: async (_bp: string, ids: string[]) => {
        calls.push(...ids);
        return { deleted: ids, failed: [] };
      },
    };
    await deleteCandidates(
      port,
      [
        { blueprint: 'svc', identifier: 'a', relations: {} },
        { blueprint: 'svc', identifier: 'b', relations: { dep: 'a' } },
        { blueprint: 'svc', identifier: 'c', relations: { dep: ['b'] } },
      ],
      { deleteDependents: false, batchSize: 100, context: {}, logger: createMemoryLogger() },
    );
    expect(calls).toEqual(['c', 'b', 'a']);
  });
});

describe('types', () => {
  it('TideSettings satisfies ResyncSettings', () => {
    const settings = { integration: { identifier: 'x', type: 't', config: {} }, sendRawDataExamples: true, deleteEntitiesMaxBatchSize: 100 } as Partial<TideSettings> as TideSettings;
    const narrowed: ResyncSettings = settings;
    expect(narrowed.integration.identifier).toBe('x');
  });
});
