/**
 * Incremental runs against the emulator (docs/behaviour.md §4.12; conformance points 42–46): which resources
 * run, their windows and cursors, writes like live events, failures that hold a cursor, one sync at a time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import type { IncrementalContext, RawItem } from '../integration/index.ts';
import { createMemoryStateStore } from '../state/index.ts';
import { createPortCursorStore, cursorKey } from './index.ts';
import type { IncrementalCursorStore, ResyncRunnerOptions } from './index.ts';
import { IDENTIFIER, SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams } from './test-harness.ts';

let t: TestEmulator;
beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

const T0 = Date.parse('2026-05-01T12:00:00.000Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** What the service kind's incremental handler does on its next call; the test changes it between runs. */
interface Vendor {
  services: RawItem[];
  changed: RawItem[];
  gone: RawItem[];
  /** Throw after yielding `changed`. */
  fail?: string;
  advance?: Date;
  /** Per call (0, 1, …): wait for this first (a vendor call in progress). */
  gates: Array<Promise<void> | undefined>;
  calls: IncrementalContext[];
}

function integrationFor(v: Vendor) {
  return defineIntegration({
    kinds: {
      team: { resync: () => makeTeams() },
      service: {
        resync: () => v.services,
        async *incremental(ctx) {
          v.calls.push(ctx);
          await v.gates[v.calls.length - 1];
          if (v.gone.length) ctx.deleted(v.gone);
          if (v.changed.length) yield v.changed;
          if (v.advance) ctx.advance(v.advance);
          if (v.fail) throw new Error(v.fail);
        },
      },
    },
  });
}

async function setup(options: { mapping?: Record<string, unknown>; runner?: Pick<ResyncRunnerOptions, 'now' | 'cursors' | 'state'> } = {}) {
  const clock = { t: T0 };
  const v: Vendor = { services: makeServices(30), changed: [], gone: [], gates: [], calls: [] };
  const state = createMemoryStateStore();
  const h = await createHarness(
    { baseUrl: t.baseUrl, fetch: t.fetch },
    {
      integration: integrationFor(v),
      mapping: options.mapping ?? { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE('service', '.lang != "cobol"')] },
      settings: { integration: { identifier: IDENTIFIER, config: {}, incrementalSyncInterval: 30 } },
      runner: { now: () => clock.t, state, ...options.runner },
    },
  );
  return { h, v, clock, state };
}

