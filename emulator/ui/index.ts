import { Hono, type Context } from 'hono';
import type { ZodType } from 'zod';
import { entityChanges } from '../entity-history.ts';
import { PortError, invalidRequest, notFound } from '../errors.ts';
import { zodMessage } from '../pipeline.ts';
import { latestResyncRequest, type IntegrationDoc } from '../routes/integrations.ts';
import type { Router } from '../router.ts';
import type { EmulatorState } from '../state.ts';
import { loadAssets, type Assets } from './assets.ts';
import { blueprintSummaries, examplesOf, integrationSummaries, relationsIn, relationsOut, resyncStates, resyncSummaries } from './data.ts';
import { BlueprintPage } from './pages/blueprint.tsx';
import { CatalogPage } from './pages/catalog.tsx';
import { EntityPage } from './pages/entity.tsx';
import { IntegrationPage } from './pages/integration.tsx';
import { ErrorPage } from './pages/layout.tsx';
import { RunPage, RunsPage } from './pages/runs.tsx';
import { LoginPage, PlaygroundPage, RequestsPage } from './pages/tools.tsx';
import { evaluate, evaluateBody, save, saveBody } from './playground.ts';
import { SECURITY_HEADERS, UI_HEADER, UiSessions, isLoopbackHost, isSameOrigin, safeNext } from './security.ts';
import { PAGE_SIZES, tablePage, type TableRequest } from './table.ts';
import type { UiOptions } from './types.ts';

export type { FieldIssue, PlaygroundEvaluator, PlaygroundInput, PlaygroundPreview, UiOptions } from './types.ts';

/**
 * The local Port's web UI, served beside Port's API by the same server: the catalog (`/`), blueprint,
 * entity and integration pages, the mapping playground and the request log, plus the JSON the client code
 * calls under `/_ui/api`. Requests that are not the UI's fall through to `api` (Port's API and
 * `/_emulator`), unchanged.
 */
const UI_PAGES = new Set(['/', '/blueprint', '/entity', '/integration', '/playground', '/requests', '/runs', '/run', '/favicon.ico']);
/** The runs page shows at most this many, newest first. */
const RUNS_SHOWN = 500;

const DOCTYPE = '<!doctype html>';

const isUiPath = (path: string) => UI_PAGES.has(path) || path === '/_ui' || path.startsWith('/_ui/');

