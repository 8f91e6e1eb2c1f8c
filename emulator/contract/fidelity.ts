import { afterEach, describe, expect, it } from 'vitest';
import { createBlueprints, expectError, SERVICE_BLUEPRINT, startEmulator, TEAM_BLUEPRINT, TEST_CREDENTIALS, type StartOptions, type TestEmulator, type Transport } from '../test-helpers.ts';

/**
 * What real Ocean needs from the emulator: sync metrics by PUT on the ingest URL, ingest traffic in the
 * bounded request log, a settable `provision-enabled`, and a choice of `updatedAt` on no-op writes
 * (docs/port-api.md §11.2, §13.1, §13.5, §15.3).
 */
const UA = 'port-ocean/jira/0.3.1/my-jira/exporter';

/** Fidelity to Ocean, run by emulator/contract.test.ts over each transport. */
export function fidelityToOcean(transport: Transport): void {
  describe('fidelity to Ocean', () => {
    let t: TestEmulator;
    const start = async (options: StartOptions = {}) => (t = await startEmulator({ transport, ...options }));
    afterEach(async () => {
      await t.close();
    });

    const integration = async () => {
      const r = await t.call('POST', '/v1/integration', { installationId: 'my-jira', installationAppType: 'jira', version: '0.3.1' });
      expect(r.status).toBe(201);
      return r.body.integration;
    };
    const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

    describe('ingest sinks', () => {
      it("answer Ocean's PUT of per-kind sync metrics, and its POSTs of metrics and logs, with 200", async () => {
        await start();
        const created = await integration();
        const metrics = new URL(created.metricAttributes.ingestUrl).pathname;
        const logs = new URL(created.logAttributes.ingestUrl).pathname;
        const auth = { authorization: `Bearer ${await t.token()}` };
        // Ocean quote_plus-encodes the event id and the kind.
        const put = await t.fetch(`${metrics}/syncMetrics/resync/ev-1/kind/%2Fapi%2Fusers`, json('PUT', { syncKindMetrics: { kindIdentifier: '/api/users' } }, auth));
        expect(put.status).toBe(200);
        expect(await put.json()).toEqual({ ok: true });
        expect((await t.fetch(`${metrics}/syncMetrics`, json('POST', { syncKindsMetrics: [] }, auth))).status).toBe(200);
        expect((await t.fetch(logs, json('POST', { logs: [{ message: 'hi', level: 'INFO' }] }, auth))).status).toBe(200);
        expect((await t.fetch(logs, json('PUT', { logs: [] }, auth))).status).toBe(200);

        expect(t.emulator.state.ingest.map((e) => [e.path, e.body])).toEqual([
          ['metrics/my-jira/syncMetrics/resync/ev-1/kind//api/users', { syncKindMetrics: { kindIdentifier: '/api/users' } }],
          ['metrics/my-jira/syncMetrics', { syncKindsMetrics: [] }],
          ['logs/my-jira', { logs: [{ message: 'hi', level: 'INFO' }] }],
          ['logs/my-jira', { logs: [] }],
        ]);
      });

      it('appear in the request log marked as ingest, never with the Authorization value; ingest=true|false filters', async () => {
        await start();
        const created = await integration();
        const metrics = new URL(created.metricAttributes.ingestUrl).pathname;
        const token = await t.token();
        const put = await t.fetch(`${metrics}/syncMetrics/resync/ev-1/kind/person`, json('PUT', { syncKindMetrics: { n: 1 } }, { authorization: `Bearer ${token}`, 'user-agent': UA }));

        const all = (await t.admin('GET', '/requests')).body.requests as any[];
        expect(all.map((e) => [e.method, e.path, e.ingest])).toEqual([
          ['POST', '/v1/auth/access_token', undefined],
          ['POST', '/v1/integration', undefined],
          ['PUT', `${metrics}/syncMetrics/resync/ev-1/kind/person`, true],
        ]);
        expect(all[2]).toMatchObject({
          traceId: put.headers.get('x-trace-id'),
          status: 200,
          userAgent: UA,
          body: { syncKindMetrics: { n: 1 } },
          response: { ok: true },
          bucket: null,
          fault: null,
          bodyBytes: JSON.stringify({ syncKindMetrics: { n: 1 } }).length,
        });
        expect(JSON.stringify(all)).not.toContain(token);
        expect((await t.admin('GET', '/requests?ingest=true')).body.requests.map((e: any) => e.method)).toEqual(['PUT']);
        expect((await t.admin('GET', '/requests?ingest=false')).body.requests).toHaveLength(2);
        expectError(await t.admin('GET', '/requests?ingest=yes'), 422, 'invalid_request', 'ingest');

        await t.admin('DELETE', '/requests');
        expect(t.emulator.state.ingest).toEqual([]);
      });

      it('keep at most the configured number of entries, dropping the oldest first', async () => {
        await start({ requestLogBounds: { entries: 5 } });
        for (let i = 0; i < 8; i++) expect((await t.fetch('/_emulator/ingest/logs/my-jira', json('POST', { i }))).status).toBe(200);
        expect(t.emulator.state.ingest.map((e) => e.body)).toEqual([{ i: 3 }, { i: 4 }, { i: 5 }, { i: 6 }, { i: 7 }]);
      });

      it('keep bodies within the byte cap, each cut to its first 64 KiB, dropping the oldest first', async () => {
        await start({ requestLogBounds: { bytes: 200 * 1024 } });
        const big = (i: number) => ({ i, pad: 'x'.repeat(100 * 1024) });
        for (let i = 0; i < 6; i++) expect((await t.fetch('/_emulator/ingest/metrics/my-jira', json('POST', big(i)))).status).toBe(200);
        const kept = t.emulator.state.ingest;
        // Each kept body is its first 64 KiB (no longer JSON, so kept as text); 3 × (64 KiB + 11) fits 200 KiB, 4 do not.
        expect(kept).toHaveLength(3);
        for (const [n, e] of kept.entries()) {
          expect(typeof e.body).toBe('string');
          expect((e.body as string).length).toBe(64 * 1024);
          expect(e.body as string).toMatch(new RegExp(`^\\{"i":${n + 3},"pad":"x`));
        }
        const entries = (await t.admin('GET', '/requests')).body.requests as Array<{ bodyBytes: number }>;
        expect(entries.every((e) => e.bodyBytes === JSON.stringify(big(0)).length)).toBe(true);
      });

      it('need no admin token, while the other controls do', async () => {
        await start({ adminToken: 'adm' });
        expect((await t.fetch('/_emulator/ingest/logs/my-jira', json('POST', { logs: [] }))).status).toBe(200);
        expect((await t.fetch('/_emulator/ingest/metrics/my-jira/syncMetrics', json('PUT', {}))).status).toBe(200);
        expect((await t.fetch('/_emulator/requests')).status).toBe(401);
        expect(t.emulator.state.ingest).toHaveLength(2);
      });
    });

    describe('provision-enabled', () => {
      it('answers [] until set through /_emulator; reset clears it', async () => {
        await start();
        expect((await t.call('GET', '/v1/integration/provision-enabled')).body).toEqual({ ok: true, integrations: [] });
        const set = await t.admin('PUT', '/provision-enabled', { integrations: ['jira', 'github-ocean'] });
        expect(set.status).toBe(200);
        expect(set.body).toEqual({ ok: true, integrations: ['jira', 'github-ocean'] });
        expect((await t.call('GET', '/v1/integration/provision-enabled')).body).toEqual({ ok: true, integrations: ['jira', 'github-ocean'] });
        expectError(await t.admin('PUT', '/provision-enabled', { integrations: 'jira' }), 422, 'invalid_request', 'integrations');
        expectError(await t.admin('PUT', '/provision-enabled', { integrations: [''] }), 422, 'invalid_request');
        expectError(await t.admin('PUT', '/provision-enabled', {}), 422, 'invalid_request', 'integrations');

        await t.admin('POST', '/reset');
        const fresh = await t.call('POST', '/v1/auth/access_token', TEST_CREDENTIALS, { token: false });
        expect((await t.call('GET', '/v1/integration/provision-enabled', undefined, { token: fresh.body.accessToken })).body.integrations).toEqual([]);
      });
    });

    describe('updatedAt on a write that changes nothing', () => {
      const write = (body: Record<string, unknown>, ua = UA) =>
        t.call('POST', '/v1/blueprints/service/entities?upsert=true&merge=true', { identifier: 'svc-a', ...body }, { headers: { 'user-agent': ua } });
      const bulk = (body: Record<string, unknown>) =>
        t.call('POST', '/v1/blueprints/service/entities/bulk?upsert=true', { entities: [{ identifier: 'svc-a', ...body }] }, { headers: { 'user-agent': UA } });
      const stored = async () => (await t.admin('GET', '/entities?blueprint=service')).body.entities[0];
      const tick = () => t.admin('POST', '/clock', { advanceSeconds: 5 });

      it("bumps by default (today's behaviour)", async () => {
        await start();
        expect((await t.admin('GET', '/settings')).body.settings).toEqual({ noOpUpdatedAt: 'bump' });
        await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
        const first = (await write({ properties: { language: 'go' } })).body.entity;
        await tick();
        const again = (await write({ properties: { language: 'go' } })).body.entity;
        expect(again.updatedAt > first.updatedAt).toBe(true);
      });

      it("'keep' leaves updatedAt of an unchanged entity, single and bulk, but not of a changed or re-owned one", async () => {
        await start({ noOpUpdatedAt: 'keep' });
        await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
        const first = (await write({ title: 'A', properties: { language: 'go', tags: ['x'] }, relations: { owner: null } })).body.entity;
        const row = await stored();
        await tick();
        const same = await write({ title: 'A', properties: { tags: ['x'], language: 'go' } });
        expect(same.status).toBe(200);
        expect(same.body.entity.updatedAt).toBe(first.updatedAt);
        expect(await stored()).toEqual(row);
        const sameBulk = await bulk({ title: 'A', properties: { language: 'go', tags: ['x'] } });
        expect(sameBulk.body.entities).toEqual([{ identifier: 'svc-a', index: 0, created: false }]);
        expect((await stored()).updatedAt).toBe(first.updatedAt);

        await tick();
        const changed = (await write({ properties: { replicas: 2 } })).body.entity;
        expect(changed.updatedAt > first.updatedAt).toBe(true);
        await tick();
        const reowned = await write({ properties: { replicas: 2 } }, 'port-ocean/jira/0.3.1/other/exporter');
        expect(reowned.body.entity.updatedAt > changed.updatedAt).toBe(true);
        expect((await stored()).datasource).toBe('port-ocean/jira/0.3.1/other/exporter');
      });

      it('PUT /_emulator/settings flips it per test; reset restores the start-up value', async () => {
        await start();
        await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
        const first = (await write({ properties: { language: 'ts' } })).body.entity;
        const flipped = await t.admin('PUT', '/settings', { noOpUpdatedAt: 'keep' });
        expect(flipped.body).toEqual({ ok: true, settings: { noOpUpdatedAt: 'keep' } });
        await tick();
        expect((await write({ properties: { language: 'ts' } })).body.entity.updatedAt).toBe(first.updatedAt);
        expectError(await t.admin('PUT', '/settings', { noOpUpdatedAt: 'skip' }), 422, 'invalid_request', 'noOpUpdatedAt');
        expectError(await t.admin('PUT', '/settings', { strict: true }), 422, 'invalid_request');

        await t.admin('POST', '/reset');
        expect((await t.admin('GET', '/settings')).body.settings).toEqual({ noOpUpdatedAt: 'bump' });
      });
    });
  });
}
