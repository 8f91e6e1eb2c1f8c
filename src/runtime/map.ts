/**
 * `tide map` without the command line (docs/behaviour.md §8.2): which mapping (`--mapping`, else Port's stored one
 * when Port credentials are set, as `tide sail` would use, else the shipped file), which of its resources, the raw
 * items (given, or the first page of the kind's own resync handler), the mapper a resync would use (required
 * fields from the shipped blueprints), and the printed output. It never writes to Port and never reads a file: the
 * caller hands in texts.
 */
import type { TideSettings } from '../config/index.ts';
import { createHttpClient, VENDOR_RETRY_POLICY } from '../http/index.ts';
import { IntegrationConfigError, parseIntegrationConfig, type IntegrationDefinition, type KindContext } from '../integration/index.ts';
import { silentLogger } from '../logging/logger.ts';
import { createMapper, MappingConfigError, parsePortAppConfig, programEngines, type PortAppConfig, type ResourceConfig } from '../mapping/index.ts';
import { createPortClient } from '../port/index.ts';
import { createMemoryStateStore } from '../state/index.ts';
import { extractResource, resolveHandlers, selectorSchemas } from '../sync/index.ts';
import { requiredFieldsOf } from '../testing/index.ts';
import { previewResource, type ItemPreview, type ResourcePreview } from './map-preview.ts';

export type { FieldPreview, ItemPreview, ResourcePreview } from './map-preview.ts';

/** A preview that cannot run: bad input (exit 2) or a failing kind handler (exit 1). */
export class MapPreviewError extends Error {
  override readonly name = 'MapPreviewError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export interface MapPreviewInput {
  /** The definition with its folder's spec and resources. */
  definition: IntegrationDefinition<any>;
  /** For messages: the integration's name. */
  name: string;
  kind: string;
  /** Only the resource at this index of the mapping. */
  index?: number;
  /** `--mapping`: the text and where it came from; default the shipped `.port/resources/port-app-config`. */
  mapping?: () => { text: string; source: string };
  /** `--input`: the raw items; default the first page of the kind's handler. */
  items?: () => unknown[];
  /** The settings a resync would use (throws when they are invalid). */
  settings(): TideSettings;
  /** What JQ's `env` shows when the settings allow it. */
  env: Record<string, string>;
  /** The shipped mapping's file, for messages; default `<name>/.port/resources/port-app-config`. */
  shippedSource?: string;
  /** False: only the entities and selector errors (`--json`), which cost what a resync's mapping costs. Default true. */
  detail?: boolean;
  /** The fetch that reads Port's stored mapping (with Port credentials); default the global `fetch`. */
  fetch?: typeof fetch;
}

export interface MapPreview {
  previews: ResourcePreview[];
  rawCount: number;
  /** 1 when any selector failed (CI gates mapping changes on it), else 0. */
  exitCode: 0 | 1;
  /** Which mapping was used, in words: `tide map` says it on stderr so that it and `tide sail` never disagree silently. */
  mappingSource: string;
}

/** A JSON array, one JSON value, or NDJSON (one value per line). */
export function parseRawItems(text: string, source: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) ? value : [value];
  } catch {
    // Not one document: NDJSON.
  }
  return trimmed.split(/\r?\n/).flatMap((line, n) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch (error) {
      throw new MapPreviewError(`[tide] ${source}: line ${n + 1} is not JSON (expected a JSON array or NDJSON): ${(error as Error).message}`, 2);
    }
  });
}

function parseMapping(i: MapPreviewInput, input: unknown, source: string): PortAppConfig {
  try {
    return parsePortAppConfig(input as Record<string, unknown>, { source, selectorSchemas: selectorSchemas(i.definition) });
  } catch (error) {
    if (error instanceof MappingConfigError) throw new MapPreviewError(`[tide] ${error.message}`, 2);
    throw error;
  }
}

/** The settings, or undefined when a resync would reject them (a preview from files still runs). */
function validSettings(i: MapPreviewInput): TideSettings | undefined {
  try {
    return i.settings();
  } catch {
    return undefined;
  }
}

