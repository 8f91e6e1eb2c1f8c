/**
 * Deletions and what depends on them (docs/behaviour.md §4.9 step 9, §4.10): with
 * `deleteDependentEntities: true`, Port's cascade would also delete entities this integration does not
 * own, so a candidate that another integration's entity (or one made in the UI) depends on is kept; what
 * the cascade does remove is listed in the report. A resync stopped during its delete phase still
 * reports every deletion it made.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eachNoOpSetting, startEmulator } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import type { RawItem } from '../integration/index.ts';
import { OWN_DATASOURCE, SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, resource } from './test-harness.ts';

const OTHER_INTEGRATION = 'port-ocean/other/1.0.0/someone-else/exporter';

let t: TestEmulator;
eachNoOpSetting((e) => (t = e), () => {
  describe('deleting with dependents', () => {
    function integrationFor(data: { teams: RawItem[]; services: RawItem[] }) {
      return defineIntegration({ kinds: { team: { resync: () => data.teams }, service: { resync: () => data.services } } });
    }
    const SERVICES_WITH_DEPS = resource('service', 'service', { properties: { language: '.lang' }, relations: { owner: '.team', deps: '.deps // []' } });

    it('keeps a stale entity that another integration’s or a UI-made entity depends on, and names them', async () => {
      const data = { teams: [...makeTeams(), { id: 'team-x', name: 'Team X', size: 1 }], services: makeServices(12) };
      const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data), mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] } });
      await h.runner.resync();
      await h.seed({
        entities: [
          { blueprint: 'service', identifier: 'foreign-1', datasource: OTHER_INTEGRATION, relations: { owner: 'team-x' } },
          { blueprint: 'service', identifier: 'ui-1', datasource: null, relations: { owner: 'team-x' } },
        ],
      });
      data.teams = makeTeams();
      const report = await h.runner.resync();
      expect(report.deletion).toMatchObject({ counts: { candidates: 1, deleted: 0, cascaded: 0 } });
      const row = report.deletion.rows.find((r) => r.identifier === 'team-x');
      expect(row).toMatchObject({ blueprint: 'team', action: 'kept-foreign-dependents' });
      expect(row?.dependents).toEqual([
        { blueprint: 'service', identifier: 'foreign-1' },
        { blueprint: 'service', identifier: 'ui-1' },
      ]);
      expect(await h.ids('team')).toContain('team-x');
      expect(await h.ids('service')).toEqual(expect.arrayContaining(['foreign-1', 'ui-1']));
      expect(await h.requests({ path: '/v1/blueprints/team/bulk/entities/delete' })).toHaveLength(0);
    });

    it('lets the cascade remove what this integration owns, lists each such entity, and keeps a candidate with a foreign dependent further down', async () => {
      const data = {
        teams: [...makeTeams(), { id: 'team-z', name: 'Team Z', size: 1 }, { id: 'team-w', name: 'Team W', size: 1 }],
        services: [...makeServices(12), { id: 'svc-z', name: 'Z', lang: 'go', team: 'team-z' }, { id: 'svc-w', name: 'W', lang: 'go', team: 'team-w' }] as RawItem[],
      };
      const mapping = { createMissingRelatedEntities: false, resources: [TEAM_RESOURCE(), SERVICES_WITH_DEPS] };
      const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data), mapping });
      await h.runner.resync();
      // Another integration's service depends on svc-w, which depends on team-w.
      await h.seed({ entities: [{ blueprint: 'service', identifier: 'foreign-2', datasource: OTHER_INTEGRATION, relations: { deps: ['svc-w'] } }] });
      data.teams = makeTeams(); // team-z and team-w are gone upstream; svc-z and svc-w still point at them
      const report = await h.runner.resync();
      expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { candidates: 2, deleted: 1, cascaded: 1 } });
      const rows = Object.fromEntries(report.deletion.rows.map((r) => [`${r.blueprint}/${r.identifier}`, r]));
      expect(rows['team/team-z']).toMatchObject({ action: 'deleted' });
      expect(rows['service/svc-z']).toMatchObject({ action: 'deleted-by-cascade' });
      expect(rows['service/svc-z'].reason).toContain('team/team-z');
      expect(rows['team/team-w']).toMatchObject({ action: 'kept-foreign-dependents', dependents: [{ blueprint: 'service', identifier: 'foreign-2' }] });
      expect(await h.ids('team')).toEqual(['team-a', 'team-b', 'team-w']);
      expect(await h.ids('service')).not.toContain('svc-z');
      expect(await h.ids('service')).toEqual(expect.arrayContaining(['svc-w', 'foreign-2']));
    });

    it('deletes nothing it could not check for dependents', async () => {
      const data = { teams: [...makeTeams(), { id: 'team-x', name: 'Team X', size: 1 }], services: makeServices(12) };
      const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data), mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] } });
      await h.runner.resync();
      data.teams = makeTeams();
      await h.admin('POST', '/faults', { match: { method: 'POST', path: '/v1/entities/search' }, times: -1, action: { type: 'status', status: 500 } });
      const report = await h.runner.resync();
      expect(report.deletion.counts).toMatchObject({ candidates: 1, deleted: 0 });
      expect(report.deletion.rows[0]).toMatchObject({ identifier: 'team-x', action: 'not-deleted' });
      expect(report.deletion.rows[0].reason).toContain('could not look up the entities that depend on it');
      expect(await h.ids('team')).toContain('team-x');
    });
  });
});

describe('a resync stopped during its delete phase', () => {
  let t: TestEmulator;
  beforeEach(async () => {
    t = await startEmulator();
  });
  afterEach(async () => {
    await t.close();
  });

  it.each(['superseded', 'shutdown'] as const)('%s: the report lists every deletion already made', async (how) => {
    const data = { teams: makeTeams(), services: [] as RawItem[] };
    let deletes = 0;
    let stopped: Promise<unknown> | undefined;
    const h = await createHarness(
      { baseUrl: t.baseUrl, fetch: t.fetch },
      {
        integration: defineIntegration({ kinds: { team: { resync: () => data.teams }, service: { resync: () => data.services } } }),
        mapping: { entityDeletionThreshold: 1, resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] },
        observe(method, path) {
          if (method !== 'POST' || !path.endsWith('/bulk/entities/delete')) return;
          deletes += 1;
          if (deletes === 10) stopped = how === 'superseded' ? h.runner.resync() : h.runner.abort();
        },
      },
    );
    await h.seed({
      entities: Array.from({ length: 2000 }, (_, i) => ({ blueprint: 'service', identifier: `old-${String(i).padStart(4, '0')}`, datasource: OWN_DATASOURCE })),
    });
    const report = await h.runner.resync();
    await stopped;
    expect(report.status).toBe('aborted');
    // What Port answered to this resync's own delete calls (a superseding resync deletes the rest later).
    const own = (await h.requests({ method: 'POST', path: '/v1/blueprints/service/bulk/entities/delete' })).filter((r) => r.oceanInfo.resync_id === report.resyncId);
    expect(own.flatMap((r) => r.response.deletedEntities)).toHaveLength(1000);
    expect(report.deletion).toMatchObject({ outcome: 'deleted', skipReason: 'aborted', counts: { candidates: 2000, deleted: 1000 } });
    expect(report.deletion.deletedByBlueprint).toEqual({ service: 1000 });
    expect(report.deletion.rows.length + report.deletion.rowsOmitted).toBe(2000);
    expect(report.deletion.rows[0]).toMatchObject({ action: 'deleted' });
    const line = h.logger.records.find((r) => r.message.startsWith('resync aborted'));
    expect(line?.message).toContain('1000 deleted before it stopped');
  });
});
