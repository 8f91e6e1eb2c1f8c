/**
 * The deletion threshold's denominator (docs/behaviour.md §4.9 step 7): `ownedAtStart` counts what the
 * integration owned when the resync started, the entities this resync wrote again included, so a
 * catalog whose entities change on every run (or arrive in pages of 10 or fewer, which are always sent)
 * is not taken for one that lost everything. `plan` and the resync agree on it. Every case runs under
 * both `noOpUpdatedAt` settings of the emulator (docs/port-api.md §15.3).
 */
import { describe, expect, it } from 'vitest';
import { eachNoOpSetting } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import { SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages } from './test-harness.ts';

let t: TestEmulator;
eachNoOpSetting((e) => (t = e), () => {
  describe('the deletion threshold', () => {
    /**
     * `count` services in pages of `pageSize`, plus two teams. With `churn`, every service's language
     * changes on every run, so the skip-unchanged diff sends all of them again.
     */
    async function catalog(o: { count: number; pageSize: number; churn: boolean }) {
      const data = { run: 0, services: makeServices(o.count) };
      const integration = defineIntegration({
        kinds: {
          team: { resync: () => makeTeams() },
          service: {
            async *resync() {
              data.run += 1;
              const current = o.churn ? data.services.map((s) => ({ ...s, lang: `rev-${data.run}` })) : data.services;
              for (const page of pages(current, o.pageSize)) yield page;
            },
          },
        },
      });
      const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] } });
      const first = await h.runner.resync();
      expect(first.deletion.outcome).toBe('nothing-to-delete');
      return { h, data };
    }

    it('a catalog that changes on every run and shrinks by 5% loses exactly those entities; plan said the same', async () => {
      const { h, data } = await catalog({ count: 100, pageSize: 25, churn: true });
      data.services.splice(0, 5);
      const plan = await h.plan();
      const report = await h.runner.resync();
      expect(report.kinds[1]).toMatchObject({ upserted: 95, unchanged: 0 });
      expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { owned: 102, candidates: 5, deleted: 5 } });
      expect(report.deletion.rate).toBeCloseTo(5 / 102);
      expect(plan.deletion).toMatchObject({ outcome: 'planned', counts: { owned: 102, candidates: 5 } });
      expect(plan.deletion.rate).toBe(report.deletion.rate);
      expect(await h.ids('service')).toEqual(makeServices(100).slice(5).map((s) => s.id).sort());
    });

    it('a catalog that changes on every run and shrinks by 95% is kept whole: the rate is above the threshold', async () => {
      const { h, data } = await catalog({ count: 100, pageSize: 25, churn: true });
      data.services.splice(0, 95);
      const plan = await h.plan();
      const report = await h.runner.resync();
      expect(report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'threshold-exceeded', counts: { owned: 102, candidates: 95, deleted: 0 } });
      expect(report.deletion.rate).toBeCloseTo(95 / 102);
      expect(plan.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'threshold-exceeded', counts: { owned: 102, candidates: 95 } });
      expect(plan.deletion.rate).toBe(report.deletion.rate);
      expect(await h.ids('service')).toHaveLength(100);
    });

    it('pages of 10 or fewer (always sent, never diffed) still count as owned: a 5% shrink deletes', async () => {
      const { h, data } = await catalog({ count: 40, pageSize: 10, churn: false });
      data.services.splice(0, 2);
      const plan = await h.plan();
      const report = await h.runner.resync();
      expect(report.kinds[1]).toMatchObject({ upserted: 38, unchanged: 0 });
      expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { owned: 42, candidates: 2, deleted: 2 } });
      expect(plan.deletion).toMatchObject({ counts: { owned: 42, candidates: 2 } });
      expect(plan.deletion.rate).toBe(report.deletion.rate);
      expect(await h.ids('service')).toHaveLength(38);
    });

    it('an entity produced twice in one resync counts once, and one created by this resync not at all', async () => {
      const { h, data } = await catalog({ count: 20, pageSize: 20, churn: true });
      // The same 20 services again through a second resource, and 3 new ones.
      await h.setMapping({ resources: [TEAM_RESOURCE(), SERVICE_RESOURCE(), SERVICE_RESOURCE()] });
      data.services.push(...makeServices(23).slice(20));
      data.services.splice(0, 1);
      const report = await h.runner.resync();
      expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { owned: 22, candidates: 1, deleted: 1 } });
    });
  });
});