/** Port's stored mapping for the integration (read only), or undefined when Port has none for it yet. */
async function storedMapping(i: MapPreviewInput, settings: TideSettings): Promise<Record<string, unknown> | undefined> {
  const { identifier, type, version } = settings.integration;
  const port = createPortClient({
    baseUrl: settings.port.baseUrl,
    clientId: settings.port.clientId!,
    clientSecret: settings.port.clientSecret!,
    userAgent: { type, version: version ?? '0.0.0', identifier },
    fetch: i.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: settings.clientTimeout * 1000,
  });
  try {
    const config = (await port.getIntegration(identifier))?.config;
    return config !== null && typeof config === 'object' ? config : undefined;
  } catch (error) {
    throw new MapPreviewError(`[tide] cannot read Port's stored mapping for integration "${identifier}": ${(error as Error).message}; pass --mapping FILE to preview a file`, 1);
  }
}

/**
 * The mapping `tide sail` would use, and how to name it: `--mapping FILE`; else, with Port credentials, Port's stored
 * mapping (docs/behaviour.md §7.4: Port's wins), or the shipped file while Port has none; else the shipped file,
 * which is what the embedded Port is kept in step with.
 */
async function readMapping(i: MapPreviewInput): Promise<{ config: PortAppConfig; source: string }> {
  const given = i.mapping?.();
  if (given) return { config: parseMapping(i, given.text, given.source), source: `the mapping in --mapping ${given.source}` };
  const settings = validSettings(i);
  let note = '';
  if (settings?.port.mode === 'remote') {
    const identifier = settings.integration.identifier;
    const stored = await storedMapping(i, settings);
    const source = `Port's stored mapping for integration "${identifier}"`;
    if (stored) return { config: parseMapping(i, stored, source), source: `${source} (${settings.port.baseUrl})` };
    note = ` (Port has no mapping for integration "${identifier}" yet)`;
  }
  const shipped = i.shippedSource ?? `${i.name}/.port/resources/port-app-config`;
  const input = i.definition.resources?.portAppConfig;
  if (input === undefined) throw new MapPreviewError(`[tide] ${i.name} ships no .port/resources/port-app-config: pass --mapping FILE`, 2);
  return { config: parseMapping(i, input, shipped), source: `the mapping in ${shipped}${note}` };
}

/** The settings through the integration's config schema, as at startup; a bad one is bad input. */
function integrationConfig(definition: IntegrationDefinition<any>, raw: Record<string, unknown>): Record<string, unknown> {
  try {
    return parseIntegrationConfig(definition.config, raw);
  } catch (error) {
    if (error instanceof IntegrationConfigError) throw new MapPreviewError(error.message, 2);
    throw error;
  }
}

/** The first page the kind's handler yields, with the integration's settings as `ctx.config`. */
async function firstPage(i: MapPreviewInput, config: PortAppConfig, resourceIndex: number): Promise<unknown[]> {
  const resource = config.resources[resourceIndex]!;
  const handlers = resolveHandlers(i.definition, resource.kind);
  if (typeof handlers === 'string') throw new MapPreviewError(`[tide] cannot fetch items: ${handlers}; pass --input FILE`, 2);
  const settings = i.settings();
  const controller = new AbortController();
  const ctx: KindContext = {
    kind: resource.kind,
    index: resourceIndex,
    config: integrationConfig(i.definition, settings.integration.config),
    selector: resource.selector,
    resourceConfig: resource,
    logger: silentLogger,
    http: createHttpClient({ timeoutMs: settings.clientTimeout * 1000, retryBase: VENDOR_RETRY_POLICY }),
    state: createMemoryStateStore(),
    signal: controller.signal,
    attributes: {},
  };
  const errors: string[] = [];
  try {
    for await (const page of extractResource(handlers, ctx, (text) => errors.push(text))) return page;
  } finally {
    controller.abort();
  }
  if (errors.length > 0) throw new MapPreviewError(`[tide] the ${resource.kind} handler failed: ${errors.join('; ')}`, 1);
  return [];
}

/** The chosen resources' indexes: every resource of the kind, or the one at `index`. */
function chosen(i: MapPreviewInput, config: PortAppConfig): number[] {
  const indexes = [...config.resources.keys()].filter((n) => config.resources[n]!.kind === i.kind && (i.index === undefined || n === i.index));
  if (indexes.length === 0) {
    const kinds = [...new Set(config.resources.map((r) => r.kind))].join(', ') || 'none';
    const which = i.index === undefined ? `kind "${i.kind}"` : `resources[${i.index}] of kind "${i.kind}"`;
    throw new MapPreviewError(`[tide] the mapping has no ${which} (kinds in it: ${kinds})`, 2);
  }
  return indexes;
}

