/**
 * One engine: the behaviour a resync in one go (Node, Deno) and a resync in bounded steps (Workers)
 * used to disagree on, checked both ways against the emulator: concurrent array handlers merged into
 * the first page, the logged `onResyncComplete` failure, an abort that does not wait for a hung vendor
 * call, raw-data examples filled across pages, and the engine named in every report; and the Port
 * that plan() runs against.
 */
import { describe, expect, it } from 'vitest';
import { eachNoOpSetting } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import type { IntegrationDefinition, RawItem } from '../integration/index.ts';
import { createMemoryCheckpointStore } from './checkpoint.ts';
import { createDryRunPort } from './dry-run-port.ts';
import { RESYNC_ENGINE } from './report.ts';
import type { ResyncReport } from './report.ts';
import type { PageInfo } from './steps.ts';
import { SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages } from './test-harness.ts';

let t: TestEmulator;

type Harness = Awaited<ReturnType<typeof createHarness>>;

/** The two ways a resync runs: in one go, and in steps of at most 3 raw items. */
const WAYS = {
  'in one go': async (h: Harness) => ({ report: await h.runner.resync(), pages: [] as PageInfo[] }),
  'in bounded steps': async (h: Harness) => {
    const store = createMemoryCheckpointStore();
    await h.runner.resumable.begin(store);
    const seen: PageInfo[] = [];
    for (let i = 0; i < 100; i++) {
      const result = await h.runner.resumable.step(store, { maxItems: 3, deadlineMs: Date.now() + 60_000 }, { onPage: (info) => void seen.push(info) });
      if (result.status === 'done') return { report: result.report, pages: seen };
      if (result.status !== 'continue') throw new Error(`unexpected step result ${result.status}`);
    }
    throw new Error('the resync did not finish in 100 steps');
  },
} satisfies Record<string, (h: Harness) => Promise<{ report: ResyncReport; pages: PageInfo[] }>>;

async function harness(integration: IntegrationDefinition<any>, resources = [TEAM_RESOURCE(), SERVICE_RESOURCE()]) {
  return createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources } });
}

