/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { Layout } from './layout.tsx';

/** Pages 5 and 6 (drawn by the client code) and the admin-token prompt. */

export function PlaygroundPage(p: { signedIn: boolean; available: boolean; integrations: string[]; integration?: string; index?: number }) {
  return (
    <Layout title="Mapping playground" page="playground" signedIn={p.signedIn}>
      <h1>Mapping playground</h1>
      {!p.available ? (
        <p role="alert" class="error" data-testid="playground-unavailable">
          The playground is unavailable: this Port was started without a mapping engine. Start it with <code>tide port-local</code>,{' '}
          <code>npm run port-local</code> or <code>tide ui</code>, which evaluate mappings exactly as a resync does.
        </p>
      ) : p.integrations.length === 0 ? (
        <p class="empty">No integration yet: run one against this Port first (for example <code>npm start</code>).</p>
      ) : (
        <div id="playground" data-integration={p.integration ?? ''} data-index={p.index === undefined ? '' : String(p.index)}>
          <div class="pg-controls">
            <label for="pg-integration">Integration</label>
            <select id="pg-integration">
              {p.integrations.map((i) => (
                <option value={i} selected={i === p.integration}>
                  {i}
                </option>
              ))}
            </select>
            <label for="pg-resource">Resource</label>
            <select id="pg-resource"></select>
            <fieldset class="pg-source">
              <legend>Raw items</legend>
              <label>
                <input type="radio" name="pg-source" value="examples" checked /> stored examples
              </label>
              <label>
                <input type="radio" name="pg-source" value="paste" /> pasted JSON or NDJSON
              </label>
              <label for="pg-file">or upload a file</label>
              <input id="pg-file" type="file" accept=".json,.ndjson,.jsonl,application/json" />
            </fieldset>
          </div>
          <label for="pg-items" class="pg-items-label">
            Items (a JSON array, one JSON value, or one JSON value per line)
          </label>
          <textarea id="pg-items" rows={6} spellcheck={false}></textarea>
          <p id="pg-items-status" class="muted" aria-live="polite"></p>
          <div class="pg-split">
            <section aria-labelledby="pg-editor-label" class="pg-editor-col">
              <h2 id="pg-editor-label">Resource (YAML)</h2>
              <div id="pg-editor" class="editor"></div>
              <div class="pg-actions">
                <button type="button" id="pg-save">
                  Save to the integration's mapping
                </button>
                <button type="button" id="pg-reset">
                  Revert
                </button>
              </div>
              <p id="pg-save-status" aria-live="polite"></p>
            </section>
            <section aria-labelledby="pg-results-label" class="pg-results-col">
              <h2 id="pg-results-label">Results</h2>
              <p id="pg-status" aria-live="polite" class="muted">
                Loading…
              </p>
              <div id="pg-results"></div>
            </section>
          </div>
        </div>
      )}
    </Layout>
  );
}

export function RequestsPage(p: { signedIn: boolean }) {
  return (
    <Layout title="Requests" page="requests" signedIn={p.signedIn}>
      <h1>Requests</h1>
      <p class="lede">Every call to this Port's API, newest first, updated live. Select a row (or press Enter on it) for the request and response bodies.</p>
      <form class="toolbar" id="rq-filters" role="search">
        <label for="rq-method">Method</label>
        <select id="rq-method">
          <option value="">any</option>
          {['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => (
            <option value={m}>{m}</option>
          ))}
        </select>
        <label for="rq-path">Path contains</label>
        <input id="rq-path" type="search" autocomplete="off" />
        <label for="rq-status">Status</label>
        <select id="rq-status">
          <option value="">any</option>
          <option value="2">2xx</option>
          <option value="4">4xx</option>
          <option value="5">5xx</option>
        </select>
        <label for="rq-agent">User-Agent contains</label>
        <input id="rq-agent" type="search" autocomplete="off" />
        <label>
          <input id="rq-live" type="checkbox" checked /> live
        </label>
      </form>
      <p id="rq-summary" class="muted" aria-live="polite"></p>
      <div class="table-scroll">
        <table class="grid" id="rq-table" data-keynav>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">At</th>
              <th scope="col">Method</th>
              <th scope="col">Path</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">ms</th>
              <th scope="col">User-Agent (datasource)</th>
            </tr>
          </thead>
          <tbody></tbody>
        </table>
      </div>
      <section id="rq-detail" aria-labelledby="rq-detail-heading" hidden>
        <h2 id="rq-detail-heading">Request</h2>
        <div id="rq-detail-body"></div>
      </section>
    </Layout>
  );
}

export function LoginPage(p: { next: string; failed: boolean }) {
  return (
    <Layout title="Sign in" page="login">
      <h1>This local Port requires its admin token</h1>
      <p>
        It was started with <code>--admin-token</code>. Type the token to open the UI; it stays in this browser as a session cookie only.
      </p>
      {p.failed ? (
        <p role="alert" class="error">
          That token is not the one this Port was started with.
        </p>
      ) : null}
      <form method="post" action="/_ui/login" class="login">
        <input type="hidden" name="next" value={p.next} />
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <button type="submit">Open the UI</button>
      </form>
    </Layout>
  );
}
