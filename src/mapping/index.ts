import type { ResourceConfig } from './app-config.ts';
import type { MapBatchResult, RequiredFieldsLookup } from './assemble.ts';
import { assemble } from './assemble.ts';
import type { LeafRef as MappingLeaf, ResourcePlan } from './compile.ts';
import { ProgramCache, planResource } from './compile.ts';
import type { EvalContext } from './evaluate.ts';
import { evaluateRowsFast } from './fast-path.ts';
import type { ItemOutcome } from './inspect.ts';
import { itemOutcomes } from './inspect.ts';
import type { ItemsToParseSkip } from './items-to-parse.ts';
import { EXPANDED_BATCH_SIZE, chunk, expandItems } from './items-to-parse.ts';
import type { JqEngine } from './jq-engine.ts';
import { createCompilingJqEngine, createJqWasmEngine } from './jq-engine.ts';

export * from './app-config.ts';
export type { Entity, FieldError, MapBatchResult, MappedEntity, Misconfiguration, RequiredFields, RequiredFieldsLookup, SelectorError } from './assemble.ts';
export { isFalsy } from './assemble.ts';
export type { ProgramEngine } from './engines.ts';
export type { LeafRef as MappingLeaf } from './compile.ts';
export type { FieldOutcome } from './evaluate.ts';
export type { ItemOutcome } from './inspect.ts';
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

/** One item of {@link Mapper.inspectItems}: where it came from and its outcomes. */
export interface ItemInspection extends ItemOutcome {
  /** Index of the raw item in the input. */
  rawIndex: number;
  /** With `itemsToParse`: the element's index in the raw item's array, and the expanded item that was mapped. */
  element?: { index: number; item: unknown };
}

/** The result of {@link Mapper.inspectItems}: what `mapItems` returns, plus every item's outcomes. */
export interface InspectItemsResult extends MapItemsResult {
  /** Every leaf of the mapping, in mapping order; `items[n].leaves[i]` is the outcome of `leaves[i]`. */
  leaves: MappingLeaf[];
  items: ItemInspection[];
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
  /**
   * `mapItems` in resync mode for a debugger: the same batches and results, plus each item's selector outcome, every
   * leaf's outcome (also for items the selector filtered out) and its entities. Evaluation stays batched: at most
   * one more batch for the items whose selector did not pass.
   */
  inspectItems(resource: ResourceConfig, rawItems: readonly unknown[], opts?: ResourceRef): Promise<InspectItemsResult>;
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

  const location = (resource: ResourceConfig, o: ResourceRef): string =>
    o.resourceIndex === undefined ? `resources[kind=${resource.kind}].selector.query` : `resources[${o.resourceIndex}].selector.query`;

  const mapBatch: Mapper['mapBatch'] = async (resource, items, o = {}) => {
    const [ctx, p] = await Promise.all([context(), plan(resource, o.resourceIndex)]);
    const parseAll = o.parseAll === true;
    const rows = await evaluateRowsFast(ctx, p, items, parseAll);
    return assemble(p, rows, { parseAll, selectorLocation: location(resource, o), requiredFields: opts.requiredFields });
  };

  const expand: Mapper['expand'] = async (resource, rawItems) => expandItems(await context(), cache, resource, rawItems);

  const inspectItems: Mapper['inspectItems'] = async (resource, rawItems, o = {}) => {
    const [ctx, p, truth] = await Promise.all([context(), plan(resource, o.resourceIndex), cache.get('true')]);
    // Without itemsToParse the raw items are one batch, as in mapItems; with it, batches of expanded items.
    const plain = resource.port.itemsToParse === undefined;
    const { items, skipped, origins } = plain
      ? { items: rawItems, skipped: [], origins: rawItems.map((_, i) => i) }
      : await expandItems(ctx, cache, resource, rawItems);
    const out: InspectItemsResult = { skipped, batches: [], leaves: p.leaves, items: [] };
    const size = plain ? Math.max(1, items.length) : EXPANDED_BATCH_SIZE;
    for (let start = 0; start < items.length; start += size) {
      const batch = items.slice(start, start + size);
      const rows = await evaluateRowsFast(ctx, p, batch, false);
      const result = await assemble(p, rows, { parseAll: false, selectorLocation: location(resource, o), requiredFields: opts.requiredFields });
      out.batches.push(result);
      const outcomes = await itemOutcomes(ctx, p, truth, batch, rows, result);
      outcomes.forEach((outcome, i) => {
        const n = start + i;
        const inspection: ItemInspection = { rawIndex: origins[n]!, ...outcome };
        if (!plain) inspection.element = { index: n > 0 && origins[n - 1] === origins[n] ? out.items[n - 1]!.element!.index + 1 : 0, item: items[n] };
        out.items.push(inspection);
      });
    }
    return out;
  };

  return {
    engine,
    expand,
    mapBatch,
    inspectItems,
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