export function withUi(api: Hono, emu: EmulatorState, router: Router, options: UiOptions): Hono {
  const sessions = new UiSessions(emu.options.adminToken);
  const app = new Hono();

  app.use('*', async (c, next) => {
    if (!isUiPath(c.req.path)) return next();
    // DNS rebinding: a page on another name must not reach the UI through this loopback server.
    if (!isLoopbackHost(c.req.header('host') ?? new URL(c.req.url).host)) {
      return c.text('This UI answers only on a loopback address (127.0.0.1 or localhost).', 421);
    }
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });

  app.get('/_ui/assets/:name', async (c) => {
    const name = c.req.param('name') as keyof Assets;
    if (name !== 'app.js' && name !== 'app.css') return c.text('not found', 404);
    const a = (await loadAssets())[name];
    const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    return new Response(gzip ? a.gzip : a.body, { headers: { 'content-type': a.type, ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}) } });
  });

  app.get('/favicon.ico', () => new Response(null, { status: 204 }));
  app.get('/_ui/login', (c) => c.html(DOCTYPE + LoginPage({ next: safeNext(c.req.query('next')), failed: false }).toString(), 200));
  app.post('/_ui/login', async (c) => {
    if (!isSameOrigin(c.req.raw)) return c.text('cross-site sign-in refused', 403);
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const cookie = sessions.login(typeof form.token === 'string' ? form.token : '');
    if (!cookie) return c.html(DOCTYPE + LoginPage({ next, failed: true }).toString(), 401);
    return new Response(null, { status: 303, headers: { location: next, 'set-cookie': cookie } });
  });
  app.post('/_ui/logout', (c) => {
    if (!isSameOrigin(c.req.raw)) return c.text('cross-site sign-out refused', 403);
    return new Response(null, { status: 303, headers: { location: '/', 'set-cookie': sessions.logout(c.req.raw) } });
  });

  // Everything below needs the admin token's session when the emulator has one.
  app.use('*', async (c, next) => {
    if (!isUiPath(c.req.path) || c.req.path.startsWith('/_ui/assets/') || sessions.admitted(c.req.raw)) return next();
    if (c.req.path.startsWith('/_ui/api/')) return c.json({ ok: false, error: 'unauthorized', message: 'sign in with the admin token first' }, 401);
    const back = safeNext(c.req.path + (new URL(c.req.url).search || ''));
    return c.html(DOCTYPE + LoginPage({ next: back, failed: false }).toString(), 401);
  });

  const signedIn = sessions.required;
  const page = (c: Context, render: () => { toString(): string }) => {
    try {
      return c.html(DOCTYPE + render().toString());
    } catch (error) {
      const status = error instanceof PortError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      return c.html(DOCTYPE + ErrorPage({ status, message, signedIn }).toString(), status as 404);
    }
  };

  app.get('/', (c) => page(c, () => CatalogPage({ blueprints: blueprintSummaries(emu), integrations: integrationSummaries(emu), signedIn, evaluator: !!options.evaluate })));

  app.get('/blueprint', (c) =>
    page(c, () => {
      const bp = emu.blueprint(c.req.query('bp') ?? '');
      if (!bp) throw notFound(`Blueprint "${c.req.query('bp') ?? ''}" was not found`);
      const req = tableRequest(new URL(c.req.url).searchParams);
      try {
        return BlueprintPage({ bp, req, page: tablePage(emu, bp, req), signedIn });
      } catch (error) {
        if (!(error instanceof PortError) || error.status !== 422) throw error;
        const plain = { ...req, rules: [], after: undefined, before: undefined, last: false };
        return BlueprintPage({ bp, req, page: tablePage(emu, bp, plain), error: error.message, signedIn });
      }
    }),
  );

  app.get('/entity', (c) =>
    page(c, () => {
      const [bpId, id] = [c.req.query('bp') ?? '', c.req.query('id') ?? ''];
      const e = emu.store.entity(bpId, id);
      if (!e) throw notFound(`Entity "${id}" of blueprint "${bpId}" was not found`);
      const bp = emu.blueprint(bpId);
      return EntityPage({ e, bp, out: relationsOut(emu, bp, e), in: relationsIn(emu, e), history: entityChanges(emu, e), signedIn });
    }),
  );

  app.get('/integration', (c) =>
    page(c, () => {
      const id = c.req.query('id') ?? '';
      const doc = emu.store.integration<IntegrationDoc>(id);
      if (!doc) throw notFound(`Integration "${id}" was not found`);
      return IntegrationPage({
        doc,
        states: resyncStates(emu, id, 20),
        resyncs: resyncSummaries(emu, id),
        examples: examplesOf(emu, id),
        request: latestResyncRequest({ emu }, id),
        signedIn,
      });
    }),
  );

  app.get('/playground', (c) =>
    page(c, () => {
      const integrations = emu.store.integrations<IntegrationDoc>().map((i) => i.identifier);
      const index = c.req.query('index');
      return PlaygroundPage({
        signedIn,
        available: !!options.evaluate,
        integrations,
        integration: c.req.query('integration') ?? integrations[0],
        index: index !== undefined && /^\d+$/.test(index) ? Number(index) : undefined,
      });
    }),
  );

  app.get('/requests', (c) => page(c, () => RequestsPage({ signedIn })));

  app.get('/runs', (c) =>
    page(c, () => {
      const installation = c.req.query('installation') || undefined;
      const all = emu.runs.runs().filter((r) => installation === undefined || r.doc.installationId === installation);
      return RunsPage({ runs: all.slice(-RUNS_SHOWN).reverse(), installation, total: all.length, signedIn });
    }),
  );
  app.get('/run', (c) =>
    page(c, () => {
      const run = emu.runs.run(c.req.query('id') ?? '');
      if (!run) throw notFound(`Run "${c.req.query('id') ?? ''}" was not found`);
      const history = emu.runs.events(run.id);
      const logs = history.filter((e) => e.type === 'log').flatMap((e) => (run.kind === 'action' ? [e.runLog] : (e.logs as unknown[]))) as Array<Record<string, unknown>>;
      return RunPage({ run, logs, history, signedIn });
    }),
  );

  // The client's JSON API. Writes must be same-origin JSON with the UI's header, which no form and no
  // cross-site fetch without a CORS preflight (never granted here) can send.
  const api_ = new Hono();
  api_.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && (c.req.header(UI_HEADER) !== '1' || !isSameOrigin(c.req.raw) || !/^application\/json\b/.test(c.req.header('content-type') ?? ''))) {
      return c.json({ ok: false, error: 'forbidden', message: `writes need a same-origin JSON request with ${UI_HEADER}: 1` }, 403);
    }
    await next();
  });
  api_.onError((error, c) => {
    if (error instanceof PortError) return c.json(error.toBody(), error.status as 400);
    return c.json({ ok: false, error: 'internal_error', message: `Internal error: ${error.message}` }, 500);
  });
  const body = async <T>(c: Context, schema: ZodType<T>): Promise<T> => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new PortError(400, 'bad_request', 'the body is not JSON');
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
    return parsed.data;
  };

  api_.get('/integration', (c) => {
    const id = c.req.query('id') ?? '';
    const doc = emu.store.integration<IntegrationDoc>(id);
    if (!doc) throw notFound(`Integration "${id}" was not found`);
    const examples = Object.fromEntries(examplesOf(emu, id).map((x) => [x.kind, x.examples]));
    return c.json({ ok: true, integration: doc, examples, blueprints: emu.store.blueprints().map((b) => b.identifier) });
  });
  api_.post('/evaluate', async (c) => {
    if (!options.evaluate) throw new PortError(503, 'unavailable', 'the playground needs a mapping engine: start this Port with tide port-local or tide ui');
    return c.json({ ok: true, ...(await evaluate(emu, options.evaluate, await body(c, evaluateBody))) });
  });
  api_.post('/save', async (c) => c.json({ ok: true, ...(await save(emu, router, await body(c, saveBody))) }));
  api_.get('/requests', (c) => {
    const since = Number(c.req.query('since') ?? '0');
    const entries = emu.log.query({ since: Number.isFinite(since) ? since : 0, limit: 500 });
    return c.json({
      ok: true,
      requests: entries.map((e) => ({ seq: e.seq, at: e.at, method: e.method, path: e.path, query: e.query, status: e.status, durationMs: e.durationMs, userAgent: e.userAgent, bodyBytes: e.bodyBytes, fault: e.fault, ingest: e.ingest === true })),
    });
  });
  api_.get('/requests/:seq', (c) => {
    const seq = Number(c.req.param('seq'));
    const [entry] = Number.isInteger(seq) ? emu.log.query({ since: seq - 1, limit: 1 }) : [];
    if (!entry || entry.seq !== seq) throw notFound(`Request ${c.req.param('seq')} is not in the log (it keeps the newest entries only)`);
    return c.json({ ok: true, request: entry });
  });
  app.route('/_ui/api', api_);

  app.all('*', (c) => (isUiPath(c.req.path) ? c.text('not found', 404) : api.fetch(c.req.raw, c.env)));
  return app;
}

