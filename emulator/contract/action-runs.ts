import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBlueprints, expectError, SERVICE_BLUEPRINT, startEmulator, TEAM_BLUEPRINT, TEST_CREDENTIALS, type TestEmulator, type Transport } from '../test-helpers.ts';

/** Contract: docs/port-api.md §11.9 (action runs and actions) and the §13.6 controls that create and read runs. */

const RESERVED = { 'x-port-reserved-usage': 'true' };
const claimBody = (extra: Record<string, unknown> = {}) => ({ installationId: 'my-github', limit: 10, visibilityTimeoutMs: 60_000, ...extra });

const DISPATCH = {
  identifier: 'dispatch-ci',
  title: 'Dispatch CI',
  trigger: { type: 'self-service', operation: 'DAY-2', blueprintIdentifier: 'service', userInputs: { properties: { ref: { type: 'string' } } } },
  invocationMethod: {
    type: 'INTEGRATION_ACTION',
    installationId: 'my-github',
    integrationActionType: 'dispatch_workflow',
    integrationActionExecutionProperties: {
      repo: '{{ .entity.identifier }}',
      ref: '{{ .inputs.ref }}',
      quoted: '{{ .inputs."ref" }}',
      missing: '{{.inputs.nope}}',
      runId: '{{ .run.id }}',
      workflow: 'ci.yml',
      nested: { list: ['{{ .inputs.ref }}', 'literal {{ .inputs.ref }}'] },
    },
  },
};

