/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Blueprint, EntityRecord } from '../../types.ts';
import { PAGE_SIZES, type TablePage, type TableRequest } from '../table.ts';
import { Icon, JsonTree, Layout, Time, entityHref, qs, shortValue } from './layout.tsx';

/** Page 2: one blueprint's entities, a page at a time, with its schema beside the table. */
export const FILTER_OPERATORS = ['=', '!=', 'contains', 'doesNotContains', 'beginsWith', 'endsWith', 'in', '>', '>=', '<', '<=', 'isEmpty', 'isNotEmpty'];
export const MAX_PROPERTY_COLUMNS = 12;

export interface BlueprintView {
  bp: Blueprint;
  req: TableRequest;
  page: TablePage;
  error?: string;
  signedIn: boolean;
}

export function BlueprintPage(v: BlueprintView) {
  const { bp, req, page } = v;
  const props = Object.keys(bp.schema.properties);
  const shown = props.slice(0, MAX_PROPERTY_COLUMNS);
  const relations = Object.entries(bp.relations);
  const base = { bp: bp.identifier, q: req.q, size: req.size === 50 ? undefined : req.size, ...filterParams(req) };
  const sortHref = (col: string) =>
    `/blueprint${qs({ ...base, sort: col === 'identifier' ? undefined : col, dir: req.sort === col && req.dir === 'asc' ? 'desc' : undefined })}`;
  const keep = { ...base, sort: req.sort === 'identifier' ? undefined : req.sort, dir: req.dir === 'asc' ? undefined : req.dir };
  const from = page.offset !== undefined ? page.offset + 1 : undefined;
  const Header = (p: { col: string; label: string }) => (
    <th scope="col" aria-sort={req.sort === p.col ? (req.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <a href={sortHref(p.col)}>
        {p.label}
        {req.sort === p.col ? <span aria-hidden="true">{req.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </a>
    </th>
  );
  return (
    <Layout title={bp.title || bp.identifier} page="blueprint" signedIn={v.signedIn}>
      <p class="crumbs">
        <a href="/">Catalog</a> / blueprint
      </p>
      <h1>
        <Icon name={bp.icon} title={bp.title || bp.identifier} /> {bp.title || bp.identifier} <code class="id">{bp.identifier}</code>
      </h1>
      <div class="with-aside">
        <section aria-labelledby="entities-heading" class="main-col">
          <h2 id="entities-heading" class="sr-only">Entities</h2>
          <form method="get" action="/blueprint" class="toolbar" role="search">
            <input type="hidden" name="bp" value={bp.identifier} />
            {req.sort !== 'identifier' ? <input type="hidden" name="sort" value={req.sort} /> : null}
            {req.dir !== 'asc' ? <input type="hidden" name="dir" value={req.dir} /> : null}
            <label for="q">Identifier or title contains</label>
            <input id="q" name="q" type="search" value={req.q} autocomplete="off" />
            <fieldset class="filters">
              <legend>Filters (Port search rules, all must match)</legend>
              {[...req.rules, undefined].slice(0, 3).map((rule, i) => (
                <div class="filter">
                  <label for={`fp${i}`}>Property</label>
                  <select id={`fp${i}`} name="fp">
                    <option value="">—</option>
                    {['$identifier', '$title', '$updatedAt', '$createdAt', '$datasource', '$team', ...props, ...relations.map(([r]) => r)].map((p) => (
                      <option value={p} selected={rule?.property === p}>
                        {p}
                      </option>
                    ))}
                  </select>
                  <label for={`fo${i}`}>Operator</label>
                  <select id={`fo${i}`} name="fo">
                    {FILTER_OPERATORS.map((o) => (
                      <option value={o} selected={rule?.operator === o}>
                        {o}
                      </option>
                    ))}
                  </select>
                  <label for={`fv${i}`}>Value</label>
                  <input id={`fv${i}`} name="fv" value={rule === undefined || rule.value === undefined ? '' : typeof rule.value === 'string' ? rule.value : JSON.stringify(rule.value)} />
                </div>
              ))}
            </fieldset>
            <label for="size">Rows per page</label>
            <select id="size" name="size">
              {PAGE_SIZES.map((s) => (
                <option value={String(s)} selected={s === req.size}>
                  {s}
                </option>
              ))}
            </select>
            <button type="submit">Apply</button>
            {req.q || req.rules.length ? <a href={`/blueprint${qs({ bp: bp.identifier })}`}>Clear</a> : null}
          </form>
          {v.error ? (
            <p role="alert" class="error">
              {v.error}
            </p>
          ) : null}
          <p class="summary" data-testid="table-summary" aria-live="polite">
            {page.rows.length === 0
              ? `No entities${req.q || req.rules.length ? ' match' : ''}.`
              : from !== undefined
                ? `Rows ${from.toLocaleString('en')}–${(from + page.rows.length - 1).toLocaleString('en')} of ${page.total.toLocaleString('en')}`
                : `${page.rows.length} rows of ${page.total.toLocaleString('en')}`}
            {req.q || req.rules.length ? ' matching' : ''}
          </p>
          <div class="table-scroll">
            <table class="grid entities" data-keynav>
              <caption class="sr-only">{`Entities of ${bp.identifier}, sorted by ${req.sort} ${req.dir === 'asc' ? 'ascending' : 'descending'}`}</caption>
              <thead>
                <tr>
                  <Header col="identifier" label="Identifier" />
                  <Header col="title" label="Title" />
                  {shown.map((p) => (
                    <Header col={`properties.${p}`} label={bp.schema.properties[p].title ? String(bp.schema.properties[p].title) : p} />
                  ))}
                  {relations.map(([r, def]) => (
                    <th scope="col">{def.title ?? r}</th>
                  ))}
                  <Header col="updatedAt" label="Updated" />
                </tr>
              </thead>
              <tbody>
                {page.rows.map((e) => (
                  <EntityRow e={e} props={shown} relations={relations} />
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            <a href={`/blueprint${qs(keep)}`} aria-disabled={page.offset === 0 ? 'true' : undefined}>
              « First
            </a>
            {page.prev ? <a href={`/blueprint${qs({ ...keep, before: page.prev })}`} rel="prev">‹ Previous</a> : <span aria-disabled="true">‹ Previous</span>}
            {page.next ? <a href={`/blueprint${qs({ ...keep, after: page.next })}`} rel="next">Next ›</a> : <span aria-disabled="true">Next ›</span>}
            <a href={`/blueprint${qs({ ...keep, last: 1 })}`}>Last »</a>
          </nav>
          {props.length > shown.length ? <p class="muted">{props.length - shown.length} more properties are on each entity's page.</p> : null}
        </section>
        <aside aria-labelledby="schema-heading" class="aside">
          <h2 id="schema-heading">Schema</h2>
          <dl class="schema">
            {props.map((p) => {
              const s = bp.schema.properties[p];
              return (
                <>
                  <dt>
                    <code>{p}</code>
                    {bp.schema.required.includes(p) ? <span class="req"> required</span> : null}
                  </dt>
                  <dd>
                    {s.type}
                    {s.format ? ` (${s.format})` : ''}
                    {s.enum ? ` · one of ${shortValue(s.enum, 60)}` : ''}
                    {s.title ? <span class="muted"> · {String(s.title)}</span> : null}
                  </dd>
                </>
              );
            })}
            {relations.map(([r, def]) => (
              <>
                <dt>
                  <code>{r}</code>
                  {def.required ? <span class="req"> required</span> : null}
                </dt>
                <dd>
                  relation → <a href={`/blueprint${qs({ bp: def.target })}`}>{def.target}</a>
                  {def.many ? ' (many)' : ''}
                </dd>
              </>
            ))}
          </dl>
          <details>
            <summary>Blueprint JSON</summary>
            <JsonTree value={bp} open={1} label="Blueprint JSON" />
          </details>
        </aside>
      </div>
    </Layout>
  );
}

function EntityRow(p: { e: EntityRecord; props: string[]; relations: Array<[string, { target: string }]> }) {
  const { e } = p;
  return (
    <tr>
      <td>
        <a href={entityHref(e.blueprint, e.identifier)}>{e.identifier}</a>
      </td>
      <td>{e.title ?? ''}</td>
      {p.props.map((k) => (
        <td>{shortValue(e.properties[k])}</td>
      ))}
      {p.relations.map(([r, def]) => {
        const v = e.relations[r];
        const ids = v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];
        return (
          <td>
            {ids.slice(0, 5).map((id, i) => (
              <>
                {i > 0 ? ', ' : ''}
                <a href={entityHref(def.target, id)}>{id}</a>
              </>
            ))}
            {ids.length > 5 ? ` … +${ids.length - 5}` : ''}
          </td>
        );
      })}
      <td>
        <Time at={e.updatedAt} />
      </td>
    </tr>
  );
}

function filterParams(req: TableRequest): Record<string, string> {
  // URLSearchParams keeps repeated keys only through append; encode rules as fp0/fo0/fv0 would lose order, so use JSON.
  return req.rules.length ? { rules: JSON.stringify(req.rules) } : {};
}