function tableRequest(q: URLSearchParams): TableRequest {
  const size = Number(q.get('size') ?? '50');
  const rules: TableRequest['rules'] = [];
  const json = q.get('rules');
  if (json) {
    try {
      const parsed = JSON.parse(json) as unknown;
      if (Array.isArray(parsed)) rules.push(...(parsed as TableRequest['rules']));
    } catch {
      throw invalidRequest('rules: not JSON');
    }
  }
  const [props, ops, values] = [q.getAll('fp'), q.getAll('fo'), q.getAll('fv')];
  props.forEach((property, i) => {
    if (!property) return;
    const operator = ops[i] ?? '=';
    const text = values[i] ?? '';
    if (operator === 'isEmpty' || operator === 'isNotEmpty') return rules.push({ property, operator });
    rules.push({ property, operator, value: parseValue(text, operator) });
  });
  return {
    sort: q.get('sort') || 'identifier',
    dir: q.get('dir') === 'desc' ? 'desc' : 'asc',
    q: (q.get('q') ?? '').trim(),
    rules,
    after: q.get('after') || undefined,
    before: q.get('before') || undefined,
    last: q.get('last') === '1',
    size: PAGE_SIZES.includes(size) ? size : 50,
  };
}

/** A filter value as typed: JSON when it parses (numbers, booleans, arrays), else the text itself. */
function parseValue(text: string, operator: string): unknown {
  if (operator === 'in' && !text.trim().startsWith('[')) return text.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
