import { OPTIONS, emptyLayer, isPlainObject, normalizeTree, pathKey } from './catalogue.ts';
import type { OptionsLayer, Origin } from './catalogue.ts';
import type { IntegrationSpec } from './spec.ts';

/** The merged options tree and, for every leaf, the source that won it. */
export interface MergedOptions {
  values: Record<string, unknown>;
  origins: Map<string, Origin>;
}

/** The nearest recorded origin at `path` or above it in one layer. */
export function originIn(origins: Map<string, Origin>, path: readonly string[]): Origin | undefined {
  for (let n = path.length; n >= 0; n--) {
    const hit = origins.get(pathKey(path.slice(0, n)));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** The value at `path`, or undefined. */
export function valueAt(tree: unknown, path: readonly (string | number)[]): unknown {
  let cursor = tree;
  for (const seg of path) {
    if (typeof cursor !== 'object' || cursor === null) return undefined;
    cursor = (cursor as Record<string | number, unknown>)[seg];
  }
  return cursor;
}

/**
 * Deep-merges layers key by key, highest precedence first: for each key the highest layer that sets it wins,
 * and objects are merged with the objects below them (docs/behaviour.md §2.1).
 */
export function mergeLayers(layers: readonly OptionsLayer[]): MergedOptions {
  const origins = new Map<string, Origin>();
  const values = mergeAt(layers, [], origins);
  return { values: isPlainObject(values) ? values : {}, origins };
}

function mergeAt(layers: readonly OptionsLayer[], path: string[], origins: Map<string, Origin>): unknown {
  const present = layers.map((layer) => ({ layer, value: valueAt(layer.values, path) })).filter((p) => p.value !== undefined);
  if (present.length === 0) return undefined;
  const top = present[0];
  if (!isPlainObject(top.value)) {
    const origin = originIn(top.layer.origins, path);
    if (origin !== undefined) origins.set(pathKey(path), origin);
    return top.value;
  }
  // A plain value in a lower layer is shadowed by the object above it; only objects contribute keys.
  const objects: OptionsLayer[] = [];
  for (const p of present) {
    if (!isPlainObject(p.value)) break;
    objects.push(p.layer);
  }
  const keys = new Set<string>();
  for (const layer of objects) for (const k of Object.keys(valueAt(layer.values, path) as object)) keys.add(k);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = mergeAt(objects, [...path, k], origins);
    if (v !== undefined) out[k] = v;
  }
  const origin = originIn(top.layer.origins, path);
  if (origin !== undefined && path.length > 0) origins.set(pathKey(path), origin);
  return out;
}

/** Programmatic overrides (CLI flags, tests) as a layer; keys may use any spelling config.yaml accepts. */
export function overridesToOptions(overrides: Record<string, unknown>, opts: { spec?: IntegrationSpec } = {}): OptionsLayer {
  const layer = emptyLayer();
  const values = normalizeTree(overrides, OPTIONS, [], [], {
    origins: layer.origins,
    warnings: layer.warnings,
    specNames: opts.spec?.configurations.map((c) => c.name),
    origin: (written) => ({ source: 'override', label: `override: ${written.join('.')}` }),
  });
  layer.values = isPlainObject(values) ? values : {};
  return layer;
}
