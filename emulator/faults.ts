/**
 * The fault-injection registry behind /_emulator/faults (docs/port-api.md §13.4): validates rules, matches
 * requests against them and decides which single rule fires. Performing the fault is the pipeline's job.
 */
import { invalidRequest } from './errors.ts';

/** Every route id a rule may name in `match.routeId`; the pipeline tags each /v1 request with one. */
export const ROUTE_IDS = [
  'auth.token', 'organization.get', 'kafkaCredentials.get',
  'blueprints.list', 'blueprints.create', 'blueprints.get', 'blueprints.replace', 'blueprints.patch',
  'blueprints.delete', 'blueprints.deleteAllEntities', 'migrations.get',
  'entities.upsert', 'entities.bulkUpsert', 'entities.get', 'entities.list', 'entities.replace', 'entities.patch',
  'entities.delete', 'entities.bulkDelete', 'entities.search', 'entities.blueprintSearch', 'entities.datasourceEntities',
  'integration.get', 'integration.create', 'integration.patch', 'integration.patchConfig', 'integration.resyncState',
  'integration.resyncRequest', 'integration.examples', 'integration.delete', 'integration.provisionEnabled',
  'cursor.get', 'cursor.put', 'cursor.create',
  'actions.create', 'actions.get', 'actions.createRun', 'actionRuns.claimPending', 'actionRuns.ack', 'actionRuns.list',
  'actionRuns.get', 'actionRuns.patch', 'actionRuns.logs', 'actionRuns.addLog',
  'workflowRuns.claimPending', 'workflowRuns.ack', 'workflowNodeRuns.list', 'workflowNodeRuns.patch', 'workflowNodeRuns.addLogs',
] as const;
export type RouteId = (typeof ROUTE_IDS)[number];

export interface FaultMatch {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  routeId?: RouteId;
}

export interface FaultResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type FaultAction =
  | ({ type: 'status' } & FaultResponse)
  | { type: 'latency'; ms: number; then?: FaultResponse }
  | { type: 'drop' }
  | { type: 'dropAfterCommit' }
  | { type: 'stall' }
  | { type: 'partial'; indexes: number[]; statusCode: number; error: string; message: string }
  | { type: 'failBlueprints'; blueprints: string[] };

/** What `match` returns: the action to perform, tagged with the rule that fired (for the request log). */
export type FiredFault = FaultAction & { ruleId: string };

export interface FaultRuleView {
  id: string;
  match: FaultMatch;
  after: number;
  times: number;
  action: FaultAction;
  /** Requests that matched so far. */
  matched: number;
  fired: number;
  /** Firings left; -1 when `times` is -1. */
  remaining: number;
}

export interface FaultRequest {
  method: string;
  rawPath: string;
  query: URLSearchParams;
  routeId?: string;
}

interface Rule {
  id: string;
  match: FaultMatch;
  after: number;
  times: number;
  action: FaultAction;
  matched: number;
  fired: number;
}

const ERROR_CODES: Record<number, string> = {
  400: 'bad_request', 401: 'unauthorized', 403: 'missing_permissions', 404: 'not_found', 409: 'identifier_taken',
  413: 'request_too_large', 422: 'invalid_request', 429: 'rate_limit_exceeded',
};

