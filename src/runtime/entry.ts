/**
 * Finding an integration's definition from a name or a folder, the same on every runtime with a file
 * system: a bare bundled name wins, anything path-like is a folder whose entry file default-exports
 * `defineIntegration(...)`. The runtime does the file checks and the dynamic import.
 */
import type { IntegrationDefinition } from '../integration/index.ts';
import type { FolderReader } from './folder.ts';

/** The integrations shipped with Tide, runnable by name (`tide sail fake`); their folders are `integrations/<name>`. */
export const BUNDLED_INTEGRATION_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  fake: "Deterministic synthetic departments and persons; the demo and benchmark workload (compatible with Ocean's fake integration)",
  github: 'GitHub repositories, pull requests, issues, teams and workflow runs; token or GitHub App auth; signed webhooks',
  http: 'Any REST API described in config: endpoints, auth, pagination, items paths and nested endpoints, no code',
});

/** Entry files looked for in an integration folder, in order. */
export const ENTRY_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];

/** Whether `name` means a folder rather than a bundled name (write `./fake` for a folder called `fake`). */
export function isPathLike(name: string): boolean {
  return name === '.' || name.includes('/') || name.includes('\\') || /^[A-Za-z]:/.test(name);
}

/** The definition an entry module exports (default, or `integration`); a clear error otherwise. */
export function definitionFromModule(mod: Record<string, unknown>, entry: string): IntegrationDefinition<any> {
  const definition = (mod.default ?? mod.integration) as IntegrationDefinition<any> | undefined;
  if (!definition || typeof definition !== 'object' || typeof definition.kinds !== 'object' || definition.kinds === null) {
    throw new Error(`[tide] ${entry} must default-export defineIntegration({ kinds: … })`);
  }
  return definition;
}

/** What {@link resolveIntegration} found: the folder (for `.port/`), the definition and a display name. */
export interface ResolvedIntegration {
  dir: string;
  definition: IntegrationDefinition<any>;
  name: string;
}

export interface ResolveDeps {
  files: FolderReader;
  /** The absolute folder of a bundled integration. */
  bundledDir(name: string): string;
  /** Import an entry file (absolute path); the runtime explains its own import failures. */
  importModule(path: string): Promise<Record<string, unknown>>;
}

/**
 * Find an integration by bundled name or folder path (relative to `cwd`): a bare bundled name wins
 * (write `./fake` for a folder called `fake`); anything else is a folder whose entry file
 * ({@link ENTRY_FILES}) default-exports the definition.
 */
export async function resolveIntegration(nameOrPath: string, cwd: string, deps: ResolveDeps): Promise<ResolvedIntegration> {
  const bundled = !isPathLike(nameOrPath) && Object.hasOwn(BUNDLED_INTEGRATION_DESCRIPTIONS, nameOrPath);
  const dir = bundled ? deps.bundledDir(nameOrPath) : deps.files.resolve(nameOrPath, cwd);
  if (!bundled && deps.files.listFiles(dir) === undefined) {
    throw new Error(
      `[tide] integration "${nameOrPath}" is neither a folder (${dir} does not exist) nor a bundled integration; bundled: ${Object.keys(BUNDLED_INTEGRATION_DESCRIPTIONS).join(', ')}`,
    );
  }
  const trimmed = dir.replace(/[/\\]+$/, '');
  const entry = ENTRY_FILES.map((file) => `${trimmed}/${file}`).find((path) => deps.files.readText(path) !== undefined);
  if (!entry) throw new Error(`[tide] ${dir}: no integration entry file (expected one of ${ENTRY_FILES.join(', ')})`);
  const name = bundled ? nameOrPath : trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
  let module: Record<string, unknown>;
  try {
    module = await deps.importModule(entry);
  } catch (error) {
    throw new Error(`[tide] could not import ${entry}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { dir, definition: definitionFromModule(module, entry), name };
}
