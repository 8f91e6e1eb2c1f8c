import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { IntegrationDefinition } from '../../src/index.ts';

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
export const BUNDLED_INTEGRATIONS: Readonly<Record<string, BundledIntegration>> = Object.freeze({
  fake: {
    dir: join(integrationsRoot, 'fake'),
    description: 'Deterministic synthetic departments and persons; the demo and benchmark workload (compatible with Ocean\'s fake integration)',
  },
  github: {
    dir: join(integrationsRoot, 'github'),
    description: 'GitHub repositories, pull requests, issues, teams and workflow runs; token or GitHub App auth; signed webhooks',
  },
  http: {
    dir: join(integrationsRoot, 'http'),
    description: 'Any REST API described in config: endpoints, auth, pagination, items paths and nested endpoints, no code',
  },
});

const ENTRY_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];

/**
 * Find an integration by bundled name or folder path. A bare name that is a bundled integration wins
 * (write `./fake` for a folder called `fake`); anything else is a folder whose entry file (`index.ts`,
 * else `index.js`) default-exports the definition. TypeScript folders are imported as they are, so the
 * process must run under tsx (the `tide` CLI does; `npx tsx my-entry.ts` for your own entry files).
 *
 * @example
 * const { definition, dir } = await resolveIntegration('fake');
 * const mine = await resolveIntegration('./integrations/acme', process.cwd());
 */
export async function resolveIntegration(nameOrPath: string, cwd: string = process.cwd()): Promise<ResolvedIntegration> {
  const bundled = Object.hasOwn(BUNDLED_INTEGRATIONS, nameOrPath) ? BUNDLED_INTEGRATIONS[nameOrPath] : undefined;
  const pathLike = nameOrPath === '.' || nameOrPath.includes('/') || nameOrPath.includes('\\') || isAbsolute(nameOrPath);
  if (bundled && !pathLike) return { dir: bundled.dir, definition: await importDefinition(bundled.dir), name: nameOrPath };

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
  if (!entry) throw new Error(`[tide] ${dir}: no integration entry file (expected one of ${ENTRY_FILES.join(', ')})`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  } catch (error) {
    const hint = entry.endsWith('ts') && /Unknown file extension/.test(String(error)) ? ' (TypeScript needs tsx: run through `npx tsx` or the tide CLI)' : '';
    throw new Error(`[tide] could not import ${entry}${hint}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const definition = (mod.default ?? mod.integration) as IntegrationDefinition<any> | undefined;
  if (!definition || typeof definition !== 'object' || typeof definition.kinds !== 'object' || definition.kinds === null) {
    throw new Error(`[tide] ${entry} must default-export defineIntegration({ kinds: … })`);
  }
  return definition;
}
