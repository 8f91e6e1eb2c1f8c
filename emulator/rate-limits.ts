/**
 * The emulator's rate-limit model (docs/port-api.md §3, §13.3): bucket classification, fixed windows or
 * token buckets, the `x-ratelimit-*` headers and the admin view. Pure logic; the clock is injected.
 */
import { invalidRequest } from './errors.ts';

export type BucketName =
  'unauthenticated' | 'singleUpsert' | 'bulkUpsert' | 'entitySearch' | 'entities' | 'blueprints' | 'other';
export type RateLimitMode = 'window' | 'tokenBucket';
export type RateLimitScope = 'org' | 'client';

export const BUCKET_NAMES: readonly BucketName[] = [
  'unauthenticated', 'singleUpsert', 'bulkUpsert', 'entitySearch', 'entities', 'blueprints', 'other',
];

/** Port's published limits per 300-second window (§3.1). */
export const PORT_LIMITS: Readonly<Record<BucketName, { limit: number; burst: number; periodSeconds: number }>> = {
  unauthenticated: { limit: 100, burst: 10, periodSeconds: 300 },
  singleUpsert: { limit: 10_000, burst: 200, periodSeconds: 300 },
  bulkUpsert: { limit: 35_000, burst: 3_500, periodSeconds: 300 },
  entitySearch: { limit: 35_000, burst: 3_500, periodSeconds: 300 },
  entities: { limit: 35_000, burst: 3_500, periodSeconds: 300 },
  blueprints: { limit: 15_000, burst: 1_500, periodSeconds: 300 },
  other: { limit: 15_000, burst: 1_500, periodSeconds: 300 },
};

/**
 * The single §3.1 bucket a request counts against, decided on the raw (still percent-encoded) path so
 * that `%2F` inside an identifier never adds a segment.
 */
export function bucketFor(method: string, rawPath: string, authenticated: boolean): BucketName {
  const m = method.toUpperCase();
  const s = rawSegments(rawPath);
  if (!authenticated || (s[0] === 'v1' && s[1] === 'auth' && s[2] === 'access_token' && s.length === 3)) {
    return 'unauthenticated';
  }
  if (s[0] !== 'v1') return 'other';
  if (s[1] === 'entities' && s[2] === 'search' && s.length === 3) return m === 'POST' ? 'entitySearch' : 'other';
  if (s[1] !== 'blueprints') return 'other';
  // Checked before the `{bp}/entities` rows: here "entities" is a literal, not a blueprint id.
  if (s.length === 4 && s[2] === 'entities' && s[3] === 'datasource-entities' && m === 'POST') return 'entitySearch';
  if (s.length >= 4 && s[3] === 'entities') {
    if (s.length === 4 && m === 'POST') return 'singleUpsert';
    if (s.length === 5 && s[4] === 'bulk' && m === 'POST') return 'bulkUpsert';
    if (s.length === 5 && s[4] === 'search' && m === 'POST') return 'entitySearch';
    return 'entities';
  }
  if (s.length >= 5 && s[3] === 'bulk' && s[4] === 'entities') return 'entities';
  return 'blueprints';
}

