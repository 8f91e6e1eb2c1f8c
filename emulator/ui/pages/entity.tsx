/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { EntityChange } from '../../entity-history.ts';
import { integrationOfAgent } from '../../resync-history.ts';
import type { Blueprint, EntityRecord } from '../../types.ts';
import type { RelatedEntity, relationsIn, relationsOut } from '../data.ts';
import { JsonTree, Layout, Time, blueprintHref, entityHref, integrationHref, shortValue } from './layout.tsx';

/** Page 3: one entity: every field, relations both ways, ownership and its change history. */
export interface EntityView {
  e: EntityRecord;
  bp: Blueprint | undefined;
  out: ReturnType<typeof relationsOut>;
  in: ReturnType<typeof relationsIn>;
  history: EntityChange[];
  signedIn: boolean;
}

function Related(p: { r: RelatedEntity }) {
  return (
    <>
      <a href={entityHref(p.r.blueprint, p.r.identifier)}>{p.r.title ? `${p.r.title} (${p.r.identifier})` : p.r.identifier}</a>
      {p.r.exists ? null : <span class="muted"> (missing)</span>}
    </>
  );
}

export function Datasource(p: { value: string | null }) {
  if (!p.value) return <span class="muted">none</span>;
  const owner = integrationOfAgent(p.value);
  return (
    <>
      <code>{p.value}</code>
      {owner ? (
        <>
          {' '}
          — owned by integration <a href={integrationHref(owner)}>{owner}</a>
        </>
      ) : null}
    </>
  );
}

export function EntityPage(v: EntityView) {
  const { e, bp } = v;
  const props = Object.keys({ ...(bp?.schema.properties ?? {}), ...e.properties });
  return (
    <Layout title={e.title || e.identifier} page="entity" signedIn={v.signedIn}>
      <p class="crumbs">
        <a href="/">Catalog</a> / <a href={blueprintHref(e.blueprint)}>{bp?.title || e.blueprint}</a> / entity
      </p>
      <h1>
        {e.title || e.identifier} <code class="id">{e.identifier}</code>
      </h1>
      <div class="with-aside">
        <div class="main-col">
          <section aria-labelledby="fields-heading">
            <h2 id="fields-heading">Fields</h2>
            <table class="fields" data-keynav>
              <tbody>
                <tr>
                  <th scope="row">identifier</th>
                  <td>{e.identifier}</td>
                </tr>
                <tr>
                  <th scope="row">title</th>
                  <td data-testid="entity-title">{e.title ?? ''}</td>
                </tr>
                <tr>
                  <th scope="row">blueprint</th>
                  <td>
                    <a href={blueprintHref(e.blueprint)}>{e.blueprint}</a>
                  </td>
                </tr>
                <tr>
                  <th scope="row">icon</th>
                  <td>{e.icon ?? ''}</td>
                </tr>
                <tr>
                  <th scope="row">team</th>
                  <td>{e.team.join(', ')}</td>
                </tr>
                {props.map((k) => (
                  <tr>
                    <th scope="row">
                      properties.{k}
                      {bp && !Object.hasOwn(bp.schema.properties, k) ? <span class="muted"> (not declared)</span> : null}
                    </th>
                    <td>
                      {e.properties[k] !== null && typeof e.properties[k] === 'object' ? <JsonTree value={e.properties[k]} open={1} /> : shortValue(e.properties[k], 2000)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section aria-labelledby="out-heading">
            <h2 id="out-heading">Relations out</h2>
            {v.out.length === 0 ? (
              <p class="muted">This blueprint declares no relations.</p>
            ) : (
              <ul class="relations" data-testid="relations-out">
                {v.out.map((r) => (
                  <li>
                    <strong>{r.title ?? r.relation}</strong> <code>{r.relation}</code> →{' '}
                    {r.targets.length === 0 ? <span class="muted">none</span> : r.targets.map((t, i) => <>{i > 0 ? ', ' : ''}<Related r={t} /></>)}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="in-heading">
            <h2 id="in-heading">Relations in</h2>
            {v.in.length === 0 ? (
              <p class="muted">No entity relates to this one.</p>
            ) : (
              <ul class="relations" data-testid="relations-in">
                {v.in.map((r) => (
                  <li>
                    <a href={blueprintHref(r.blueprint)}>{r.blueprint}</a>.<code>{r.relation}</code> ({r.count.toLocaleString('en')}):{' '}
                    {r.sources.map((s, i) => <>{i > 0 ? ', ' : ''}<Related r={s} /></>)}
                    {r.count > r.sources.length ? <span class="muted"> … and {(r.count - r.sources.length).toLocaleString('en')} more</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="history-heading">
            <h2 id="history-heading">Change history</h2>
            {v.history.length === 0 ? (
              <p class="muted">No recorded changes.</p>
            ) : (
              <ol class="history">
                {v.history.map((h) => (
                  <li>
                    <p>
                      <strong>{h.action}</strong> <Time at={h.at} /> by <code>{h.by ?? 'unknown client'}</code>
                      {h.agent ? (
                        <>
                          {' '}
                          via <code>{h.agent}</code>
                        </>
                      ) : null}
                      {h.previousDatasource !== undefined ? (
                        <>
                          {' '}
                          · ownership moved from <code>{h.previousDatasource ?? 'none'}</code>
                        </>
                      ) : null}
                    </p>
                    {h.changes.length ? (
                      <table class="diff">
                        <thead>
                          <tr>
                            <th scope="col">Field</th>
                            <th scope="col">Before</th>
                            <th scope="col">After</th>
                          </tr>
                        </thead>
                        <tbody>
                          {h.changes.map((c) => (
                            <tr>
                              <th scope="row">{c.path}</th>
                              <td class="del">{c.before === undefined ? <span class="muted">(unset)</span> : <del>{shortValue(c.before, 300)}</del>}</td>
                              <td class="ins">{c.after === undefined ? <span class="muted">(unset)</span> : <ins>{shortValue(c.after, 300)}</ins>}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    ) : h.action === 'updated' ? (
                      <p class="muted">No field changed; only the owner.</p>
                    ) : null}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
        <aside class="aside" aria-labelledby="meta-heading">
          <h2 id="meta-heading">Ownership</h2>
          <dl class="schema">
            <dt>$datasource</dt>
            <dd data-testid="datasource">
              <Datasource value={e.datasource} />
            </dd>
            <dt>created</dt>
            <dd>
              <Time at={e.createdAt} /> by <code>{e.createdBy ?? 'unknown'}</code>
            </dd>
            <dt>updated</dt>
            <dd>
              <Time at={e.updatedAt} /> by <code>{e.updatedBy ?? 'unknown'}</code>
            </dd>
          </dl>
          <details>
            <summary>Entity JSON</summary>
            <JsonTree value={{ ...e, rowId: undefined }} open={1} label="Entity JSON" />
          </details>
        </aside>
      </div>
    </Layout>
  );
}
