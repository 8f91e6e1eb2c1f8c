/**
 * What the resync engine depends on: the settings it reads, the parts it is built from, and two small
 * rules it applies (which errors make the previous state unknown, which schemas validate selectors).
 */
import type { HttpClient } from '../http/index.ts';
import type { IntegrationDefinition } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { Mapper } from '../mapping/index.ts';
import type { StateStore } from '../state/index.ts';
import type { SyncPort } from './port.ts';
import type { KindReport } from './report.ts';

/** The settings a resync reads; `TideSettings` satisfies it. */
export interface ResyncSettings {
  integration: { identifier: string; config?: Record<string, unknown>; incrementalSyncInterval?: number };
  /** Default true. */
  sendRawDataExamples?: boolean;
  /** Minutes; feeds `nextResync` and `intervalInMinuets`. */
  scheduledResyncInterval?: number;
  /** Default 1000 (effective `min(value, 100)`). */
  deleteEntitiesMaxBatchSize?: number;
}

/** Everything one resync needs; built once by `createResyncRunner`. */
export interface ResyncDeps {
  integration: IntegrationDefinition<any>;
  port: SyncPort;
  mapper: Mapper;
  settings: ResyncSettings;
  logger: Logger;
  state: StateStore;
  http: HttpClient;
  sensitiveValues: readonly string[];
  processStartedAt: number;
  now: () => number;
  newId: () => string;
  onResyncStateUpdated?: (updatedAt: string) => void;
  /** Live per-resource counters (see `ResourceRunShared.onProgress`). */
  onProgress?: (report: Readonly<KindReport>) => void;
}

/** An error from talking HTTP (Port or the vendor): it makes the previous state unknown (§4.3 step 6). */
export function isHttpError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'HttpError' || name === 'NetworkError' || name === 'PortApiError';
}

/** Selector schemas per kind, for validating the mapping (§3.1). */
export function selectorSchemas(integration: IntegrationDefinition<any>): Record<string, NonNullable<IntegrationDefinition['kinds'][string]['selector']>> {
  const out: Record<string, NonNullable<IntegrationDefinition['kinds'][string]['selector']>> = {};
  for (const [kind, def] of Object.entries(integration.kinds)) if (def.selector) out[kind] = def.selector;
  return out;
}
