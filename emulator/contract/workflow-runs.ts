import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError, startEmulator, type TestEmulator, type Transport } from '../test-helpers.ts';

/** Contract: docs/port-api.md §11.10 (workflow node runs) and the §13.6 control that creates them. */

const claimBody = (extra: Record<string, unknown> = {}) => ({ installationId: 'my-github', limit: 10, visibilityTimeoutMs: 60_000, ...extra });

/** Workflow node runs, run by emulator/contract.test.ts over each transport. */
export function workflowRuns(transport: Transport): void {
  describe('workflow node runs', () => {
    let t: TestEmulator;
    beforeEach(async () => {
      t = await startEmulator({ transport });
    });
    afterEach(async () => {
      await t.close();
    });

    const createNodeRun = async (body: Record<string, unknown> = {}) => {
      const r = await t.admin('POST', '/workflow-node-runs', { installationId: 'my-github', type: 'dispatch_workflow', ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.nodeRun;
    };
    const claim = async (extra: Record<string, unknown> = {}) => {
      const r = await t.call('POST', '/v1/workflows/runs/claim-pending', claimBody(extra), { headers: { 'x-port-reserved-usage': 'true' } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.nodeRuns as any[];
    };
    const ack = (nodeRunIdentifier: string) => t.call('PATCH', '/v1/workflows/runs/ack', { nodeRunIdentifier });
    const patch = (id: string, body: unknown) => t.call('PATCH', `/v1/workflows/nodes/runs/${id}`, body);

    it('the control creates a pending node run in the documented shape', async () => {
      const run = await createNodeRun({ executionProperties: { repo: 'svc-a' }, nodeUid: 'deploy', integrationProvider: 'github-ocean' });
      expect(run).toEqual({
        identifier: expect.stringMatching(/^wfnr_[a-zA-Z0-9]{16}$/),
        nodeUid: 'deploy',
        status: 'IN_PROGRESS',
        result: null,
        output: {},
        links: [],
        externalRunId: null,
        installationId: 'my-github',
        pendingExecution: true,
        claimedUntil: null,
        config: {
          type: 'INTEGRATION_ACTION',
          installationId: 'my-github',
          integrationProvider: 'github-ocean',
          integrationInvocationType: 'dispatch_workflow',
          integrationActionExecutionProperties: { repo: 'svc-a' },
        },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        completedAt: null,
      });
      expect((await createNodeRun()).nodeUid).toBe('dispatch_workflow');
    });

    it('claims oldest first with nodeRunLogs, excludes node uids, re-delivers after the timeout, and acks once', async () => {
      const a = await createNodeRun({ nodeUid: 'a' });
      const b = await createNodeRun({ nodeUid: 'b' });
      await createNodeRun({ installationId: 'other' });
      // Action runs of the same installation are claimed on their own route.
      await t.admin('POST', '/actions/runs', { installationId: 'my-github', type: 'dispatch_workflow' });

      const first = await claim({ exclude: ['a'] });
      expect(first.map((r) => r.identifier)).toEqual([b.identifier]);
      expect(first[0]).toMatchObject({ nodeRunLogs: [], claimedUntil: expect.any(String), config: { integrationInvocationType: 'dispatch_workflow' } });
      expect((await claim()).map((r) => r.identifier)).toEqual([a.identifier]);
      expect(await claim()).toEqual([]);

      await t.admin('POST', '/clock', { advanceSeconds: 61 });
      expect((await ack(a.identifier)).status).toBe(200);
      expect((await claim()).map((r) => r.identifier)).toEqual([b.identifier]);
      expectError(await ack(a.identifier), 409, 'run_already_acknowledged', a.identifier);
      expectError(await ack('wfnr_0000000000000000'), 404, 'not_found');
      expectError(await t.call('PATCH', '/v1/workflows/runs/ack', { runId: a.identifier }), 422, 'invalid_request', 'nodeRunIdentifier');
    });

    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 101 }, 'limit'],
      [{ visibilityTimeoutMs: 999 }, 'visibilityTimeoutMs'],
      [{ visibilityTimeoutMs: 600_001 }, 'visibilityTimeoutMs'],
      [{ installationId: undefined }, 'installationId'],
    ])('the claim enforces the published limits: %j is 422', async (extra, field) => {
      expectError(await t.call('POST', '/v1/workflows/runs/claim-pending', claimBody(extra)), 422, 'invalid_request', field);
    });

    it('accepts the bounds themselves: limit 100, visibilityTimeoutMs 1000 and 600000', async () => {
      expect((await t.call('POST', '/v1/workflows/runs/claim-pending', claimBody({ limit: 100, visibilityTimeoutMs: 1000 }))).status).toBe(200);
      expect((await t.call('POST', '/v1/workflows/runs/claim-pending', claimBody({ limit: 1, visibilityTimeoutMs: 600_000 }))).status).toBe(200);
      expectError(await t.call('POST', '/v1/workflows/runs/claim-pending', claimBody(), { token: false }), 401, 'unauthorized');
    });

    it('PATCH marks it started, COMPLETED needs a result and ends it; after that every PATCH is 409', async () => {
      const run = await createNodeRun();
      const started = await patch(run.identifier, {
        status: 'IN_PROGRESS',
        externalRunId: 'gh-7',
        output: { workflowRunUrl: 'https://ci.example/7' },
        links: ['https://ci.example/7'],
      });
      expect(started.status).toBe(200);
      expect(started.body.nodeRun).toMatchObject({ status: 'IN_PROGRESS', externalRunId: 'gh-7', output: { workflowRunUrl: 'https://ci.example/7' }, links: ['https://ci.example/7'] });

      expectError(await patch(run.identifier, { status: 'COMPLETED' }), 422, 'invalid_request', 'result');
      const done = await patch(run.identifier, { status: 'COMPLETED', result: 'FAILED', output: { error: 'x' } });
      expect(done.body.nodeRun).toMatchObject({ status: 'COMPLETED', result: 'FAILED', output: { error: 'x' }, completedAt: expect.any(String), pendingExecution: false });
      expectError(await patch(run.identifier, { status: 'IN_PROGRESS' }), 409, 'run_already_ended', run.identifier);
      expectError(await patch(run.identifier, {}), 409, 'run_already_ended');
      expect(await claim()).toEqual([]);
    });

    it.each([
      [{ status: 'DONE' }, 'status'],
      [{ result: 'OK' }, 'result'],
      [{ links: 'x' }, 'links'],
      [{ output: [] }, 'output'],
      [{ summary: 'x' }, 'summary'],
    ])('PATCH rejects %j naming %s', async (body, field) => {
      const run = await createNodeRun();
      expectError(await patch(run.identifier, body), 422, 'invalid_request', field);
    });

    it('logs are appended to nodeRunLogs, through the log route or inside a PATCH (Ocean), also after completion', async () => {
      const run = await createNodeRun();
      const posted = await t.call('POST', `/v1/workflows/nodes/runs/${run.identifier}/logs`, {
        logs: [{ level: 'INFO', message: 'dispatching' }, { level: 'WARN', message: 'slow' }],
      });
      expect(posted.status).toBe(200);
      expect(posted.body).toEqual({ ok: true });
      await patch(run.identifier, { status: 'COMPLETED', result: 'SUCCESS', logs: [{ logLevel: 'INFO', log: 'done', tags: {} }] });
      expect((await t.call('POST', `/v1/workflows/nodes/runs/${run.identifier}/logs`, { logs: [{ level: 'DEBUG', message: 'late' }] })).status).toBe(200);

      const stored = (await t.admin('GET', `/runs/${run.identifier}`)).body.run;
      expect(stored.nodeRunLogs).toEqual([
        { logLevel: 'INFO', log: 'dispatching', tags: {}, createdAt: expect.any(String), updatedAt: expect.any(String) },
        { logLevel: 'WARN', log: 'slow', tags: {}, createdAt: expect.any(String), updatedAt: expect.any(String) },
        { logLevel: 'INFO', log: 'done', tags: {}, createdAt: expect.any(String), updatedAt: expect.any(String) },
        { logLevel: 'DEBUG', log: 'late', tags: {}, createdAt: expect.any(String), updatedAt: expect.any(String) },
      ]);
      expect(stored.logs).toEqual(stored.nodeRunLogs);
      expect(stored.kind).toBe('workflow_node');
      expect(stored.history.map((h: { type: string }) => h.type)).toEqual(['created', 'log', 'patched', 'log', 'log']);

      expectError(await t.call('POST', `/v1/workflows/nodes/runs/${run.identifier}/logs`, { logs: [{ level: 'WARNING', message: 'x' }] }), 422, 'invalid_request', 'level');
      expectError(await t.call('POST', `/v1/workflows/nodes/runs/${run.identifier}/logs`, { message: 'x' }), 422, 'invalid_request');
      expectError(await t.call('POST', '/v1/workflows/nodes/runs/wfnr_0000000000000000/logs', { logs: [] }), 404, 'not_found');
    });

    it('lookup by external id returns the configuration as node.config with include=nodeConfig', async () => {
      const a = await createNodeRun({ nodeUid: 'deploy' });
      const b = await createNodeRun();
      await patch(a.identifier, { externalRunId: 'ext-9' });
      await patch(b.identifier, { externalRunId: 'ext-other' });
      const found = await t.call('GET', '/v1/workflows/nodes/runs?external_run_id=ext-9&include=nodeConfig', undefined, { headers: { 'x-port-reserved-usage': 'true' } });
      expect(found.status).toBe(200);
      expect(found.body.nodeRuns).toHaveLength(1);
      expect(found.body.nodeRuns[0]).toMatchObject({ identifier: a.identifier, externalRunId: 'ext-9', node: { uid: 'deploy', config: a.config } });
      expect(found.body.nodeRuns[0].config).toBeUndefined();
      const plain = await t.call('GET', '/v1/workflows/nodes/runs?external_run_id=ext-9');
      expect(plain.body.nodeRuns[0].node).toBeUndefined();
      expect((await t.call('GET', '/v1/workflows/nodes/runs?external_run_id=none')).body.nodeRuns).toEqual([]);
      expectError(await t.call('GET', '/v1/workflows/nodes/runs', undefined, { token: false }), 401, 'unauthorized');
    });

    it('action-run routes do not see node runs, and node-run routes do not see action runs', async () => {
      const node = await createNodeRun();
      const action = (await t.admin('POST', '/actions/runs', { installationId: 'my-github', type: 'dispatch_workflow' })).body.run;
      expectError(await patch(action.id, { status: 'IN_PROGRESS' }), 404, 'not_found');
      expectError(await ack(action.id), 404, 'not_found');
      expectError(await t.call('PATCH', `/v1/actions/runs/${node.identifier}`, { status: 'SUCCESS' }), 404, 'not_found');
    });

    it('validates the control body', async () => {
      expectError(await t.admin('POST', '/workflow-node-runs', { installationId: 'i' }), 422, 'invalid_request', 'type');
      expectError(await t.admin('POST', '/workflow-node-runs', { installationId: 'i', type: 't', action: 'x' }), 422, 'invalid_request');
    });
  });
}
