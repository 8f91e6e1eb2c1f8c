import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLED_INTEGRATION_DESCRIPTIONS, resolveIntegration as resolveWith, type ResolvedIntegration } from '../../src/runtime/index.ts';
import { nodeFiles } from './load.ts';

export type { ResolvedIntegration } from '../../src/runtime/index.ts';

/** One integration shipped with Tide, runnable by name (`tide sail fake`). */
export interface BundledIntegration {
  /** Absolute folder holding `index.ts` and `.port/`. */
  dir: string;
  description: string;
}

const integrationsRoot = fileURLToPath(new URL('../../integrations/', import.meta.url));

/** The bundled integrations by name, for `tide sail NAME` and `tide list`. */
export const BUNDLED_INTEGRATIONS: Readonly<Record<string, BundledIntegration>> = Object.freeze(
  Object.fromEntries(Object.entries(BUNDLED_INTEGRATION_DESCRIPTIONS).map(([name, description]) => [name, { dir: join(integrationsRoot, name), description }])),
);

/**
 * Find an integration by bundled name or folder path (the core's rules). TypeScript folders are imported
 * as they are, so the process must run under tsx (the `tide` CLI does; `npx tsx my-entry.ts` for your own).
 *
 * @example
 * const { definition, dir } = await resolveIntegration('fake');
 */
export function resolveIntegration(nameOrPath: string, cwd: string = process.cwd()): Promise<ResolvedIntegration> {
  return resolveWith(nameOrPath, cwd, {
    files: nodeFiles,
    bundledDir: (name) => BUNDLED_INTEGRATIONS[name]!.dir,
    async importModule(entry) {
      try {
        return (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
      } catch (error) {
        const hint = entry.endsWith('ts') && /Unknown file extension/.test(String(error)) ? ' (TypeScript needs tsx: run through `npx tsx` or the tide CLI)' : '';
        throw new Error(`[tide] could not import ${entry}${hint}: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  });
}
