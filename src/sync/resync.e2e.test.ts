import { describe, expect, it } from 'vitest';
import { eachNoOpSetting } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import type { RawItem } from '../integration/index.ts';
import {
  IDENTIFIER,
  OWN_DATASOURCE,
  SERVICE_RESOURCE,
  TEAM_RESOURCE,
  createHarness,
  makeServices,
  makeTeams,
  pages,
} from './test-harness.ts';

let t: TestEmulator;

/** Upstream data the test integration serves; tests change it between resyncs. */
function upstream() {
  return { teams: makeTeams(), services: makeServices(30) };
}

function integrationFor(data: { teams: RawItem[]; services: RawItem[] }) {
  return defineIntegration({
    type: 'fake',
    version: '1.0.0',
    kinds: {
      team: { resync: () => data.teams },
      service: {
        async *resync() {
          for (const page of pages(data.services, 15)) yield page;
        },
      },
      broken: {
        resync() {
          throw new Error('vendor is down');
        },
      },
      flaky: {
        async *resync() {
          yield [{ id: 'flaky-1', name: 'Flaky 1', lang: 'go', team: 'team-a' }];
          throw new Error('page 2 failed');
        },
      },
    },
  });
}

const MAPPING = { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] };

async function setup(mapping: Record<string, unknown> = MAPPING, extra: Partial<Parameters<typeof createHarness>[1]> = {}) {
  const data = upstream();
  const h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration: integrationFor(data), mapping, ...extra });
  return { ...h, data };
}

