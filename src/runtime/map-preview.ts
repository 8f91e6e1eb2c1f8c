/**
 * The evaluation behind `tide map` (docs/behaviour.md §8.2) and the playground. Entities and selector errors come
 * from the mapper's batches, the exact evaluation a resync makes, so `--json` equals what a resync would send. The
 * per-item detail comes from the same batches (`Mapper.inspectItems`): the selector's outcome, every leaf's value or
 * error (also for items whose selector said `false`), and the entities, at the cost of mapping, never per item.
 */
import type { Entity, ItemInspection, ItemsToParseSkip, Mapper, MappingLeaf, Misconfiguration, ResourceConfig } from '../mapping/index.ts';
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
  /** Per item; empty when only the entities were asked for. */
  items: ItemPreview[];
  /** What a resync sends for these raw items. */
  entities: Entity[];
  selectorErrors: string[];
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** One item's rows: its fields, its entities, and why a mapping gave none. */
function itemPreview(resource: ResourceConfig, leaves: MappingLeaf[], severity: Map<string, Misconfiguration['severity']>, item: ItemInspection): ItemPreview {
  const { itemsToParseName } = resource.port;
  const passed = item.selector.kind === 'value' && item.selector.value === true;
  const fields = leaves.map((leaf, i): FieldPreview => {
    const outcome = item.leaves[i]!;
    const field: FieldPreview = { path: leaf.path, program: normaliseQuotes(leaf.program), value: outcome.kind === 'value' ? outcome.value : null };
    if (outcome.kind === 'error') field.error = outcome.message;
    else if (outcome.kind === 'none') field.error = 'the program produced no output';
    const sev = passed && field.value === null ? severity.get(leaf.path) : undefined;
    if (sev) field.severity = sev;
    return field;
  });
  const dropped: string[] = [];
  if (passed) {
    const list = Array.isArray(resource.port.entity.mappings);
    const count = list ? (resource.port.entity.mappings as unknown[]).length : 1;
    for (let m = 0; m < count; m++) {
      if (item.entities.some((x) => x.mappingIndex === m)) continue;
      const prefix = list ? `mappings[${m}].` : '';
      const at = (key: string) => fields.find((f) => f.path === `${prefix}${key}`)?.value ?? null;
      dropped.push(`${prefix || 'entity '}dropped: identifier ${show(at('identifier'))}, blueprint ${show(at('blueprint'))} (an empty, null or missing identifier or blueprint yields no entity)`);
    }
  } else if (!item.selectorError) {
    dropped.push('selector returned false: the item is filtered out');
  }
  return {
    rawIndex: item.rawIndex,
    element: item.element && { index: item.element.index, value: (item.element.item as Record<string, unknown>)[itemsToParseName] },
    selector: item.selectorError ? { passed: false, error: item.selectorError.message } : { passed, value: passed },
    fields,
    entities: item.entities.filter((x) => x.selectorPassed).map((x) => x.entity),
    dropped,
  };
}

/**
 * Preview `resource` (at `index` in the mapping) over `rawItems`; with `detail` false only the entities and
 * selector errors (what `--json` prints), which costs exactly what a resync's mapping costs.
 */
export async function previewResource(mapper: Mapper, resource: ResourceConfig, index: number, rawItems: readonly unknown[], detail = true): Promise<ResourcePreview> {
  const { itemsToParse, itemsToParseName } = resource.port;
  const inspected = detail ? await mapper.inspectItems(resource, rawItems, { resourceIndex: index }) : undefined;
  const whole = inspected ?? (await mapper.mapItems(resource, rawItems, { resourceIndex: index }));
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
  if (inspected) {
    // A path's severity depends only on its blueprint, so the batches' reports hold it for every item.
    const severity = new Map(inspected.batches.flatMap((b) => b.misconfigurations).map((m) => [m.path, m.severity]));
    preview.items = inspected.items.map((item) => itemPreview(resource, inspected.leaves, severity, item));
  }
  return preview;
}
