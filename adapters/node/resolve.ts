import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLED_INTEGRATION_DESCRIPTIONS, resolveIntegration as resolveWith, type ResolveDeps, type ResolvedIntegration } from '../../src/runtime/index.ts';
import { nodeFiles } from './load.ts';
import { importOptional } from '../../emulator/optional.ts';

export type { ResolvedIntegration } from '../../src/runtime/index.ts';

/** One integration shipped with Tide, runnable by name (`tide sail fake`). */
export interface BundledIntegration {
  /** Absolute folder holding the entry file and `.port/`. */
  dir: string;
  description: string;
}

/**
 * Whether this module runs from its TypeScript source (tsx, vitest) rather than from the built package:
 * the source imports TypeScript by itself; the built CLI loads a transpiler only for a TypeScript folder.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

// The sources keep integrations/ two folders up; the package builds them into dist/integrations/, beside
// the chunk this module is bundled into.
const integrationsRoot = fileURLToPath(new URL(FROM_SOURCE ? '../../integrations/' : './integrations/', import.meta.url));

/** The bundled integrations by name, for `tide sail NAME` and `tide list`. */
export const BUNDLED_INTEGRATIONS: Readonly<Record<string, BundledIntegration>> = Object.freeze(
  Object.fromEntries(Object.entries(BUNDLED_INTEGRATION_DESCRIPTIONS).map(([name, description]) => [name, { dir: join(integrationsRoot, name), description }])),
);

let typescript: Promise<unknown> | undefined;

/** tsx's loader hooks, registered once and only for a TypeScript entry file (built code needs no transpiler). */
function registerTypeScript(): Promise<unknown> {
  typescript ??= importOptional<typeof import('tsx/esm/api')>('tsx/esm/api', 'tsx', 'loading a TypeScript integration folder').then((tsx) => tsx.register());
  return typescript;
}

/** How the core finds an integration on Node: node:fs, the bundled folders, and tsx's loader for a TypeScript entry file (registered on first use). */
export const nodeResolveDeps: ResolveDeps = {
  files: nodeFiles,
  bundledDir: (name) => BUNDLED_INTEGRATIONS[name]!.dir,
  async importModule(entry) {
    if (!FROM_SOURCE && /\.[mc]?ts$/.test(entry)) await registerTypeScript();
    return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  },
};

/**
 * Find an integration by bundled name or folder path (the core's rules).
 *
 * @example
 * const { definition, dir } = await resolveIntegration('fake');
 */
export function resolveIntegration(nameOrPath: string, cwd: string = process.cwd()): Promise<ResolvedIntegration> {
  return resolveWith(nameOrPath, cwd, nodeResolveDeps);
}
