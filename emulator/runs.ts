import { randomBytes } from 'node:crypto';
import { alreadyAcknowledged, notFound } from './errors.ts';
import type { RunDoc, RunEvent, RunKind, StoredRun } from './runs-store.ts';
import type { EmulatorState } from './state.ts';

/**
 * The run lifecycle shared by action runs (docs/port-api.md §11.9) and workflow node runs (§11.10):
 * creation, claims with a visibility timeout on the emulator clock, acknowledgement, the end of a run,
 * and the history each step leaves for `GET /_emulator/runs/{id}` (§13.6).
 */
export interface RunContext {
  emu: EmulatorState;
  /** The request's trace id, so a run's history points into the request log; null for controls. */
  traceId: string | null;
  clientId: string | null;
  /** Filled with the runs a request touched, for its request-log entry. */
  runIds: string[];
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix_` plus 16 random letters and digits (node runs must match `^wfnr_[a-zA-Z0-9]{16}$`). */
export function newId(prefix: string): string {
  let out = '';
  for (const b of randomBytes(16)) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return `${prefix}_${out}`;
}

const KIND_NAME: Record<RunKind, string> = { action: 'Action run', workflow_node: 'Workflow node run' };

export function loadRun(emu: EmulatorState, kind: RunKind, id: string): StoredRun {
  const run = emu.runs.run(id);
  if (!run || run.kind !== kind) throw notFound(`${KIND_NAME[kind]} "${id}" was not found`);
  return run;
}

/** Ended: an action run with a termination status, or a COMPLETED node run. */
export const isEnded = (run: StoredRun): boolean =>
  run.kind === 'action' ? run.doc.endedAt !== null && run.doc.endedAt !== undefined : run.doc.status === 'COMPLETED';

export function record(ctx: RunContext, run: StoredRun, type: string, details: Record<string, unknown> = {}): void {
  const event: RunEvent = { type, at: ctx.emu.clock.iso(), traceId: ctx.traceId, ...details };
  ctx.emu.runs.addEvent(run.id, event);
  if (!ctx.runIds.includes(run.id)) ctx.runIds.push(run.id);
}

/** Store a changed run with a fresh `updatedAt` (and `updatedBy` on action runs). */
export function save(ctx: RunContext, run: StoredRun, stamp = ctx.emu.clock.stamp()): void {
  run.doc.updatedAt = stamp;
  if (run.kind === 'action') run.doc.updatedBy = ctx.clientId;
  ctx.emu.runs.saveRun(run);
}

/** End a run: no agent may claim or acknowledge it any more. */
export function end(run: StoredRun, stamp: string): void {
  run.doc.pendingExecution = false;
  run.doc.claimedUntil = null;
  if (run.kind === 'action') run.doc.endedAt = stamp;
  else run.doc.completedAt = stamp;
}

export function insertRun(ctx: RunContext, kind: RunKind, doc: RunDoc, source: string): StoredRun {
  const run = ctx.emu.runs.insertRun(kind, doc);
  record(ctx, run, 'created', { source });
  return run;
}

export interface ActionRunInput {
  id?: string;
  installationId: string;
  type: string;
  executionProperties: Record<string, unknown>;
  action: { identifier: string; title: string | null };
  blueprint: string | null;
  entity: string | null;
  properties: Record<string, unknown>;
}

/** A pending action run in the `version=v2` form, as Port creates it for an INTEGRATION_ACTION action. */
export function actionRunDoc(ctx: RunContext, input: ActionRunInput): RunDoc {
  const now = ctx.emu.clock.stamp();
  return {
    id: input.id ?? newId('r'),
    status: 'IN_PROGRESS',
    statusLabel: null,
    link: [],
    summary: null,
    externalRunId: null,
    action: input.action,
    blueprint: input.blueprint === null ? null : { identifier: input.blueprint },
    entity: input.entity === null ? null : { identifier: input.entity },
    properties: input.properties,
    payload: {
      type: 'INTEGRATION_ACTION',
      installationId: input.installationId,
      integrationActionType: input.type,
      integrationActionExecutionProperties: input.executionProperties,
    },
    installationId: input.installationId,
    pendingExecution: true,
    claimedUntil: null,
    source: 'API',
    requiredApproval: false,
    endedAt: null,
    createdAt: now,
    updatedAt: now,
    createdBy: ctx.clientId,
    updatedBy: ctx.clientId,
  };
}

export interface NodeRunInput {
  installationId: string;
  type: string;
  executionProperties: Record<string, unknown>;
  nodeUid: string;
  integrationProvider: string | null;
}

export function nodeRunDoc(ctx: RunContext, input: NodeRunInput): RunDoc {
  const now = ctx.emu.clock.stamp();
  return {
    identifier: newId('wfnr'),
    nodeUid: input.nodeUid,
    status: 'IN_PROGRESS',
    result: null,
    output: {},
    links: [],
    externalRunId: null,
    installationId: input.installationId,
    pendingExecution: true,
    claimedUntil: null,
    config: {
      type: 'INTEGRATION_ACTION',
      installationId: input.installationId,
      integrationProvider: input.integrationProvider,
      integrationInvocationType: input.type,
      integrationActionExecutionProperties: input.executionProperties,
    },
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}

export interface ClaimBody {
  installationId: string;
  limit: number;
  visibilityTimeoutMs: number;
  exclude?: string[];
}

/**
 * Claim up to `limit` claimable runs, oldest first, hiding each from other claims until
 * `now + visibilityTimeoutMs` on the emulator clock. Runs inside the request's transaction.
 */
export function claimRuns(ctx: RunContext, kind: RunKind, body: ClaimBody, reservedUsage: boolean): StoredRun[] {
  const now = ctx.emu.clock.now();
  const runs = ctx.emu.runs.claimable({ kind, installationId: body.installationId, exclude: body.exclude ?? [], now, limit: body.limit });
  const claimedUntil = new Date(now + body.visibilityTimeoutMs).toISOString();
  const stamp = ctx.emu.clock.stamp();
  for (const run of runs) {
    run.doc.claimedUntil = claimedUntil;
    run.claimCount += 1;
    save(ctx, run, stamp);
    record(ctx, run, 'claimed', { claimedUntil, reservedUsage });
  }
  return runs;
}

/** Acknowledge a pending run: final, so of several claimers exactly one executes it. */
export function ackRun(ctx: RunContext, kind: RunKind, id: string, reservedUsage: boolean): void {
  const run = loadRun(ctx.emu, kind, id);
  if (!run.doc.pendingExecution || isEnded(run))
    throw alreadyAcknowledged(`${KIND_NAME[kind]} "${id}" is not pending: it was already acknowledged${isEnded(run) ? ' and has ended' : ''}`);
  const stamp = ctx.emu.clock.stamp();
  run.doc.pendingExecution = false;
  run.doc.claimedUntil = null;
  run.ackedAt = stamp;
  save(ctx, run, stamp);
  record(ctx, run, 'acknowledged', { reservedUsage });
}

/** An unacknowledged claim expires now (`POST /_emulator/runs/{id}/release`). */
export function releaseRun(ctx: RunContext, run: StoredRun): void {
  run.doc.claimedUntil = null;
  save(ctx, run);
  record(ctx, run, 'released');
}

/** Action-run logs, oldest first. */
export function actionRunLogs(emu: EmulatorState, runId: string): unknown[] {
  return emu.runs.events(runId, 'log').map((e) => e.runLog);
}

/** A run's public JSON; a node run carries its logs as `nodeRunLogs`. */
export function publicRun(emu: EmulatorState, run: StoredRun): RunDoc {
  if (run.kind === 'action') return run.doc;
  return { ...run.doc, nodeRunLogs: emu.runs.events(run.id, 'log').flatMap((e) => e.logs as unknown[]) };
}

/** The emulator's view (§13.6): the public JSON plus `kind`, `claimCount`, `ackedAt`; with detail, logs and history. */
export function adminRun(emu: EmulatorState, run: StoredRun, detail = false): Record<string, unknown> {
  const view: Record<string, unknown> = { ...publicRun(emu, run), kind: run.kind, claimCount: run.claimCount, ackedAt: run.ackedAt };
  if (detail) {
    view.logs = run.kind === 'action' ? actionRunLogs(emu, run.id) : view.nodeRunLogs;
    view.history = emu.runs.events(run.id);
  }
  return view;
}
