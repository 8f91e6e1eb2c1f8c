/**
 * Run an integration on Deno:
 *
 *   deno run -A adapters/deno/main.ts <integration-folder | fake> [--once]
 *
 * Settings come from the environment (`OCEAN__…`, as on Node; add `--env-file=.env` for a file), the
 * folder's `index.ts` default-exports the definition, its `.port/` holds spec and resources.
 * adapters/deno/deno.json (found from this file) enables Deno KV and resolves npm packages from the
 * checkout's node_modules (`npm ci` first).
 */
import type { IntegrationDefinition } from '../../src/index.ts';
import { absolute } from './load.ts';
import { serve } from './serve.ts';

const BUNDLED: Record<string, string> = { fake: decodeURIComponent(new URL('../../integrations/fake/', import.meta.url).pathname) };
const ENTRY_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];

async function main(args: string[]): Promise<number> {
  const once = args.includes('--once');
  const positional = args.filter((a) => !a.startsWith('--'));
  if (positional.length !== 1 || args.includes('--help')) {
    console.error('usage: deno run -A adapters/deno/main.ts <integration-folder | fake> [--once]');
    return 2;
  }
  const name = positional[0]!;
  const pathLike = name === '.' || name.includes('/');
  const dir = !pathLike && Object.hasOwn(BUNDLED, name) ? BUNDLED[name]! : absolute(name);
  let definition: IntegrationDefinition<any>;
  try {
    definition = await importDefinition(dir);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const run = await serve(definition, { dir, overrides: once ? { eventListener: { type: 'ONCE' } } : undefined });
  // Long-running modes keep serving; signals end them (serve() exits the process).
  return run.exitCode ?? -1;
}

async function importDefinition(dir: string): Promise<IntegrationDefinition<any>> {
  for (const file of ENTRY_FILES) {
    const path = `${dir.replace(/\/+$/, '')}/${file}`;
    try {
      await Deno.stat(path);
    } catch {
      continue;
    }
    const mod = (await import(new URL(`file://${path}`).href)) as Record<string, unknown>;
    const definition = (mod.default ?? mod.integration) as IntegrationDefinition<any> | undefined;
    if (!definition || typeof definition !== 'object' || typeof definition.kinds !== 'object' || definition.kinds === null)
      throw new Error(`[tide] ${path} must default-export defineIntegration({ kinds: … })`);
    return definition;
  }
  throw new Error(`[tide] ${dir}: no integration entry file (expected one of ${ENTRY_FILES.join(', ')})`);
}

if (import.meta.main) {
  const code = await main(Deno.args);
  if (code >= 0) Deno.exit(code);
}
