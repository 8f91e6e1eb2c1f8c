/**
 * Entity writes and deletes (docs/port-api.md §9.5–§9.10, docs/behaviour.md §4.6, §4.9 step 9). Upserts never
 * throw for a Port refusal: every input entity gets a result at its input index, so callers can keep
 * failed entities for the dependency-ordered retry and never mistake a failure for a deletion.
 */
import { NetworkError } from '../http/index.ts';
import { PortApiError } from './errors.ts';
import type { PortRequest, PortTransport } from './client.ts';
import type { CallContext, PortEntity, PortEntityInput } from './types.ts';

/** Why one entity was not written. `statusCode` 0 means no response came (network failure). */
export interface EntityError {
  statusCode: number;
  error: string;
  message: string;
}

/** The outcome for one input entity, at its input index. */
export type UpsertResult =
  | { status: 'upserted'; identifier: string; created?: boolean }
  /** A search identifier that matched no entity (docs/port-api.md §9.4): neither failed nor seen. */
  | { status: 'dropped'; error?: EntityError }
  /**
   * `transient`: the request failed as a whole, its retries spent, for want of an answer (a network error, a
   * timeout, a 408, 429 or 5xx) rather than because Port refused this entity; sending it again later may
   * succeed (docs/behaviour.md §4.6).
   */
  | { status: 'failed'; error: EntityError; transient?: boolean };

/** The upsert query flags (docs/behaviour.md §4.2). */
export interface UpsertOptions extends CallContext {
  /** `merge` (the mapping's `enableMergeEntity`). Default true. */
  merge?: boolean;
  /** `create_missing_related_entities`. Default true. */
  createMissingRelatedEntities?: boolean;
  /** `validation_only`. Default false. */
  validationOnly?: boolean;
}

export interface DeleteOptions extends CallContext {
  /** `delete_dependents` (required by Port, so always sent). Default false. */
  deleteDependents?: boolean;
}

/** What a bulk delete achieved: deleted ids as Port listed them, and the chunks that failed. */
export interface DeleteResult {
  deleted: string[];
  failed: Array<{ identifiers: string[]; error: PortApiError | NetworkError | Error }>;
}

export interface EntityLimits {
  /** Entities per bulk upsert, ≤ 20. */
  batchMaxLength: number;
  /** Bytes per bulk upsert body, ≤ 1 MiB. */
  batchMaxBytes: number;
  /** Ids per bulk delete, ≤ 100. */
  deleteBatchSize: number;
}

interface BulkResponse {
  entities?: Array<{ identifier: string; index: number; created?: boolean }>;
  errors?: Array<{ identifier?: string; index: number; statusCode?: number; error?: string; message?: string }>;
}

const SAMPLE_ERRORS = 5;
const ESTIMATE_SAMPLE = 10;
const encoder = new TextEncoder();

/**
 * Batch size per §4.6: 1.5 × the mean JSON byte size of the first ≤ 10 entities gives the estimate;
 * `max(1, min(maxLength, floor(maxBytes / estimate)))`.
 */
export function batchSize(entities: ReadonlyArray<unknown>, maxLength: number, maxBytes: number): number {
  const sample = entities.slice(0, ESTIMATE_SAMPLE);
  if (sample.length === 0) return maxLength;
  const mean = sample.reduce<number>((sum, e) => sum + encoder.encode(JSON.stringify(e)).byteLength, 0) / sample.length;
  return Math.max(1, Math.min(maxLength, Math.floor(maxBytes / (mean * 1.5))));
}

/**
 * Index ranges for the bulk calls: `size` entities each, further split so that no body exceeds
 * `maxBytes` (the estimate can undershoot when entities vary in size; a 413 would cost one request
 * per entity).
 */
