/**
 * Settings on Workers: the same `OCEAN__…` names as everywhere, read from the Worker's env bindings
 * (wrangler `[vars]` and `wrangler secret put`). The integration's `.port/` files cannot be read from
 * disk in a Worker, so they arrive bundled as text (see fake-port-files.ts and scripts/port-files.ts).
 */
import { loadSettingsOrThrow, parseSpecText } from '../../src/config/index.ts';
import type { IntegrationSpec, TideSettings } from '../../src/config/index.ts';
import { parsePortResources } from '../../src/defaults/index.ts';
import type { PortResources } from '../../src/defaults/index.ts';
import type { IntegrationDefinition } from '../../src/index.ts';
import { createLogger } from '../../src/logging/logger.ts';
import type { Logger, LogLevel } from '../../src/logging/logger.ts';

/** An integration folder's `.port/` files as text: `spec.yaml` and each file of `resources/`. */
export interface PortFiles {
  spec?: string;
  resources?: Array<{ name: string; text: string }>;
}

/** Only string bindings are settings; Durable Object, queue and other bindings are objects. */
export function stringBindings(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** The definition with its spec and resources filled from the bundled files (the definition's own win). */
export function withPortFiles<C>(integration: IntegrationDefinition<C>, files: PortFiles = {}): IntegrationDefinition<C> {
  const spec: IntegrationSpec | undefined = integration.spec ?? (files.spec ? parseSpecText(files.spec) : undefined);
  const resources: PortResources | undefined = integration.resources ?? (files.resources ? parsePortResources(files.resources) : undefined);
  return { ...integration, spec, resources };
}

export function settingsFromEnv(integration: IntegrationDefinition<any>, env: Record<string, unknown>): TideSettings {
  const { settings, warnings } = loadSettingsOrThrow({
    env: stringBindings(env),
    spec: integration.spec,
    integrationDefaults: { type: integration.type, version: integration.version },
  });
  for (const w of warnings) console.warn(`[tide] ${w}`);
  return settings;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One JSON line per record on the console, which Workers Logs and `wrangler tail` collect. */
export function createConsoleLogger(level: LogLevel = 'info'): Logger {
  return createLogger((record) => {
    if (ORDER[record.level] < ORDER[level]) return;
    const line = JSON.stringify({ level: record.level, message: record.message, ...record.fields });
    if (record.level === 'error') console.error(line);
    else if (record.level === 'warn') console.warn(line);
    else console.log(line);
  });
}
