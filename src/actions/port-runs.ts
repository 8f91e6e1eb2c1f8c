/**
 * The Port routes of the action agent (Port API §11.9, §11.10): claiming, acknowledging, reporting and
 * finding action runs and workflow node runs. Claims and acks carry `x-port-reserved-usage: true`; calls made
 * for one run carry `ocean_info_event_type=action_run`.
 */
import { PortApiError, type PortTransport } from '../port/index.ts';
import type { RunLogLevel, RunUpdate } from './types.ts';

/** What a run needs for its routes. */
export interface RunRef {
  id: string;
  kind: 'action' | 'workflow-node';
}

/** The published ceiling of the workflow claim route's `limit` (Port API §11.10). */
export const WORKFLOW_CLAIM_MAX = 100;

const RESERVED = { 'x-port-reserved-usage': 'true' };
const EVENT = { event: { type: 'action_run' as const } };

export interface ClaimRequest {
  limit: number;
  visibilityTimeoutMs: number;
  /** Action identifiers (action route) or node uids (workflow route) not to claim. */
  exclude: string[];
}

/** The final report of a run. */
export interface RunReport extends Pick<RunUpdate, 'link' | 'summary'> {
  status: 'SUCCESS' | 'FAILURE';
}

export type RunsApi = ReturnType<typeof createRunsApi>;

/** The run routes of one installation. */
export function createRunsApi(transport: PortTransport, installationId: string) {
  const claimBody = (c: ClaimRequest) => ({ installationId, limit: c.limit, visibilityTimeoutMs: c.visibilityTimeoutMs, ...(c.exclude.length ? { exclude: c.exclude } : {}) });

  return {
    /** `POST /actions/runs/claim-pending`: the raw runs claimed. */
    async claimActionRuns(c: ClaimRequest): Promise<unknown[]> {
      const body = await transport.json<{ runs?: unknown }>({ method: 'POST', route: '/actions/runs/claim-pending', body: claimBody(c), headers: RESERVED });
      return Array.isArray(body?.runs) ? body.runs : [];
    },
    /** `POST /workflows/runs/claim-pending`: the raw node runs claimed (at most 100 asked). */
    async claimNodeRuns(c: ClaimRequest): Promise<unknown[]> {
      const body = await transport.json<{ nodeRuns?: unknown }>({
        method: 'POST',
        route: '/workflows/runs/claim-pending',
        body: claimBody({ ...c, limit: Math.min(c.limit, WORKFLOW_CLAIM_MAX) }),
        headers: RESERVED,
      });
      return Array.isArray(body?.nodeRuns) ? body.nodeRuns : [];
    },
    /** Acknowledge: `acked`, or `taken` when another consumer has the run (409). Other errors throw. */
    async ack(run: RunRef): Promise<'acked' | 'taken'> {
      try {
        if (run.kind === 'action') await transport.json({ method: 'PATCH', route: '/actions/runs/ack', body: { runId: run.id }, headers: RESERVED, context: EVENT });
        else await transport.json({ method: 'PATCH', route: '/workflows/runs/ack', body: { nodeRunIdentifier: run.id }, headers: RESERVED, context: EVENT });
        return 'acked';
      } catch (error) {
        if (error instanceof PortApiError && error.status === 409) return 'taken';
        throw error;
      }
    },
    /** A run log: the message alone on action runs, a level on node runs (`WARNING` spelled `WARN`). */
    async log(run: RunRef, message: string, level: RunLogLevel = 'INFO'): Promise<void> {
      if (run.kind === 'action') {
        await transport.json({ method: 'POST', route: '/actions/runs/{id}/logs', params: { id: run.id }, body: { message }, context: EVENT });
      } else {
        const wire = level === 'WARNING' ? 'WARN' : level;
        await transport.json({ method: 'POST', route: '/workflows/nodes/runs/{id}/logs', params: { id: run.id }, body: { logs: [{ level: wire, message }] }, context: EVENT });
      }
    },
    /** Mark started: link and external id (and label, summary) on action runs; IN_PROGRESS with output and links on node runs. */
    async update(run: RunRef, fields: RunUpdate): Promise<void> {
      const links = fields.link === undefined ? undefined : Array.isArray(fields.link) ? fields.link : [fields.link];
      if (run.kind === 'action') {
        const body = defined({ link: fields.link, externalRunId: fields.externalRunId, statusLabel: fields.statusLabel, summary: fields.summary });
        await transport.json({ method: 'PATCH', route: '/actions/runs/{id}', params: { id: run.id }, body, context: EVENT });
      } else {
        const output = defined({ workflowRunUrl: links?.[0], ...fields.output });
        const body = defined({ status: 'IN_PROGRESS', externalRunId: fields.externalRunId, output: Object.keys(output).length ? output : undefined, links });
        await transport.json({ method: 'PATCH', route: '/workflows/nodes/runs/{id}', params: { id: run.id }, body, context: EVENT });
      }
    },
    /** The final status: SUCCESS or FAILURE (action runs), COMPLETED with SUCCESS or FAILED (node runs). */
    async complete(run: RunRef, report: RunReport, output?: Record<string, unknown>): Promise<void> {
      const links = report.link === undefined ? undefined : Array.isArray(report.link) ? report.link : [report.link];
      // Sent again after a lost answer, the PATCH meets 409 run_already_ended, which the caller logs.
      if (run.kind === 'action') {
        const body = defined({ status: report.status, link: links, summary: report.summary });
        await transport.json({ method: 'PATCH', route: '/actions/runs/{id}', params: { id: run.id }, body, retryable: true, context: EVENT });
      } else {
        const out = defined({ workflowRunUrl: links?.[0], ...output });
        const body = defined({ status: 'COMPLETED', result: report.status === 'SUCCESS' ? 'SUCCESS' : 'FAILED', output: Object.keys(out).length ? out : undefined, links });
        await transport.json({ method: 'PATCH', route: '/workflows/nodes/runs/{id}', params: { id: run.id }, body, retryable: true, context: EVENT });
      }
    },
    /** A run by its external id: action runs first, then workflow node runs (Ocean's order, Port API §11.10). */
    async findByExternalId(externalRunId: string): Promise<unknown | undefined> {
      try {
        const body = await transport.json<{ runs?: unknown[] }>({ method: 'GET', route: '/actions/runs', query: { version: 'v2', external_run_id: externalRunId } });
        if (body?.runs?.[0]) return body.runs[0];
      } catch {
        // Ocean falls through to the workflow route on any failure.
      }
      const nodes = await transport.json<{ nodeRuns?: unknown[] }>({
        method: 'GET',
        route: '/workflows/nodes/runs',
        query: { external_run_id: externalRunId, include: 'nodeConfig' },
        headers: RESERVED,
      });
      return nodes?.nodeRuns?.[0];
    },
  };
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