eachNoOpSetting((e) => (t = e), () => {

  describe.each(Object.keys(WAYS) as Array<keyof typeof WAYS>)('one engine, a resync %s', (way) => {
    const run = WAYS[way];

    it('runs a kind’s array handlers concurrently and processes their results as one first page', async () => {
      const started: string[] = [];
      let bothStarted!: () => void;
      const barrier = new Promise<void>((resolve) => (bothStarted = resolve));
      const handler = (name: string, items: RawItem[]) => async () => {
        started.push(name);
        if (started.length === 2) bothStarted();
        // Run one by one, the first handler would wait here alone; the bound only ends such a failing run.
        await Promise.race([barrier, new Promise((resolve) => setTimeout(resolve, 2000))]);
        return started.length === 2 ? items : [];
      };
      const teams = makeTeams();
      const integration = defineIntegration({
        kinds: { team: { resync: handler('own', [teams[0]]) } },
        catchAll: handler('catch-all', [teams[1]]),
      });
      const h = await harness(integration, [TEAM_RESOURCE()]);
      const { report, pages: seen } = await run(h);
      expect(report.status).toBe('completed');
      expect(report.kinds[0]).toMatchObject({ fetched: 2, upserted: 2 });
      expect(await h.ids('team')).toEqual(['team-a', 'team-b']);
      if (way === 'in bounded steps') expect(seen.map((p) => [p.kind, p.itemsThisStep])).toEqual([['team', 2]]);
    });

    it('logs a failing onResyncComplete and fails the resync; the deletions stand', async () => {
      const data = { teams: makeTeams(), services: makeServices(30) };
      const integration = defineIntegration({
        kinds: { team: { resync: () => data.teams }, service: { resync: () => data.services } },
        onResyncComplete: () => {
          throw new Error('could not notify the vendor');
        },
      });
      const h = await harness(integration);
      await run(h);
      data.services.splice(0, 2);
      const { report } = await run(h);
      expect(report.status).toBe('failed');
      expect(report.errors).toContain('onResyncComplete failed: could not notify the vendor');
      expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { deleted: 2 } });
      const logged = h.logger.records.filter((r) => r.level === 'error' && r.message.includes('onResyncComplete failed'));
      expect(logged).toHaveLength(2);
      expect(logged[1].fields).toMatchObject({ error: 'could not notify the vendor', resyncId: report.resyncId });
    });

    it('sends the first 5 raw items of a kind once, filled across pages', async () => {
      const services = makeServices(8);
      const integration = defineIntegration({
        kinds: {
          service: {
            async *resync(ctx) {
              let from = typeof ctx.cursor === 'number' ? ctx.cursor : 0;
              for (const page of pages(services, 3).slice(from)) {
                ctx.checkpoint?.((from += 1));
                yield page;
              }
            },
          },
        },
      });
      const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources: [SERVICE_RESOURCE()] }, settings: { sendRawDataExamples: true } });
      const { report, pages: seen } = await run(h);
      expect(report.status).toBe('completed');
      if (way === 'in bounded steps') expect(seen).toHaveLength(3);
      expect(await h.requests({ method: 'POST', path: '/v1/integration/*/kinds/*/examples' })).toHaveLength(1);
      const { examples } = await h.examples();
      expect(examples.service.map((e: { id: string }) => e.id)).toEqual(['svc-01', 'svc-02', 'svc-03', 'svc-04', 'svc-05']);
    });

    it('names the engine in its report', async () => {
      const integration = defineIntegration({ kinds: { team: { resync: () => makeTeams() } } });
      const h = await harness(integration, [TEAM_RESOURCE()]);
      expect((await run(h)).report.engine).toBe(RESYNC_ENGINE);
      expect((await h.plan()).engine).toBe(RESYNC_ENGINE);
    });
  });

  describe('one engine, aborts', () => {
    it('a step stops when its signal fires, even while a vendor call hangs, and reports the resync aborted', async () => {
      let reached!: () => void;
      const hanging = new Promise<void>((resolve) => (reached = resolve));
      const integration = defineIntegration({
        kinds: {
          team: {
            async *resync() {
              yield makeTeams();
              reached();
              await new Promise(() => {}); // a vendor call that never answers
            },
          },
        },
      });
      const h = await harness(integration, [TEAM_RESOURCE()]);
      const store = createMemoryCheckpointStore();
      const resyncId = await h.runner.resumable.begin(store);
      const controller = new AbortController();
      const step = h.runner.resumable.step(store, { maxItems: 1000, deadlineMs: Date.now() + 60_000 }, { signal: controller.signal });
      await hanging;
      controller.abort();
      const result = await step;
      expect(result).toMatchObject({ status: 'aborted', resyncId, report: { status: 'aborted', abortReason: 'superseded', deletion: { skipReason: 'aborted' } } });
      const states = await h.requests({ method: 'PATCH', path: '/v1/integration/*/resync-state' });
      expect(states.map((r) => r.body.status)).toEqual(['running']);
    });
  });

  describe('the Port plan() runs against', () => {
    it('reads from Port, and holds back every write, recording it', async () => {
      const integration = defineIntegration({ kinds: { team: { resync: () => makeTeams() } } });
      const h = await harness(integration, [TEAM_RESOURCE()]);
      await h.runner.resync();
      await h.clearRequests();
      const port = createDryRunPort(h.port);
      expect((await port.getIntegration('my-fake'))?.identifier).toBe('my-fake');
      await port.patchResyncState('my-fake', { status: 'running' });
      await port.postKindExamples('my-fake', 'team', [{ id: 'x' }]);
      const results = await port.upsertEntities('team', [{ identifier: 'team-new', title: 'New' }]);
      expect(results).toEqual([{ status: 'upserted', identifier: 'team-new', created: false }]);
      await port.deleteEntities('team', ['team-a', 'team-b']);
      expect(port.unsent).toEqual([
        { call: 'patchResyncState', target: 'my-fake', count: 1 },
        { call: 'postKindExamples', target: 'my-fake', count: 1 },
        { call: 'upsertEntities', target: 'team', count: 1 },
        { call: 'deleteEntities', target: 'team', count: 2 },
      ]);
      const writes = (await h.requests()).filter((r) => r.method !== 'GET' && !r.path.startsWith('/v1/auth'));
      expect(writes).toEqual([]);
      expect(await h.ids('team')).toEqual(['team-a', 'team-b']);
    });
  });
});
