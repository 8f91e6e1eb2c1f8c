import { z } from 'zod';
import { alreadyEnded, conflict, invalidRequest, notFound } from '../errors.ts';
import { ok, type HandlerContext, type Route } from '../router.ts';
import { actionRunDoc, actionRunLogs, end, insertRun, isEnded, loadRun, newId, publicRun, record, save } from '../runs.ts';
import type { StoredRun } from '../runs-store.ts';
import { claimAndAckRoutes, runContext } from './run-claims.ts';

/**
 * Self-service actions and their runs (docs/port-api.md §11.9): the routes an execution agent calls to
 * claim, acknowledge and report runs, and the ones that create actions and runs.
 */
const termination = z.enum(['SUCCESS', 'FAILURE']);
const patchBody = z.strictObject({
  status: termination.optional(),
  statusLabel: z.string().nullable().optional(),
  link: z.union([z.string(), z.array(z.string())]).optional(),
  summary: z.string().nullable().optional(),
  externalRunId: z.string().nullable().optional(),
});
const logBody = z.strictObject({ message: z.string(), terminationStatus: termination.optional(), statusLabel: z.string().optional() });
const actionBody = z.looseObject({
  identifier: z.string().min(1).max(100),
  title: z.string().max(100).optional(),
  trigger: z.record(z.string(), z.unknown()),
  invocationMethod: z.looseObject({ type: z.string().min(1) }),
});
const createRunBody = z.strictObject({ properties: z.record(z.string(), z.unknown()), entity: z.string().min(1).optional() });

export interface ActionDoc {
  identifier: string;
  title?: string;
  trigger: { blueprintIdentifier?: string; [key: string]: unknown };
  invocationMethod: { type: string; installationId?: string; integrationActionType?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Validate and stamp an action (also used by `/_emulator/seed`). */
export function actionDoc(raw: unknown, stamp: string, by: string | null): ActionDoc {
  const parsed = actionBody.safeParse(raw);
  if (!parsed.success) throw invalidRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const a = parsed.data as ActionDoc;
  if (a.invocationMethod.type === 'INTEGRATION_ACTION')
    for (const key of ['installationId', 'integrationActionType'] as const)
      if (typeof a.invocationMethod[key] !== 'string' || a.invocationMethod[key] === '')
        throw invalidRequest(`invocationMethod.${key}: required for an INTEGRATION_ACTION invocation method`);
  return { ...a, createdAt: stamp, createdBy: by, updatedAt: stamp, updatedBy: by };
}

const INPUT = /^\{\{\s*\.inputs\.(?:"([^"]+)"|([A-Za-z0-9_@=-]+))\s*\}\}$/;
const ENTITY_ID = /^\{\{\s*\.entity\.identifier\s*\}\}$/;
const RUN_ID = /^\{\{\s*\.run\.id\s*\}\}$/;

/** The emulator's template subset (§11.9): whole-string references only, no JQ. */
function evaluate(value: unknown, scope: { inputs: Record<string, unknown>; entity: string | null; runId: string }): unknown {
  if (typeof value === 'string') {
    const input = INPUT.exec(value);
    if (input) return scope.inputs[input[1] ?? input[2]] ?? null;
    if (ENTITY_ID.test(value)) return scope.entity;
    if (RUN_ID.test(value)) return scope.runId;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope)]));
  return value;
}

function loadAction(ctx: HandlerContext): ActionDoc {
  const action = ctx.emu.runs.action<ActionDoc>(ctx.params.action);
  if (!action) throw notFound(`Action "${ctx.params.action}" was not found`);
  return action;
}

function createRun(ctx: HandlerContext) {
  const action = loadAction(ctx);
  const method = action.invocationMethod;
  if (method.type !== 'INTEGRATION_ACTION')
    throw invalidRequest(`Action "${action.identifier}" has invocation method "${method.type}"; only INTEGRATION_ACTION actions create runs here`);
  const body = ctx.body as z.infer<typeof createRunBody>;
  const blueprint = action.trigger.blueprintIdentifier ?? null;
  if (body.entity !== undefined && (blueprint === null || !ctx.emu.store.hasEntity(blueprint, body.entity)))
    throw notFound(`Entity "${body.entity}" of blueprint "${blueprint ?? '(none)'}" was not found`);
  const { type: _t, installationId: _i, integrationActionType: _a, integrationActionExecutionProperties, ...rest } = method;
  const template = integrationActionExecutionProperties ?? rest;
  const id = newId('r');
  const rc = runContext(ctx);
  const doc = actionRunDoc(rc, {
    id,
    installationId: method.installationId!,
    type: method.integrationActionType!,
    executionProperties: evaluate(template, { inputs: body.properties, entity: body.entity ?? null, runId: id }) as Record<string, unknown>,
    action: { identifier: action.identifier, title: action.title ?? null },
    blueprint,
    entity: body.entity ?? null,
    properties: body.properties,
  });
  return ok({ run: insertRun(rc, 'action', doc, 'API').doc }, 202);
}

