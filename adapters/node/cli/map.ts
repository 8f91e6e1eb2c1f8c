/**
 * `tide map <integration> --kind K [--index I] [--input FILE] [--mapping FILE] [--json]`: the mapping
 * preview and debugger (OCEAN-BEHAVIOUR.md §8.2). It never writes to Port. With `--input` and `--mapping`
 * it reads only those files and the integration's folder: no Port, no embedded emulator, no `.tide/`.
 * Without `--input` it takes the first page of the kind's own resync handler.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MappingConfigError, createMapper, parsePortAppConfig, type PortAppConfig } from '../../../src/mapping/index.ts';
import { createHttpClient, VENDOR_RETRY_POLICY } from '../../../src/http/index.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createMemoryStateStore } from '../../../src/state/index.ts';
import { extractResource, resolveHandlers } from '../../../src/sync/index.ts';
import { requiredFieldsOf } from '../../../src/testing/index.ts';
import { IntegrationConfigError, parseIntegrationConfig, type IntegrationDefinition, type KindContext } from '../../../src/index.ts';
import { CliError, environment, loadIntegration, settingsFor, type LoadedIntegration } from './context.ts';
import { previewResource, type ItemPreview, type ResourcePreview } from './map-preview.ts';

export interface MapOptions {
  kind: string;
  index?: number;
  input?: string;
  mapping?: string;
  json?: boolean;
}

/** A JSON array, one JSON value, or NDJSON (one value per line). `-` reads stdin. */
export function parseItems(text: string, source: string): unknown[] {
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
      throw new CliError(`[tide] ${source}: line ${n + 1} is not JSON (expected a JSON array or NDJSON): ${(error as Error).message}`, 2);
    }
  });
}

function readText(file: string, cwd: string, what: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`[tide] cannot read ${what} ${file}: ${(error as Error).message}`, 2);
  }
}

function selectorSchemas(definition: IntegrationDefinition<any>) {
  return Object.fromEntries(Object.entries(definition.kinds).flatMap(([k, d]) => (d.selector ? [[k, d.selector]] : [])));
}

function loadMapping(loaded: LoadedIntegration, opts: MapOptions, cwd: string): PortAppConfig {
  const source = opts.mapping ?? `${loaded.name}/.port/resources/port-app-config`;
  const input = opts.mapping !== undefined ? readText(opts.mapping, cwd, 'mapping') : loaded.resources.portAppConfig;
  if (input === undefined) throw new CliError(`[tide] ${loaded.name} ships no .port/resources/port-app-config: pass --mapping FILE`, 2);
  try {
    return parsePortAppConfig(input, { source, selectorSchemas: selectorSchemas(loaded.definition) });
  } catch (error) {
    if (error instanceof MappingConfigError) throw new CliError(`[tide] ${error.message}`, 2);
    throw error;
  }
}

/** The settings through the integration's config schema, as at startup; a bad one is a usage error. */
function integrationConfig(loaded: LoadedIntegration, raw: Record<string, unknown>): Record<string, unknown> {
  try {
    return parseIntegrationConfig(loaded.definition.config, raw);
  } catch (error) {
    if (error instanceof IntegrationConfigError) throw new CliError(error.message, 2);
    throw error;
  }
}

/** The first page the kind's handler yields, with the integration's settings as `ctx.config`. */
async function firstPage(loaded: LoadedIntegration, config: PortAppConfig, resourceIndex: number, cwd: string): Promise<unknown[]> {
  const resource = config.resources[resourceIndex]!;
  const handlers = resolveHandlers(loaded.definition, resource.kind);
  if (typeof handlers === 'string') throw new CliError(`[tide] cannot fetch items: ${handlers}; pass --input FILE`, 2);
  const { settings } = settingsFor(loaded, cwd);
  const controller = new AbortController();
  const ctx: KindContext = {
    kind: resource.kind,
    index: resourceIndex,
    config: integrationConfig(loaded, settings.integration.config),
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
  if (errors.length > 0) throw new CliError(`[tide] the ${resource.kind} handler failed: ${errors.join('; ')}`, 1);
  return [];
}

export async function runMap(integration: string, opts: MapOptions, cwd: string, write: (text: string) => void): Promise<number> {
  const loaded = await loadIntegration(integration, cwd);
  const config = loadMapping(loaded, opts, cwd);
  const indexes = [...config.resources.keys()].filter((i) => config.resources[i]!.kind === opts.kind && (opts.index === undefined || i === opts.index));
  if (indexes.length === 0) {
    const kinds = [...new Set(config.resources.map((r) => r.kind))].join(', ') || 'none';
    const which = opts.index === undefined ? `kind "${opts.kind}"` : `resources[${opts.index}] of kind "${opts.kind}"`;
    throw new CliError(`[tide] the mapping has no ${which} (kinds in it: ${kinds})`, 2);
  }
  const items = opts.input !== undefined ? parseItems(readText(opts.input, cwd, 'input'), opts.input) : await firstPage(loaded, config, indexes[0]!, cwd);

  // Same options as a resync's mapper, except that required fields come from the shipped blueprints (no Port).
  let allowEnv = true;
  try {
    allowEnv = settingsFor(loaded, cwd).settings.allowEnvironmentVariablesJqAccess;
  } catch {
    // Settings a resync would reject do not stop a preview from an input file.
  }
  const mapper = createMapper({ allowEnvironmentVariablesJqAccess: allowEnv, env: environment(cwd), requiredFields: requiredFieldsOf(loaded.resources.blueprints) });
  const previews: ResourcePreview[] = [];
  for (const i of indexes) previews.push(await previewResource(mapper, config.resources[i]!, i, items));

  if (opts.json) write(`${JSON.stringify(previews.flatMap((p) => p.entities), null, 2)}\n`);
  else write(previews.map((p) => formatPreview(p, items.length)).join('\n'));
  return previews.some((p) => p.selectorErrors.length > 0) ? 1 : 0;
}

const json = (value: unknown): string => JSON.stringify(value) ?? 'undefined';
const indent = (text: string, pad: string): string => text.split('\n').map((l) => pad + l).join('\n');

function formatItem(p: ResourcePreview, item: ItemPreview): string {
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

function formatPreview(p: ResourcePreview, rawCount: number): string {
  const out = [`resource ${p.label} (resources[${p.index}], kind ${p.kind}): ${rawCount} raw items${p.itemsToParse ? `, itemsToParse ${p.itemsToParse}` : ''}`];
  for (const s of p.skipped) out.push(`item ${s.itemIndex}: ${s.message} (${s.program})`);
  for (const item of p.items) out.push(formatItem(p, item));
  const passed = p.items.filter((i) => i.selector.passed).length;
  out.push(`summary ${p.label}: ${p.entities.length} entities from ${p.items.length} items (${passed} passed the selector, ${p.selectorErrors.length} selector errors)`);
  return `${out.join('\n')}\n`;
}
