import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { PortError, badRequest, invalidRequest, notFound, tooLarge, unauthorized } from './errors.ts';
import { bucketFor } from './rate-limits.ts';
import { observeResyncTraffic } from './resync-history.ts';
import { checkQuery, type HandlerContext, type HandlerResult, type Router } from './router.ts';
import { MAX_BODY_BYTES, type EmulatorState } from './state.ts';

/** Marks a response whose connection must be destroyed instead of answered (fault `drop`). */
export const DROP_HEADER = 'x-emulator-drop';
const JSON_TYPE = 'application/json; charset=utf-8';
const GZIP_MIN = 1024;

/**
 * The request pipeline of docs/port-api.md §1.4, in order: trace id and log entry, fault, token check and
 * rate-limit bucket, 429, 413, 401, body parse (400) and schema (422), then the handler in one SQLite
 * transaction. Admin routes skip faults, limits, auth and the log, but still validate their bodies;
 * the ingest sinks among them are logged, marked `ingest`.
 */
export function createApp(emu: EmulatorState, router: Router): Hono {
  const app = new Hono();
  app.all('*', async (c) => handle(emu, router, c.req.raw, c.env as NodeBindings | undefined));
  return app;
}

interface NodeBindings {
  incoming?: { socket?: { destroy(): void } };
}

