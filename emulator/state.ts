import { Auth } from './auth.ts';
import { Clock } from './clock.ts';
import { Store } from './db.ts';
import { FaultRegistry } from './faults.ts';
import { RateLimiter } from './rate-limits.ts';
import { RequestLog } from './request-log.ts';
import { RunStore } from './runs-store.ts';
import type { OutboxEntry } from './changelog.ts';
import type { Blueprint } from './types.ts';
import type { UiOptions } from './ui/types.ts';

/** Options of `createPortEmulator()`; every one has a default that suits tests. */
export interface PortEmulatorOptions {
  /** SQLite file, or `:memory:` (default). */
  db?: string;
  /** Credential pairs seeded at start and restored by `POST /_emulator/reset`. */
  credentials?: Array<{ clientId: string; clientSecret: string }>;
  /** `'port'` enforces Port's published limits; default: none enforced. */
  rateLimits?: 'port' | 'none' | ConstructorParameters<typeof RateLimiter>[0]['limits'];
  rateLimitScale?: number;
  /** Reject property keys a blueprint does not declare instead of dropping them. */
  strictProperties?: boolean;
  /** Maximum entities per bulk upsert (Port: 20). */
  maxBulkUpsert?: number;
  /** When set, every `/_emulator` call must send `x-emulator-admin-token`. */
  adminToken?: string;
  /** Keep a request log (default true). Benchmarks may turn it off. */
  requestLog?: boolean;
  /** Bounds of the request log (ingest posts included): entries (default 100,000) and body characters (default 64 Mi). */
  requestLogBounds?: { entries?: number; bytes?: number };
  /**
   * Whether an entity write that changes nothing bumps `updatedAt`: `'bump'` (default) or `'keep'`.
   * Port's behaviour is unconfirmed (docs/port-api.md §15.3), so tests can run under both;
   * `PUT /_emulator/settings` flips it at run time.
   */
  noOpUpdatedAt?: NoOpUpdatedAt;
  /** Keep each entity's change history for the UI (default true). Benchmarks may turn it off. */
  entityHistory?: boolean;
  /** The web UI at `/` (default on, without the mapping playground); `false` serves Port's API only. */
  ui?: UiOptions | false;
}

export const NO_OP_UPDATED_AT = ['bump', 'keep'] as const;
export type NoOpUpdatedAt = (typeof NO_OP_UPDATED_AT)[number];

/** Behaviour switches that `GET`/`PUT /_emulator/settings` read and change; reset restores the start-up values. */
export interface EmulatorSettings {
  noOpUpdatedAt: NoOpUpdatedAt;
}

export interface Organization {
  id: string;
  name: string;
  featureFlags: string[];
  createdAt: string;
  updatedAt: string;
}

export const DEFAULT_ORG = { id: 'org_emulator', name: 'Emulator', featureFlags: [] as string[] };
export const MAX_BODY_BYTES = 1024 * 1024;

/** Everything one emulator instance holds: storage, clock, tokens, limits, faults and logs. */
export class EmulatorState {
  readonly clock = new Clock();
  readonly store: Store;
  readonly auth: Auth;
  readonly limiter: RateLimiter;
  readonly faults = new FaultRegistry();
  readonly log: RequestLog;
  readonly runs: RunStore;
  readonly settings: EmulatorSettings;
  /** Change events (§12); kept in memory, cleared by reset. */
  readonly outbox: OutboxEntry[] = [];
  baseUrl = 'http://127.0.0.1';
  private blueprintCache = new Map<string, Blueprint | null>();

  constructor(readonly options: PortEmulatorOptions) {
    this.store = new Store(options.db ?? ':memory:');
    this.log = new RequestLog(options.requestLogBounds?.entries, options.requestLogBounds?.bytes);
    this.runs = new RunStore(this.store.db);
    this.settings = this.startupSettings();
    this.auth = new Auth(this.store, this.clock, () => this.organization().id);
    this.limiter = new RateLimiter({
      limits: options.rateLimits ?? 'none',
      scale: options.rateLimitScale ?? 1,
      now: () => this.clock.now(),
    });
    this.seedDefaults();
    this.observeTimestamps();
  }

  private startupSettings(): EmulatorSettings {
    return { noOpUpdatedAt: this.options.noOpUpdatedAt ?? 'bump' };
  }

  /**
   * What the integrations posted to their ingest URLs (logs and sync metrics), oldest first. A view of
   * the request log's ingest entries, so it shares that log's bounds and is emptied with it.
   */
  get ingest(): Array<{ at: string; path: string; body: unknown }> {
    return this.log.query({ ingest: true, limit: Number.MAX_SAFE_INTEGER }).map((e) => ({
      at: e.at,
      path: e.path.slice('/_emulator/ingest/'.length).split('/').map(decodeSegment).join('/'),
      body: e.body,
    }));
  }

  get maxBulkUpsert(): number {
    return this.options.maxBulkUpsert ?? 20;
  }

  private org: Organization | undefined;

  /** The organization, read once and kept until `setOrganization` or a reset changes it. */
  organization(): Organization {
    if (this.org) return this.org;
    const org = this.store.kv<Organization>('organization');
    if (org) return (this.org = org);
    const now = this.clock.iso();
    const created = { ...DEFAULT_ORG, createdAt: now, updatedAt: now };
    this.store.setKv('organization', created);
    return (this.org = created);
  }

  setOrganization(org: Organization): void {
    this.store.setKv('organization', org);
    this.org = org;
  }

  /** Blueprints are read on every entity write; cache the parsed JSON until a blueprint changes. */
  blueprint(id: string): Blueprint | undefined {
    let bp = this.blueprintCache.get(id);
    if (bp === undefined) {
      bp = this.store.blueprint(id) ?? null;
      this.blueprintCache.set(id, bp);
    }
    return bp ?? undefined;
  }

  invalidateBlueprints(): void {
    this.blueprintCache.clear();
  }

  /** After a rolled-back transaction: drop every cache that may hold rows the rollback undid. */
  dropCaches(): void {
    this.blueprintCache.clear();
    this.org = undefined;
  }

  /** `POST /_emulator/reset`: wipe, then restore the default org, limits and start-up credentials. */
  reset(): void {
    this.store.wipe();
    this.org = undefined;
    this.invalidateBlueprints();
    this.limiter.restoreDefaults();
    this.faults.clear();
    this.log.clear();
    Object.assign(this.settings, this.startupSettings());
    this.outbox.length = 0;
    this.clock.reset();
    this.auth.policy = { lifetimeSeconds: 10800, reuse: true, expiresInMode: 'remaining' };
    this.seedDefaults();
  }

  private seedDefaults(): void {
    this.organization();
    for (const c of this.options.credentials ?? []) this.auth.addCredentials(c.clientId, c.clientSecret);
  }

  /** After a restart from a file, new stamps must still sort after the stored ones. */
  private observeTimestamps(): void {
    const row = this.store.db.prepare('SELECT max(updated_at) AS m FROM entities').get() as { m: string | null };
    this.clock.observe(row.m);
    for (const bp of this.store.blueprints()) this.clock.observe(bp.updatedAt);
    for (const i of this.store.integrations<{ updatedAt?: string; resyncState?: { updatedAt?: string } }>()) {
      this.clock.observe(i.updatedAt);
      this.clock.observe(i.resyncState?.updatedAt);
    }
    const runs = this.store.db.prepare("SELECT max(json_extract(data, '$.updatedAt')) AS m FROM runs").get() as { m: string | null };
    this.clock.observe(runs.m);
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