function rawSegments(rawPath: string): string[] {
  let p = rawPath;
  const cut = p.search(/[?#]/);
  if (cut >= 0) p = p.slice(0, cut);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.replace(/^\//, '').split('/');
}

export interface BucketConfig {
  limit: number;
  burst: number;
  periodSeconds: number;
  enforced: boolean;
}
export type BucketPatch = Partial<BucketConfig>;

export interface RateLimiterOptions {
  /** `'port'` enforces §3.1; `'none'` enforces nothing; a record enforces only the buckets it lists. */
  limits: 'port' | 'none' | Partial<Record<BucketName, { limit: number; burst?: number; periodSeconds?: number; enforced?: boolean }>>;
  /** Multiplies every configured limit and burst (CLI `--rate-limit-scale`). */
  scale?: number;
  /** Emulator clock, epoch milliseconds. */
  now: () => number;
  mode?: RateLimitMode;
  scope?: RateLimitScope;
}

export interface TakeResult { allowed: boolean; headers: Record<string, string> }

export interface RateLimitState {
  mode: RateLimitMode;
  scope: RateLimitScope;
  buckets: Record<BucketName, BucketConfig & { used: number; resetAt: string }>;
}

interface WindowCounter { start: number; used: number }
interface TokenCounter { tokens: number; at: number }

/**
 * Counts requests per (bucket, key). The caller picks the key according to `scope`: the org id for
 * `'org'`, the token's clientId for `'client'`.
 */
export class RateLimiter {
  private readonly defaults: Record<BucketName, BucketConfig>;
  private readonly defaultMode: RateLimitMode;
  private readonly defaultScope: RateLimitScope;
  private readonly now: () => number;
  private config: Record<BucketName, BucketConfig>;
  private currentMode: RateLimitMode;
  private currentScope: RateLimitScope;
  private windows = new Map<BucketName, Map<string, WindowCounter>>();
  private tokens = new Map<BucketName, Map<string, TokenCounter>>();

  constructor(options: RateLimiterOptions) {
    const scale = options.scale ?? 1;
    if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`);
    this.defaults = buildDefaults(options.limits, scale);
    this.defaultMode = options.mode ?? 'window';
    this.defaultScope = options.scope ?? 'org';
    this.now = options.now;
    this.config = cloneConfig(this.defaults);
    this.currentMode = this.defaultMode;
    this.currentScope = this.defaultScope;
  }

  get mode(): RateLimitMode { return this.currentMode; }

  /** `'org'`: key `take` by org id; `'client'`: by the token's clientId. */
  get scope(): RateLimitScope { return this.currentScope; }

  /** The key `take` expects under the current scope. */
  keyFor(ids: { orgId: string; clientId: string }): string {
    return this.currentScope === 'client' ? ids.clientId : ids.orgId;
  }

  /** Counts one request unless it is refused; returns the §3.2 headers either way. */
  take(bucket: BucketName, key: string): TakeResult {
    const cfg = this.config[bucket];
    const nowMs = this.now();
    if (this.currentMode === 'tokenBucket') {
      const counter = refill(cfg, this.tokenCounter(bucket, key, nowMs), nowMs);
      const allowed = !cfg.enforced || counter.tokens >= 1;
      if (allowed) counter.tokens = Math.max(0, counter.tokens - 1);
      this.counters(this.tokens, bucket).set(key, counter);
      const availableMs = oneTokenAt(cfg, counter, nowMs);
      return {
        allowed,
        headers: headers(cfg.periodSeconds, cfg.limit, Math.floor(counter.tokens), availableMs, nowMs, allowed),
      };
    }
    const start = windowStart(cfg, nowMs);
    const windows = this.counters(this.windows, bucket);
    let counter = windows.get(key);
    if (!counter || counter.start !== start) {
      counter = { start, used: 0 };
      windows.set(key, counter);
    }
    const allowed = !cfg.enforced || counter.used < cfg.limit;
    if (allowed) counter.used += 1;
    const endMs = (start + cfg.periodSeconds) * 1000;
    return { allowed, headers: headers(cfg.periodSeconds, cfg.limit, cfg.limit - counter.used, endMs, nowMs, allowed) };
  }

  /**
   * The GET /_emulator/rate-limits body. With `key`, `used`/`resetAt` describe that key; without it,
   * `used` is summed over every key and `resetAt` is the latest reset among them.
   */
  state(key?: string): RateLimitState {
    const nowMs = this.now();
    const buckets = {} as RateLimitState['buckets'];
    for (const name of BUCKET_NAMES) {
      const cfg = this.config[name];
      let used = 0;
      let resetMs: number;
      if (this.currentMode === 'tokenBucket') {
        resetMs = nowMs;
        for (const [k, c] of this.counters(this.tokens, name)) {
          if (key !== undefined && k !== key) continue;
          const fresh = refill(cfg, { ...c }, nowMs);
          used += Math.max(0, cfg.burst - Math.floor(fresh.tokens));
          resetMs = Math.max(resetMs, oneTokenAt(cfg, fresh, nowMs));
        }
      } else {
        const start = windowStart(cfg, nowMs);
        for (const [k, c] of this.counters(this.windows, name)) {
          if ((key === undefined || k === key) && c.start === start) used += c.used;
        }
        resetMs = (start + cfg.periodSeconds) * 1000;
      }
      buckets[name] = { ...cfg, used, resetAt: new Date(resetMs).toISOString() };
    }
    return { mode: this.currentMode, scope: this.currentScope, buckets };
  }

  /**
   * PUT /_emulator/rate-limits: validates the whole body first, then applies it. Setting a bucket's
   * limit, burst or period without `enforced` turns enforcement on, so tests can lower a limit in one
   * call. Changing mode or scope zeroes all counters, since their keys or meaning change.
   */
  update(body: unknown): RateLimitState {
    const patch = parseUpdate(body);
    if ((patch.mode && patch.mode !== this.currentMode) || (patch.scope && patch.scope !== this.currentScope)) {
      this.resetCounters();
    }
    if (patch.mode) this.currentMode = patch.mode;
    if (patch.scope) this.currentScope = patch.scope;
    for (const [name, p] of Object.entries(patch.buckets) as [BucketName, BucketPatch][]) {
      const cfg = this.config[name];
      if (p.periodSeconds !== undefined && p.periodSeconds !== cfg.periodSeconds) {
        this.windows.delete(name);
        this.tokens.delete(name);
      }
      const touchesNumbers = p.limit !== undefined || p.burst !== undefined || p.periodSeconds !== undefined;
      this.config[name] = { ...cfg, ...p, enforced: p.enforced ?? (touchesNumbers ? true : cfg.enforced) };
    }
    return this.state();
  }

  /** POST /_emulator/rate-limits/reset: zero every counter, keep the configuration. */
  resetCounters(): void {
    this.windows.clear();
    this.tokens.clear();
  }

  /** POST /_emulator/reset: back to the constructor's configuration, counters zeroed. */
  restoreDefaults(): void {
    this.config = cloneConfig(this.defaults);
    this.currentMode = this.defaultMode;
    this.currentScope = this.defaultScope;
    this.resetCounters();
  }

  private counters<T>(store: Map<BucketName, Map<string, T>>, bucket: BucketName): Map<string, T> {
    let m = store.get(bucket);
    if (!m) store.set(bucket, (m = new Map()));
    return m;
  }

  private tokenCounter(bucket: BucketName, key: string, nowMs: number): TokenCounter {
    const existing = this.counters(this.tokens, bucket).get(key);
    return existing ? { ...existing } : { tokens: this.config[bucket].burst, at: nowMs };
  }
}

function windowStart(cfg: BucketConfig, nowMs: number): number {
  return Math.floor(nowMs / (cfg.periodSeconds * 1000)) * cfg.periodSeconds;
}

function refill(cfg: BucketConfig, c: TokenCounter, nowMs: number): TokenCounter {
  const rate = cfg.limit / cfg.periodSeconds;
  const gained = (Math.max(0, nowMs - c.at) / 1000) * rate;
  // Rounding keeps e.g. 1/3-per-ms rates from landing a hair below a whole token.
  const tokens = Math.round(Math.min(cfg.burst, c.tokens + gained) * 1e9) / 1e9;
  return { tokens, at: Math.max(c.at, nowMs) };
}

function oneTokenAt(cfg: BucketConfig, c: TokenCounter, nowMs: number): number {
  if (c.tokens >= 1) return nowMs;
  const rate = cfg.limit / cfg.periodSeconds;
  if (rate <= 0 || cfg.burst < 1) return nowMs + cfg.periodSeconds * 1000;
  return nowMs + ((1 - c.tokens) / rate) * 1000;
}

function headers(
  period: number, limit: number, remaining: number, resetMs: number, nowMs: number, allowed: boolean,
): Record<string, string> {
  const h: Record<string, string> = {
    'x-ratelimit-period': String(period),
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, remaining)),
    'x-ratelimit-reset': String(Math.ceil(resetMs / 1000)),
  };
  if (!allowed) h['Retry-After'] = String(Math.max(1, Math.ceil((resetMs - nowMs) / 1000)));
  return h;
}

function cloneConfig(c: Record<BucketName, BucketConfig>): Record<BucketName, BucketConfig> {
  return Object.fromEntries(BUCKET_NAMES.map((n) => [n, { ...c[n] }])) as Record<BucketName, BucketConfig>;
}

function buildDefaults(limits: RateLimiterOptions['limits'], scale: number): Record<BucketName, BucketConfig> {
  const scaled = (n: number) => (n === 0 ? 0 : Math.max(1, Math.round(n * scale)));
  const explicit = typeof limits === 'object' ? parseBuckets(limits, 'limits') : {};
  const out = {} as Record<BucketName, BucketConfig>;
  for (const name of BUCKET_NAMES) {
    const port = PORT_LIMITS[name];
    const e = explicit[name];
    if (e) {
      const limit = e.limit ?? port.limit;
      out[name] = {
        limit: scaled(limit),
        // Without an explicit burst, a lowered limit must not leave Port's larger burst in place.
        burst: scaled(e.burst ?? Math.min(port.burst, limit)),
        periodSeconds: e.periodSeconds ?? port.periodSeconds,
        enforced: e.enforced ?? true,
      };
    } else {
      out[name] = {
        limit: scaled(port.limit),
        burst: scaled(port.burst),
        periodSeconds: port.periodSeconds,
        enforced: limits === 'port',
      };
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseUpdate(body: unknown): { mode?: RateLimitMode; scope?: RateLimitScope; buckets: Partial<Record<BucketName, BucketPatch>> } {
  if (!isObject(body)) throw invalidRequest('body must be an object');
  for (const k of Object.keys(body)) {
    if (!['mode', 'scope', 'buckets'].includes(k)) throw invalidRequest(`${k}: unknown field`);
  }
  const { mode, scope, buckets } = body;
  if (mode !== undefined && mode !== 'window' && mode !== 'tokenBucket') {
    throw invalidRequest('mode must be "window" or "tokenBucket"');
  }
  if (scope !== undefined && scope !== 'org' && scope !== 'client') {
    throw invalidRequest('scope must be "org" or "client"');
  }
  return { mode, scope, buckets: buckets === undefined ? {} : parseBuckets(buckets, 'buckets') };
}

function parseBuckets(value: unknown, field: string): Partial<Record<BucketName, BucketPatch>> {
  if (!isObject(value)) throw invalidRequest(`${field} must be an object`);
  const out: Partial<Record<BucketName, BucketPatch>> = {};
  for (const [name, raw] of Object.entries(value)) {
    const path = `${field}.${name}`;
    if (!(BUCKET_NAMES as readonly string[]).includes(name)) {
      throw invalidRequest(`${path}: unknown bucket (expected one of ${BUCKET_NAMES.join(', ')})`);
    }
    if (!isObject(raw)) throw invalidRequest(`${path} must be an object`);
    const patch: BucketPatch = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'limit' || k === 'burst') {
        if (!Number.isInteger(v) || (v as number) < 0) throw invalidRequest(`${path}.${k} must be a non-negative integer`);
        patch[k] = v as number;
      } else if (k === 'periodSeconds') {
        if (!Number.isInteger(v) || (v as number) < 1) throw invalidRequest(`${path}.periodSeconds must be a positive integer`);
        patch.periodSeconds = v as number;
      } else if (k === 'enforced') {
        if (typeof v !== 'boolean') throw invalidRequest(`${path}.enforced must be a boolean`);
        patch.enforced = v;
      } else {
        throw invalidRequest(`${path}.${k}: unknown field`);
      }
    }
    out[name as BucketName] = patch;
  }
  return out;
}