describe('an incremental run', () => {
  it('runs only the resources whose kind declares incremental; windows start one interval back, then at the stored cursor, both less 60 s', async () => {
    const { h, v, clock, state } = await setup();
    const first = await h.runner.incremental();
    expect(first).toMatchObject({ syncType: 'incremental', outcome: 'completed', startedAt: iso(T0) });
    expect(first!.resources).toEqual([
      expect.objectContaining({ kind: 'service', index: 1, since: iso(T0 - 30 * MINUTE - MINUTE), cursor: iso(T0), advanced: true, fetched: 0 }),
    ]);
    expect(v.calls.map((c) => c.since.toISOString())).toEqual([iso(T0 - 31 * MINUTE)]);
    expect(await state.get(cursorKey(IDENTIFIER, 'service', 1))).toEqual({ at: iso(T0), savedAt: iso(T0), runId: first!.runId });

    clock.t = T0 + 30 * MINUTE;
    const second = await h.runner.incremental();
    expect(second!.resources[0]).toMatchObject({ since: iso(T0 - MINUTE), cursor: iso(T0 + 30 * MINUTE), advanced: true });
    expect(v.calls[1].since.toISOString()).toBe(iso(T0 - MINUTE));
  });

  it('upserts every changed entity with no lookup and deletes only owned entities of selector-false and deleted items', async () => {
    const { h, v } = await setup();
    await h.runner.resync();
    await h.seed({ entities: [{ blueprint: 'service', identifier: 'theirs', datasource: 'port-ocean/other/1.0.0/someone/exporter' }] });
    await h.clearRequests();
    // 12 unchanged services (a resync's diff would skip them all), one that left the selector, one deleted,
    // one deletion of another integration's entity and one of an entity Port does not have.
    v.changed = [...v.services.slice(0, 12), { ...v.services[12], lang: 'cobol' }];
    v.gone = [v.services[13], { id: 'theirs', name: 'x' }, { id: 'never-existed', name: 'y' }];
    const report = await h.runner.incremental();
    expect(report).toMatchObject({ outcome: 'completed', deletion: { candidates: 4, deleted: 2, notOwned: 2, searchSkipped: 0, failed: 0 } });
    expect(report!.resources[0]).toMatchObject({ fetched: 13, upserted: 12, failed: 0, deleted: 2 });

    const requests = await h.requests();
    const bulk = requests.filter((r) => r.path === '/v1/blueprints/service/entities/bulk');
    expect(bulk.flatMap((r) => r.body.entities.map((e: { identifier: string }) => e.identifier))).toEqual(v.services.slice(0, 12).map((s) => s.id));
    expect(requests.filter((r) => r.path.includes('datasource-entities') || r.path.includes('resync-state'))).toEqual([]);
    // Searches are the ownership checks of the candidates only: no skip-unchanged lookup (an `in` rule).
    const searches = requests.filter((r) => r.path === '/v1/entities/search');
    expect(searches.map((r) => r.body.rules[0])).toEqual(
      ['svc-13', 'svc-14', 'theirs', 'never-existed'].map((id) => ({ property: '$identifier', operator: '=', value: id })),
    );
    const deletes = requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.path)).toEqual(['/v1/blueprints/service/entities/svc-13', '/v1/blueprints/service/entities/svc-14']);
    // Attributed to an incremental_resync event, never to a resync (conformance point 45).
    for (const r of [...bulk, ...searches, ...deletes]) {
      expect(r.query.ocean_info_event_type).toBe('incremental_resync');
      expect(r.query).not.toHaveProperty('ocean_info_resync_id');
      expect(r.oceanInfo).toEqual({ event_type: 'incremental_resync' });
    }
    expect(await h.ids('service')).toEqual([...v.services.filter((s) => !['svc-13', 'svc-14'].includes(s.id as string)).map((s) => s.id), 'theirs'].sort());
  });

  it('never deletes an entity that another resource of the same run upserts', async () => {
    // Two resources of one kind with complementary selectors on one blueprint: each item fails one of them.
    const mapping = { resources: [SERVICE_RESOURCE('service', '.lang == "go"'), SERVICE_RESOURCE('service', '.lang != "go"')] };
    const { h, v } = await setup({ mapping });
    await h.runner.resync();
    v.changed = v.services.slice(0, 4);
    const report = await h.runner.incremental();
    expect(report!.resources.map((r) => [r.index, r.upserted])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(report!.deletion).toMatchObject({ candidates: 0, deleted: 0 });
    expect(await h.ids('service')).toHaveLength(30);
  });

  it('a failing kind keeps its cursor, the resources after it still run, and the next run reads the same window again', async () => {
    const mapping = { resources: [SERVICE_RESOURCE('service', '.lang != "cobol"'), TEAM_RESOURCE(), SERVICE_RESOURCE('service', 'true')] };
    const { h, v, clock } = await setup({ mapping });
    const first = await h.runner.incremental();
    expect(first!.resources.map((r) => [r.index, r.cursor])).toEqual([
      [0, iso(T0)],
      [2, iso(T0)],
    ]);

    clock.t = T0 + 30 * MINUTE;
    await h.runner.resync();
    v.changed = [v.services[0]];
    v.gone = [v.services[1]];
    v.fail = 'the vendor broke mid-way';
    const failed = await h.runner.incremental();
    expect(failed!.outcome).toBe('failed');
    for (const r of failed!.resources) {
      expect(r).toMatchObject({ since: iso(T0 - MINUTE), cursor: iso(T0), advanced: false, upserted: 1, deleted: 0 });
      expect(r.error).toContain('the vendor broke mid-way');
    }
    // The failed resources' candidates wait for their window to be read again.
    expect(failed!.deletion.candidates).toBe(0);
    expect(await h.ids('service')).toContain('svc-02');

    clock.t = T0 + 60 * MINUTE;
    v.fail = undefined;
    const retried = await h.runner.incremental();
    expect(retried!.outcome).toBe('completed');
    expect(retried!.resources.map((r) => [r.since, r.cursor, r.deleted])).toEqual([
      [iso(T0 - MINUTE), iso(T0 + 60 * MINUTE), 1],
      [iso(T0 - MINUTE), iso(T0 + 60 * MINUTE), 0],
    ]);
    expect(await h.ids('service')).not.toContain('svc-02');
  });

  it('an upsert Port leaves unanswered holds the cursor; an entity Port rejects does not', async () => {
    const { h, v, clock } = await setup({ mapping: { resources: [SERVICE_RESOURCE()] } });
    v.changed = v.services.slice(0, 3);
    await t.admin('POST', '/faults', { match: { path: '/v1/blueprints/service/entities/bulk' }, action: { type: 'partial', indexes: [1], statusCode: 422, error: 'invalid_request', message: 'bad' } });
    const rejected = await h.runner.incremental();
    expect(rejected!.resources[0]).toMatchObject({ upserted: 2, failed: 1, advanced: true, cursor: iso(T0) });
    expect(rejected!.resources[0].error).toBeUndefined();

    // A whole bulk call refused with a 4xx would be refused again: it does not pin the cursor either.
    clock.t = T0 + 15 * MINUTE;
    await t.admin('POST', '/faults', { match: { path: '/v1/blueprints/service/entities/bulk' }, action: { type: 'status', status: 422, body: { ok: false, error: 'invalid_request', message: 'bad' } } });
    const refused = await h.runner.incremental();
    expect(refused!.resources[0]).toMatchObject({ upserted: 0, failed: 3, advanced: true, cursor: iso(T0 + 15 * MINUTE) });

    clock.t = T0 + 30 * MINUTE;
    await t.admin('POST', '/faults', { match: { path: '/v1/blueprints/service/entities/bulk' }, action: { type: 'status', status: 500 } });
    const unanswered = await h.runner.incremental();
    expect(unanswered!.outcome).toBe('failed');
    expect(unanswered!.resources[0]).toMatchObject({ upserted: 0, failed: 3, advanced: false, cursor: iso(T0 + 15 * MINUTE) });
    expect(unanswered!.resources[0].error).toContain('3 entities went unanswered by Port');
  });

  it('stores the cursor the handler advanced to', async () => {
    const { h, v } = await setup({ mapping: { resources: [SERVICE_RESOURCE()] } });
    v.advance = new Date(T0 - 5 * MINUTE);
    const report = await h.runner.incremental();
    expect(report!.resources[0]).toMatchObject({ cursor: iso(T0 - 5 * MINUTE), advanced: true });
  });

  it('does nothing when no resource has an incremental handler, and fails with nothing written on a broken mapping', async () => {
    const { h } = await setup({ mapping: { resources: [TEAM_RESOURCE()] } });
    expect(await h.runner.incremental()).toMatchObject({ outcome: 'no-op', resources: [] });
    await h.setMapping({ resources: [{ kind: 'service' }] });
    await h.clearRequests();
    const broken = await h.runner.incremental();
    expect(broken!.outcome).toBe('failed');
    expect(broken!.errors[0]).toContain('resources[0]');
    expect((await h.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/integration/${IDENTIFIER}`]);
  });
});

describe('one sync at a time', () => {
  it('a full resync aborts a running incremental run at its current resource; finished resources keep their new cursors', async () => {
    const mapping = { resources: [SERVICE_RESOURCE('service', 'true'), SERVICE_RESOURCE('service', '.lang != "cobol"')] };
    const { h, v, state } = await setup({ mapping });
    v.changed = [{ ...v.services[0], lang: 'cobol' }];
    let open!: () => void;
    // The first resource passes; the second waits on the vendor until the resync has begun.
    v.gates[1] = new Promise<void>((resolve) => (open = resolve));
    const running = h.runner.incremental();
    await expect.poll(() => v.calls.length, { timeout: 10_000 }).toBe(2);
    const resync = h.runner.resync();
    const report = await running;
    open();
    expect(report).toMatchObject({ outcome: 'aborted', abortReason: 'superseded', deletion: { candidates: 0, deleted: 0 } });
    expect(report!.resources.map((r) => [r.index, r.advanced])).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(await state.get(cursorKey(IDENTIFIER, 'service', 0))).toMatchObject({ at: iso(T0) });
    expect(await state.get(cursorKey(IDENTIFIER, 'service', 1))).toBeUndefined();
    expect((await resync).status).toBe('completed');
  });

  it('an incremental run while a resync runs is skipped', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const integration = defineIntegration({
      kinds: {
        service: {
          async *resync() {
            await gate;
            yield makeServices(3);
          },
          incremental: () => [],
        },
      },
    });
    const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources: [SERVICE_RESOURCE()] } });
    const resync = h.runner.resync();
    await expect.poll(() => h.runner.running).toBe(true);
    expect(await h.runner.incremental()).toBeUndefined();
    open();
    expect((await resync).status).toBe('completed');
    expect(await h.runner.incremental()).toMatchObject({ outcome: 'completed' });
  });
});

describe('cursors in Port (incrementalSyncCursorStore: port)', () => {
  it("reads Ocean's cursor as it was written and stores the new one with PUT, in Ocean's body", async () => {
    let cursors: IncrementalCursorStore | undefined;
    const lazy: IncrementalCursorStore = { read: (kind, index) => cursors!.read(kind, index), write: (kind, index, at, runId) => cursors!.write(kind, index, at, runId) };
    const { h, v } = await setup({ mapping: { resources: [SERVICE_RESOURCE()] }, runner: { cursors: lazy } });
    cursors = createPortCursorStore(h.port, IDENTIFIER);
    // As Ocean writes it: an offset and microseconds.
    await t.call('POST', `/v1/integration/${IDENTIFIER}/cursor?kind=service&index=0`, { primary: '2026-05-01T11:30:00.123456+00:00' }, { token: await t.token() });
    await h.clearRequests();
    const report = await h.runner.incremental();
    expect(report!.resources[0]).toMatchObject({ since: '2026-05-01T11:29:00.123Z', cursor: iso(T0), advanced: true });
    expect(v.calls[0].since.toISOString()).toBe('2026-05-01T11:29:00.123Z');
    const calls = await h.requests({ path: `/v1/integration/${IDENTIFIER}/cursor` });
    expect(calls.map((r) => [r.method, r.query.kind, r.query.index, r.status, r.body])).toEqual([
      ['GET', 'service', '0', 200, null],
      ['PUT', 'service', '0', 200, { primary: iso(T0) }],
    ]);
    const stored = await t.admin('GET', `/integrations/${IDENTIFIER}/cursors`);
    expect(stored.body.cursors).toEqual([expect.objectContaining({ kind: 'service', index: 0, primary: iso(T0) })]);
  });

  it('a cursor that cannot be read fails its resource and keeps it', async () => {
    const { h: other } = await setup({
      mapping: { resources: [SERVICE_RESOURCE()] },
      runner: { cursors: { read: async () => Promise.reject(new Error('Port is down')), write: async () => {} } },
    });
    const report = await other.runner.incremental();
    expect(report!.outcome).toBe('failed');
    expect(report!.resources[0]).toMatchObject({ since: '', cursor: null, advanced: false, error: 'could not read the cursor: Port is down' });
  });
});
