/** Shapes shared by the Port client modules (docs/port-api.md §6–§11). */

/** Where log lines go; every method is optional so a partial logger (or none) works. */
export interface PortLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The `{type}`, `{version}` and `{identifier}` of `port-ocean/{type}/{version}/{identifier}/{feature}`. */
export interface UserAgentParts {
  type: string;
  version: string;
  identifier: string;
}

/** `exporter` for mapped writes (default), `gitops` for the second disjoint entity set (docs/port-api.md §5). */
export type OwnershipFeature = 'exporter' | 'gitops';

/** The event kinds Ocean reports in `ocean_info_event_type` (docs/port-api.md §11.7). */
export type OceanEventType = 'start' | 'resync' | 'http_request' | 'action_run' | 'incremental_resync';

/** The event a request belongs to; `id` becomes `ocean_info_resync_id` for resyncs. */
export interface EventContext {
  type: OceanEventType;
  id?: string;
}

/** Per-call options every client method accepts. */
export interface CallContext {
  /** Adds `ocean_info_event_type` / `ocean_info_resync_id` to the query. */
  event?: EventContext;
  /** Ownership suffix for this call; default the client's `feature`. */
  feature?: OwnershipFeature;
  signal?: AbortSignal;
}

/** A Port search query (docs/port-api.md §10.2). */
export interface SearchQuery {
  combinator: 'and' | 'or';
  rules: Array<SearchRule | SearchQuery>;
}

export interface SearchRule {
  property: string;
  operator: string;
  value?: unknown;
}

/**
 * An entity body as Tide sends it: only `identifier` is required, and it may be a search query (docs/port-api.md §9.4). Port takes
 * a string or null `title` and `icon`, and a string, list or search query `team`; Tide sends them as the mapping
 * produced them and reports Port's refusal of an entity as that entity's failure (Port API §9.1; behaviour §4.11).
 */
export interface PortEntityInput {
  identifier: string | SearchQuery;
  blueprint?: string;
  title?: unknown;
  icon?: unknown;
  team?: unknown;
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
}

/** An entity as Port returns it (fields may be narrowed by `include`). */
export interface PortEntity {
  identifier: string;
  blueprint: string;
  title?: string | null;
  icon?: string | null;
  team?: string[];
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
  createdAt?: string;
  updatedAt?: string;
  createdBy?: string | null;
  updatedBy?: string | null;
  [key: string]: unknown;
}

/** A blueprint as Port stores it (docs/port-api.md §8.2); only `identifier` is assumed. */
export interface PortBlueprint {
  identifier: string;
  title?: string;
  schema?: { properties?: Record<string, unknown>; required?: string[] };
  relations?: Record<string, { target: string; required?: boolean; many?: boolean; title?: string }>;
  [key: string]: unknown;
}

/** The integration object (docs/port-api.md §11.1); Tide reads only some fields. */
export interface PortIntegration {
  identifier: string;
  installationId?: string;
  installationAppType?: string;
  version?: string;
  config?: Record<string, unknown> | null;
  changelogDestination?: Record<string, unknown> | null;
  resyncState?: { status?: string; updatedAt?: string; [key: string]: unknown } | null;
  updatedAt?: string;
  [key: string]: unknown;
}

/** Body of `PATCH /v1/integration/{id}/resync-state`; note Port's spelling `intervalInMinuets`. */
export interface ResyncStatePatch {
  status?: 'running' | 'completed' | 'failed' | 'aborted';
  lastResyncStart?: string | null;
  lastResyncEnd?: string | null;
  nextResync?: string | null;
  intervalInMinuets?: number | null;
}

/** The newest resync request of an integration (docs/port-api.md §11.4). */
export interface ResyncRequest {
  id: string;
  integrationId?: string;
  createdAt?: string;
  updatedAt: string;
  [key: string]: unknown;
}

export interface PortOrganization {
  id: string;
  name?: string;
  featureFlags?: string[];
  [key: string]: unknown;
}

export interface KafkaCredentials {
  username: string;
  password: string;
}

export interface PortMigration {
  id: string;
  status: string;
  sourceBlueprint?: string;
  [key: string]: unknown;
}