/** Map the raw items through every chosen resource, as a resync would. */
export async function previewMapping(i: MapPreviewInput): Promise<MapPreview> {
  const { config, source } = await readMapping(i);
  const indexes = chosen(i, config);
  const items = i.items ? i.items() : await firstPage(i, config, indexes[0]!);

  // Same options as a resync's mapper, except that required fields come from the shipped blueprints (no Port).
  const allowEnv = validSettings(i)?.allowEnvironmentVariablesJqAccess ?? true;
  const mapper = createMapper({ allowEnvironmentVariablesJqAccess: allowEnv, env: i.env, requiredFields: requiredFieldsOf(i.definition.resources?.blueprints ?? []) });
  const previews: ResourcePreview[] = [];
  for (const n of indexes) previews.push(await previewResource(mapper, config.resources[n]!, n, items, i.detail !== false));
  return { previews, rawCount: items.length, exitCode: previews.some((p) => p.selectorErrors.length > 0) ? 1 : 0, mappingSource: source };
}

/**
 * `--engines`: every distinct program of the chosen resources, as written, and whether it runs as compiled
 * JavaScript (`fast`) or on jq-wasm (`jq`); with `explain`, the construct that kept each `jq` one from compiling.
 * Nothing is evaluated and no item is read.
 */
export async function mappingEngines(i: MapPreviewInput, explain: boolean): Promise<{ text: string; mappingSource: string }> {
  const { config, source } = await readMapping(i);
  const resources: ResourceConfig[] = chosen(i, config).map((n) => config.resources[n]!);
  const out: Record<string, unknown> = {};
  for (const [program, engine] of programEngines(resources)) {
    // Programs are arbitrary text: defineProperty keeps a program named `__proto__` an ordinary key.
    Object.defineProperty(out, program, { value: explain ? engine : engine.engine, enumerable: true, writable: true, configurable: true });
  }
  return { text: `${JSON.stringify(out, null, 2)}\n`, mappingSource: source };
}

/** `--json`: the entity bodies exactly as a resync would send them. */
export function previewJson(preview: MapPreview): string {
  return `${JSON.stringify(preview.previews.flatMap((p) => p.entities), null, 2)}\n`;
}

const json = (value: unknown): string => JSON.stringify(value) ?? 'undefined';
const indent = (text: string, pad: string): string => text.split('\n').map((l) => pad + l).join('\n');

function itemText(p: ResourcePreview, item: ItemPreview): string {
  const lines: string[] = [];
  const head = item.element ? `item ${item.rawIndex} → ${p.itemsToParseName}[${item.element.index}] = ${json(item.element.value)}` : `item ${item.rawIndex}`;
  lines.push(head);
  lines.push(item.selector.error ? `  selector: ERROR ${item.selector.error}` : `  selector: ${json(item.selector.value)}`);
  for (const f of item.fields) {
    const outcome = f.error !== undefined ? `null  (error: ${f.error})` : json(f.value);
    const severity = f.severity ? `  [${f.severity}: null]` : '';
    lines.push(`  ${f.path}: ${f.program}  =>  ${outcome}${severity}`);
  }
  for (const e of item.entities) lines.push(`  entity:\n${indent(JSON.stringify(e, null, 2), '    ')}`);
  for (const d of item.dropped) lines.push(`  no entity: ${d}`);
  return lines.join('\n');
}

/** The human output: per item the selector, each field's program and value, the entity or why none. */
export function previewText(preview: MapPreview): string {
  return preview.previews
    .map((p) => {
      const out = [`resource ${p.label} (resources[${p.index}], kind ${p.kind}): ${preview.rawCount} raw items${p.itemsToParse ? `, itemsToParse ${p.itemsToParse}` : ''}`];
      for (const s of p.skipped) out.push(`item ${s.itemIndex}: ${s.message} (${s.program})`);
      for (const item of p.items) out.push(itemText(p, item));
      const passed = p.items.filter((x) => x.selector.passed).length;
      out.push(`summary ${p.label}: ${p.entities.length} entities from ${p.items.length} items (${passed} passed the selector, ${p.selectorErrors.length} selector errors)`);
      return `${out.join('\n')}\n`;
    })
    .join('\n');
}
