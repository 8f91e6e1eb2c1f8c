/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';

/**
 * The page frame and small shared pieces. Every value from the catalog reaches the page as a JSX child or
 * attribute, which Hono escapes; JSON for the client code travels in `data-json` attributes (escaped too)
 * and is rendered with DOM text nodes, never as HTML.
 */
export interface PageProps {
  title: string;
  page: string;
  children?: Child;
  /** Shown in the header when the UI requires the admin token. */
  signedIn?: boolean;
}

const NAV = [
  ['catalog', '/', 'Catalog'],
  ['playground', '/playground', 'Mapping playground'],
  ['requests', '/requests', 'Requests'],
  ['runs', '/runs', 'Runs'],
] as const;

export function Layout(props: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Tide local Port`}</title>
        <link rel="stylesheet" href="/_ui/assets/app.css" />
        <script src="/_ui/assets/app.js" defer></script>
      </head>
      <body data-page={props.page}>
        <header class="top">
          <a class="brand" href="/">
            Tide <span>local Port</span>
          </a>
          <nav aria-label="Main">
            {NAV.map(([id, href, label]) => (
              <a href={href} aria-current={props.page === id || (id === 'catalog' && ['blueprint', 'entity', 'integration'].includes(props.page)) ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
          {props.signedIn ? (
            <form method="post" action="/_ui/logout" class="logout">
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** A status with a symbol and a word: never colour alone. */
export function Status(props: { value: string | undefined | null }) {
  const v = props.value ?? 'unknown';
  const symbol: Record<string, string> = { completed: '✓', failed: '✗', running: '◌', aborted: '■', deleted: '✓', 'nothing-to-delete': '–', skipped: '!', planned: '…' };
  const tone = ['completed', 'deleted', 'nothing-to-delete'].includes(v) ? 'ok' : ['failed', 'aborted'].includes(v) ? 'bad' : v === 'skipped' ? 'warn' : 'neutral';
  return (
    <span class={`status status-${tone}`}>
      <span aria-hidden="true">{symbol[v] ?? '•'}</span> {v}
    </span>
  );
}

/** An ISO instant shown as `2026-05-01 10:00:03 UTC`, with the exact value as the title. */
export function Time(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">—</span>;
  const d = new Date(props.at);
  const text = Number.isNaN(d.getTime()) ? props.at : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return (
    <time datetime={props.at} title={props.at}>
      {text}
    </time>
  );
}

/** A collapsible JSON tree (drawn by the client from `data-json`); without script, the JSON text. */
export function JsonTree(props: { value: unknown; open?: number; label?: string }) {
  const json = JSON.stringify(props.value ?? null, null, 2);
  return (
    <div class="json-tree" data-json={json} data-open={String(props.open ?? 1)} aria-label={props.label}>
      <pre>{json}</pre>
    </div>
  );
}

export const qs = (params: Record<string, string | number | undefined | null>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

export const entityHref = (blueprint: string, identifier: string) => `/entity${qs({ bp: blueprint, id: identifier })}`;
export const blueprintHref = (blueprint: string) => `/blueprint${qs({ bp: blueprint })}`;
export const integrationHref = (id: string) => `/integration${qs({ id })}`;

/** A compact one-line rendering of any property value. */
export function shortValue(v: unknown, max = 80): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function Icon(props: { name: string | null | undefined; title: string }) {
  const label = props.name || props.title;
  const letters = label.replace(/[^A-Za-z0-9]/g, '').slice(0, 2) || '?';
  return (
    <span class="bp-icon" title={props.name ? `icon: ${props.name}` : undefined} aria-hidden="true">
      {letters}
    </span>
  );
}

export function ErrorPage(props: { status: number; message: string; signedIn?: boolean }) {
  return (
    <Layout title={`Error ${props.status}`} page="error" signedIn={props.signedIn}>
      <h1>{props.status === 404 ? 'Not found' : 'Something went wrong'}</h1>
      <p role="alert">{props.message}</p>
      <p>
        <a href="/">Back to the catalog</a>
      </p>
    </Layout>
  );
}