/** The §2 error code that goes with `status` when a rule gives none. */
export function defaultErrorCode(status: number): string {
  return ERROR_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/** The body an injected `status` fault sends when the rule gives none: the §2 envelope, or `{ok:true}` below 400. */
export function defaultFaultBody(status: number): unknown {
  if (status < 400) return { ok: true };
  return { ok: false, error: defaultErrorCode(status), message: 'injected fault' };
}

/**
 * Glob over a raw path: `*` is exactly one segment, `**` any number (zero included). Segments are split
 * before percent-decoding, so `%2F` stays inside its segment; both sides are then decoded, so `%3A` and `:` agree.
 */
export function globMatch(pattern: string, rawPath: string): boolean {
  const pat = splitPath(pattern);
  const segs = splitPath(rawPath).map(decode);
  const go = (i: number, j: number): boolean => {
    if (i === pat.length) return j === segs.length;
    const p = pat[i];
    if (p === '**') {
      for (let k = j; k <= segs.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    if (j === segs.length) return false;
    return (p === '*' || decode(p) === segs[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

function splitPath(path: string): string[] {
  let p = path;
  const cut = p.search(/[?#]/);
  if (cut >= 0) p = p.slice(0, cut);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.replace(/^\//, '').split('/');
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Holds fault rules in creation order and applies the §13.4 counting rules. */
export class FaultRegistry {
  private rules: Rule[] = [];
  private nextId = 1;

  /** POST /_emulator/faults: validates the rule (422 naming the field) and stores it. */
  add(body: unknown): { id: string } {
    const parsed = parseRule(body);
    const id = `fault_${this.nextId++}`;
    this.rules.push({ id, ...parsed, matched: 0, fired: 0 });
    return { id };
  }

  /** GET /_emulator/faults: every rule, exhausted ones included, with its counters. */
  list(): FaultRuleView[] {
    return this.rules.map((r) => structuredClone({
      id: r.id, match: r.match, after: r.after, times: r.times, action: r.action,
      matched: r.matched, fired: r.fired, remaining: r.times === -1 ? -1 : r.times - r.fired,
    }));
  }

  /** DELETE /_emulator/faults/{id}; false when no such rule exists. */
  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  /** DELETE /_emulator/faults and POST /_emulator/reset. */
  clear(): void {
    this.rules = [];
  }

  /**
   * Called once per /v1 request. Every matching rule counts the match; the first armed rule (match
   * count above `after`, firings below `times`) fires and is the only one to spend a firing.
   */
  match(req: FaultRequest): FiredFault | undefined {
    let chosen: Rule | undefined;
    for (const rule of this.rules) {
      if (!ruleMatches(rule, req)) continue;
      rule.matched += 1;
      const armed = rule.matched > rule.after && (rule.times === -1 || rule.fired < rule.times);
      if (armed && !chosen) chosen = rule;
    }
    if (!chosen) return undefined;
    chosen.fired += 1;
    return { ...structuredClone(chosen.action), ruleId: chosen.id };
  }
}

function ruleMatches(rule: Rule, req: FaultRequest): boolean {
  const m = rule.match;
  if (m.method !== undefined && m.method !== req.method.toUpperCase()) return false;
  if (m.routeId !== undefined && m.routeId !== req.routeId) return false;
  if (m.path !== undefined && !globMatch(m.path, req.rawPath)) return false;
  for (const [k, v] of Object.entries(m.query ?? {})) {
    if (!req.query.getAll(k).includes(v)) return false;
  }
  // `partial` and `failBlueprints` only mean something on one route; elsewhere the rule must not
  // count or spend a firing.
  if (rule.action.type === 'partial') return onRoute(req, 'entities.bulkUpsert', '/v1/blueprints/*/entities/bulk');
  if (rule.action.type === 'failBlueprints') return onRoute(req, 'entities.search', '/v1/entities/search');
  return true;
}

function onRoute(req: FaultRequest, routeId: RouteId, glob: string): boolean {
  if (req.routeId !== undefined) return req.routeId === routeId;
  return req.method.toUpperCase() === 'POST' && globMatch(glob, req.rawPath);
}

// ---- validation -------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkKeys(obj: Record<string, unknown>, allowed: string[], field: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw invalidRequest(`${field ? `${field}.` : ''}${k}: unknown field`);
  }
}

function isInt(v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number {
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
}

function parseRule(body: unknown): Pick<Rule, 'match' | 'after' | 'times' | 'action'> {
  if (!isObject(body)) throw invalidRequest('body must be an object');
  checkKeys(body, ['match', 'after', 'times', 'action'], '');
  const after = body.after ?? 0;
  if (!isInt(after, 0)) throw invalidRequest('after must be a non-negative integer');
  const times = body.times ?? 1;
  if (times !== -1 && !isInt(times, 1)) throw invalidRequest('times must be a positive integer or -1');
  return { match: parseMatch(body.match), after, times: times as number, action: parseAction(body.action) };
}

function parseMatch(raw: unknown): FaultMatch {
  if (!isObject(raw)) throw invalidRequest('match must be an object');
  checkKeys(raw, ['method', 'path', 'query', 'routeId'], 'match');
  const out: FaultMatch = {};
  if (raw.method !== undefined) {
    if (typeof raw.method !== 'string' || !/^[A-Za-z]+$/.test(raw.method)) {
      throw invalidRequest('match.method must be an HTTP method name');
    }
    out.method = raw.method.toUpperCase();
  }
  if (raw.path !== undefined) {
    if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) throw invalidRequest('match.path must be a string starting with "/"');
    out.path = raw.path;
  }
  if (raw.routeId !== undefined) {
    if (!(ROUTE_IDS as readonly unknown[]).includes(raw.routeId)) {
      throw invalidRequest(`match.routeId: unknown route id ${JSON.stringify(raw.routeId)}`);
    }
    out.routeId = raw.routeId as RouteId;
  }
  if (raw.query !== undefined) {
    if (!isObject(raw.query)) throw invalidRequest('match.query must be an object');
    out.query = {};
    for (const [k, v] of Object.entries(raw.query)) {
      // Query strings carry text only; `true` and `"true"` mean the same to a test author.
      if (!['string', 'number', 'boolean'].includes(typeof v)) throw invalidRequest(`match.query.${k} must be a string`);
      out.query[k] = String(v);
    }
  }
  return out;
}

function parseResponse(raw: Record<string, unknown>, field: string): FaultResponse {
  if (!isInt(raw.status, 200, 599)) throw invalidRequest(`${field}.status must be an integer between 200 and 599`);
  const headers: Record<string, string> = {};
  if (raw.headers !== undefined) {
    if (!isObject(raw.headers)) throw invalidRequest(`${field}.headers must be an object`);
    for (const [k, v] of Object.entries(raw.headers)) {
      if (typeof v !== 'string' && typeof v !== 'number') throw invalidRequest(`${field}.headers.${k} must be a string`);
      headers[k] = String(v);
    }
  }
  return { status: raw.status, headers, body: raw.body === undefined ? defaultFaultBody(raw.status) : raw.body };
}

function parseAction(raw: unknown): FaultAction {
  if (!isObject(raw)) throw invalidRequest('action must be an object');
  switch (raw.type) {
    case 'status':
      checkKeys(raw, ['type', 'status', 'headers', 'body'], 'action');
      return { type: 'status', ...parseResponse(raw, 'action') };
    case 'latency': {
      checkKeys(raw, ['type', 'ms', 'then'], 'action');
      if (!isInt(raw.ms, 0, 600_000)) throw invalidRequest('action.ms must be an integer between 0 and 600000');
      if (raw.then === undefined) return { type: 'latency', ms: raw.ms };
      if (!isObject(raw.then)) throw invalidRequest('action.then must be an object');
      checkKeys(raw.then, ['status', 'headers', 'body'], 'action.then');
      return { type: 'latency', ms: raw.ms, then: parseResponse(raw.then, 'action.then') };
    }
    case 'drop':
    case 'dropAfterCommit':
    case 'stall':
      checkKeys(raw, ['type'], 'action');
      return { type: raw.type };
    case 'partial': {
      checkKeys(raw, ['type', 'indexes', 'statusCode', 'error', 'message'], 'action');
      const { indexes, statusCode = 422, error, message = 'injected fault' } = raw;
      if (!Array.isArray(indexes) || indexes.length === 0 || !indexes.every((i) => isInt(i, 0))) {
        throw invalidRequest('action.indexes must be a non-empty array of non-negative integers');
      }
      if (!isInt(statusCode, 400, 599)) throw invalidRequest('action.statusCode must be an integer between 400 and 599');
      if (error !== undefined && (typeof error !== 'string' || error === '')) throw invalidRequest('action.error must be a non-empty string');
      if (typeof message !== 'string') throw invalidRequest('action.message must be a string');
      return { type: 'partial', indexes: [...indexes], statusCode, error: error ?? defaultErrorCode(statusCode), message };
    }
    case 'failBlueprints': {
      checkKeys(raw, ['type', 'blueprints'], 'action');
      const { blueprints } = raw;
      if (!Array.isArray(blueprints) || blueprints.length === 0 || !blueprints.every((b) => typeof b === 'string' && b !== '')) {
        throw invalidRequest('action.blueprints must be a non-empty array of blueprint identifiers');
      }
      return { type: 'failBlueprints', blueprints: [...blueprints] };
    }
    default:
      throw invalidRequest('action.type must be one of status, latency, drop, dropAfterCommit, stall, partial, failBlueprints');
  }
}
