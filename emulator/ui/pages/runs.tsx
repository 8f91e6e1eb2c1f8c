/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { RunEvent, StoredRun } from '../../runs-store.ts';
import { JsonTree, Layout, Time, integrationHref, qs } from './layout.tsx';

/** Self-service action runs and workflow node runs (docs/port-api.md §11.9, §11.10): the newest first, and one run's logs and history. */

/** The fields a runs table shows, from either kind of run. */
export function runSummary(run: StoredRun) {
  const d = run.doc as Record<string, any>;
  const action = run.kind === 'action';
  return {
    id: run.id,
    kind: action ? 'action' : 'workflow node',
    type: String(action ? d.payload?.integrationActionType : d.config?.integrationInvocationType),
    installation: String(d.installationId ?? ''),
    status: action ? String(d.status) : d.status === 'COMPLETED' ? String(d.result) : String(d.status),
    pending: d.pendingExecution === true,
    claims: run.claimCount,
    createdAt: String(d.createdAt),
    endedAt: (action ? d.endedAt : d.completedAt) as string | null,
    links: ((action ? d.link : d.links) ?? []) as string[],
  };
}

export const runHref = (id: string) => `/run${qs({ id })}`;

/** A run status with a symbol and a word; a pending run says it waits for an agent. */
function RunStatus(props: { status: string; pending: boolean }) {
  const ok = props.status === 'SUCCESS';
  const bad = props.status === 'FAILURE' || props.status === 'FAILED' || props.status === 'CANCELLED';
  const label = props.status === 'IN_PROGRESS' && props.pending ? 'pending' : props.status.toLowerCase().replace('_', ' ');
  return (
    <span class={`status status-${ok ? 'ok' : bad ? 'bad' : 'neutral'}`}>
      <span aria-hidden="true">{ok ? '✓' : bad ? '✗' : props.pending ? '…' : '◌'}</span> {label}
    </span>
  );
}

export function RunsPage(p: { runs: StoredRun[]; installation?: string; total: number; signedIn: boolean }) {
  const rows = p.runs.map(runSummary);
  return (
    <Layout title="Runs" page="runs" signedIn={p.signedIn}>
      <h1>Runs{p.installation ? ` of ${p.installation}` : ''}</h1>
      <p class="lede">
        Self-service action runs and workflow node runs, newest first{p.total > rows.length ? ` (the newest ${rows.length} of ${p.total})` : ''}. A pending run waits for
        an integration's action agent to claim it (<code>OCEAN__ACTIONS_PROCESSOR__ENABLED=true</code>); <code>tide actions run</code> creates one and runs it.
      </p>
      {rows.length === 0 ? (
        <p class="empty">No runs yet.</p>
      ) : (
        <table class="grid runs" data-keynav>
          <caption class="sr-only">Runs, their type, installation, status and times</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Kind</th>
              <th scope="col">Type</th>
              <th scope="col">Installation</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Claims</th>
              <th scope="col">Created</th>
              <th scope="col">Ended</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={runHref(r.id)}>{r.id}</a>
                </td>
                <td>{r.kind}</td>
                <td>
                  <code>{r.type}</code>
                </td>
                <td>
                  <a href={`/runs${qs({ installation: r.installation })}`}>{r.installation}</a>
                </td>
                <td>
                  <RunStatus status={r.status} pending={r.pending} />
                </td>
                <td class="num">{r.claims}</td>
                <td>
                  <Time at={r.createdAt} />
                </td>
                <td>
                  <Time at={r.endedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** One log line of either kind: action runs carry the message only, node runs a level too. */
function logLine(log: Record<string, unknown>): { at: string; level: string; message: string } {
  return { at: String(log.createdAt ?? ''), level: String(log.logLevel ?? ''), message: String(log.message ?? log.log ?? '') };
}

export function RunPage(p: { run: StoredRun; logs: Array<Record<string, unknown>>; history: RunEvent[]; signedIn: boolean }) {
  const r = runSummary(p.run);
  const d = p.run.doc as Record<string, any>;
  const properties = p.run.kind === 'action' ? d.payload?.integrationActionExecutionProperties : d.config?.integrationActionExecutionProperties;
  return (
    <Layout title={r.id} page="runs" signedIn={p.signedIn}>
      <p class="crumbs">
        <a href="/runs">Runs</a> / {r.kind}
      </p>
      <h1>
        {r.id} <span class="muted">{r.type}</span>
      </h1>
      <p class="lede">
        <RunStatus status={r.status} pending={r.pending} /> · installation <a href={integrationHref(r.installation)}>{r.installation}</a> · claimed {r.claims}{' '}
        {r.claims === 1 ? 'time' : 'times'} · created <Time at={r.createdAt} /> · ended <Time at={r.endedAt} />
      </p>
      {r.links.length ? (
        <p data-testid="run-links">
          Link:{' '}
          {r.links.map((l) => (
            <a href={l} rel="noreferrer noopener" class="run-link">
              {l}
            </a>
          ))}
        </p>
      ) : null}
      <section aria-labelledby="logs-h">
        <h2 id="logs-h">Logs</h2>
        {p.logs.length === 0 ? (
          <p class="empty">No logs.</p>
        ) : (
          <ol class="run-logs" data-testid="run-logs">
            {p.logs.map(logLine).map((l) => (
              <li>
                <Time at={l.at} /> {l.level ? <span class="muted">{l.level}</span> : null} <span class="log-message">{l.message}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="props-h">
        <h2 id="props-h">Execution properties</h2>
        <JsonTree value={properties ?? {}} open={2} label="Execution properties" />
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <table class="grid" data-keynav>
          <caption class="sr-only">Every claim, acknowledgement, change and log of the run, in order</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {p.history.map(({ type, at, traceId: _, ...details }) => (
              <tr>
                <td>
                  <Time at={at} />
                </td>
                <td>{type}</td>
                <td>
                  <code>{JSON.stringify(details)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}
