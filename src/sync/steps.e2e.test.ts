import { describe, expect, it } from 'vitest';
import { eachNoOpSetting } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import type { RawItem } from '../integration/index.ts';
import { createMemoryCheckpointStore } from './checkpoint.ts';
import type { ResyncCheckpointStore } from './checkpoint.ts';
import type { ResyncReport } from './report.ts';
import type { StepOptions } from './steps.ts';
import { SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages } from './test-harness.ts';

let t: TestEmulator;

/** Services in pages of 15 (above the diff minimum); `cursor: true` makes the handler declare its page index as the cursor. */
function integrationFor(data: { teams: RawItem[]; services: RawItem[] }, o: { cursor: boolean; broken?: boolean } = { cursor: true }) {
  return defineIntegration({
    kinds: {
      team: { resync: () => data.teams },
      service: {
        async *resync(ctx) {
          const all = pages(data.services, 15);
          let from = o.cursor && typeof ctx.cursor === 'number' ? ctx.cursor : 0;
          for (const page of all.slice(from)) {
            if (o.cursor) ctx.checkpoint?.((from += 1));
            yield page;
          }
          if (o.broken) throw new Error('vendor failed on the last page');
        },
      },
    },
  });
}

const MAPPING = { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] };

async function setup(o: { cursor: boolean; broken?: boolean } = { cursor: true }) {
  const data = { teams: makeTeams(), services: makeServices(75) };
  const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data, o), mapping: MAPPING });
  return { ...h, data, options: o };
}

/** Run steps until done; every step is bounded to `maxItems`. */
async function runAll(h: Awaited<ReturnType<typeof setup>>, store: ResyncCheckpointStore, maxItems: number, options: StepOptions = {}) {
  const steps: Array<{ items: number }> = [];
  for (let i = 0; i < 200; i++) {
    const result = await h.runner.resumable.step(store, { maxItems, deadlineMs: Date.now() + 60_000 }, options).catch((error: unknown) => ({ status: 'thrown' as const, error }));
    if (result.status === 'done') return { report: result.report as ResyncReport, steps };
    if (result.status === 'continue') steps.push({ items: result.items });
    else if (result.status !== 'thrown') throw new Error(`unexpected step result ${result.status}`);
  }
  throw new Error('the resync did not finish in 200 steps');
}

eachNoOpSetting((e) => (t = e), () => {

  describe('resumable resync (steps with a checkpoint after each page)', () => {
    it('completes across bounded steps with the same catalog, counters and deletions as a one-go resync', async () => {
      const h = await setup();
      const store = createMemoryCheckpointStore();
      await h.runner.resumable.begin(store);
      const { report, steps } = await runAll(h, store, 20);
      expect(steps.length).toBeGreaterThan(2);
      for (const s of steps) expect(s.items).toBeLessThanOrEqual(20);
      expect(report.status).toBe('completed');
      expect(await h.ids('service')).toEqual(makeServices(75).map((s) => s.id).sort());
      expect(report.kinds.map((k) => [k.label, k.fetched, k.upserted])).toEqual([
        ['team-0', 2, 2],
        ['service-1', 75, 75],
      ]);
      expect(report.deletion).toMatchObject({ outcome: 'nothing-to-delete', counts: { seen: 77 } });
      expect(await store.load()).toBeUndefined();
    });

    it('a step that dies after writing a page but before its checkpoint resumes without losses or double counting', async () => {
      const h = await setup();
      const store = createMemoryCheckpointStore();
      await h.runner.resumable.begin(store);
      let killed = 0;
      const { report } = await runAll(h, store, 20, {
        onPage: ({ pages }) => {
          // Die once at the 3rd page and once at the 5th, each time before the checkpoint.
          if ((pages === 3 && killed === 0) || (pages === 5 && killed === 1)) {
            killed += 1;
            throw new Error('invocation killed');
          }
        },
      });
      expect(killed).toBe(2);
      expect(report.status).toBe('completed');
      expect(report.kinds.find((k) => k.kind === 'service')).toMatchObject({ fetched: 75, mapped: 75 });
      expect(await h.ids('service')).toHaveLength(75);
    });

    it('a handler without a cursor restarts from its first page and its counters are rolled back', async () => {
      const h = await setup({ cursor: false });
      const store = createMemoryCheckpointStore();
      await h.runner.resumable.begin(store);
      let killed = false;
      const { report } = await runAll(h, store, 5, {
        onPage: ({ pages }) => {
          if (pages === 4 && !killed) {
            killed = true;
            throw new Error('invocation killed');
          }
        },
      });
      expect(killed).toBe(true);
      expect(report.kinds.find((k) => k.kind === 'service')).toMatchObject({ fetched: 75, mapped: 75 });
      expect(report.status).toBe('completed');
    });

    it('stale entities are deleted once at the end; a failed kind means no deletion', async () => {
      const h = await setup();
      const store = createMemoryCheckpointStore();
      await h.runner.resumable.begin(store);
      expect((await runAll(h, store, 20)).report.status).toBe('completed');
      h.data.services.splice(70); // 5 services disappear upstream

      h.options.broken = true;
      await h.runner.resumable.begin(store);
      const failed = await runAll(h, store, 20);
      expect(failed.report.status).toBe('failed');
      expect(failed.report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'kind-errors' });
      expect(await h.ids('service')).toHaveLength(75);

      h.options.broken = false;
      await h.runner.resumable.begin(store);
      const ok = await runAll(h, store, 20);
      expect(ok.report.deletion, JSON.stringify(ok.report.deletion).slice(0, 600)).toMatchObject({ outcome: 'deleted', counts: { deleted: 5 } });
      expect(await h.ids('service')).toEqual(h.data.services.map((s) => s.id as string).sort());
    });

    it('a newer resync replaces a stored one: the old one never reconciles', async () => {
      const h = await setup();
      const store = createMemoryCheckpointStore();
      const first = await h.runner.resumable.begin(store);
      const step = await h.runner.resumable.step(store, { maxItems: 10, deadlineMs: Date.now() + 60_000 });
      expect(step).toMatchObject({ status: 'continue', resyncId: first });
      const second = await h.runner.resumable.begin(store);
      const { report } = await runAll(h, store, 20);
      expect(report.resyncId).toBe(second);
    });
  });
});
