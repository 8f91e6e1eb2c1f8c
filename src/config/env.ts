import {
  OPTIONS,
  applicationHint,
  configKey,
  envVarFor,
  findOption,
  isPlainObject,
  normalizeTree,
  pathKey,
  toCamel,
  warnUndeclaredConfig,
} from './catalogue.ts';
import type { CatalogueNode, OptionsLayer, Origin } from './catalogue.ts';
import type { IntegrationSpec } from './spec.ts';

/** A flat environment record, as every runtime can provide (process env merged over `.env`, Worker bindings, …). */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

interface EnvEntry {
  name: string;
  path: string[];
  /** Catalogue node at `path`; `undefined` below an integration setting (free-form). */
  node: CatalogueNode | undefined;
  value: string;
}

/**
 * Turns env vars into the canonical options tree (docs/behaviour.md §2.2): `OCEAN__PORT__CLIENT_ID` →
 * `port.clientId`, matched case-insensitively; `APPLICATION__LOG_LEVEL` / `APPLICATION__PORT` → `application.*`.
 * An object option may be one JSON string; nested vars merge over it and win. Empty strings are unset.
 * `OCEAN__INTEGRATION__CONFIG__JIRA_HOST` is stored under the spec name it matches (`jiraHost`).
 * Unknown `OCEAN__` names become warnings; every value remembers the var that set it.
 *
 * @example envToOptions({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE' }).values // { eventListener: { type: 'ONCE' } }
 */
export function envToOptions(env: EnvRecord, opts: { spec?: IntegrationSpec } = {}): OptionsLayer {
  const layer: OptionsLayer = { values: {}, origins: new Map(), warnings: [], issues: [] };
  const specNames = opts.spec?.configurations.map((c) => c.name);
  const byPath = new Map<string, EnvEntry>();
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const entry = resolveName(name, value, specNames, layer.warnings);
    if (entry === undefined) continue;
    const key = pathKey(entry.path);
    const other = byPath.get(key);
    if (other !== undefined) {
      // Two spellings of one option: the canonical upper-case one wins, so the outcome does not depend on key order.
      const keep = other.name === other.name.toUpperCase() ? other : entry;
      layer.warnings.push(`${other.name} and ${name} set the same option ${entry.path.join('.')}; using ${keep.name}`);
      byPath.set(key, keep);
    } else {
      byPath.set(key, entry);
    }
  }
  // Shallow first, so that nested vars are merged over an object given as JSON.
  const entries = [...byPath.values()].sort((a, b) => a.path.length - b.path.length);
  for (const entry of entries) apply(layer, entry, specNames);
  return layer;
}

function resolveName(name: string, value: string, specNames: string[] | undefined, warnings: string[]): EnvEntry | undefined {
  const upper = name.toUpperCase();
  let segments: string[];
  if (upper.startsWith('OCEAN__')) segments = name.slice('OCEAN__'.length).split('__');
  else if (upper.startsWith('APPLICATION__')) segments = ['application', ...name.slice('APPLICATION__'.length).split('__')];
  else return undefined;
  const unknown = (): undefined => {
    const hint = upper.startsWith('OCEAN__') && segments.length === 1 ? applicationHint(segments[0]) : '';
    warnings.push(`${name} is not a Tide option; it is ignored${hint}`);
    return undefined;
  };
  if (segments.some((s) => s === '')) return unknown();
  // `application` is the server's group and only answers to APPLICATION__*.
  if (upper.startsWith('OCEAN__') && findOption(OPTIONS, segments[0]) === 'application') return unknown();

  const path: string[] = [];
  let node: CatalogueNode | undefined = OPTIONS;
  for (const segment of segments) {
    if (node === undefined) {
      path.push(toCamel(segment.toLowerCase()));
    } else if (node === 'config') {
      const key = configKey(segment, specNames);
      warnUndeclaredConfig(key, `env ${name}`, { warnings, specNames });
      path.push(key);
      node = undefined;
    } else if (node === 'leaf') {
      return unknown();
    } else {
      const key = findOption(node, segment);
      if (key === undefined) return unknown();
      path.push(key);
      node = node[key];
    }
  }
  return { name, path, node, value };
}

function apply(layer: OptionsLayer, entry: EnvEntry, specNames: string[] | undefined): void {
  const origin: Origin = { source: 'env', label: `env ${entry.name}` };
  let value: unknown = entry.value;
  if (entry.node !== undefined && entry.node !== 'leaf') {
    const parsed = parseJsonObject(entry.value);
    if (parsed === undefined) {
      layer.issues.push({
        path: entry.path.join('.'),
        envVar: envVarFor(entry.path),
        source: 'env',
        origin: origin.label,
        message: 'expected a JSON object of options; the value is not valid JSON or not an object',
      });
      return;
    }
    value = normalizeTree(parsed, entry.node, entry.path, [], {
      origins: layer.origins,
      warnings: layer.warnings,
      specNames,
      origin: (written) => ({ source: 'env', label: written.length ? `env ${entry.name} (key ${written.join('.')})` : origin.label }),
    });
  }
  if (!setAt(layer, entry, value)) return;
  layer.origins.set(pathKey(entry.path), origin);
}

/** Deep-sets `value` at the entry's path, merging objects; a JSON string met on the way is opened as an object. */
function setAt(layer: OptionsLayer, entry: EnvEntry, value: unknown): boolean {
  let cursor = layer.values;
  for (let i = 0; i < entry.path.length - 1; i++) {
    const seg = entry.path[i];
    let next = cursor[seg];
    if (typeof next === 'string') {
      const opened = parseJsonObject(next);
      if (opened === undefined) {
        const at = entry.path.slice(0, i + 1);
        layer.issues.push({
          path: at.join('.'),
          envVar: envVarFor(at),
          source: 'env',
          origin: `env ${entry.name}`,
          message: `${entry.name} sets a key inside ${at.join('.')}, whose value is not a JSON object; expected a JSON object`,
        });
        return false;
      }
      next = opened;
    }
    if (!isPlainObject(next)) next = {};
    cursor[seg] = next;
    cursor = next as Record<string, unknown>;
  }
  const last = entry.path[entry.path.length - 1];
  const existing = cursor[last];
  cursor[last] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  return true;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(out[k]) && isPlainObject(v) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isPlainObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
