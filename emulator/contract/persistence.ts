import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_BLUEPRINT, TEAM_BLUEPRINT, createBlueprints, startEmulator, type Transport } from '../test-helpers.ts';

/**
 * A file database survives a restart: blueprints, entities (with `$datasource`), integrations, migrations, stamps,
 * and actions, runs, cursors and provision-enabled.
 */
const UA = 'port-ocean/jira/0.3.1/my-jira/exporter';

/** Persistence with a file database, run by emulator/contract.test.ts over each transport. */
export function persistence(transport: Transport): void {
  describe('persistence with a file database', () => {
    let dir: string;
    let db: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'tide-emulator-'));
      db = join(dir, 'port.sqlite');
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads back everything written before a restart, and keeps stamps increasing', async () => {
      const first = await startEmulator({ transport, db });
      await createBlueprints(first, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
      const headers = { 'user-agent': UA };
      await first.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true&create_missing_related_entities=true', {
        entities: [
          { identifier: 'svc-a', title: 'A', properties: { language: 'go', tags: ['x'] }, relations: { owner: 't1', deps: ['svc-b'] } },
          { identifier: 'a/b:c', properties: { replicas: 2 } },
        ],
      }, { headers });
      const integration = await first.call('POST', '/v1/integration', { installationId: 'my-jira', installationAppType: 'jira', version: '0.3.1' });
      expect(integration.status).toBe(201);
      const migration = await first.call('DELETE', '/v1/blueprints/team/all-entities?delete_blueprint=false');
      // t1 was a stub; deleting all teams cascades to svc-a, so write them again
      expect(migration.status).toBe(200);
      await first.call('POST', '/v1/blueprints/service/entities?upsert=true&create_missing_related_entities=true', {
        identifier: 'svc-a', title: 'A', properties: { language: 'go', tags: ['x'] }, relations: { owner: 't1', deps: ['svc-b'] },
      }, { headers });

      // Stamps issued while the clock ran an hour ahead must still be exceeded after the restart.
      await first.admin('POST', '/clock', { advanceSeconds: 3600 });
      const lastBefore = await first.call('PATCH', '/v1/blueprints/service', { description: 'ahead' });
      const entityAhead = await first.call('PATCH', '/v1/blueprints/service/entities/svc-a', { icon: 'Go' }, { headers });
      expect(entityAhead.status).toBe(200);

      const blueprints = (await first.call('GET', '/v1/blueprints')).body.blueprints;
      const entities = (await first.call('GET', '/v1/blueprints/service/entities')).body.entities;
      const teams = (await first.call('GET', '/v1/blueprints/team/entities')).body.entities;
      const rows = (await first.admin('GET', '/entities')).body.entities;
      const storedIntegration = (await first.call('GET', '/v1/integration/my-jira')).body.integration;
      const token = await first.token();
      await first.close();

      const second = await startEmulator({ transport, db });
      try {
        expect((await second.call('GET', '/v1/blueprints')).body.blueprints).toEqual(blueprints);
        expect((await second.call('GET', '/v1/blueprints/service/entities')).body.entities).toEqual(entities);
        expect((await second.call('GET', '/v1/blueprints/team/entities')).body.entities).toEqual(teams);
        expect((await second.call('GET', `/v1/blueprints/service/entities/${encodeURIComponent('a/b:c')}`)).body.entity.properties.replicas).toBe(2);
        const rowsAfter = (await second.admin('GET', '/entities')).body.entities;
        expect(rowsAfter).toEqual(rows);
        expect(rowsAfter.every((r: { datasource: string }) => r.datasource === UA)).toBe(true);
        expect((await second.call('GET', '/v1/integration/my-jira')).body.integration).toEqual(storedIntegration);
        const m = await second.call('GET', `/v1/migrations/${encodeURIComponent(migration.body.migrationId)}`);
        expect(m.body.migration).toMatchObject({ status: 'COMPLETED', sourceBlueprint: 'team' });
        // the token issued before the restart is still valid
        expect((await second.call('GET', '/v1/blueprints', undefined, { token })).status).toBe(200);
        const owned = await second.call('POST', '/v1/blueprints/entities/datasource-entities', {
          datasource_prefix: 'port-ocean/jira/', datasource_suffix: '/my-jira/exporter', limit: 100,
        });
        expect(owned.body.entities.map((e: { identifier: string }) => e.identifier).sort()).toEqual(['a/b:c', 'svc-a', 'svc-b', 't1']);

        // The new instance's clock is an hour behind the stored stamps; new stamps still sort after them.
        const entityAfter = await second.call('PATCH', '/v1/blueprints/service/entities/svc-a', { title: 'again' }, { headers });
        // Entity stamps never go backwards (they may tie: see Clock.entityStamp).
        expect(entityAfter.body.entity.updatedAt >= entityAhead.body.entity.updatedAt).toBe(true);
        const created = await second.call('POST', '/v1/blueprints/team/entities?upsert=true', { identifier: 't9' });
        expect(created.body.entity.updatedAt >= entityAfter.body.entity.updatedAt).toBe(true);
        const bpAfter = await second.call('PATCH', '/v1/blueprints/service', { description: 'after' });
        expect(bpAfter.body.blueprint.updatedAt > lastBefore.body.blueprint.updatedAt).toBe(true);
        const resync = await second.call('PATCH', '/v1/integration/my-jira', { version: '0.3.2' });
        expect(resync.body.integration.updatedAt > storedIntegration.updatedAt).toBe(true);
      } finally {
        await second.close();
      }
    });

    const claim = (t: Awaited<ReturnType<typeof startEmulator>>, path: string) =>
      t.call('POST', path, { installationId: 'my-github', limit: 10, visibilityTimeoutMs: 600_000 });

    it('runs, actions, cursors and provision-enabled survive a restart: pending, claimed and ended runs with logs and history, actions, cursors, provision-enabled', async () => {
      const first = await startEmulator({ transport, db });
      await first.call('POST', '/v1/integration', { installationId: 'my-github', installationAppType: 'github', version: '1' });
      await first.call('POST', '/v1/integration/my-github/cursor?kind=issue&index=0', { primary: '2026-05-01T10:00:00.000Z' });
      await first.admin('PUT', '/provision-enabled', { integrations: ['github'] });
      await first.call('POST', '/v1/actions', {
        identifier: 'echo', trigger: {}, invocationMethod: { type: 'INTEGRATION_ACTION', installationId: 'my-github', integrationActionType: 'fake_echo' },
      });
      const ended = (await first.call('POST', '/v1/actions/echo/runs', { properties: { message: 'hi' } })).body.run;
      const claimed = (await first.admin('POST', '/actions/runs', { installationId: 'my-github', type: 'fake_echo' })).body.run;
      const node = (await first.admin('POST', '/workflow-node-runs', { installationId: 'my-github', type: 'fake_echo' })).body.nodeRun;
      expect((await claim(first, '/v1/actions/runs/claim-pending')).body.runs.map((r: { id: string }) => r.id)).toEqual([ended.id, claimed.id]);
      await first.call('PATCH', '/v1/actions/runs/ack', { runId: ended.id });
      await first.call('POST', `/v1/actions/runs/${ended.id}/logs`, { message: 'echo: hi', terminationStatus: 'SUCCESS' });
      await first.call('POST', `/v1/workflows/nodes/runs/${node.identifier}/logs`, { logs: [{ level: 'INFO', message: 'queued' }] });
      // A run stamped while the clock ran an hour ahead: stamps after the restart must still sort after it.
      await first.admin('POST', '/clock', { advanceSeconds: 3600 });
      await first.admin('POST', '/actions/runs', { installationId: 'elsewhere', type: 'fake_echo' });
      const runsBefore = (await first.admin('GET', '/runs')).body.runs;
      const detailBefore = (await first.admin('GET', `/runs/${ended.id}`)).body.run;
      const snapshotBefore = (await first.admin('GET', '/snapshot')).body.snapshot;
      await first.close();

      const second = await startEmulator({ transport, db });
      try {
        expect((await second.admin('GET', '/runs')).body.runs).toEqual(runsBefore);
        expect((await second.admin('GET', `/runs/${ended.id}`)).body.run).toEqual(detailBefore);
        expect((await second.call('GET', `/v1/actions/runs/${ended.id}/logs`)).body.runLogs.map((l: { message: string }) => l.message)).toEqual(['echo: hi']);
        expect((await second.call('GET', '/v1/actions/echo')).body.action.invocationMethod.integrationActionType).toBe('fake_echo');
        expect((await second.call('GET', '/v1/integration/my-github/cursor?kind=issue&index=0')).body.cursor.primary).toBe('2026-05-01T10:00:00.000Z');
        expect((await second.call('GET', '/v1/integration/provision-enabled')).body.integrations).toEqual(['github']);
        // The unacknowledged claim still hides its run; the node run is still claimable; the ended run never is.
        expect((await claim(second, '/v1/actions/runs/claim-pending')).body.runs).toEqual([]);
        expect((await claim(second, '/v1/workflows/runs/claim-pending')).body.nodeRuns.map((r: { identifier: string }) => r.identifier)).toEqual([node.identifier]);
        await second.admin('POST', '/clock', { advanceSeconds: 601 });
        expect((await claim(second, '/v1/actions/runs/claim-pending')).body.runs.map((r: { id: string }) => r.id)).toEqual([claimed.id]);
        const later = (await second.admin('POST', '/actions/runs', { installationId: 'my-github', type: 'fake_echo' })).body.run;
        expect(later.createdAt > runsBefore.at(-1).updatedAt).toBe(true);

        // A snapshot carries the same state into a fresh emulator.
        const fresh = await startEmulator({ transport });
        try {
          expect((await fresh.admin('PUT', '/snapshot', { snapshot: snapshotBefore })).status).toBe(200);
          expect((await fresh.admin('GET', '/runs')).body.runs).toEqual(runsBefore);
          expect((await fresh.admin('GET', `/runs/${ended.id}`)).body.run).toEqual(detailBefore);
          expect((await fresh.admin('GET', '/integrations/my-github/cursors')).body.cursors).toEqual(snapshotBefore.cursors.map(({ integrationId: _i, ...c }: any) => c));
          expect((await fresh.call('GET', '/v1/integration/provision-enabled')).body.integrations).toEqual(['github']);
          expect((await fresh.admin('GET', '/snapshot')).body.snapshot).toEqual(snapshotBefore);
          const bad = await fresh.admin('PUT', '/snapshot', { snapshot: { ...snapshotBefore, runs: [{ kind: 'job', run: {} }] } });
          expect(bad.status).toBe(422);
          expect(bad.body.message).toContain('snapshot.runs[0]');
        } finally {
          await fresh.close();
        }
      } finally {
        await second.close();
      }
    });

    it('a database file written before runs existed gains their tables and keeps its data', async () => {
      const first = await startEmulator({ transport, db });
      await first.call('POST', '/v1/integration', { installationId: 'old', installationAppType: 'jira', version: '1' });
      await first.close();
      // Make the file look like one from before this schema: no run, action or cursor tables.
      const old = new Database(db);
      old.exec('DROP TABLE actions; DROP TABLE runs; DROP TABLE run_events; DROP TABLE cursors; PRAGMA user_version = 0;');
      old.close();

      const second = await startEmulator({ transport, db });
      try {
        expect((await second.call('GET', '/v1/integration/old')).status).toBe(200);
        const run = (await second.admin('POST', '/actions/runs', { installationId: 'old', type: 't' })).body.run;
        expect((await second.call('POST', '/v1/actions/runs/claim-pending', { installationId: 'old', limit: 1, visibilityTimeoutMs: 1000 })).body.runs[0].id).toBe(run.id);
        expect((await second.call('POST', '/v1/integration/old/cursor?kind=k&index=0', { primary: '2026-05-01T10:00:00Z' })).status).toBe(201);
      } finally {
        await second.close();
      }
    });
  });
}