async function handle(emu: EmulatorState, router: Router, request: Request, env: NodeBindings | undefined): Promise<Response> {
  const started = performance.now();
  const traceId = randomUUID();
  const url = new URL(request.url);
  const rawPath = rawPathOf(request.url);
  const method = request.method.toUpperCase();
  const found = router.match(method, rawPath);
  const route = found?.route;
  const isAdmin = rawPath === '/_emulator' || rawPath.startsWith('/_emulator/');
  // `Date` by the emulator's clock (Node would stamp real time), so clock controls reach clients that read it.
  const headers: Record<string, string> = { 'x-trace-id': traceId, date: emu.clock.date().toUTCString() };
  const acceptsGzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');

  let status = 500;
  let responseText = '';
  let bodyText: string | null = null;
  let bodyBytes = 0;
  let bucket: string | null = null;
  let faultName: string | null = null;
  let principal: HandlerContext['principal'];
  let dropAfter = false;
  let stall = false;
  const runIds: string[] = [];

  const finish = (result: HandlerResult): Response => {
    status = result.status;
    responseText = JSON.stringify(result.body);
    Object.assign(headers, result.headers);
    // Port may gzip responses; the emulator does for bodies over 1 KiB when the client accepts it.
    if (responseText.length > GZIP_MIN && acceptsGzip) {
      return new Response(gzipSync(responseText, { level: 1 }), {
        status,
        headers: { 'content-type': JSON_TYPE, 'content-encoding': 'gzip', ...headers },
      });
    }
    return new Response(responseText, { status, headers: { 'content-type': JSON_TYPE, ...headers } });
  };

  const run = async (): Promise<Response> => {
    if (isAdmin) {
      // The integration posts to its ingest URLs without the admin token, as it would to Port.
      if (emu.options.adminToken && !route?.ingest && request.headers.get('x-emulator-admin-token') !== emu.options.adminToken)
        throw unauthorized('x-emulator-admin-token is missing or wrong');
      if (!route) throw notFound(`No emulator control ${method} ${rawPath}`);
      const raw = await readBodyLimited(request);
      if (raw === 'too-large') throw tooLarge(MAX_BODY_BYTES);
      bodyBytes = raw.byteLength;
      bodyText = bodyBytes ? new TextDecoder().decode(raw) : null;
      const body = parseBody(bodyText, route.body !== undefined);
      return finish(await invoke(emu, route, found!.params, url, request, body, undefined, undefined, traceId, runIds));
    }
    if (!rawPath.startsWith('/v1/') && rawPath !== '/v1') throw notFound(`No route ${method} ${rawPath}`);

    // 2. faults
    const fault = emu.faults.match({ method, rawPath, query: url.searchParams, routeId: route?.id });
    if (fault) {
      faultName = fault.type;
      if (fault.type === 'latency') {
        await new Promise((r) => setTimeout(r, fault.ms));
        if (fault.then) return finish(faultResponse(fault.then));
      } else if (fault.type === 'status') {
        return finish(faultResponse(fault));
      } else if (fault.type === 'drop') {
        return drop(env);
      } else if (fault.type === 'dropAfterCommit') {
        dropAfter = true;
      } else if (fault.type === 'stall') {
        stall = true;
      }
    }

    // 3-4. token (checked, not yet enforced) and rate limit
    principal = route?.public ? undefined : emu.auth.verify(request.headers.get('authorization') ?? undefined);
    bucket = bucketFor(method, rawPath, principal !== undefined);
    const key = emu.limiter.scope === 'client' ? (principal?.clientId ?? 'anonymous') : emu.organization().id;
    const taken = emu.limiter.take(bucket as Parameters<typeof emu.limiter.take>[0], key);
    Object.assign(headers, taken.headers);
    if (!taken.allowed)
      throw new PortError(429, 'rate_limit_exceeded', `Rate limit exceeded for bucket ${bucket}; retry after ${taken.headers['Retry-After'] ?? taken.headers['retry-after']} s`);

    // 5. size
    const raw = await readBodyLimited(request);
    if (raw === 'too-large') throw tooLarge(MAX_BODY_BYTES);
    bodyBytes = raw.byteLength;
    bodyText = bodyBytes ? new TextDecoder().decode(raw) : null;

    // 6. auth
    if (!route?.public && !principal) throw unauthorized();
    if (!route) throw notFound(`No route ${method} ${rawPath}`);

    // 7. parse
    const body = parseBody(bodyText, route.body !== undefined);
    const res = await invoke(emu, route, found!.params, url, request, body, principal, fault, traceId, runIds);
    observeResyncTraffic(emu, { routeId: route.id, query: url.searchParams, userAgent: request.headers.get('user-agent'), status: res.status, params: found!.params, body: res.body });
    if (dropAfter) return drop(env);
    if (stall) {
      finish(res);
      return stallMidBody(status, headers, responseText);
    }
    return finish(res);
  };

  let response: Response;
  try {
    response = await run();
  } catch (err) {
    response = finish(errorResult(err));
  }

  const ingest = route?.ingest === true;
  if ((ingest || (!isAdmin && rawPath.startsWith('/v1'))) && emu.options.requestLog !== false) {
    emu.log.add({
      seq: emu.log.nextSeq(),
      traceId,
      at: emu.clock.iso(),
      method,
      path: rawPath,
      query: queryRecord(url.searchParams),
      userAgent: request.headers.get('user-agent'),
      bodyBytes,
      // The token route's secret and token never reach the log.
      bodyText: route?.id === 'auth.token' ? redactJson(bodyText, 'clientSecret') : bodyText,
      status: response.headers.has(DROP_HEADER) ? 0 : status,
      responseText: route?.id === 'auth.token' ? redactJson(responseText, 'accessToken') : responseText,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      bucket,
      fault: faultName,
      oceanInfo: oceanInfo(url.searchParams),
      tokenJti: principal?.jti ?? null,
      ...(ingest ? { ingest } : {}),
      ...(runIds.length ? { runIds } : {}),
    });
  }
  return response;
}

type FaultStatus = { status: number; headers?: Record<string, string>; body?: unknown };

function faultResponse(f: FaultStatus): HandlerResult {
  return { status: f.status, body: f.body ?? { ok: false, error: 'internal_error', message: 'injected fault' }, headers: f.headers };
}