eachNoOpSetting((e) => (t = e), () => {

  describe('resync against the emulator', () => {
    it('first resync creates everything, owned by this integration, and reports running → completed', async () => {
      const h = await setup();
      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      expect(await h.ids('team')).toEqual(['team-a', 'team-b']);
      expect(await h.ids('service')).toHaveLength(30);
      const rows = await h.entities('service');
      expect(new Set(rows.map((r) => r.datasource))).toEqual(new Set([OWN_DATASOURCE]));
      const svc = rows.find((r) => r.identifier === 'svc-01');
      expect(svc).toMatchObject({ title: 'Service 01', properties: { language: 'go' }, relations: { owner: 'team-a' } });

      expect(report.kinds.map((k) => [k.label, k.fetched, k.mapped, k.upserted, k.unchanged, k.failed, k.errors.length])).toEqual([
        ['team-0', 2, 2, 2, 0, 0, 0],
        ['service-1', 30, 30, 30, 0, 0, 0],
      ]);
      expect(report.deletion).toMatchObject({ outcome: 'nothing-to-delete', counts: { seen: 32, candidates: 0 } });

      const states = await h.requests({ method: 'PATCH', path: '/v1/integration/*/resync-state' });
      expect(states.map((r) => r.body.status)).toEqual(['running', 'completed']);
      expect(states[0].body).toMatchObject({ lastResyncEnd: null, nextResync: null, intervalInMinuets: null });
      expect(typeof states[0].body.lastResyncStart).toBe('string');
      expect(states[1].body).toMatchObject({ intervalInMinuets: null });
      // Every Port call of the resync carries the event.
      const writes = await h.requests({ path: '/v1/blueprints/**' });
      expect(writes.length).toBeGreaterThan(0);
      for (const w of writes) expect(w.oceanInfo).toEqual({ event_type: 'resync', resync_id: report.resyncId });
    });

    it('resources run strictly in mapping order', async () => {
      const h = await setup({ resources: [SERVICE_RESOURCE(), TEAM_RESOURCE()] });
      await h.runner.resync();
      const bulks = await h.requests({ method: 'POST', path: '/v1/blueprints/*/entities/bulk' });
      const lastService = Math.max(...bulks.filter((r) => r.path.includes('/service/')).map((r) => r.seq));
      const firstTeam = Math.min(...bulks.filter((r) => r.path.includes('/team/')).map((r) => r.seq));
      expect(lastService).toBeLessThan(firstTeam);
    });

    it('a second identical resync sends no bulk upsert for unchanged batches of more than 10', async () => {
      const h = await setup();
      await h.runner.resync();
      await h.clearRequests();
      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      expect(await h.requests({ method: 'POST', path: '/v1/blueprints/service/entities/bulk' })).toHaveLength(0);
      // Two teams form a batch of ≤ 10: always sent (§4.5).
      expect(await h.requests({ method: 'POST', path: '/v1/blueprints/team/entities/bulk' })).toHaveLength(1);
      const lookups = await h.requests({ method: 'POST', path: '/v1/entities/search' });
      expect(lookups).toHaveLength(2); // two pages of 15, one chunk each
      expect(lookups[0].query.exclude_calculated_properties).toBe('true');
      expect(lookups[0].query.include).toEqual(expect.arrayContaining(['identifier', 'title', 'properties.language', 'relations.owner']));
      expect(report.kinds[1]).toMatchObject({ upserted: 0, unchanged: 30 });
      expect(report.deletion.outcome).toBe('nothing-to-delete');
    });

    it('a changed entity in a large batch is the only one sent', async () => {
      const h = await setup();
      await h.runner.resync();
      h.data.services[3] = { ...h.data.services[3], lang: 'rust' };
      await h.clearRequests();
      const report = await h.runner.resync();
      const bulks = await h.requests({ method: 'POST', path: '/v1/blueprints/service/entities/bulk' });
      expect(bulks.flatMap((b) => b.body.entities.map((e: { identifier: string }) => e.identifier))).toEqual(['svc-04']);
      expect(report.kinds[1]).toMatchObject({ upserted: 1, unchanged: 29 });
    });

    it('items removed upstream are deleted, exactly those, and the report lists them', async () => {
      const h = await setup();
      await h.runner.resync();
      h.data.services.splice(0, 3);
      await h.clearRequests();
      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      expect(await h.ids('service')).toEqual(makeServices(30).slice(3).map((s) => s.id));
      const deletes = await h.requests({ method: 'POST', path: '/v1/blueprints/*/bulk/entities/delete' });
      expect(deletes).toHaveLength(1);
      expect(deletes[0].query.delete_dependents).toBe('true');
      expect(deletes[0].body.entities.sort()).toEqual(['svc-01', 'svc-02', 'svc-03']);
      // Owned at the start: the 30 services and the 2 teams (rewritten, as batches of ≤ 10 always are).
      expect(report.deletion).toMatchObject({ outcome: 'deleted', counts: { owned: 32, candidates: 3, deleted: 3, failed: 0, protected: 0 } });
      expect(report.deletion.deletedByBlueprint).toEqual({ service: 3 });
      expect(report.deletion.rows.map((r) => [r.identifier, r.action]).sort()).toEqual([
        ['svc-01', 'deleted'],
        ['svc-02', 'deleted'],
        ['svc-03', 'deleted'],
      ]);
      const owned = await h.requests({ method: 'POST', path: '/v1/blueprints/entities/datasource-entities' });
      expect(owned[0].body).toMatchObject({ datasource_prefix: 'port-ocean/fake/', datasource_suffix: `/${IDENTIFIER}/exporter`, limit: 5000 });
      // Port's clock and this host's agree (the emulator's Date header): `before` is the resync's start.
      expect(owned[0].body.before).toBe(report.startedAt);
    });

    it.each([
      ['a kind whose handler throws', 'broken'],
      ['a kind whose page 2 throws', 'flaky'],
    ])('%s: zero deletions and the resync fails', async (_, kind) => {
      const h = await setup();
      await h.runner.resync();
      h.data.services.splice(0, 3);
      await h.setMapping({ resources: [TEAM_RESOURCE(), SERVICE_RESOURCE(), SERVICE_RESOURCE(kind)] });
      await h.clearRequests();
      const report = await h.runner.resync();
      expect(report.status).toBe('failed');
      expect(report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'kind-errors' });
      expect(Object.keys(report.deletion.kindErrors ?? {})).toEqual([`${kind}-2`]);
      expect(await h.requests({ path: '/v1/blueprints/*/bulk/entities/delete' })).toHaveLength(0);
      expect(await h.ids('service')).toContain('svc-01');
      if (kind === 'flaky') expect(await h.ids('service')).toContain('flaky-1'); // the first page stays upserted
      const states = await h.requests({ method: 'PATCH', path: '/v1/integration/*/resync-state' });
      expect(states.map((r) => r.body.status)).toEqual(['running', 'failed']);
    });

    it('a selector error means zero deletions', async () => {
      const h = await setup();
      await h.runner.resync();
      h.data.services.splice(0, 3);
      await h.setMapping({ resources: [TEAM_RESOURCE(), SERVICE_RESOURCE('service', 'if .id == "svc-10" then "yes" else true end')] });
      const report = await h.runner.resync();
      expect(report.status).toBe('failed');
      expect(report.deletion.skipReason).toBe('kind-errors');
      expect(report.kinds[1].errors[0]).toContain('selector must return a boolean');
      expect(await h.ids('service')).toContain('svc-01');
    });

    it('a deletion rate above the threshold deletes nothing, completes and says so', async () => {
      const h = await setup({ entityDeletionThreshold: 0.5, resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] });
      await h.runner.resync();
      h.data.services.splice(0, 20);
      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      // The 10 remaining services and the teams are rewritten (batches of ≤ 10 are always sent), so they
      // are newer than the resync's start and outside the owned snapshot, yet still owned at the start
      // (§4.9 step 7): 20 of 32.
      expect(report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'threshold-exceeded', threshold: 0.5, counts: { owned: 32, candidates: 20, deleted: 0 } });
      expect(report.deletion.rate).toBeCloseTo(20 / 32);
      expect(report.deletion.rows.every((r) => r.action === 'not-deleted' && r.reason.includes('entityDeletionThreshold'))).toBe(true);
      expect(await h.ids('service')).toHaveLength(30);
    });

    it('never touches entities owned by another integration', async () => {
      const h = await setup();
      await h.seed({
        entities: [
          { blueprint: 'service', identifier: 'foreign-1', datasource: 'port-ocean/fake/1.0.0/other-fake/exporter' },
          { blueprint: 'service', identifier: 'foreign-2', datasource: 'port-ocean/other/1.0.0/my-fake/exporter' },
          { blueprint: 'service', identifier: 'foreign-3', datasource: `port-ocean/fake/1.0.0/${IDENTIFIER}/gitops` },
          { blueprint: 'team', identifier: 'ui-team', datasource: null },
        ],
      });
      await h.runner.resync();
      h.data.services.splice(0, 3);
      const report = await h.runner.resync();
      expect(report.deletion.counts).toMatchObject({ owned: 32, candidates: 3, deleted: 3 });
      expect(await h.ids('service')).toEqual(expect.arrayContaining(['foreign-1', 'foreign-2', 'foreign-3']));
      expect(await h.ids('team')).toContain('ui-team');
      const touched = (await h.requests({ path: '/v1/blueprints/**' })).filter((r) => JSON.stringify(r.body ?? '').includes('foreign'));
      expect(touched).toHaveLength(0);
    });

    it('resources: [] completes without any upsert or delete', async () => {
      const h = await setup();
      await h.runner.resync();
      await h.setMapping({ resources: [] });
      await h.clearRequests();
      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      expect(report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'empty-mapping' });
      expect(await h.requests({ path: '/v1/blueprints/**' })).toHaveLength(0);
      expect(await h.ids('service')).toHaveLength(30);
    });

    it('an empty mapping fails the resync with nothing written', async () => {
      const h = await setup({});
      const report = await h.runner.resync();
      expect(report.status).toBe('failed');
      expect(report.errors[0]).toContain('empty mapping');
      expect(await h.requests({ path: '/v1/blueprints/**' })).toHaveLength(0);
      expect(await h.requests({ path: '/v1/integration/*/kinds/**' })).toHaveLength(0);
      const states = await h.requests({ method: 'PATCH', path: '/v1/integration/*/resync-state' });
      expect(states.map((r) => r.body.status)).toEqual(['running', 'failed']);
    });

    it('a snapshot that cannot be read means zero deletions and a failed resync', async () => {
      const h = await setup();
      await h.runner.resync();
      h.data.services.splice(0, 3);
      await h.admin('POST', '/faults', {
        match: { method: 'POST', path: '/v1/blueprints/entities/datasource-entities' },
        times: -1,
        action: { type: 'status', status: 500 },
      });
      const report = await h.runner.resync();
      expect(report.status).toBe('failed');
      expect(report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'previous-state-unknown' });
      expect(await h.ids('service')).toHaveLength(30);
    });

    it('an entity whose upsert failed stays seen: not deleted, while other deletions proceed', async () => {
      const h = await setup();
      await h.runner.resync();
      h.data.services.splice(0, 2); // svc-01, svc-02 removed upstream
      for (const s of h.data.services) s.lang = 'rust'; // every service changes, so every one is sent
      await h.admin('POST', '/faults', {
        match: { method: 'POST', path: '/v1/blueprints/service/entities/bulk' },
        times: 1,
        action: { type: 'partial', indexes: [0], statusCode: 422, error: 'blueprint_schema_mismatch' },
      });
      const report = await h.runner.resync();
      expect(report.status).toBe('completed');
      expect(report.kinds[1]).toMatchObject({ failed: 1, upserted: 27 });
      expect(report.deletion.counts).toMatchObject({ candidates: 2, deleted: 2 });
      const failedOne = (await h.entities('service')).find((e) => e.identifier === 'svc-03');
      expect(failedOne?.properties.language).toBe('go'); // not updated, and not deleted
    });

    it('onResyncStart: an HTTP error continues without deletions (failed); another error runs no kind', async () => {
      for (const [error, kindsRun] of [
        [Object.assign(new Error('vendor 503'), { name: 'HttpError' }), 2],
        [new Error('bad setup'), 0],
      ] as const) {
        const data = upstream();
        const h = await createHarness(
          { baseUrl: t.baseUrl, fetch: t.fetch },
          {
            integration: { ...integrationFor(data), onResyncStart: () => Promise.reject(error) },
            mapping: MAPPING,
          },
        );
        const report = await h.runner.resync();
        expect(report.status).toBe('failed');
        expect(report.kinds).toHaveLength(kindsRun);
        expect(report.deletion.skipReason).toBe(kindsRun ? 'previous-state-unknown' : 'resync-error');
        await t.admin('POST', '/reset');
      }
    });
  });
});
