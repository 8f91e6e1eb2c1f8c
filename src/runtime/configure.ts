/**
 * The first steps of every runtime's start: settings from env, config.yaml and overrides (typed by the
 * spec), the secrets they hold, and a line logger that masks those secrets in every line. Node and Deno
 * run them inside `boot()`; a Worker runs them per set of bindings.
 */
import { SettingsError, loadSettings, sensitiveValues, type IntegrationSpec, type TideSettings } from '../config/index.ts';
import type { SettingsIssue } from '../config/index.ts';
import type { IntegrationDefinition } from '../integration/index.ts';
import { createLineLogger, type Level } from '../logging/lines.ts';
import type { Logger } from '../logging/logger.ts';
import { withFolder, type IntegrationFolder } from './folder.ts';

/** Where a runtime's printed lines go: `out` (stdout) or `err` (stderr). */
export type Stream = 'out' | 'err';

/** Warnings and errors go to stderr; the rest to stdout. */
export const streamOf = (level: Level): Stream => (level === 'warn' || level === 'error' ? 'err' : 'out');

export interface ConfigureOptions {
  definition: IntegrationDefinition<any>;
  /** Fills what the definition lacks: spec, resources, and the package.json fallbacks for type and version. */
  folder?: Partial<Pick<IntegrationFolder, 'spec' | 'resources' | 'packageJson'>>;
  /** Settings as `OCEAN__…` variables (unset and empty values count as unset). */
  env: Record<string, string | undefined>;
  configYaml?: string;
  /** Highest precedence, in the options tree (`{ eventListener: { type: 'ONCE' } }`). */
  overrides?: Record<string, unknown>;
}

export type Configured =
  | {
      ok: true;
      /** The definition with the folder's spec and resources filled in. */
      integration: IntegrationDefinition<any>;
      spec: IntegrationSpec | undefined;
      settings: TideSettings;
      warnings: string[];
      /** The secret values in the settings: what every printed line must not show. */
      secrets: string[];
      /** The string variables of `env`, for JQ's `env` when the settings allow it. */
      env: Record<string, string>;
    }
  | { ok: false; errors: SettingsIssue[] };

/** Settings for `definition`; invalid settings come back as every issue, each naming its variable and source. */
export function configure(o: ConfigureOptions): Configured {
  const integration = withFolder(o.definition, o.folder ?? {});
  const spec = integration.spec;
  const loaded = loadSettings({
    env: o.env,
    configYaml: o.configYaml,
    overrides: o.overrides ?? {},
    spec,
    integrationDefaults: { type: o.definition.type, version: o.definition.version },
    packageJson: o.folder?.packageJson,
    actionTypes: Object.keys(o.definition.actions ?? {}),
  });
  if (!loaded.ok) return { ok: false, errors: loaded.errors };
  const env = Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return { ok: true, integration, spec, settings: loaded.settings, warnings: loaded.warnings, secrets: sensitiveValues(loaded.settings, spec), env };
}

/** {@link configure}, throwing {@link SettingsError} for invalid settings (where there is no one to print to). */
export function configureOrThrow(o: ConfigureOptions): Extract<Configured, { ok: true }> {
  const configured = configure(o);
  if (!configured.ok) throw new SettingsError(configured.errors);
  return configured;
}

export interface RuntimeLoggerOptions {
  settings: TideSettings;
  /** Masks secrets in a whole line, e.g. `createRedactor(configured.secrets)`. */
  redact(text: string): string;
  format?: 'pretty' | 'json';
  write(line: string, level: Level): void;
}

/** The line logger at the configured level (`APPLICATION__LOG_LEVEL`), every line passed through `redact`. */
export function createRuntimeLogger(o: RuntimeLoggerOptions): Logger {
  return createLineLogger({ level: o.settings.application.logLevel, format: o.format ?? 'pretty', redact: (text) => o.redact(text), write: o.write });
}

/** Lines on the console: errors with `console.error`, warnings with `console.warn`, the rest with `console.log`. */
export function consoleWrite(line: string, level: Level): void {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}
