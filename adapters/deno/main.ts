/**
 * Run an integration on Deno:
 *
 *   deno run -A adapters/deno/main.ts <integration-folder | bundled name> [--once]
 *
 * Settings come from the environment (`OCEAN__…`, as on Node; add `--env-file=.env` for a file), the
 * folder's `index.ts` default-exports the definition, its `.port/` holds spec and resources.
 * adapters/deno/deno.json (found from this file) enables Deno KV and resolves npm packages from the
 * checkout's node_modules (`npm ci` first).
 */
import type { IntegrationDefinition } from '../../src/index.ts';
import { BUNDLED_INTEGRATION_DESCRIPTIONS, definitionFromModule, ENTRY_FILES, isPathLike, noEntryFile } from '../../src/runtime/index.ts';
import { denoFiles, serve } from './serve.ts';

async function main(args: string[]): Promise<number> {
  const once = args.includes('--once');
  const positional = args.filter((a) => !a.startsWith('--'));
  if (positional.length !== 1 || args.includes('--help')) {
    console.error('usage: deno run -A adapters/deno/main.ts <integration-folder | bundled name> [--once]');
    return 2;
  }
  const name = positional[0]!;
  const bundled = !isPathLike(name) && Object.hasOwn(BUNDLED_INTEGRATION_DESCRIPTIONS, name);
  const dir = bundled ? decodeURIComponent(new URL(`../../integrations/${name}/`, import.meta.url).pathname) : denoFiles.resolve(name);
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
  const entry = ENTRY_FILES.map((file) => `${dir.replace(/\/+$/, '')}/${file}`).find((path) => denoFiles.readText(path) !== undefined);
  if (!entry) throw noEntryFile(dir);
  return definitionFromModule((await import(new URL(`file://${entry}`).href)) as Record<string, unknown>, entry);
}

if (import.meta.main) {
  const code = await main(Deno.args);
  if (code >= 0) Deno.exit(code);
}
