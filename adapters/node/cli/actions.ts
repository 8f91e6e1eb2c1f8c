/**
 * `tide actions list [integration]` and `tide actions run <type> [integration] --properties JSON`
 * (docs/behaviour.md §8.2, §11): the action types an integration declares, and one run executed locally for
 * development. The run is created through the emulator's controls (the embedded one in `.tide/port.db` without
 * Port credentials, or the local emulator the settings point at), the integration's agent claims and executes
 * it, and its status, logs and link are printed. Logs go to stderr, the run to stdout.
 */
import { join } from 'node:path';
import { createTide } from '../../../src/index.ts';
import { createRedactor, emulatorClient, runActionLocally, sensitiveValues } from '../../../src/runtime/index.ts';
import { createFileStateStore } from '../file-state-store.ts';
import { createNodeLogger, writeLine } from '../logger.ts';
import { CliError, connectPort, loadIntegration, settingsFor, type LoadedIntegration } from './context.ts';

export interface ActionsRunOptions {
  properties?: string;
  action?: string;
  adminToken?: string;
  /** Seconds. */
  timeout?: number;
  logLevel?: string;
  logFormat?: 'pretty' | 'json';
}

/** The property names a zod object schema declares, when it is one. */
function propertyNames(schema: unknown): string[] | undefined {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : undefined;
}

function declared(loaded: LoadedIntegration): string[] {
  return Object.keys(loaded.definition.actions ?? {}).sort();
}

/** `tide actions list`: one line per action type, with the properties its schema names. */
export async function actionsListText(path: string, cwd: string): Promise<string> {
  const loaded = await loadIntegration(path, cwd);
  const types = declared(loaded);
  if (types.length === 0) return `${loaded.name} declares no action (defineIntegration({ actions: { <type>: { run } } }))`;
  const width = Math.max(...types.map((t) => t.length));
  const lines = types.map((type) => {
    const def = loaded.definition.actions![type]!;
    const names = propertyNames(def.properties);
    const traits = [names ? `properties: ${names.join(', ') || '(none)'}` : 'properties: any', def.partitionKey ? 'partitioned' : undefined].filter(Boolean);
    return `${type.padEnd(width)}  ${traits.join(' · ')}`;
  });
  if (loaded.spec?.actionsProcessingEnabled !== true) lines.push('(.port/spec.yaml does not declare `actionsProcessingEnabled: true`: the agent cannot be enabled until it does)');
  return lines.join('\n');
}

function parseProperties(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`[tide] --properties: expected a JSON object, e.g. '{"message":"hi"}'; got ${JSON.stringify(text.slice(0, 60))}`, 2);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CliError('[tide] --properties: expected a JSON object, not a list or a single value', 2);
  return value as Record<string, unknown>;
}

/** `tide actions run`: exit 0 when the run succeeded (or was left pending), 1 when it failed. */
export async function runActionCommand(type: string, path: string, opts: ActionsRunOptions, cwd: string, write: (text: string) => void): Promise<number> {
  const properties = parseProperties(opts.properties);
  const loaded = await loadIntegration(path, cwd);
  const types = declared(loaded);
  if (!types.includes(type)) {
    throw new CliError(`[tide] ${loaded.name} declares no action type "${type}"; declared: ${types.join(', ') || 'none'} (tide actions list ${path})`, 2);
  }
  // The agent runs for this one command, whatever the settings say about the listener and the agent.
  const { settings, warnings } = settingsFor(loaded, cwd, { actionsProcessor: { enabled: true }, eventListener: { type: 'ACTIONS_ONLY' } });
  const logger = createNodeLogger({
    level: opts.logLevel ?? settings.application.logLevel,
    format: opts.logFormat,
    redact: createRedactor(sensitiveValues(settings, loaded.spec)),
    write: (line) => writeLine(line, 'err'),
  });
  for (const w of warnings) logger.warn(w);
  const connection = await connectPort(settings, cwd);
  if (connection.embedded) logger.info('No Port credentials: using the embedded Port in .tide/port.db');
  const identifier = connection.settings.integration.identifier;
  const tide = createTide({
    integration: loaded.definition,
    settings: connection.settings,
    spec: loaded.spec,
    logger,
    state: createFileStateStore(join(cwd, '.tide', 'state', encodeURIComponent(identifier))),
  });
  const base = connection.settings.port.baseUrl.replace(/\/+$/, '');
  const port = emulatorClient({ baseUrl: base, adminToken: opts.adminToken });
  const controls = async (method: string, route: string, body?: unknown) => {
    const answer = await port.control(method, route, body);
    if (answer.status === 404 && route === '/actions/runs') {
      throw new CliError(`[tide] ${base} has no emulator controls (/_emulator): tide actions run needs a local Port (unset the Port credentials, or point OCEAN__PORT__BASE_URL at \`tide port-local\`)`, 2);
    }
    return answer;
  };
  try {
    const result = await runActionLocally({
      tide,
      controls,
      type,
      properties,
      action: opts.action,
      timeoutMs: (opts.timeout ?? 600) * 1000,
      onCreated: (id) => logger.info(`created run ${id} (${type}) for installation ${identifier}`),
    });
    const pending = result.status === 'IN_PROGRESS';
    const lines = [`run ${result.id}  ${type}  ${pending ? 'IN_PROGRESS (left pending by the executor)' : result.status}`];
    for (const link of result.link) lines.push(`  link: ${link}`);
    for (const log of result.logs) lines.push(`  log: ${log}`);
    write(`${lines.join('\n')}\n`);
    return result.status === 'FAILURE' ? 1 : 0;
  } finally {
    await tide.stop();
    await connection.close();
  }
}
