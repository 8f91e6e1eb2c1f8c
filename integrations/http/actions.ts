/**
 * The declarative `http_request` action (docs/behaviour.md §11): the integration config describes named
 * requests under `actions` (method, a URL template, query, headers, a body template, where the response holds a
 * link), and a run names one in its `request` execution property; `{name}` placeholders take the run's other
 * properties. Requests go out with the integration's base URL, auth and default headers, like the resync's.
 */
import { z, type ActionContext, type ActionDefinition, type ActionOutcome, type ActionRun } from 'port-tide';
import { BODY_METHODS } from './action-config.ts';
import { absolute, createAuthenticator } from './auth.ts';
import type { HttpConfig } from './config.ts';
import { dottedValue, pathValue } from './paths.ts';
import { configOf } from './resync.ts';

const WHOLE = /^\{([^{}]+)\}$/;
const text = z.string().trim().min(1, { error: 'expected a non-empty string' });

/** A run property for a placeholder; a missing or non-scalar one fails the run, naming where it was needed. */
function property(properties: Record<string, unknown>, name: string, where: string): unknown {
  const value = dottedValue(properties, name);
  if (value === undefined || value === null) throw new Error(`{${name}} in ${where}: the run has no property ${name}`);
  return value;
}

function fill(template: string, properties: Record<string, unknown>, where: string, encode: (s: string) => string): string {
  return template.replace(/\{([^{}]+)\}/g, (_, raw: string) => {
    const value = property(properties, raw.trim(), where);
    if (typeof value === 'object') throw new Error(`{${raw.trim()}} in ${where}: the property is ${Array.isArray(value) ? 'a list' : 'an object'}, expected text or a number`);
    return encode(String(value));
  });
}

/** The body template with placeholders filled: `"{name}"` alone keeps the property's JSON type. */
function fillBody(template: unknown, properties: Record<string, unknown>, where: string): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE.exec(template);
    return whole ? property(properties, whole[1]!.trim(), where) : fill(template, properties, where, (s) => s);
  }
  if (Array.isArray(template)) return template.map((v, i) => fillBody(v, properties, `${where}[${i}]`));
  if (template !== null && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillBody(v, properties, `${where}.${k}`)]));
  return template;
}

/** The response's first 200 characters, for a failure message. */
async function excerpt(response: Response): Promise<string> {
  const body = (await response.text()).replace(/\s+/g, ' ').trim();
  return body.length > 200 ? `${body.slice(0, 200)}…` : body;
}

/** Send the described request `name` for one run. */
export async function sendActionRequest(config: HttpConfig, name: string, run: ActionRun, ctx: ActionContext): Promise<ActionOutcome> {
  const request = config.actions[name];
  if (!request) {
    const described = Object.keys(config.actions);
    return { status: 'failure', message: `http_request: no request "${name}" is described under actions (${described.length ? `described: ${described.join(', ')}` : 'none is described'})` };
  }
  const { request: _, ...properties } = run.properties;
  let url: URL;
  let body: unknown;
  const headers = new Headers({ accept: 'application/json' });
  try {
    url = new URL(absolute(config.baseUrl, fill(request.path, properties, 'path', encodeURIComponent)));
    for (const [k, v] of Object.entries(request.params)) url.searchParams.set(k, fill(String(v), properties, `params.${k}`, (s) => s));
    for (const [k, v] of Object.entries(config.defaultHeaders)) headers.set(k, v);
    for (const [k, v] of Object.entries(request.headers)) headers.set(k, fill(v, properties, `headers.${k}`, (s) => s));
    if (request.body !== undefined) body = fillBody(request.body, properties, 'body');
    else if (BODY_METHODS.has(request.method)) body = properties;
  } catch (error) {
    return { status: 'failure', message: `http_request "${name}": ${error instanceof Error ? error.message : String(error)}` };
  }
  if (body !== undefined) headers.set('content-type', 'application/json');
  // The config's retry settings, as for the resync; POST and PATCH are never replayed (they have side effects).
  const http = config.retry ? ctx.http.withRetry(config.retry) : ctx.http;
  const auth = createAuthenticator(config, http);
  const shown = `${request.method} ${url.pathname}`;
  const send = async (): Promise<Response> => {
    const sent = new Headers(headers);
    const target = await auth.apply(url.toString(), sent, ctx.signal);
    return http.request(target, { method: request.method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body), signal: ctx.signal });
  };
  await ctx.log(`Sending ${shown}`);
  let response = await send();
  if (response.status === 401 && auth.refresh()) {
    await response.body?.cancel();
    response = await send();
  }
  if (!response.ok) return { status: 'failure', message: `${shown} answered ${response.status}: ${await excerpt(response)}` };
  let link: string | undefined;
  if (request.linkPath !== undefined) {
    const textBody = await response.text();
    try {
      const value = await pathValue(textBody.trim() === '' ? undefined : JSON.parse(textBody), request.linkPath);
      if (typeof value === 'string' && value !== '') link = value;
      else await ctx.log(`linkPath ${JSON.stringify(request.linkPath)} gave no URL in the response`, 'WARNING');
    } catch (error) {
      await ctx.log(`linkPath ${JSON.stringify(request.linkPath)}: ${error instanceof Error ? error.message : String(error)}`, 'WARNING');
    }
  } else {
    await response.body?.cancel();
  }
  return { status: 'success', message: `${shown} answered ${response.status}`, ...(link ? { link } : {}) };
}

export const httpRequestProperties = z.looseObject({
  /** The name of the described request under the config's `actions`. */
  request: text,
});

export const httpRequest: ActionDefinition<Record<string, unknown>, typeof httpRequestProperties> = {
  properties: httpRequestProperties,
  async run(run, ctx) {
    const config = await configOf(ctx.config);
    return sendActionRequest(config, run.properties.request, run as ActionRun, ctx as ActionContext);
  },
};
