import { z } from 'zod';
import { alreadyEnded, invalidRequest } from '../errors.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';
import { end, isEnded, loadRun, publicRun, record, save, type RunContext } from '../runs.ts';
import type { StoredRun } from '../runs-store.ts';
import { claimAndAckRoutes, runContext } from './run-claims.ts';

/**
 * Workflow node runs (docs/port-api.md §11.10): claimed and acknowledged like action runs, reported by
 * PATCH (status, result, output, links) and log posts.
 */
const LEVEL = z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']);
const patchBody = z.strictObject({
  status: z.enum(['IN_PROGRESS', 'COMPLETED']).optional(),
  result: z.enum(['SUCCESS', 'FAILED', 'CANCELLED']).optional(),
  output: z.record(z.string(), z.unknown()).optional(),
  externalRunId: z.string().nullable().optional(),
  links: z.array(z.string()).optional(),
  // Some Ocean releases send their logs inside the PATCH, already in the stored shape.
  logs: z.array(z.strictObject({ logLevel: LEVEL, log: z.string(), tags: z.unknown().optional() })).optional(),
});
const logsBody = z.strictObject({ logs: z.array(z.strictObject({ level: LEVEL, message: z.string() })) });

function appendLogs(rc: RunContext, run: StoredRun, logs: Array<{ logLevel: string; log: string }>): void {
  if (logs.length === 0) return;
  const at = rc.emu.clock.iso();
  record(rc, run, 'log', { logs: logs.map((l) => ({ logLevel: l.logLevel, log: l.log, tags: {}, createdAt: at, updatedAt: at })) });
}

function patchNodeRun(ctx: HandlerContext) {
  const rc = runContext(ctx);
  const run = loadRun(ctx.emu, 'workflow_node', ctx.params.id);
  const body = ctx.body as z.infer<typeof patchBody>;
  if (isEnded(run)) throw alreadyEnded(`Workflow node run "${run.id}" is COMPLETED (${String(run.doc.result)}); it can no longer be changed`);
  if (body.status === 'COMPLETED' && !body.result) throw invalidRequest('result: required when status is COMPLETED (SUCCESS, FAILED or CANCELLED)');
  const stamp = ctx.emu.clock.stamp();
  const { logs, ...fields } = body;
  Object.assign(run.doc, fields);
  if (body.status === 'COMPLETED') end(run, stamp);
  save(rc, run, stamp);
  record(rc, run, 'patched', { body: fields });
  appendLogs(rc, run, logs ?? []);
  return ok({ nodeRun: publicRun(ctx.emu, run) });
}

/** The lookup route returns the configuration as `node.config` (with `include=nodeConfig`), never as `config`. */
function lookupView(ctx: HandlerContext, run: StoredRun) {
  const { config, ...rest } = publicRun(ctx.emu, run);
  const wanted = [...ctx.query.getAll('include'), ...ctx.query.getAll('include[]')].includes('nodeConfig');
  return wanted ? { ...rest, node: { uid: run.doc.nodeUid, config } } : rest;
}

export const workflowRunRoutes: Route[] = [
  // Port's published limits for this route: limit 1-100, visibilityTimeoutMs 1,000-600,000.
  ...claimAndAckRoutes({
    kind: 'workflow_node', base: '/v1/workflows/runs', idPrefix: 'workflowRuns', limitMax: 100, timeoutMin: 1000, ackField: 'nodeRunIdentifier', listKey: 'nodeRuns',
  }),
  {
    method: 'GET',
    path: '/v1/workflows/nodes/runs',
    id: 'workflowNodeRuns.list',
    handler: (ctx) => {
      const external = ctx.query.get('external_run_id') ?? undefined;
      const runs = ctx.emu.runs.runs({ kind: 'workflow_node', externalRunId: external }).reverse();
      return ok({ nodeRuns: runs.map((r) => lookupView(ctx, r)) });
    },
  },
  { method: 'PATCH', path: '/v1/workflows/nodes/runs/:id', id: 'workflowNodeRuns.patch', body: patchBody, handler: patchNodeRun },
  {
    method: 'POST',
    path: '/v1/workflows/nodes/runs/:id/logs',
    id: 'workflowNodeRuns.addLogs',
    body: logsBody,
    handler: (ctx) => {
      const run = loadRun(ctx.emu, 'workflow_node', ctx.params.id);
      const { logs } = ctx.body as z.infer<typeof logsBody>;
      appendLogs(runContext(ctx), run, logs.map((l) => ({ logLevel: l.level, log: l.message })));
      return ok({});
    },
  },
];
