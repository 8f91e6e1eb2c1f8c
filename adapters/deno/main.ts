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
import { bootByName, type ResolvedIntegration } from '../../src/runtime/index.ts';
import { denoFiles, serve } from './serve.ts';

async function main(args: string[]): Promise<number> {
  const once = args.includes('--once');
  const positional = args.filter((a) => !a.startsWith('--'));
  if (positional.length !== 1 || args.includes('--help')) {
    console.error('usage: deno run -A adapters/deno/main.ts <integration-folder | bundled name> [--once]');
    return 2;
  }
  const deps = {
    files: denoFiles,
    bundledDir: (name: string) => decodeURIComponent(new URL(`../../integrations/${name}/`, import.meta.url).pathname),
    importModule: (entry: string) => import(new URL(`file://${entry}`).href),
  };
  const start = (r: ResolvedIntegration) => serve(r.definition, { dir: r.dir, overrides: once ? { eventListener: { type: 'ONCE' } } : undefined });
  const run = await bootByName(positional[0]!, Deno.cwd(), deps, start, (line) => console.error(line));
  // Long-running modes keep serving; signals end them (serve() exits the process).
  return run.exitCode ?? -1;
}

if (import.meta.main) {
  const code = await main(Deno.args);
  if (code >= 0) Deno.exit(code);
}
