/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { BlueprintSummary, IntegrationSummary, ResyncSummary } from '../data.ts';
import { Icon, Layout, Status, Time, blueprintHref, integrationHref, qs } from './layout.tsx';

/** Page 1: every blueprint with its entity count and owners, and each integration's last resync. */
export function CatalogPage(props: { blueprints: BlueprintSummary[]; integrations: IntegrationSummary[]; signedIn: boolean; evaluator: boolean }) {
  const total = props.blueprints.reduce((n, b) => n + b.count, 0);
  return (
    <Layout title="Catalog" page="catalog" signedIn={props.signedIn}>
      <h1>Catalog</h1>
      <p class="lede">
        {plural(props.blueprints.length, 'blueprint')} · {plural(total, 'entity', 'entities')} · {plural(props.integrations.length, 'integration')}
      </p>
      <section aria-labelledby="bp-heading">
        <h2 id="bp-heading">Blueprints</h2>
        {props.blueprints.length === 0 ? (
          <p class="empty">No blueprints yet. Run an integration against this Port, for example <code>npm start</code>.</p>
        ) : (
          <table class="grid" data-keynav>
            <caption class="sr-only">Blueprints, their entity counts and the integrations that own their entities</caption>
            <thead>
              <tr>
                <th scope="col">Blueprint</th>
                <th scope="col">Identifier</th>
                <th scope="col" class="num">Entities</th>
                <th scope="col">Owned by</th>
              </tr>
            </thead>
            <tbody>
              {props.blueprints.map((b) => (
                <tr>
                  <td>
                    <Icon name={b.blueprint.icon} title={b.blueprint.title ?? b.blueprint.identifier} />{' '}
                    <a href={blueprintHref(b.blueprint.identifier)}>{b.blueprint.title || b.blueprint.identifier}</a>
                  </td>
                  <td>
                    <code>{b.blueprint.identifier}</code>
                  </td>
                  <td class="num" data-testid="count">
                    {b.count.toLocaleString('en')}
                  </td>
                  <td>
                    {b.owners.map((o) => (
                      <span class="owner">
                        <a href={integrationHref(o.integration)}>{o.integration}</a> ({o.count.toLocaleString('en')})
                      </span>
                    ))}
                    {b.other > 0 ? <span class="owner muted">no integration ({b.other.toLocaleString('en')})</span> : null}
                    {b.owners.length === 0 && b.other === 0 ? <span class="muted">—</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="int-heading">
        <h2 id="int-heading">Integrations</h2>
        {props.integrations.length === 0 ? (
          <p class="empty">No integrations yet.</p>
        ) : (
          <table class="grid" data-keynav>
            <caption class="sr-only">Integrations and their last resync</caption>
            <thead>
              <tr>
                <th scope="col">Integration</th>
                <th scope="col">Type</th>
                <th scope="col">Last resync</th>
                <th scope="col">When</th>
                <th scope="col">Counts</th>
                <th scope="col">Deletions</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.integrations.map((i) => (
                <IntegrationRow summary={i} evaluator={props.evaluator} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}

function IntegrationRow(props: { summary: IntegrationSummary; evaluator: boolean }) {
  const { doc } = props.summary;
  const state = (doc.resyncState ?? {}) as Record<string, string | null | undefined>;
  const last = props.summary.resyncs[0];
  return (
    <tr>
      <td>
        <a href={integrationHref(doc.identifier)}>{doc.identifier}</a>
      </td>
      <td>
        {String(doc.installationAppType)} <span class="muted">{String(doc.version ?? '')}</span>
      </td>
      <td data-testid="resync-status">
        <Status value={state.status ?? (last?.status || 'never')} />
      </td>
      <td>
        <Time at={state.lastResyncEnd ?? state.lastResyncStart ?? last?.finishedAt} />
      </td>
      <td>
        <Counts resync={last} />
      </td>
      <td>
        <DeletionOutcome resync={last} />
      </td>
      <td>
        <a href={`/playground${qs({ integration: doc.identifier })}`}>Edit mapping</a>
      </td>
    </tr>
  );
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

type Kind = { fetched?: number; upserted?: number; unchanged?: number; failed?: number };

export function Counts(props: { resync: ResyncSummary | undefined }) {
  const r = props.resync;
  if (!r) return <span class="muted">—</span>;
  const kinds = (r.report?.kinds ?? []) as Kind[];
  if (r.report) {
    const sum = (k: keyof Kind) => kinds.reduce((n, x) => n + (x[k] ?? 0), 0);
    return (
      <span>
        fetched {sum('fetched')}, upserted {sum('upserted')}, unchanged {sum('unchanged')}, failed {sum('failed')}
      </span>
    );
  }
  const t = r.traffic!;
  return (
    <span title="as Port saw the resync's requests">
      upserted {t.upserted} ({t.created} new), rejected {t.rejected}, deleted {t.deleted}
    </span>
  );
}

export function DeletionOutcome(props: { resync: ResyncSummary | undefined }) {
  const deletion = props.resync?.report?.deletion as { outcome?: string; skipReason?: string; counts?: { deleted?: number } } | undefined;
  if (deletion) {
    return (
      <span>
        <Status value={deletion.outcome} />
        {deletion.skipReason ? ` (${deletion.skipReason})` : ''}
        {deletion.counts?.deleted ? ` · ${deletion.counts.deleted} deleted` : ''}
      </span>
    );
  }
  if (props.resync?.traffic) return <span title="as Port saw it; the framework sent no report">{props.resync.traffic.deleted} deleted</span>;
  return <span class="muted">—</span>;
}
