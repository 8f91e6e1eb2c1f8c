/**
 * Tide's Port client (docs/port-api.md): one object per credential pair and integration, holding the token
 * cache, the blueprint and feature-flag caches and the upsert in-flight bound. Web standards only.
 */
import { blueprintApi } from './blueprints.ts';
import { cursorApi } from './cursors.ts';
import { createPortTransport } from './client.ts';
import type { PortTransportOptions } from './client.ts';
import { entityApi } from './entities.ts';
import { integrationApi } from './integration.ts';
import { orgApi } from './org.ts';
import { searchApi } from './search.ts';
import type { OwnershipFeature } from './types.ts';

export { KafkaCredentialsNotFoundError, PortApiError } from './errors.ts';
export { batchSize, planBatches } from './entities.ts';
export { createInFlightLimiter } from './in-flight.ts';
export type { DeleteOptions, DeleteResult, EntityError, EntityLimits, UpsertOptions, UpsertResult } from './entities.ts';
export type { BlueprintSearchBody, OwnedEntitiesOptions, SearchOptions, SearchResult } from './search.ts';
export type { IntegrationCreate } from './integration.ts';
export type { PortCursor } from './cursors.ts';
export type { PortRequest, PortTransport, PortTransportOptions } from './client.ts';
export type { ClockOffset } from './clock.ts';
export type * from './types.ts';

/** Port's hard limits (docs/port-api.md §4). */
export const PORT_LIMITS = Object.freeze({ bulkUpsertMaxLength: 20, bodyMaxBytes: 1024 * 1024, bulkDeleteMaxLength: 100 });

export interface PortClientOptions extends PortTransportOptions {
  /** Entities per bulk upsert (`upsertEntitiesBatchMaxLength`), capped at 20. Default 20. */
  batchMaxLength?: number;
  /** Bytes per bulk upsert (`upsertEntitiesBatchMaxSizeInBytes`), capped at 1 MiB. Default 1 MiB. */
  batchMaxBytes?: number;
  /** Ids per bulk delete (`deleteEntitiesMaxBatchSize`), capped at 100. Default 100. */
  deleteBatchSize?: number;
}

/** The Port client: every route Tide calls, plus the ownership helpers. */
export type PortClient = ReturnType<typeof createPortClient>;

/**
 * Create a Port client. Nothing is sent until the first call; the token is fetched then and cached.
 *
 * @example
 * const port = createPortClient({
 *   baseUrl: 'https://api.getport.io', clientId, clientSecret,
 *   userAgent: { type: 'jira', version: '0.3.1', identifier: 'my-jira' },
 * });
 * const results = await port.upsertEntities('service', entities, { event: { type: 'resync', id } });
 */
export function createPortClient(options: PortClientOptions) {
  const transport = createPortTransport(options);
  const limits = {
    batchMaxLength: clamp(options.batchMaxLength, PORT_LIMITS.bulkUpsertMaxLength, 'batchMaxLength'),
    batchMaxBytes: clamp(options.batchMaxBytes, PORT_LIMITS.bodyMaxBytes, 'batchMaxBytes'),
    deleteBatchSize: clamp(options.deleteBatchSize, PORT_LIMITS.bulkDeleteMaxLength, 'deleteBatchSize'),
  };
  return {
    ...entityApi(transport, limits),
    ...searchApi(transport),
    ...blueprintApi(transport),
    ...integrationApi(transport),
    ...orgApi(transport),
    ...cursorApi(transport),
    /** The User-Agent (and so the `$datasource`) this client writes with. */
    userAgent: (feature?: OwnershipFeature): string => transport.userAgent(feature),
    /** `datasource_prefix` / `datasource_suffix` of this integration's entities. */
    ownership: (feature?: OwnershipFeature): { prefix: string; suffix: string } => transport.ownership(feature),
    /** Port's clock minus ours (ms bounds), learned from the `Date` of its answers; undefined before the first. */
    clockOffset: () => transport.clockOffset(),
    /** The low-level transport, for routes this client does not wrap. */
    transport,
  };
}

function clamp(value: number | undefined, max: number, name: string): number {
  if (value === undefined) return max;
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`[tide] Port client: ${name} must be a positive number, got ${value}`);
  return Math.min(Math.floor(value), max);
}