function patchRun(ctx: HandlerContext) {
  const rc = runContext(ctx);
  const run = loadRun(ctx.emu, 'action', ctx.params.run);
  const body = ctx.body as z.infer<typeof patchBody>;
  if (isEnded(run)) throw alreadyEnded(`Action run "${run.id}" ended with ${String(run.doc.status)}; it can no longer be changed`);
  const stamp = ctx.emu.clock.stamp();
  const { link, ...fields } = body;
  Object.assign(run.doc, fields);
  if (link !== undefined) run.doc.link = typeof link === 'string' ? [link] : link;
  if (body.status) end(run, stamp);
  save(rc, run, stamp);
  record(rc, run, 'patched', { body });
  return ok({ run: run.doc });
}

function addLog(ctx: HandlerContext) {
  const rc = runContext(ctx);
  const run = loadRun(ctx.emu, 'action', ctx.params.run);
  const body = ctx.body as z.infer<typeof logBody>;
  const ended = isEnded(run);
  if (body.terminationStatus && ended)
    throw alreadyEnded(`Action run "${run.id}" ended with ${String(run.doc.status)}; a log cannot set terminationStatus any more`);
  const stamp = ctx.emu.clock.stamp();
  const runLog = { id: newId('rl'), runId: run.id, message: body.message, createdBy: rc.clientId, createdAt: stamp };
  if (!ended) {
    if (body.statusLabel !== undefined) run.doc.statusLabel = body.statusLabel;
    if (body.terminationStatus) {
      run.doc.status = body.terminationStatus;
      end(run, stamp);
    }
    if (body.statusLabel !== undefined || body.terminationStatus) save(rc, run, stamp);
  }
  record(rc, run, 'log', { runLog, ...(body.terminationStatus ? { terminationStatus: body.terminationStatus } : {}) });
  return ok({ runLog }, 201);
}

function listRuns(ctx: HandlerContext) {
  const q = ctx.query;
  const limit = q.get('limit') === null ? 1000 : Number(q.get('limit'));
  if (!(limit >= 1 && limit <= 1000)) throw invalidRequest(`query.limit: expected an integer 1..1000, got "${q.get('limit')}"`);
  const external = q.get('external_run_id');
  const keep = (r: StoredRun) => {
    const d = r.doc as { action?: { identifier?: string }; entity?: { identifier?: string } | null; blueprint?: { identifier?: string } | null };
    if (q.has('action') && d.action?.identifier !== q.get('action')) return false;
    if (q.has('entity') && d.entity?.identifier !== q.get('entity')) return false;
    if (q.has('blueprint') && d.blueprint?.identifier !== q.get('blueprint')) return false;
    if (q.has('active') && (r.doc.status === 'IN_PROGRESS') !== (q.get('active') === 'true')) return false;
    return true;
  };
  const runs = ctx.emu.runs.runs({ kind: 'action', externalRunId: external ?? undefined }).filter(keep).reverse().slice(0, limit);
  return ok({ runs: runs.map((r) => r.doc) });
}

export const actionRunRoutes: Route[] = [
  // The action route's limit ceiling (1000) is Ocean's bound on its buffer watermark (docs/port-api.md §15.24).
  ...claimAndAckRoutes({ kind: 'action', base: '/v1/actions/runs', idPrefix: 'actionRuns', limitMax: 1000, timeoutMin: 1, ackField: 'runId', listKey: 'runs' }),
  { method: 'GET', path: '/v1/actions/runs', id: 'actionRuns.list', query: { active: 'boolean', limit: 'integer' }, handler: listRuns },
  {
    method: 'GET',
    path: '/v1/actions/runs/:run',
    id: 'actionRuns.get',
    handler: (ctx) => ok({ run: publicRun(ctx.emu, loadRun(ctx.emu, 'action', ctx.params.run)) }),
  },
  { method: 'PATCH', path: '/v1/actions/runs/:run', id: 'actionRuns.patch', body: patchBody, handler: patchRun },
  {
    method: 'GET',
    path: '/v1/actions/runs/:run/logs',
    id: 'actionRuns.logs',
    handler: (ctx) => ok({ runLogs: actionRunLogs(ctx.emu, loadRun(ctx.emu, 'action', ctx.params.run).id) }),
  },
  { method: 'POST', path: '/v1/actions/runs/:run/logs', id: 'actionRuns.addLog', body: logBody, handler: addLog },
  {
    method: 'POST',
    path: '/v1/actions',
    id: 'actions.create',
    body: z.unknown(),
    handler: (ctx) => {
      const action = actionDoc(ctx.body, ctx.emu.clock.stamp(), ctx.principal?.clientId ?? null);
      if (ctx.emu.runs.action(action.identifier)) throw conflict(`Action "${action.identifier}" already exists`);
      ctx.emu.runs.putAction(action);
      return ok({ action }, 201);
    },
  },
  { method: 'GET', path: '/v1/actions/:action', id: 'actions.get', handler: (ctx) => ok({ action: loadAction(ctx) }) },
  { method: 'POST', path: '/v1/actions/:action/runs', id: 'actions.createRun', body: createRunBody, handler: createRun },
];
