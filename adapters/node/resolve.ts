import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IntegrationDefinition } from '../../src/index.ts';
import { BUNDLED_INTEGRATION_DESCRIPTIONS, definitionFromModule, ENTRY_FILES, isPathLike, noEntryFile } from '../../src/runtime/index.ts';

/** One integration shipped with Tide, runnable by name (`tide sail fake`). */
export interface BundledIntegration {
  /** Absolute folder holding `index.ts` and `.port/`. */
  dir: string;
  description: string;
}

/** What `resolveIntegration` found: the folder (for `.port/`), the definition and a display name. */
export interface ResolvedIntegration {
  dir: string;
  definition: IntegrationDefinition<any>;
  name: string;
}

const integrationsRoot = fileURLToPath(new URL('../../integrations/', import.meta.url));

/** The bundled integrations by name, for `tide sail NAME` and `tide list`. */
export const BUNDLED_INTEGRATIONS: Readonly<Record<string, BundledIntegration>> = Object.freeze(
  Object.fromEntries(Object.entries(BUNDLED_INTEGRATION_DESCRIPTIONS).map(([name, description]) => [name, { dir: join(integrationsRoot, name), description }])),
);

/**
 * Find an integration by bundled name or folder path (see the core's `isPathLike`). TypeScript folders
 * are imported as they are, so the process must run under tsx (the `tide` CLI does).
 *
 * @example
 * const { definition, dir } = await resolveIntegration('fake');
 */
export async function resolveIntegration(nameOrPath: string, cwd: string = process.cwd()): Promise<ResolvedIntegration> {
  const bundled = Object.hasOwn(BUNDLED_INTEGRATIONS, nameOrPath) ? BUNDLED_INTEGRATIONS[nameOrPath] : undefined;
  if (bundled && !isPathLike(nameOrPath) && !isAbsolute(nameOrPath)) return { dir: bundled.dir, definition: await importDefinition(bundled.dir), name: nameOrPath };
  const dir = resolve(cwd, nameOrPath);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `[tide] integration "${nameOrPath}" is neither a folder (${dir} does not exist) nor a bundled integration; bundled: ${Object.keys(BUNDLED_INTEGRATIONS).join(', ')}`,
    );
  }
  return { dir, definition: await importDefinition(dir), name: basename(dir) };
}

async function importDefinition(dir: string): Promise<IntegrationDefinition<any>> {
  const entry = ENTRY_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!entry) throw noEntryFile(dir);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    const hint = entry.endsWith('ts') && /Unknown file extension/.test(String(error)) ? ' (TypeScript needs tsx: run through `npx tsx` or the tide CLI)' : '';
    throw new Error(`[tide] could not import ${entry}${hint}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return definitionFromModule(mod, entry);
}
