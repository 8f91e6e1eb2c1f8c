import type { ResourceConfig } from './app-config.ts';
import type { MapBatchResult, RequiredFieldsLookup } from './assemble.ts';
import { assemble } from './assemble.ts';
import type { ResourcePlan } from './compile.ts';
import { ProgramCache, planResource } from './compile.ts';
import type { EvalContext } from './evaluate.ts';
import { evaluateRowsFast } from './fast-path.ts';
import type { ItemsToParseSkip } from './items-to-parse.ts';
import { EXPANDED_BATCH_SIZE, chunk, expandItems } from './items-to-parse.ts';
import type { JqEngine } from './jq-engine.ts';
import { createCompilingJqEngine, createJqWasmEngine } from './jq-engine.ts';

export * from './app-config.ts';
export type { Entity, FieldError, MapBatchResult, MappedEntity, Misconfiguration, RequiredFields, RequiredFieldsLookup, SelectorError } from './assemble.ts';
export { isFalsy } from './assemble.ts';
export type { ProgramEngine } from './engines.ts';
export { programEngine, programEngines } from './engines.ts';
export { canonicalJson, entityKey, normaliseIdentifier } from './entity-key.ts';
export type { ItemsToParseSkip, JsonPath } from './items-to-parse.ts';
export { EXPANDED_BATCH_SIZE, deriveTopLevelPath } from './items-to-parse.ts';
export type { JqCompilation } from './jq-compile/index.ts';
export { compileJq } from './jq-compile/index.ts';
export type { JqEngine } from './jq-engine.ts';
export { JqRunError, createCompilingJqEngine, createJqWasmEngine } from './jq-engine.ts';
export { normaliseQuotes } from './normalise.ts';
export { formatBatchReport } from './report.ts';

/** Options of {@link createMapper}. */
export interface MapperOptions {
  /**
   * The jq implementation; defaults to compiled JavaScript for the programs Tide compiles and jq-wasm (loaded on
   * first use) for the rest. An engine without `compile` runs every program on itself.
   */
  engine?: JqEngine | Promise<JqEngine>;
  /** `allowEnvironmentVariablesJqAccess` (default true). When false, `env` and `$ENV` are `{}` in every program. */
  allowEnvironmentVariablesJqAccess?: boolean;
  /** What `env`/`$ENV` show when env access is allowed; the core has no process environment of its own. */
  env?: Record<string, string>;
  /** Required properties/relations of a literal blueprint, for misconfiguration severity (§3.6). */
  requiredFields?: RequiredFieldsLookup;
}

/** Where a resource sits in the mapping; used in messages (`resources[2].selector.query`). */
export interface ResourceRef {
  resourceIndex?: number;
}

/** Options of {@link Mapper.mapBatch}. */
export interface MapBatchOptions extends ResourceRef {
  /** Live-event mode: entities are computed even for items whose selector is `false` (§3.4, §6.5). */
  parseAll?: boolean;
}

/** The result of {@link Mapper.mapItems}: `itemsToParse` skips plus one result per evaluated batch. */
export interface MapItemsResult {
  skipped: ItemsToParseSkip[];
  batches: MapBatchResult[];
}

/** Maps raw items to entities for one port app config resource at a time. */
export interface Mapper {
  /** Expand raw items through `itemsToParse` (no-op without it). One engine call for all items. */
  expand(resource: ResourceConfig, rawItems: readonly unknown[]): Promise<{ items: unknown[]; skipped: ItemsToParseSkip[] }>;
  /** Evaluate one batch of already expanded items: selector and every field in one engine call. */
  mapBatch(resource: ResourceConfig, items: readonly unknown[], opts?: MapBatchOptions): Promise<MapBatchResult>;
  /**
   * Raw items in, entities out: expansion, then batches of at most 200 expanded items (§3.5), or the raw items
   * as one batch when the resource has no `itemsToParse`.
   */
  mapItems(resource: ResourceConfig, rawItems: readonly unknown[], opts?: MapBatchOptions): Promise<MapItemsResult>;
  /** The engine in use (loads it if needed). */
  engine(): Promise<JqEngine>;
}

/**
 * Create a mapper. Compile checks are cached per distinct normalised program and plans per resource object,
 * so mapping a stream of pages costs one engine call per batch.
 *
 * @example
 * const mapper = createMapper({ env: { REGION: 'eu' } });
 * const result = await mapper.mapBatch(config.resources[0], rawItems, { resourceIndex: 0 });
 * for (const { entity } of result.entities) upsert(entity);
 */
export function createMapper(opts: MapperOptions = {}): Mapper {
  let enginePromise: Promise<JqEngine> | undefined;
  const engine = (): Promise<JqEngine> =>
    (enginePromise ??= Promise.resolve(opts.engine ?? createJqWasmEngine().then(createCompilingJqEngine)));
  const cache = new ProgramCache(engine);
  const plans = new WeakMap<ResourceConfig, Map<string, Promise<ResourcePlan>>>();
  const env = opts.allowEnvironmentVariablesJqAccess === false ? {} : (opts.env ?? {});
  const envJson = JSON.stringify(env);

  const context = async (): Promise<EvalContext> => ({ engine: await engine(), envJson });

  const plan = (resource: ResourceConfig, resourceIndex: number | undefined): Promise<ResourcePlan> => {
    let byIndex = plans.get(resource);
    if (!byIndex) plans.set(resource, (byIndex = new Map()));
    const key = String(resourceIndex);
    let entry = byIndex.get(key);
    if (!entry) {
      entry = planResource(cache, resource, resourceIndex);
      byIndex.set(key, entry);
      entry.catch(() => byIndex.delete(key));
    }
    return entry;
  };

  const mapBatch: Mapper['mapBatch'] = async (resource, items, o = {}) => {
    const [ctx, p] = await Promise.all([context(), plan(resource, o.resourceIndex)]);
    const parseAll = o.parseAll === true;
    const rows = await evaluateRowsFast(ctx, p, items, parseAll);
    const location = o.resourceIndex === undefined ? `resources[kind=${resource.kind}].selector.query` : `resources[${o.resourceIndex}].selector.query`;
    return assemble(p, rows, { parseAll, selectorLocation: location, requiredFields: opts.requiredFields });
  };

  const expand: Mapper['expand'] = async (resource, rawItems) => expandItems(await context(), cache, resource, rawItems);

  return {
    engine,
    expand,
    mapBatch,
    async mapItems(resource, rawItems, o = {}) {
      if (resource.port.itemsToParse === undefined) {
        return { skipped: [], batches: rawItems.length > 0 ? [await mapBatch(resource, rawItems, o)] : [] };
      }
      const { items, skipped } = await expand(resource, rawItems);
      const batches: MapBatchResult[] = [];
      for (const batch of chunk(items, EXPANDED_BATCH_SIZE)) batches.push(await mapBatch(resource, batch, o));
      return { skipped, batches };
    },
  };
}
