/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { ResyncStateEntry } from '../../resync-history.ts';
import type { IntegrationDoc, ResyncRequest } from '../../routes/integrations.ts';
import type { ResyncSummary } from '../data.ts';
import { Counts, DeletionOutcome } from './catalog.tsx';
import { JsonTree, Layout, Status, Time, entityHref, qs } from './layout.tsx';

/** Page 4: an integration: its record, mapping, resyncs, deletion reports and raw-data examples. */
export interface IntegrationView {
  doc: IntegrationDoc;
  states: ResyncStateEntry[];
  resyncs: ResyncSummary[];
  examples: Array<{ kind: string; at: string; examples: unknown[] }>;
  request: ResyncRequest | null;
  signedIn: boolean;
}

interface DeletionRow {
  blueprint: string;
  identifier: string;
  action: string;
  reason: string;
}

interface Deletion {
  outcome?: string;
  skipReason?: string;
  rate?: number;
  threshold?: number;
  error?: string;
  counts?: Record<string, number>;
  rows?: DeletionRow[];
  rowsOmitted?: number;
}

export function IntegrationPage(v: IntegrationView) {
  const { doc } = v;
  const state = (doc.resyncState ?? {}) as Record<string, string | number | null | undefined>;
  const resources = Array.isArray((doc.config as { resources?: unknown[] } | null)?.resources) ? ((doc.config as { resources: Array<{ kind?: string }> }).resources) : [];
  const pending = v.request && (!state.lastResyncStart || String(state.lastResyncStart) < v.request.createdAt);
  const reports = v.resyncs.filter((r) => r.report?.deletion || r.traffic).slice(0, 3);
  return (
    <Layout title={doc.identifier} page="integration" signedIn={v.signedIn}>
      <p class="crumbs">
        <a href="/">Catalog</a> / integration
      </p>
      <h1>
        {doc.identifier} <span class="muted">{String(doc.installationAppType)} {String(doc.version ?? '')}</span>
      </h1>
      <p class="lede">
        Last resync: <Status value={(state.status as string) ?? 'never'} /> · started <Time at={state.lastResyncStart as string} /> · ended{' '}
        <Time at={state.lastResyncEnd as string} /> · next <Time at={state.nextResync as string} />
        {state.intervalInMinuets ? ` · every ${state.intervalInMinuets} min` : ''}
      </p>
      {v.request ? (
        <p class="note" data-testid="resync-request">
          Latest resync request <code>{v.request.id}</code> ({v.request.reason}) at <Time at={v.request.createdAt} />:{' '}
          {pending ? 'not picked up yet — a Tide with the POLLING listener starts a resync at its next poll; `tide sail --once` uses the new mapping on its next run.' : 'picked up by the resync that started after it.'}
        </p>
      ) : null}
      <section aria-labelledby="mapping-heading">
        <h2 id="mapping-heading">Mapping</h2>
        <p>
          {resources.map((r, i) => (
            <>
              {i > 0 ? ' · ' : ''}
              <a href={`/playground${qs({ integration: doc.identifier, index: i })}`}>
                Edit {r.kind ?? '?'} (resources[{i}])
              </a>
            </>
          ))}
          {resources.length ? ' · ' : ''}
          <a href={`/playground${qs({ integration: doc.identifier, index: resources.length })}`}>Add a resource</a>
        </p>
        <pre class="yaml" data-yaml={JSON.stringify(doc.config ?? {})} aria-label="The mapping as YAML">
          {JSON.stringify(doc.config ?? {}, null, 2)}
        </pre>
      </section>
      <section aria-labelledby="resyncs-heading">
        <h2 id="resyncs-heading">Resyncs</h2>
        {v.resyncs.length === 0 ? (
          <p class="muted">No resync has written through this Port yet.</p>
        ) : (
          <table class="grid" data-keynav>
            <thead>
              <tr>
                <th scope="col">Resync</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
                <th scope="col">Counts</th>
                <th scope="col">Deletions</th>
              </tr>
            </thead>
            <tbody>
              {v.resyncs.map((r) => (
                <tr>
                  <td>
                    <code>{r.resyncId}</code>
                  </td>
                  <td>{r.status ? <Status value={r.status} /> : <span class="muted">no report</span>}</td>
                  <td>
                    <Time at={r.startedAt} />
                  </td>
                  <td>
                    <Time at={r.finishedAt} />
                  </td>
                  <td>
                    <Counts resync={r} />
                  </td>
                  <td>
                    <DeletionOutcome resync={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>Resync-state history</h3>
        {v.states.length === 0 ? (
          <p class="muted">No resync-state updates yet.</p>
        ) : (
          <table class="grid" data-keynav>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Status</th>
                <th scope="col">Last start</th>
                <th scope="col">Last end</th>
                <th scope="col">Next</th>
              </tr>
            </thead>
            <tbody>
              {v.states.map((s) => (
                <tr>
                  <td>
                    <Time at={s.at} />
                  </td>
                  <td>
                    <Status value={s.state.status as string} />
                  </td>
                  <td>
                    <Time at={s.state.lastResyncStart as string} />
                  </td>
                  <td>
                    <Time at={s.state.lastResyncEnd as string} />
                  </td>
                  <td>
                    <Time at={s.state.nextResync as string} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="deletions-heading">
        <h2 id="deletions-heading">Deletion reports</h2>
        {reports.length === 0 ? <p class="muted">No deletion report yet.</p> : reports.map((r) => <DeletionReport resync={r} />)}
      </section>
      <section aria-labelledby="examples-heading">
        <h2 id="examples-heading">Raw data examples</h2>
        {v.examples.length === 0 ? (
          <p class="muted">No examples yet: Tide and Ocean send up to 5 raw items per kind during a resync.</p>
        ) : (
          v.examples.map((x) => (
            <details>
              <summary>
                <strong>{x.kind}</strong> — {x.examples.length} items, <Time at={x.at} />
              </summary>
              <JsonTree value={x.examples} open={2} label={`Examples of ${x.kind}`} />
            </details>
          ))
        )}
      </section>
      <section aria-labelledby="record-heading">
        <h2 id="record-heading">Integration record</h2>
        <JsonTree value={doc} open={1} label="Integration record" />
      </section>
    </Layout>
  );
}

function DeletionReport(p: { resync: ResyncSummary }) {
  const d = p.resync.report?.deletion as Deletion | undefined;
  if (!d) {
    const t = p.resync.traffic!;
    return (
      <article class="report">
        <h3>
          Resync <code>{p.resync.resyncId}</code> — as Port saw it
        </h3>
        <p class="muted">The framework sent no report to this Port; these are the deletes it made.</p>
        <Rows rows={t.deletedRows.map((r) => ({ ...r, action: 'deleted', reason: 'deleted by this resync (bulk delete)' }))} omitted={t.deleted - t.deletedRows.length} />
      </article>
    );
  }
  const c = d.counts ?? {};
  return (
    <article class="report" data-testid="deletion-report">
      <h3>
        Resync <code>{p.resync.resyncId}</code>: <Status value={d.outcome} />
        {d.skipReason ? ` (${d.skipReason})` : ''}
      </h3>
      <p>
        owned {c.owned ?? 0} · seen {c.seen ?? 0} · candidates {c.candidates ?? 0} · protected {c.protected ?? 0} · deleted {c.deleted ?? 0} · failed {c.failed ?? 0}
        {d.rate !== undefined ? ` · rate ${d.rate.toFixed(3)} vs threshold ${d.threshold}` : ''}
      </p>
      {d.error ? <p class="error">{d.error}</p> : null}
      <Rows rows={d.rows ?? []} omitted={d.rowsOmitted ?? 0} />
    </article>
  );
}

function Rows(p: { rows: DeletionRow[]; omitted: number }) {
  if (p.rows.length === 0) return <p class="muted">No candidates.</p>;
  return (
    <>
      <table class="grid" data-keynav>
        <thead>
          <tr>
            <th scope="col">Blueprint</th>
            <th scope="col">Identifier</th>
            <th scope="col">Action</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr>
              <td>{r.blueprint}</td>
              <td>
                <a href={entityHref(r.blueprint, r.identifier)}>{r.identifier}</a>
              </td>
              <td>{r.action}</td>
              <td>{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.omitted > 0 ? <p class="muted">… {p.omitted} more rows not listed.</p> : null}
    </>
  );
}
