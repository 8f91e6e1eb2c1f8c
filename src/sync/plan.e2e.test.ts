import { describe, expect, it } from 'vitest';
import { eachNoOpSetting } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import { SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages } from './test-harness.ts';

let t: TestEmulator;

eachNoOpSetting((e) => (t = e), () => {

  describe('plan()', () => {
    it('lists creates before a resync, only unchanged after it, and exactly the next resync’s updates and deletes after an upstream change', async () => {
      const data = { teams: makeTeams(), services: makeServices(30) };
      const integration = defineIntegration({
        kinds: {
          team: { resync: () => data.teams },
          service: {
            async *resync() {
              for (const page of pages(data.services, 15)) yield page;
            },
          },
        },
      });
      const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] } });

      const before = await h.plan();
      expect(before.status).toBe('ok');
      expect(before.blueprints.team.creates).toEqual(['team-a', 'team-b']);
      expect(before.blueprints.service.counts).toEqual({ creates: 30, updates: 0, unchanged: 0, unresolved: 0, deletes: 0 });
      expect(before.deletion.outcome).toBe('nothing-to-delete');
      // A plan writes nothing at all.
      const writes = (await h.requests()).filter((r) => r.method !== 'GET' && !r.path.includes('/search') && !r.path.includes('datasource-entities') && !r.path.startsWith('/v1/auth'));
      expect(writes).toEqual([]);

      await h.runner.resync();
      const after = await h.plan();
      expect(after.blueprints.team.counts).toEqual({ creates: 0, updates: 0, unchanged: 2, unresolved: 0, deletes: 0 });
      expect(after.blueprints.service.counts).toEqual({ creates: 0, updates: 0, unchanged: 30, unresolved: 0, deletes: 0 });

      data.services.splice(0, 3);
      data.services[5] = { ...data.services[5], lang: 'rust' };
      data.services[20] = { ...data.services[20], name: 'Renamed' };
      data.services.push({ id: 'svc-new', name: 'New', lang: 'go', team: 'team-a' });
      const planned = await h.plan();
      expect(planned.blueprints.service).toMatchObject({ creates: ['svc-new'], updates: ['svc-09', 'svc-24'], deletes: ['svc-01', 'svc-02', 'svc-03'] });
      expect(planned.deletion).toMatchObject({ outcome: 'planned', skipReason: 'dry-run', counts: { candidates: 3, deleted: 0 } });
      expect(await h.ids('service')).toHaveLength(30); // still nothing written

      await h.clearRequests();
      const report = await h.runner.resync();
      const sent = (await h.requests({ method: 'POST', path: '/v1/blueprints/service/entities/bulk' }))
        .flatMap((r) => r.body.entities.map((e: { identifier: string }) => e.identifier))
        .sort();
      expect(sent).toEqual(['svc-09', 'svc-24', 'svc-new']);
      const deleted = (await h.requests({ method: 'POST', path: '/v1/blueprints/*/bulk/entities/delete' })).flatMap((r) => r.body.entities).sort();
      expect(deleted).toEqual(planned.blueprints.service.deletes);
      expect(report.deletion.counts.deleted).toBe(3);
    });

    it('reports a guard the resync would hit instead of planning deletions', async () => {
      const data = { services: makeServices(20) };
      const integration = defineIntegration({ kinds: { service: { resync: () => data.services } } });
      const h = await createHarness(
        { baseUrl: t.baseUrl, fetch: t.fetch },
        { integration, mapping: { entityDeletionThreshold: 0.1, resources: [SERVICE_RESOURCE()] } },
      );
      await h.runner.resync();
      data.services.splice(0, 10);
      const plan = await h.plan();
      // 10 services plus the 2 stub teams Port created for `owner`: the rate is computed before protection.
      expect(plan.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'threshold-exceeded', counts: { owned: 22, candidates: 12 } });
      expect(plan.blueprints.service.deletes).toEqual([]);
    });
  });
});
