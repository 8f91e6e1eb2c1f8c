import { z } from 'zod';
import { invalidRequest, notFound } from '../errors.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';
import { actionRunDoc, adminRun, insertRun, nodeRunDoc, releaseRun, type RunContext } from '../runs.ts';
import type { RunKind } from '../runs-store.ts';
import { NO_OP_UPDATED_AT } from '../state.ts';
import type { ActionDoc } from './action-runs.ts';

/**
 * Emulator controls for runs and cursors (docs/port-api.md §13.6), and the settings tests flip per case:
 * what `provision-enabled` answers and whether a write that changes nothing bumps `updatedAt`.
 */
const properties = z.record(z.string(), z.unknown());
const actionRunBody = z.strictObject({
  installationId: z.string().min(1),
  type: z.string().min(1),
  executionProperties: properties.optional(),
  action: z.string().min(1).optional(),
  properties: properties.optional(),
  entity: z.string().min(1).optional(),
  blueprint: z.string().min(1).optional(),
});
const nodeRunBody = z.strictObject({
  installationId: z.string().min(1),
  type: z.string().min(1),
  executionProperties: properties.optional(),
  nodeUid: z.string().min(1).optional(),
  integrationProvider: z.string().min(1).optional(),
});
const settingsBody = z.strictObject({ noOpUpdatedAt: z.enum(NO_OP_UPDATED_AT).optional() });

// Controls are not in the request log, so their history entries point at no trace.
const controlContext = (ctx: HandlerContext): RunContext => ({ emu: ctx.emu, traceId: null, clientId: null, runIds: ctx.runIds });

function loadAny(ctx: HandlerContext) {
  const run = ctx.emu.runs.run(ctx.params.id);
  if (!run) throw notFound(`Run "${ctx.params.id}" was not found`);
  return run;
}

export const adminRunRoutes: Route[] = [
  {
    method: 'POST',
    path: '/_emulator/actions/runs',
    id: 'admin.actionRun',
    admin: true,
    body: actionRunBody,
    handler: (ctx) => {
      const b = ctx.body as z.infer<typeof actionRunBody>;
      const identifier = b.action ?? b.type;
      const action = ctx.emu.runs.action<ActionDoc>(identifier);
      const rc = controlContext(ctx);
      const doc = actionRunDoc(rc, {
        installationId: b.installationId,
        type: b.type,
        executionProperties: b.executionProperties ?? {},
        action: { identifier, title: action?.title ?? null },
        blueprint: b.blueprint ?? action?.trigger.blueprintIdentifier ?? null,
        entity: b.entity ?? null,
        properties: b.properties ?? {},
      });
      return ok({ run: insertRun(rc, 'action', doc, 'emulator').doc }, 201);
    },
  },
  {
    method: 'POST',
    path: '/_emulator/workflow-node-runs',
    id: 'admin.workflowNodeRun',
    admin: true,
    body: nodeRunBody,
    handler: (ctx) => {
      const b = ctx.body as z.infer<typeof nodeRunBody>;
      const rc = controlContext(ctx);
      const doc = nodeRunDoc(rc, {
        installationId: b.installationId,
        type: b.type,
        executionProperties: b.executionProperties ?? {},
        nodeUid: b.nodeUid ?? b.type,
        integrationProvider: b.integrationProvider ?? null,
      });
      return ok({ nodeRun: insertRun(rc, 'workflow_node', doc, 'emulator').doc }, 201);
    },
  },
  {
    method: 'GET',
    path: '/_emulator/runs',
    id: 'admin.runs',
    admin: true,
    handler: (ctx) => {
      const q = ctx.query;
      const kind = q.get('kind');
      if (kind !== null && kind !== 'action' && kind !== 'workflow_node')
        throw invalidRequest(`query.kind: expected "action" or "workflow_node", got "${kind}"`);
      const installationId = q.get('installationId');
      const status = q.get('status');
      const runs = ctx.emu.runs
        .runs(kind ? { kind: kind as RunKind } : {})
        .filter((r) => (installationId === null || r.doc.installationId === installationId) && (status === null || r.doc.status === status));
      return ok({ runs: runs.map((r) => adminRun(ctx.emu, r)) });
    },
  },
  { method: 'GET', path: '/_emulator/runs/:id', id: 'admin.run', admin: true, handler: (ctx) => ok({ run: adminRun(ctx.emu, loadAny(ctx), true) }) },
  {
    method: 'POST',
    path: '/_emulator/runs/:id/release',
    id: 'admin.runRelease',
    admin: true,
    handler: (ctx) => {
      const run = loadAny(ctx);
      releaseRun(controlContext(ctx), run);
      return ok({ run: adminRun(ctx.emu, run) });
    },
  },
  {
    method: 'GET',
    path: '/_emulator/integrations/:id/cursors',
    id: 'admin.cursors',
    admin: true,
    handler: (ctx) => ok({ cursors: ctx.emu.runs.cursors(ctx.params.id) }),
  },
  {
    method: 'PUT',
    path: '/_emulator/provision-enabled',
    id: 'admin.provisionEnabled',
    admin: true,
    body: z.strictObject({ integrations: z.array(z.string().min(1)) }),
    handler: (ctx) => {
      const { integrations } = ctx.body as { integrations: string[] };
      ctx.emu.store.setKv('provisionEnabled', integrations);
      return ok({ integrations });
    },
  },
  { method: 'GET', path: '/_emulator/settings', id: 'admin.settings', admin: true, handler: (ctx) => ok({ settings: ctx.emu.settings }) },
  {
    method: 'PUT',
    path: '/_emulator/settings',
    id: 'admin.settingsUpdate',
    admin: true,
    body: settingsBody,
    handler: (ctx) => {
      Object.assign(ctx.emu.settings, ctx.body as z.infer<typeof settingsBody>);
      return ok({ settings: ctx.emu.settings });
    },
  },
];