export function planBatches(entities: ReadonlyArray<unknown>, limits: Pick<EntityLimits, 'batchMaxLength' | 'batchMaxBytes'>): number[][] {
  const size = batchSize(entities, limits.batchMaxLength, limits.batchMaxBytes);
  const envelope = encoder.encode('{"entities":[]}').byteLength;
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = envelope;
  entities.forEach((entity, index) => {
    const own = encoder.encode(JSON.stringify(entity)).byteLength + 1;
    if (current.length > 0 && (current.length >= size || bytes + own > limits.batchMaxBytes)) {
      batches.push(current);
      current = [];
      bytes = envelope;
    }
    current.push(index);
    bytes += own;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The entity functions of the client. */
export function entityApi(transport: PortTransport, limits: EntityLimits) {
  const { logger } = transport;

  function upsertQuery(options: UpsertOptions) {
    return {
      upsert: true,
      merge: options.merge ?? true,
      create_missing_related_entities: options.createMissingRelatedEntities ?? true,
      validation_only: options.validationOnly ?? false,
    };
  }

  function failure(error: unknown): EntityError {
    if (error instanceof NetworkError) return { statusCode: 0, error: 'network_error', message: error.message };
    const e = error as Partial<PortApiError> & Error;
    if (typeof e.status === 'number') return { statusCode: e.status, error: e.code ?? 'unknown', message: e.portMessage || e.message };
    throw error;
  }

  /** One entity through `POST /blueprints/{bp}/entities`; any non-2xx is a failure (§4.6, Tide). */
  async function upsertEntity(blueprint: string, entity: PortEntityInput, options: UpsertOptions = {}): Promise<UpsertResult> {
    const request: PortRequest = {
      method: 'POST',
      route: '/blueprints/{blueprint}/entities',
      params: { blueprint },
      query: upsertQuery(options),
      body: entity,
      retryable: true,
      upsert: true,
      context: options,
    };
    let body: { entity?: { identifier?: unknown } } | undefined;
    let status: number;
    try {
      // Not `transport.json`: the status tells a create (201) from an update (200).
      const response = await transport.send(request);
      const text = await response.text();
      if (!response.ok) throw transport.errorFor(request, response, text);
      status = response.status;
      body = parseJson(text);
      if (body === undefined) {
        const traceId = response.headers.get('x-trace-id') ?? undefined;
        throw new PortApiError({ status, code: 'invalid_response', portMessage: 'the upsert response is not JSON', method: 'POST', route: `/v1${request.route}`, traceId });
      }
    } catch (error) {
      const entityError = failure(error);
      logger.warn('[tide] entity upsert failed', { blueprint, identifier: describeId(entity.identifier), ...entityError });
      return { status: 'failed', error: entityError, ...transient(entityError) };
    }
    const identifier = body?.entity?.identifier;
    // An unmatched search identifier comes back as the search object itself (docs/port-api.md §9.4, docs/port-api.md §15.14).
    if (typeof identifier !== 'string') return { status: 'dropped' };
    // 201 when the upsert created the entity, 200 when it updated one (docs/port-api.md §9.5).
    return { status: 'upserted', identifier, created: status === 201 };
  }

  async function bulk(blueprint: string, entities: PortEntityInput[], options: UpsertOptions): Promise<UpsertResult[]> {
    const request: PortRequest = {
      method: 'POST',
      route: '/blueprints/{blueprint}/entities/bulk',
      params: { blueprint },
      query: upsertQuery(options),
      body: { entities },
      retryable: true,
      upsert: true,
      context: options,
    };
    let response: Response;
    let text: string;
    try {
      response = await transport.send(request);
      text = await response.text();
    } catch (error) {
      const entityError = failure(error);
      logger.warn('[tide] bulk upsert failed', { blueprint, entities: entities.length, ...entityError });
      return entities.map(() => ({ status: 'failed', error: entityError, ...transient(entityError) }));
    }
    if (response.status === 413) {
      logger.info('[tide] bulk upsert too large (413); sending its entities one at a time', { blueprint, entities: entities.length });
      const results: UpsertResult[] = [];
      for (const entity of entities) results.push(await upsertEntity(blueprint, entity, options));
      return results;
    }
    if (!response.ok) {
      const error = transport.errorFor(request, response, text);
      const entityError: EntityError = { statusCode: error.status, error: error.code, message: error.portMessage || error.message };
      logger.warn('[tide] bulk upsert failed', { blueprint, entities: entities.length, traceId: error.traceId, ...entityError });
      return entities.map(() => ({ status: 'failed', error: entityError, ...transient(entityError) }));
    }
    let parsed: BulkResponse;
    try {
      parsed = JSON.parse(text) as BulkResponse;
    } catch {
      const entityError: EntityError = { statusCode: response.status, error: 'invalid_response', message: 'the bulk upsert response is not JSON' };
      logger.warn('[tide] bulk upsert failed', { blueprint, entities: entities.length, ...entityError });
      return entities.map(() => ({ status: 'failed', error: entityError }));
    }
    return mapBulk(blueprint, entities, parsed, response.headers.get('x-trace-id'));
  }

  function mapBulk(blueprint: string, entities: PortEntityInput[], body: BulkResponse, traceId: string | null): UpsertResult[] {
    const results: Array<UpsertResult | undefined> = entities.map(() => undefined);
    for (const item of body.entities ?? []) {
      if (Number.isInteger(item.index) && item.index >= 0 && item.index < entities.length) {
        results[item.index] = { status: 'upserted', identifier: item.identifier, created: item.created };
      }
    }
    const samples: Array<EntityError & { index: number }> = [];
    for (const item of body.errors ?? []) {
      if (!(Number.isInteger(item.index) && item.index >= 0 && item.index < entities.length)) continue;
      const error: EntityError = { statusCode: item.statusCode ?? 0, error: item.error ?? 'unknown', message: item.message ?? '' };
      const unresolvedSearch = item.identifier === 'unknown' && entities[item.index].identifier !== 'unknown';
      results[item.index] = unresolvedSearch ? { status: 'dropped', error } : { status: 'failed', error };
      if (!unresolvedSearch && samples.length < SAMPLE_ERRORS) samples.push({ index: item.index, ...error });
    }
    const out = results.map((r): UpsertResult =>
      r ?? { status: 'failed', error: { statusCode: 0, error: 'missing_result', message: 'Port returned no result for this entity' } },
    );
    const failed = out.filter((r) => r.status === 'failed').length;
    if (failed > 0) logger.warn('[tide] bulk upsert: some entities failed', { blueprint, failed, of: entities.length, traceId, samples });
    return out;
  }

  /**
   * Upsert entities of one blueprint through the bulk route; results are by input index. Batches run
   * concurrently, bounded by the client's shared upsert permit pool; a 413 re-sends that batch one
   * entity at a time; any other whole-request failure (after retries) fails every entity of the batch.
   */
  async function upsertEntities(blueprint: string, entities: PortEntityInput[], options: UpsertOptions = {}): Promise<UpsertResult[]> {
    const results: UpsertResult[] = new Array(entities.length);
    const batches = planBatches(entities, limits);
    await Promise.all(
      batches.map(async (indexes) => {
        const batchResults = await bulk(blueprint, indexes.map((i) => entities[i]), options);
        indexes.forEach((entityIndex, k) => {
          results[entityIndex] = batchResults[k];
        });
      }),
    );
    return results;
  }

  /**
   * Delete ids of one blueprint with `POST /blueprints/{bp}/bulk/entities/delete`, at most
   * `deleteBatchSize` (≤ 100) per call, one call after another. A failed chunk is reported, not thrown.
   */
  async function deleteEntities(blueprint: string, identifiers: string[], options: DeleteOptions = {}): Promise<DeleteResult> {
    const result: DeleteResult = { deleted: [], failed: [] };
    for (let i = 0; i < identifiers.length; i += limits.deleteBatchSize) {
      const chunk = identifiers.slice(i, i + limits.deleteBatchSize);
      try {
        const body = await transport.json<{ deletedEntities?: string[] }>({
          method: 'POST',
          route: '/blueprints/{blueprint}/bulk/entities/delete',
          params: { blueprint },
          query: { delete_dependents: options.deleteDependents ?? false },
          body: { entities: chunk },
          retryable: true,
          context: options,
        });
        result.deleted.push(...(body?.deletedEntities ?? []));
      } catch (error) {
        options.signal?.throwIfAborted();
        logger.warn('[tide] bulk delete failed', { blueprint, entities: chunk.length, error: (error as Error).message });
        result.failed.push({ identifiers: chunk, error: error as Error });
      }
    }
    return result;
  }

  /** Delete one entity; resolves false when Port says it does not exist (already deleted). */
  async function deleteEntity(blueprint: string, identifier: string, options: DeleteOptions = {}): Promise<boolean> {
    const body = await transport.jsonOrUndefined<unknown>({
      method: 'DELETE',
      route: '/blueprints/{blueprint}/entities/{identifier}',
      params: { blueprint, identifier },
      query: { delete_dependents: options.deleteDependents ?? false },
      context: options,
    });
    return body !== undefined;
  }

  /** Read one entity (diagnostics); undefined when it does not exist. */
  async function getEntity(blueprint: string, identifier: string, options: CallContext = {}): Promise<PortEntity | undefined> {
    const body = await transport.jsonOrUndefined<{ entity: PortEntity }>({
      method: 'GET',
      route: '/blueprints/{blueprint}/entities/{identifier}',
      params: { blueprint, identifier },
      context: options,
    });
    return body?.entity;
  }

  return { upsertEntity, upsertEntities, deleteEntities, deleteEntity, getEntity };
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** `{transient: true}` when a request failed for want of an answer rather than because Port refused what it carried. */
function transient(error: EntityError): { transient?: true } {
  const s = error.statusCode;
  return s === 0 || s === 408 || s === 429 || s >= 500 ? { transient: true } : {};
}

function describeId(identifier: unknown): string {
  return typeof identifier === 'string' ? identifier : JSON.stringify(identifier);
}