/** Action runs, run by emulator/contract.test.ts over each transport. */
export function actionRuns(transport: Transport): void {
  describe('action runs', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
    });
    afterEach(async () => {
      await t.close();
    });

    const createRun = async (body: Record<string, unknown> = {}) => {
      const r = await t.admin('POST', '/actions/runs', { installationId: 'my-github', type: 'dispatch_workflow', ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.run;
    };
    const claim = async (extra: Record<string, unknown> = {}) => {
      const r = await t.call('POST', '/v1/actions/runs/claim-pending', claimBody(extra), { headers: RESERVED });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.runs as any[];
    };
    const ack = (runId: string) => t.call('PATCH', '/v1/actions/runs/ack', { runId }, { headers: RESERVED });
    const advance = (advanceSeconds: number) => t.admin('POST', '/clock', { advanceSeconds });
    const adminRun = async (id: string) => (await t.admin('GET', `/runs/${id}`)).body.run;

    it('the emulator control creates a pending run in the v2 shape', async () => {
      const run = await createRun({ executionProperties: { repo: 'svc-a' }, action: 'dispatch-ci', properties: { ref: 'main' }, entity: 'svc-a', blueprint: 'service' });
      expect(run).toEqual({
        id: expect.stringMatching(/^r_[A-Za-z0-9]{16}$/),
        status: 'IN_PROGRESS',
        statusLabel: null,
        link: [],
        summary: null,
        externalRunId: null,
        action: { identifier: 'dispatch-ci', title: null },
        blueprint: { identifier: 'service' },
        entity: { identifier: 'svc-a' },
        properties: { ref: 'main' },
        payload: {
          type: 'INTEGRATION_ACTION',
          installationId: 'my-github',
          integrationActionType: 'dispatch_workflow',
          integrationActionExecutionProperties: { repo: 'svc-a' },
        },
        installationId: 'my-github',
        pendingExecution: true,
        claimedUntil: null,
        source: 'API',
        requiredApproval: false,
        endedAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        createdBy: null,
        updatedBy: null,
      });
      // Without `action`, the type names the action; without a blueprint or entity, both are null.
      const bare = await createRun();
      expect(bare).toMatchObject({ action: { identifier: 'dispatch_workflow' }, blueprint: null, entity: null, properties: {} });
      expect(bare.payload.integrationActionExecutionProperties).toEqual({});
    });

    describe('claim-pending', () => {
      it('returns claimable runs of the installation oldest first, up to limit, and hides them for the visibility timeout', async () => {
        const a = await createRun();
        const b = await createRun();
        const c = await createRun();
        await createRun({ installationId: 'other-installation' });
        const now = Date.parse((await t.admin('POST', '/clock', { advanceSeconds: 0 })).body.now);

        const first = await claim({ limit: 2 });
        expect(first.map((r) => r.id)).toEqual([a.id, b.id]);
        for (const r of first) {
          const until = Date.parse(r.claimedUntil);
          // now + 60 s on the emulator clock (real time moves a little between the two reads)
          expect(until - now).toBeGreaterThanOrEqual(60_000);
          expect(until - now).toBeLessThan(70_000);
          expect(r.pendingExecution).toBe(true);
        }
        expect((await claim()).map((r) => r.id)).toEqual([c.id]);
        expect(await claim()).toEqual([]);
      });

      it('re-delivers an unacknowledged run once its claim expires on the emulator clock, never an acknowledged one', async () => {
        const run = await createRun();
        await createRun({ installationId: 'elsewhere' });
        expect((await claim()).map((r) => r.id)).toEqual([run.id]);
        await advance(30);
        expect(await claim()).toEqual([]);
        await advance(31);
        const again = await claim();
        expect(again.map((r) => r.id)).toEqual([run.id]);
        expect((await adminRun(run.id)).claimCount).toBe(2);

        const acked = await ack(run.id);
        expect(acked.status).toBe(200);
        expect(acked.body).toEqual({ ok: true });
        const stored = await adminRun(run.id);
        expect(stored).toMatchObject({ pendingExecution: false, claimedUntil: null, ackedAt: expect.any(String), claimCount: 2 });
        await advance(3600);
        expect(await claim()).toEqual([]);
        // A second consumer's ack is refused: exactly one executes the run.
        expectError(await ack(run.id), 409, 'run_already_acknowledged', run.id);
      });

      it('any ack of a pending run succeeds, claimed or not (the emulator does not know the claimer)', async () => {
        const run = await createRun();
        expect((await ack(run.id)).status).toBe(200);
        expect(await claim()).toEqual([]);
      });

      it('excludes runs of the listed action identifiers', async () => {
        const a = await createRun({ action: 'a' });
        const b = await createRun({ action: 'b' });
        expect((await claim({ exclude: ['a'] })).map((r) => r.id)).toEqual([b.id]);
        expect((await claim({ exclude: [] })).map((r) => r.id)).toEqual([a.id]);
      });

      it('never returns runs that ended, even unacknowledged ones', async () => {
        const run = await createRun();
        expect((await t.call('PATCH', `/v1/actions/runs/${run.id}`, { status: 'FAILURE' })).status).toBe(200);
        expect(await claim()).toEqual([]);
        expectError(await ack(run.id), 409, 'run_already_acknowledged');
      });

      it.each([
        [{ limit: 0 }, 'limit'],
        [{ limit: 1001 }, 'limit'],
        [{ limit: 2.5 }, 'limit'],
        [{ visibilityTimeoutMs: 0 }, 'visibilityTimeoutMs'],
        [{ visibilityTimeoutMs: 600_001 }, 'visibilityTimeoutMs'],
        [{ installationId: '' }, 'installationId'],
        [{ exclude: 'a' }, 'exclude'],
      ])('rejects %j with 422 naming the field', async (extra, field) => {
        expectError(await t.call('POST', '/v1/actions/runs/claim-pending', claimBody(extra)), 422, 'invalid_request', field);
      });

      it('accepts the published bounds and needs a token, not the reserved-usage header', async () => {
        await createRun();
        expect((await t.call('POST', '/v1/actions/runs/claim-pending', claimBody({ limit: 1000, visibilityTimeoutMs: 600_000 }))).body.runs).toHaveLength(1);
        expect((await t.call('POST', '/v1/actions/runs/claim-pending', claimBody({ limit: 1, visibilityTimeoutMs: 1 }))).status).toBe(200);
        expectError(await t.call('POST', '/v1/actions/runs/claim-pending', claimBody(), { token: false }), 401, 'unauthorized');
        expectError(await t.call('POST', '/v1/actions/runs/claim-pending', { limit: 1, visibilityTimeoutMs: 1 }), 422, 'invalid_request', 'installationId');
      });
    });

    describe('ack', () => {
      it('404 for an unknown run or a workflow node run id; 422 without runId', async () => {
        expectError(await ack('r_missing'), 404, 'not_found', 'r_missing');
        const node = (await t.admin('POST', '/workflow-node-runs', { installationId: 'my-github', type: 'dispatch_workflow' })).body.nodeRun;
        expectError(await ack(node.identifier), 404, 'not_found');
        expectError(await t.call('PATCH', '/v1/actions/runs/ack', {}), 422, 'invalid_request', 'runId');
      });
    });

    describe('PATCH /v1/actions/runs/{id}', () => {
      it('marks a run started (link, externalRunId), then ends it; an ended run refuses every PATCH', async () => {
        const run = await createRun();
        const started = await t.call('PATCH', `/v1/actions/runs/${run.id}`, { link: 'https://ci.example/runs/1', externalRunId: 'gh-1', statusLabel: 'queued' });
        expect(started.status).toBe(200);
        expect(started.body.run).toMatchObject({ id: run.id, status: 'IN_PROGRESS', link: ['https://ci.example/runs/1'], externalRunId: 'gh-1', statusLabel: 'queued', endedAt: null });
        expect(started.body.run.updatedAt > run.updatedAt).toBe(true);

        const ended = await t.call('PATCH', `/v1/actions/runs/${run.id}`, { status: 'SUCCESS', summary: 'done', link: ['a', 'b'] });
        expect(ended.body.run).toMatchObject({ status: 'SUCCESS', summary: 'done', link: ['a', 'b'], endedAt: expect.any(String) });
        expectError(await t.call('PATCH', `/v1/actions/runs/${run.id}`, { statusLabel: 'late' }), 409, 'run_already_ended', run.id);
        expectError(await t.call('PATCH', `/v1/actions/runs/${run.id}`, {}), 409, 'run_already_ended');
        expect((await t.call('GET', `/v1/actions/runs/${run.id}`)).body.run).toEqual(ended.body.run);
      });

      it('422 for other keys and statuses; 404 for an unknown run', async () => {
        const run = await createRun();
        expectError(await t.call('PATCH', `/v1/actions/runs/${run.id}`, { status: 'IN_PROGRESS' }), 422, 'invalid_request', 'status');
        expectError(await t.call('PATCH', `/v1/actions/runs/${run.id}`, { result: 'SUCCESS' }), 422, 'invalid_request', 'result');
        expectError(await t.call('PATCH', `/v1/actions/runs/${run.id}`, { link: 5 }), 422, 'invalid_request', 'link');
        expectError(await t.call('PATCH', '/v1/actions/runs/r_missing', { status: 'SUCCESS' }), 404, 'not_found', 'r_missing');
      });
    });

    describe('run logs', () => {
      it('appends logs oldest first; terminationStatus ends the run; after that only plain logs are accepted', async () => {
        const run = await createRun();
        const first = await t.call('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'echo: hi' });
        expect(first.status).toBe(201);
        expect(first.body).toEqual({
          ok: true,
          runLog: { id: expect.any(String), runId: run.id, message: 'echo: hi', createdBy: 'test-client', createdAt: expect.any(String) },
        });
        const last = await t.call('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'boom', terminationStatus: 'FAILURE', statusLabel: 'failed' });
        expect(last.status).toBe(201);
        expect((await t.call('GET', `/v1/actions/runs/${run.id}`)).body.run).toMatchObject({ status: 'FAILURE', statusLabel: 'failed', endedAt: expect.any(String) });

        expectError(await t.call('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'again', terminationStatus: 'SUCCESS' }), 409, 'run_already_ended');
        expect((await t.call('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'afterwards' })).status).toBe(201);
        const logs = await t.call('GET', `/v1/actions/runs/${run.id}/logs`);
        expect(logs.body.runLogs.map((l: { message: string }) => l.message)).toEqual(['echo: hi', 'boom', 'afterwards']);
        expect((await t.call('GET', `/v1/actions/runs/${run.id}`)).body.run.status).toBe('FAILURE');
      });

      it('validates the body; 404 for an unknown run', async () => {
        const run = await createRun();
        expectError(await t.call('POST', `/v1/actions/runs/${run.id}/logs`, {}), 422, 'invalid_request', 'message');
        expectError(await t.call('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'x', level: 'INFO' }), 422, 'invalid_request', 'level');
        expectError(await t.call('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'x', terminationStatus: 'DONE' }), 422, 'invalid_request', 'terminationStatus');
        expectError(await t.call('POST', '/v1/actions/runs/r_missing/logs', { message: 'x' }), 404, 'not_found');
        expectError(await t.call('GET', '/v1/actions/runs/r_missing/logs'), 404, 'not_found');
      });
    });

    describe('GET /v1/actions/runs', () => {
      it('finds a run by external id (newest first) and filters by action and active', async () => {
        const a = await createRun({ action: 'deploy' });
        const b = await createRun({ action: 'deploy' });
        const c = await createRun({ action: 'other' });
        await t.call('PATCH', `/v1/actions/runs/${a.id}`, { externalRunId: 'ext-1' });
        await t.call('PATCH', `/v1/actions/runs/${b.id}`, { externalRunId: 'ext-1', status: 'SUCCESS' });
        const byExternal = await t.call('GET', '/v1/actions/runs?version=v2&external_run_id=ext-1');
        expect(byExternal.body.runs.map((r: { id: string }) => r.id)).toEqual([b.id, a.id]);
        expect((await t.call('GET', '/v1/actions/runs?version=v2&external_run_id=none')).body.runs).toEqual([]);
        const ids = async (q: string) => (await t.call('GET', `/v1/actions/runs?${q}`)).body.runs.map((r: { id: string }) => r.id);
        expect(await ids('')).toEqual([c.id, b.id, a.id]);
        expect(await ids('action=deploy')).toEqual([b.id, a.id]);
        expect(await ids('active=true')).toEqual([c.id, a.id]);
        expect(await ids('active=false')).toEqual([b.id]);
        expect(await ids('limit=1')).toEqual([c.id]);
        expectError(await t.call('GET', '/v1/actions/runs?limit=0'), 422, 'invalid_request', 'limit');
        expectError(await t.call('GET', '/v1/actions/runs?limit=1001'), 422, 'invalid_request', 'limit');
        expectError(await t.call('GET', '/v1/actions/runs?active=yes'), 422, 'invalid_request', 'active');
      });

      it('GET one run: 404 for a workflow node run id', async () => {
        const node = (await t.admin('POST', '/workflow-node-runs', { installationId: 'my-github', type: 't' })).body.nodeRun;
        expectError(await t.call('GET', `/v1/actions/runs/${node.identifier}`), 404, 'not_found');
      });
    });

    describe('actions and public run creation', () => {
      beforeEach(async () => {
        await createBlueprints(t, TEAM_BLUEPRINT, SERVICE_BLUEPRINT);
        await t.call('POST', '/v1/blueprints/service/entities?upsert=true', { identifier: 'svc-a' });
      });

      it('POST /v1/actions creates (201), GET reads it back, a duplicate is 409', async () => {
        const created = await t.call('POST', '/v1/actions', DISPATCH);
        expect(created.status).toBe(201);
        expect(created.body.action).toMatchObject({ ...DISPATCH, createdAt: expect.any(String), createdBy: 'test-client' });
        expect((await t.call('GET', '/v1/actions/dispatch-ci')).body.action).toEqual(created.body.action);
        expectError(await t.call('POST', '/v1/actions', DISPATCH), 409, 'identifier_taken', 'dispatch-ci');
        expectError(await t.call('GET', '/v1/actions/missing'), 404, 'not_found', 'missing');
      });

      it.each([
        [{ ...DISPATCH, identifier: '' }, 'identifier'],
        [{ identifier: 'x', invocationMethod: { type: 'WEBHOOK' } }, 'trigger'],
        [{ identifier: 'x', trigger: {} }, 'invocationMethod'],
        [{ identifier: 'x', trigger: {}, invocationMethod: { type: 'INTEGRATION_ACTION', installationId: 'i' } }, 'invocationMethod.integrationActionType'],
      ])('POST /v1/actions rejects %j naming %s', async (body, field) => {
        expectError(await t.call('POST', '/v1/actions', body), 422, 'invalid_request', field);
      });

      it('a run of an INTEGRATION_ACTION action is 202, pending, with its templates evaluated', async () => {
        await t.call('POST', '/v1/actions', DISPATCH);
        const r = await t.call('POST', '/v1/actions/dispatch-ci/runs?run_as=someone', { properties: { ref: 'main' }, entity: 'svc-a' });
        expect(r.status).toBe(202);
        const run = r.body.run;
        expect(run).toMatchObject({
          status: 'IN_PROGRESS',
          pendingExecution: true,
          source: 'API',
          action: { identifier: 'dispatch-ci', title: 'Dispatch CI' },
          blueprint: { identifier: 'service' },
          entity: { identifier: 'svc-a' },
          properties: { ref: 'main' },
          installationId: 'my-github',
          createdBy: 'test-client',
        });
        expect(run.payload).toEqual({
          type: 'INTEGRATION_ACTION',
          installationId: 'my-github',
          integrationActionType: 'dispatch_workflow',
          integrationActionExecutionProperties: {
            repo: 'svc-a',
            ref: 'main',
            quoted: 'main',
            missing: null,
            runId: run.id,
            workflow: 'ci.yml',
            nested: { list: ['main', 'literal {{ .inputs.ref }}'] },
          },
        });
        expect((await claim()).map((x) => x.id)).toEqual([run.id]);
      });

      it('without integrationActionExecutionProperties, the other invocation keys are the execution properties', async () => {
        const { integrationActionExecutionProperties: _p, ...method } = DISPATCH.invocationMethod;
        await t.call('POST', '/v1/actions', { ...DISPATCH, identifier: 'flat', invocationMethod: { ...method, repo: '{{ .inputs.repo }}', org: 'acme' } });
        const run = (await t.call('POST', '/v1/actions/flat/runs', { properties: { repo: 'r1' } })).body.run;
        expect(run.payload.integrationActionExecutionProperties).toEqual({ repo: 'r1', org: 'acme' });
        expect(run.entity).toBeNull();
      });

      it('404 for a missing action or entity; 422 for another invocation method or a bad body', async () => {
        await t.call('POST', '/v1/actions', DISPATCH);
        await t.call('POST', '/v1/actions', { ...DISPATCH, identifier: 'hook', invocationMethod: { type: 'WEBHOOK', url: 'https://example.com' } });
        expectError(await t.call('POST', '/v1/actions/missing/runs', { properties: {} }), 404, 'not_found', 'missing');
        expectError(await t.call('POST', '/v1/actions/dispatch-ci/runs', { properties: {}, entity: 'svc-zz' }), 404, 'not_found', 'svc-zz');
        expectError(await t.call('POST', '/v1/actions/hook/runs', { properties: {} }), 422, 'invalid_request', 'WEBHOOK');
        expectError(await t.call('POST', '/v1/actions/dispatch-ci/runs', {}), 422, 'invalid_request', 'properties');
        expect(await claim()).toEqual([]);
      });
    });

    describe('request log and run history', () => {
      it('each request names the runs it touched; the history points at those requests', async () => {
        const run = await createRun();
        const other = await createRun();
        const claimed = await t.call('POST', '/v1/actions/runs/claim-pending', claimBody({ limit: 1 }), { headers: RESERVED });
        const acked = await t.call('PATCH', '/v1/actions/runs/ack', { runId: run.id });
        const patched = await t.call('PATCH', `/v1/actions/runs/${run.id}`, { link: 'https://x' });
        const logged = await t.call('POST', `/v1/actions/runs/${run.id}/logs`, { message: 'hello', terminationStatus: 'SUCCESS' });

        const log = (await t.admin('GET', `/requests?run=${run.id}`)).body.requests as any[];
        expect(log.map((e) => [e.method, e.path, e.status, e.runIds])).toEqual([
          ['POST', '/v1/actions/runs/claim-pending', 200, [run.id]],
          ['PATCH', '/v1/actions/runs/ack', 200, [run.id]],
          ['PATCH', `/v1/actions/runs/${run.id}`, 200, [run.id]],
          ['POST', `/v1/actions/runs/${run.id}/logs`, 201, [run.id]],
        ]);
        expect(log[0]).toMatchObject({ bucket: 'other', body: claimBody({ limit: 1 }), response: { ok: true, runs: [{ id: run.id }] } });
        expect((await t.admin('GET', `/requests?run=${other.id}`)).body.requests).toEqual([]);

        const stored = await adminRun(run.id);
        expect(stored).toMatchObject({ kind: 'action', status: 'SUCCESS', claimCount: 1, link: ['https://x'] });
        expect(stored.logs).toEqual([logged.body.runLog]);
        expect(stored.history.map((h: any) => [h.type, h.traceId])).toEqual([
          ['created', null],
          ['claimed', claimed.headers.get('x-trace-id')],
          ['acknowledged', acked.headers.get('x-trace-id')],
          ['patched', patched.headers.get('x-trace-id')],
          ['log', logged.headers.get('x-trace-id')],
        ]);
        expect(stored.history[1]).toMatchObject({ claimedUntil: claimed.body.runs[0].claimedUntil, reservedUsage: true });
        expect(stored.history[2]).toMatchObject({ reservedUsage: false });
        expect(stored.history[3]).toMatchObject({ body: { link: 'https://x' } });
        expect(stored.history[4]).toMatchObject({ runLog: { message: 'hello' }, terminationStatus: 'SUCCESS' });
        // Requests that touch no run carry no runIds.
        const plain = (await t.admin('GET', '/requests?path=/v1/auth/access_token')).body.requests;
        expect(plain[0].runIds).toBeUndefined();
      });

      it('a fault can target the claim route by its route id', async () => {
        await createRun();
        await t.admin('POST', '/faults', { match: { routeId: 'actionRuns.claimPending' }, action: { type: 'status', status: 503 } });
        expect((await t.call('POST', '/v1/actions/runs/claim-pending', claimBody())).status).toBe(503);
        expect(await claim()).toHaveLength(1);
      });
    });

    describe('§13.6 controls', () => {
      it('GET /_emulator/runs lists both kinds oldest first, filtered by installation, kind and status', async () => {
        const a = await createRun();
        const n = (await t.admin('POST', '/workflow-node-runs', { installationId: 'my-github', type: 't' })).body.nodeRun;
        const b = await createRun({ installationId: 'other' });
        await t.call('PATCH', `/v1/actions/runs/${a.id}`, { status: 'SUCCESS' });
        const list = async (q = '') => (await t.admin('GET', `/runs${q}`)).body.runs.map((r: any) => r.id ?? r.identifier);
        expect(await list()).toEqual([a.id, n.identifier, b.id]);
        expect(await list('?kind=action')).toEqual([a.id, b.id]);
        expect(await list('?kind=workflow_node')).toEqual([n.identifier]);
        expect(await list('?installationId=my-github')).toEqual([a.id, n.identifier]);
        expect(await list('?status=IN_PROGRESS&kind=action')).toEqual([b.id]);
        const entry = (await t.admin('GET', '/runs?kind=action')).body.runs[1];
        expect(entry).toMatchObject({ kind: 'action', pendingExecution: true, claimedUntil: null, claimCount: 0, ackedAt: null });
        expectError(await t.admin('GET', '/runs?kind=actions'), 422, 'invalid_request', 'kind');
      });

      it('release expires an unacknowledged claim now; unknown runs are 404', async () => {
        const run = await createRun();
        expect(await claim()).toHaveLength(1);
        expect(await claim()).toEqual([]);
        const released = await t.admin('POST', `/runs/${run.id}/release`);
        expect(released.status).toBe(200);
        expect(released.body.run).toMatchObject({ claimedUntil: null, claimCount: 1 });
        expect((await claim()).map((r) => r.id)).toEqual([run.id]);
        expectError(await t.admin('POST', '/runs/r_missing/release'), 404, 'not_found');
        expectError(await t.admin('GET', '/runs/r_missing'), 404, 'not_found');
      });

      it('validates the control bodies', async () => {
        expectError(await t.admin('POST', '/actions/runs', { installationId: 'i' }), 422, 'invalid_request', 'type');
        expectError(await t.admin('POST', '/actions/runs', { installationId: 'i', type: 't', extra: 1 }), 422, 'invalid_request');
        expectError(await t.admin('POST', '/actions/runs', { installationId: 'i', type: 't', executionProperties: [] }), 422, 'invalid_request', 'executionProperties');
      });

      it('reset clears actions and runs; seed adds actions', async () => {
        await createRun();
        await t.call('POST', '/v1/actions', { ...DISPATCH, trigger: {} });
        await t.admin('POST', '/reset', { seed: { actions: [{ ...DISPATCH, identifier: 'seeded', trigger: {} }] } });
        expect((await t.admin('GET', '/runs')).body.runs).toEqual([]);
        // Reset forgot every token: get a new one.
        const fresh = await t.call('POST', '/v1/auth/access_token', TEST_CREDENTIALS, { token: false });
        const auth = { token: fresh.body.accessToken as string };
        expectError(await t.call('GET', '/v1/actions/dispatch-ci', undefined, auth), 404, 'not_found');
        expect((await t.call('GET', '/v1/actions/seeded', undefined, auth)).body.action.invocationMethod.integrationActionType).toBe('dispatch_workflow');
        expectError(await t.admin('POST', '/seed', { actions: [{ identifier: 'bad' }] }), 422, 'invalid_request', 'trigger');
      });
    });
  });
}
