import { describe, expect, it } from 'vitest';
import { eachNoOpSetting } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import type { RawItem } from '../integration/index.ts';
import { SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages, resource } from './test-harness.ts';

let t: TestEmulator;

const handle = () => ({ baseUrl: t.baseUrl, fetch: t.fetch });

eachNoOpSetting((e) => (t = e), () => {

  describe('relations and reconciliation order', () => {
    it('createMissingRelatedEntities=true keeps the stub a seen entity points at', async () => {
      const services = makeServices(12).map((s) => ({ ...s, team: 'team-z' }));
      const integration = defineIntegration({ kinds: { service: { resync: () => services } } });
      const h = await createHarness(handle(), { integration, mapping: { resources: [SERVICE_RESOURCE()] } });
      await h.runner.resync();
      const stub = (await h.entities('team')).find((e) => e.identifier === 'team-z');
      expect(stub?.datasource).toBe('port-ocean/fake/1.0.0/my-fake/exporter');

      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      expect(report.deletion.counts).toMatchObject({ candidates: 1, protected: 1, deleted: 0 });
      expect(report.deletion.rows).toEqual([
        expect.objectContaining({ blueprint: 'team', identifier: 'team-z', action: 'kept-related-target' }),
      ]);
      expect(await h.ids('team')).toEqual(['team-z']);
    });

    it('createMissingRelatedEntities=false retries failed upserts one at a time, targets first', async () => {
      const chain: RawItem[] = [
        { id: 'c3', name: 'C3', lang: 'go', team: 'team-a', deps: ['c2'] },
        { id: 'c2', name: 'C2', lang: 'go', team: 'team-a', deps: ['c1'] },
        { id: 'c1', name: 'C1', lang: 'go', team: 'team-a', deps: [] },
      ];
      const integration = defineIntegration({ kinds: { team: { resync: () => makeTeams() }, service: { resync: () => chain } } });
      const mapping = {
        createMissingRelatedEntities: false,
        resources: [TEAM_RESOURCE(), resource('service', 'service', { properties: { language: '.lang' }, relations: { owner: '.team', deps: '.deps' } })],
      };
      const h = await createHarness(handle(), { integration, mapping });
      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      expect(report.kinds[1]).toMatchObject({ upserted: 1, failed: 2 });
      expect(report.reingested).toBe(2);
      const singles = await h.requests({ method: 'POST', path: '/v1/blueprints/service/entities' });
      expect(singles.map((r) => [r.body.identifier, r.status])).toEqual([
        ['c2', 201],
        ['c3', 201],
      ]);
      expect(singles[0].query.create_missing_related_entities).toBe('false');
      expect(await h.ids('service')).toEqual(['c1', 'c2', 'c3']);
    });

    it('deleteDependentEntities=false deletes one id per call, referrers before what they reference', async () => {
      const data = {
        services: [
          ...makeServices(20),
          { id: 'c1', name: 'C1', lang: 'go', team: 'team-a', deps: [] },
          { id: 'c2', name: 'C2', lang: 'go', team: 'team-a', deps: ['c1'] },
          { id: 'c3', name: 'C3', lang: 'go', team: 'team-a', deps: ['c2'] },
        ] as RawItem[],
      };
      const integration = defineIntegration({
        kinds: { team: { resync: () => makeTeams() }, service: { resync: () => data.services.map((s) => ({ deps: [], ...s })) } },
      });
      const mapping = {
        deleteDependentEntities: false,
        resources: [TEAM_RESOURCE(), resource('service', 'service', { properties: { language: '.lang' }, relations: { owner: '.team', deps: '.deps' } })],
      };
      const h = await createHarness(handle(), { integration, mapping });
      await h.runner.resync();
      data.services = data.services.filter((s) => !String(s.id).startsWith('c'));
      await h.clearRequests();
      const report = await h.runner.resync();
      expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { candidates: 3, deleted: 3 } });
      const deletes = await h.requests({ method: 'POST', path: '/v1/blueprints/*/bulk/entities/delete' });
      expect(deletes.map((r) => r.body.entities)).toEqual([['c3'], ['c2'], ['c1']]);
      expect(deletes.every((r) => r.query.delete_dependents === 'false')).toBe(true);
    });
  });

  describe('lifecycle', () => {
    /** An integration whose `slow` kind blocks after its first page on the given call. */
    function gated(blockOnCall: number) {
      const data = { teams: makeTeams(), services: makeServices(30) };
      let calls = 0;
      let reached!: () => void;
      const blocked = new Promise<void>((resolve) => (reached = resolve));
      const integration = defineIntegration({
        kinds: {
          team: { resync: () => data.teams },
          slow: {
            async *resync() {
              calls += 1;
              yield [{ id: 'slow-1', name: 'Slow', lang: 'go', team: 'team-a' }];
              if (calls === blockOnCall) {
                reached();
                await new Promise(() => {}); // a vendor call that never answers
              }
            },
          },
          service: {
            async *resync() {
              for (const page of pages(data.services, 15)) yield page;
            },
          },
        },
      });
      return { data, integration, blocked };
    }
    const mapping = { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE('slow'), SERVICE_RESOURCE()] };

    it('a newer resync aborts the running one at its current kind; the old one deletes nothing and writes no state', async () => {
      const g = gated(2);
      const h = await createHarness(handle(), { integration: g.integration, mapping });
      expect((await h.runner.resync()).status).toBe('completed');
      g.data.services.splice(0, 3);
      await h.clearRequests();

      const first = h.runner.resync();
      await g.blocked;
      const second = h.runner.resync();
      const [a, b] = await Promise.all([first, second]);
      expect(a).toMatchObject({ status: 'aborted', abortReason: 'superseded', deletion: { outcome: 'skipped', skipReason: 'aborted' } });
      expect(a.kinds.map((k) => k.label)).toEqual(['team-0', 'slow-1']); // stopped at its current kind
      expect(b.status).toBe('completed');
      expect(b.deletion.counts.deleted).toBe(3);

      const log = await h.requests();
      const ofA = log.filter((r) => r.oceanInfo.resync_id === a.resyncId);
      expect(ofA.filter((r) => r.path.endsWith('/resync-state')).map((r) => r.body.status)).toEqual(['running']);
      expect(ofA.filter((r) => r.path.includes('/delete') || r.path.includes('datasource-entities'))).toHaveLength(0);
      // A wrote only the page its current kind had yielded; the later `service` resource never started.
      expect(ofA.filter((r) => r.path.endsWith('/entities/bulk')).flatMap((r) => r.body.entities.map((e: { identifier: string }) => e.identifier)).sort()).toEqual([
        'slow-1',
        'team-a',
        'team-b',
      ]);
      const states = log.filter((r) => r.path.endsWith('/resync-state')).map((r) => [r.oceanInfo.resync_id, r.body.status]);
      expect(states).toEqual([
        [a.resyncId, 'running'],
        [b.resyncId, 'running'],
        [b.resyncId, 'completed'],
      ]);
    });

    it('abort() at shutdown stops the resync and reports aborted', async () => {
      const g = gated(1);
      const h = await createHarness(handle(), { integration: g.integration, mapping });
      const running = h.runner.resync();
      await g.blocked;
      expect(h.runner.running).toBe(true);
      await h.runner.abort();
      const report = await running;
      expect(report).toMatchObject({ status: 'aborted', abortReason: 'shutdown' });
      const states = await h.requests({ method: 'PATCH', path: '/v1/integration/*/resync-state' });
      expect(states.map((r) => r.body.status)).toEqual(['running', 'aborted']);
      expect(await h.requests({ path: '/v1/blueprints/*/bulk/entities/delete' })).toHaveLength(0);
    });

    it('resync-state carries the schedule when scheduledResyncInterval is set', async () => {
      const integration = defineIntegration({ kinds: { team: { resync: () => makeTeams() } } });
      const h = await createHarness(handle(), { integration, mapping: { resources: [TEAM_RESOURCE()] }, settings: { scheduledResyncInterval: 30 } });
      await h.runner.resync();
      const states = await h.requests({ method: 'PATCH', path: '/v1/integration/*/resync-state' });
      expect(states.map((r) => r.body.intervalInMinuets)).toEqual([30, 30]);
      expect(states.every((r) => typeof r.body.nextResync === 'string')).toBe(true);
    });

    it('sends the first 5 raw items per kind, once, with secrets masked, even when the mapping of that kind fails', async () => {
      const token = `ghp_${'a'.repeat(36)}`;
      const services = makeServices(8).map((s, i) => ({
        ...s,
        token,
        url: `https://bob:hunter2@git.example.com/repo-${i}`,
        note: 'configured with super-secret-value here',
        nested: { key: 'AKIAABCDEFGHIJKLMNOP' },
      }));
      const integration = defineIntegration({
        kinds: {
          service: {
            async *resync() {
              for (const page of pages(services, 3)) yield page;
            },
          },
        },
      });
      const mapping = { resources: [SERVICE_RESOURCE('service', '.nope | not_a_function')] };
      const h = await createHarness(handle(), { integration, mapping, sensitiveValues: ['super-secret-value'] });
      const report = await h.runner.resync();
      expect(report.status).toBe('failed'); // the selector does not compile
      const posts = await h.requests({ method: 'POST', path: '/v1/integration/*/kinds/*/examples' });
      expect(posts).toHaveLength(1);
      const { examples } = await h.examples();
      expect(examples.service).toHaveLength(5);
      expect(examples.service.map((e: { id: string }) => e.id)).toEqual(['svc-01', 'svc-02', 'svc-03', 'svc-04', 'svc-05']);
      const text = JSON.stringify(examples.service);
      for (const secret of [token, 'hunter2', 'super-secret-value', 'AKIAABCDEFGHIJKLMNOP']) expect(text).not.toContain(secret);
      expect(examples.service[0]).toMatchObject({
        token: '[REDACTED]',
        url: 'https://[REDACTED]@git.example.com/repo-0',
        note: 'configured with [REDACTED] here',
        nested: { key: '[REDACTED]' },
      });
      // Nothing was written for the kind, and nothing was deleted.
      expect(await h.ids('service')).toEqual([]);
    });
  });
});
