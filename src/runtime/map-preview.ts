/**
 * The evaluation behind `tide map` (docs/behaviour.md §8.2). Entities and selector errors come from
 * `mapper.mapItems`, the exact call a resync makes, so `--json` equals what a resync would send. The
 * per-item detail re-evaluates each expanded item through the same mapper: once as the resync would
 * (selector verdict, entities, jq errors, misconfiguration severity) and once through a "probe" resource
 * that holds every leaf program as a property with a constant identifier and blueprint, so that field
 * values are visible even for items whose entity was dropped or whose selector said `false`.
 */
import type { Entity, EntityMapping, ItemsToParseSkip, Mapper, ResourceConfig } from '../mapping/index.ts';
import { normaliseQuotes } from '../mapping/index.ts';

/** One mapping leaf for one item. */
export interface FieldPreview {
  /** Ocean's dotted path (`properties.url`, `mappings[1].identifier`). */
  path: string;
  /** The program as jq runs it (quotes normalised, §3.3). */
  program: string;
  value: unknown;
  /** jq's error, or "no output"; the value is then `null`. */
  error?: string;
  /** For a `null` leaf of an item that passed the selector: ERROR when the blueprint requires it (§3.6). */
  severity?: 'ERROR' | 'WARNING';
}

export interface ItemPreview {
  /** Index of the raw item in the input. */
  rawIndex: number;
  /** The `itemsToParse` element this row maps, when the resource has `itemsToParse`. */
  element?: { index: number; value: unknown };
  selector: { passed: boolean; value?: unknown; error?: string };
  fields: FieldPreview[];
  /** Entity bodies exactly as they would be sent. */
  entities: Entity[];
  /** Why a mapping produced no entity for this item. */
  dropped: string[];
}

export interface ResourcePreview {
  index: number;
  kind: string;
  label: string;
  itemsToParse?: string;
  itemsToParseName: string;
  skipped: ItemsToParseSkip[];
  items: ItemPreview[];
  /** From `mapItems`: what a resync sends for these raw items. */
  entities: Entity[];
  selectorErrors: string[];
}

interface Leaf {
  path: string;
  program: string;
}

/** Every string at any depth is a program (§3.2); paths as the mapper names them. */
function leavesOf(resource: ResourceConfig): Leaf[] {
  const raw = resource.port.entity.mappings;
  const list = Array.isArray(raw);
  const out: Leaf[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') out.push({ path, program: value });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}.${i}`));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  (list ? raw : [raw]).forEach((m: EntityMapping, i) => {
    const prefix = list ? `mappings[${i}].` : '';
    for (const key of ['identifier', 'title', 'icon', 'blueprint', 'team'] as const) if (m[key] !== undefined) walk(m[key], `${prefix}${key}`);
    for (const group of ['properties', 'relations'] as const) {
      for (const [name, value] of Object.entries(m[group] ?? {})) walk(value, `${prefix}${group}.${name}`);
    }
  });
  return out;
}

/** One mapping whose properties are the leaves (`f0`, `f1`, …), selector `true`: values for every item. */
function probeOf(resource: ResourceConfig, leaves: Leaf[]): ResourceConfig {
  const properties = Object.fromEntries(leaves.map((l, i) => [`f${i}`, l.program]));
  return {
    kind: resource.kind,
    selector: { query: 'true' },
    port: { ...resource.port, itemsToParse: undefined, entity: { mappings: { identifier: '"probe"', blueprint: '"probe"', properties, relations: {} } } },
  };
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Preview `resource` (at `index` in the mapping) over `rawItems`. */
export async function previewResource(mapper: Mapper, resource: ResourceConfig, index: number, rawItems: readonly unknown[]): Promise<ResourcePreview> {
  const leaves = leavesOf(resource);
  const probe = probeOf(resource, leaves);
  const mappingCount = Array.isArray(resource.port.entity.mappings) ? resource.port.entity.mappings.length : 1;
  const { itemsToParse, itemsToParseName } = resource.port;

  const whole = await mapper.mapItems(resource, rawItems, { resourceIndex: index });
  const preview: ResourcePreview = {
    index,
    kind: resource.kind,
    label: `${resource.kind}-${index}`,
    itemsToParse,
    itemsToParseName,
    skipped: whole.skipped,
    items: [],
    entities: whole.batches.flatMap((b) => b.entities.filter((e) => e.selectorPassed).map((e) => e.entity)),
    selectorErrors: whole.batches.flatMap((b) => b.selectorErrors.map((s) => s.message)),
  };

  for (const [rawIndex, raw] of rawItems.entries()) {
    const expanded = itemsToParse === undefined ? [raw] : (await mapper.expand(resource, [raw])).items;
    for (const [e, item] of expanded.entries()) {
      const [real, values] = await Promise.all([
        mapper.mapBatch(resource, [item], { resourceIndex: index }),
        mapper.mapBatch(probe, [item], { parseAll: true }),
      ]);
      const selectorError = real.selectorErrors[0];
      const passed = !selectorError && real.dropped.of > 0;
      const probed = values.entities[0]?.entity.properties ?? {};
      const probeErrors = new Map(values.fieldErrors.map((f) => [f.path, f.error]));
      const severity = new Map(real.misconfigurations.map((m) => [m.path, m.severity]));
      const fields = leaves.map((leaf, i): FieldPreview => {
        const field: FieldPreview = { path: leaf.path, program: normaliseQuotes(leaf.program), value: probed[`f${i}`] ?? null };
        const error = probeErrors.get(`properties.f${i}`);
        if (error !== undefined) field.error = error;
        const sev = passed ? severity.get(leaf.path) : undefined;
        if (sev) field.severity = sev;
        return field;
      });
      const dropped: string[] = [];
      if (passed) {
        for (let m = 0; m < mappingCount; m++) {
          if (real.entities.some((x) => x.mappingIndex === m)) continue;
          const prefix = mappingCount > 1 || Array.isArray(resource.port.entity.mappings) ? `mappings[${m}].` : '';
          const at = (key: string) => fields.find((f) => f.path === `${prefix}${key}`)?.value ?? null;
          dropped.push(`${prefix || 'entity '}dropped: identifier ${show(at('identifier'))}, blueprint ${show(at('blueprint'))} (an empty, null or missing identifier or blueprint yields no entity)`);
        }
      } else if (!selectorError) {
        dropped.push('selector returned false: the item is filtered out');
      }
      preview.items.push({
        rawIndex,
        element: itemsToParse === undefined ? undefined : { index: e, value: (item as Record<string, unknown>)[itemsToParseName] },
        selector: selectorError ? { passed: false, error: selectorError.message } : { passed, value: passed },
        fields,
        entities: real.entities.filter((x) => x.selectorPassed).map((x) => x.entity),
        dropped,
      });
    }
  }
  return preview;
}
