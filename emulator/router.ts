import type { ZodType } from 'zod';
import type { Principal } from './auth.ts';
import type { FiredFault } from './faults.ts';
import type { EmulatorState } from './state.ts';

/**
 * The emulator's own route table. Port identifiers may contain `/`, `+` and `%`, so routes are matched
 * on the raw path: split on `/` first, then percent-decode each segment (`%2F` is never a separator).
 */
export interface HandlerContext {
  emu: EmulatorState;
  request: Request;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  principal: Principal | undefined;
  userAgent: string;
  /** A `partial` or `failBlueprints` fault that the handler applies itself. */
  fault: FiredFault | undefined;
  /** Work to run after the transaction committed (webhook deliveries). */
  after: Array<() => void>;
  /** The request's trace id (`x-trace-id`, the request-log key). */
  traceId: string;
  /** Runs the request touched; its request-log entry lists them. */
  runIds: string[];
}

export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** e.g. `/v1/blueprints/:bp/entities/bulk` */
  path: string;
  id: string;
  /** Admin routes skip faults, rate limits, auth and the request log. */
  admin?: boolean;
  /** The token route is the only `/v1` route without a token. */
  public?: boolean;
  /** An ingest sink (an admin route the integration itself calls): no admin token, logged as ingest. */
  ingest?: boolean;
  /** Body schema; routes without one accept an empty body or any JSON. */
  body?: ZodType;
  /** Query schema: keys listed must satisfy their check. */
  query?: Record<string, QueryRule>;
  handler: (ctx: HandlerContext) => HandlerResult | Promise<HandlerResult>;
  /** Handlers that must not run inside one SQLite transaction (they await). */
  async?: boolean;
}

export type QueryRule = 'boolean' | 'requiredBoolean' | 'integer';

interface CompiledRoute extends Route {
  segments: string[];
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: Route[]): void {
    for (const r of routes) this.routes.push({ ...r, segments: r.path.split('/').slice(1) });
  }

  /** Find the route for a raw path; `methodMismatch` tells a 404 for an unknown route from a wrong method. */
  match(method: string, rawPath: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
    const parts = rawPath.split('/').slice(1);
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const rest = route.segments[route.segments.length - 1] === '**';
      if (rest ? parts.length < route.segments.length : route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < (rest ? route.segments.length - 1 : parts.length); i++) {
        const seg = route.segments[i];
        if (seg.startsWith(':')) {
          const value = safeDecode(parts[i]);
          if (value === undefined || value === '') {
            ok = false;
            break;
          }
          params[seg.slice(1)] = value;
        } else if (seg !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (ok && rest) params['**'] = parts.slice(route.segments.length - 1).map((p) => safeDecode(p) ?? p).join('/');
      if (ok) return { route, params };
    }
    return undefined;
  }
}

function safeDecode(seg: string): string | undefined {
  try {
    return decodeURIComponent(seg);
  } catch {
    return undefined;
  }
}

/** Check boolean/integer query parameters the way Port does: the strings `true`/`false`, or 422. */
export function checkQuery(query: URLSearchParams, rules: Record<string, QueryRule> | undefined): string | undefined {
  if (!rules) return undefined;
  for (const [key, rule] of Object.entries(rules)) {
    const value = query.get(key);
    if (value === null) {
      if (rule === 'requiredBoolean') return `query.${key}: required, expected "true" or "false"`;
      continue;
    }
    if ((rule === 'boolean' || rule === 'requiredBoolean') && value !== 'true' && value !== 'false')
      return `query.${key}: expected "true" or "false", got "${value}"`;
    if (rule === 'integer' && !/^\d+$/.test(value)) return `query.${key}: expected an integer, got "${value}"`;
  }
  return undefined;
}

export const qbool = (query: URLSearchParams, key: string, fallback = false): boolean => {
  const v = query.get(key);
  return v === null ? fallback : v === 'true';
};

export const ok = (body: Record<string, unknown>, status = 200): HandlerResult => ({ status, body: { ok: true, ...body } });
