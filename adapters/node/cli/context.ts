/**
 * What several commands share: finding the integration, reading its folder and settings the way
 * `tide sail` does, and the Port to talk to (the real one with credentials, else the embedded emulator
 * in `.tide/port.db`, §2.4). Failures are `CliError`s carrying the exit status.
 */
import type { IntegrationDefinition } from '../../../src/index.ts';
import { configure, formatSettingsErrors, withFolder, type IntegrationSpec, type PortResources, type TideSettings } from '../../../src/runtime/index.ts';
import { loadIntegrationFolder, readConfigYaml, readEnvironment } from '../load.ts';
import { resolveIntegration } from '../resolve.ts';

/** An expected failure: print `message` to stderr and exit with `exitCode` (2: bad input or config, 1: failed run). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface LoadedIntegration {
  dir: string;
  name: string;
  /** The definition with `spec` and `resources` filled in from the folder when it carries none. */
  definition: IntegrationDefinition<any>;
  spec: IntegrationSpec | undefined;
  resources: PortResources;
  /** The nearest package.json's name and version: the last type/version fallbacks (§2.4). */
  packageJson: { type?: string; version?: string };
}

/** Resolve a bundled name or folder and read its `.port/` files; problems exit 2. */
export async function loadIntegration(nameOrPath: string, cwd: string): Promise<LoadedIntegration> {
  let resolved;
  try {
    resolved = await resolveIntegration(nameOrPath, cwd);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  let folder;
  try {
    folder = loadIntegrationFolder(resolved.dir);
  } catch (error) {
    throw new CliError(`[tide] ${(error as Error).message}`, 2);
  }
  const definition = withFolder(resolved.definition, folder);
  return { dir: resolved.dir, name: resolved.name, definition, spec: definition.spec, resources: definition.resources!, packageJson: folder.packageJson };
}

/** The process env over `./.env`, with empty and undefined values removed (they count as unset, §2.1). */
export function environment(cwd: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(readEnvironment(cwd, env)).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

/** Settings as `tide sail` builds them; invalid settings exit 2 with every error named (§2.1). */
export function settingsFor(loaded: LoadedIntegration, cwd: string, overrides: Record<string, unknown> = {}): { settings: TideSettings; warnings: string[] } {
  const result = configure({ definition: loaded.definition, folder: loaded, env: environment(cwd), configYaml: readConfigYaml(cwd), overrides });
  if (!result.ok) throw new CliError(`[tide] invalid settings:\n${formatSettingsErrors(result.errors)}`, 2);
  return { settings: result.settings, warnings: result.warnings };
}

/** How to reach Port: the configured one, or the embedded emulator over `.tide/port.db` that `close()` shuts. */
export interface PortConnection {
  settings: TideSettings;
  embedded: boolean;
  close(): Promise<void>;
}

/** With both credentials, the configured Port; with neither, the embedded emulator `tide sail` uses (§2.4). */
export async function connectPort(settings: TideSettings, cwd: string): Promise<PortConnection> {
  if (settings.port.mode === 'remote') return { settings, embedded: false, close: async () => {} };
  // Loaded only here: commands that never need Port never open SQLite.
  const { startEmbeddedPort } = await import('../runtime.ts');
  const port = await startEmbeddedPort(cwd);
  return {
    settings: { ...settings, port: { ...settings.port, baseUrl: port.url, clientId: port.clientId, clientSecret: port.clientSecret } },
    embedded: true,
    close: () => port.close(),
  };
}