/** Fault `stall`: the status, the headers and the first half of the body, then the connection stays silent. */
function stallMidBody(status: number, headers: Record<string, string>, text: string): Response {
  const bytes = new TextEncoder().encode(text);
  const head = bytes.subarray(0, Math.ceil(bytes.length / 2));
  // Never closed: the client's deadline (or the emulator's close) ends it.
  const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(head) });
  return new Response(body, { status, headers: { 'content-type': JSON_TYPE, ...headers } });
}

function drop(env: NodeBindings | undefined): Response {
  env?.incoming?.socket?.destroy();
  return new Response(null, { status: 599, headers: { [DROP_HEADER]: '1' } });
}

export async function invoke(
  emu: EmulatorState,
  route: NonNullable<ReturnType<Router['match']>>['route'],
  params: Record<string, string>,
  url: URL,
  request: Request,
  body: unknown,
  principal: HandlerContext['principal'],
  fault: HandlerContext['fault'],
  traceId: string,
  runIds: string[],
): Promise<HandlerResult> {
  const queryError = checkQuery(url.searchParams, route.query);
  if (queryError) throw invalidRequest(queryError);
  if (route.body) {
    const parsed = route.body.safeParse(body === undefined ? {} : body);
    if (!parsed.success) throw invalidRequest(zodMessage(parsed.error));
    body = parsed.data;
  }
  const ctx: HandlerContext = {
    emu,
    request,
    params,
    query: url.searchParams,
    body,
    principal,
    userAgent: request.headers.get('user-agent') ?? '',
    fault,
    after: [],
    traceId,
    runIds,
  };
  let result: HandlerResult;
  try {
    result = route.async
      ? await route.handler(ctx)
      : emu.clock.hold(() => emu.store.db.transaction(() => route.handler(ctx) as HandlerResult)());
  } catch (err) {
    // The transaction rolled back; cached blueprints or organization may describe rows that are gone.
    emu.dropCaches();
    throw err;
  }
  for (const fn of ctx.after) fn();
  return result;
}

function errorResult(err: unknown): HandlerResult {
  if (err instanceof PortError) return { status: err.status, body: err.toBody(), headers: err.headers };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { ok: false, error: 'internal_error', message: `Internal error: ${message}` } };
}

function rawPathOf(url: string): string {
  const afterScheme = url.indexOf('//');
  const slash = url.indexOf('/', afterScheme + 2);
  if (slash < 0) return '/';
  const end = url.search(/[?#]/);
  return end > slash ? url.slice(slash, end) : url.slice(slash);
}

async function readBodyLimited(request: Request): Promise<Uint8Array | 'too-large'> {
  const length = request.headers.get('content-length');
  const declared = length === null ? NaN : Number(length);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return 'too-large';
  if (!request.body) return new Uint8Array(0);
  // With a declared length within the limit, read the body whole: the Node server reads it straight
  // from the socket, far cheaper than pulling it chunk by chunk through a web stream.
  if (Number.isFinite(declared)) {
    const whole = new Uint8Array(await request.arrayBuffer());
    return whole.byteLength > MAX_BODY_BYTES ? 'too-large' : whole;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel();
      return 'too-large';
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

function parseBody(text: string | null, expectsBody: boolean): unknown {
  if (text === null || text.trim() === '') return expectsBody ? undefined : undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`Request body is not valid JSON: ${(e as Error).message}`);
  }
}

export function zodMessage(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'body'}: ${i.message}`)
    .join('; ');
}

function queryRecord(q: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(q.keys())) {
    const all = q.getAll(key);
    out[key] = all.length === 1 ? all[0] : all;
  }
  return out;
}

function redactJson(text: string | null, key: string): string | null {
  if (!text) return text;
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (value && typeof value === 'object' && key in value) value[key] = '[REDACTED]';
    return JSON.stringify(value);
  } catch {
    return '[REDACTED]';
  }
}

function oceanInfo(q: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of q) if (k.startsWith('ocean_info_')) out[k.slice('ocean_info_'.length)] = v;
  return out;
}
