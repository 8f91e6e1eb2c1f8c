import { cpSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

/**
 * The published package `port-tide`: every subpath export (package.json `exports`), the `tide` binary and
 * the bundled integrations, built to JavaScript with type declarations. `port-tide` imports inside the
 * repository resolve to the sources through tsconfig.json's `paths`, so the bundled integrations share
 * the core's chunks. Runtime dependencies stay external (tsup leaves every dependency and peer
 * unbundled); kafkajs, better-sqlite3 and tsx are loaded by name when a run needs them
 * (emulator/optional.ts). `npm run build` then adds the web UI's client, prebuilt, in dist/ui-assets/
 * (scripts/build-ui.ts).
 */
const INTEGRATIONS = readdirSync('integrations', { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

const PUBLIC = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  node: 'adapters/node/index.ts',
  cloudflare: 'adapters/cloudflare/index.ts',
  deno: 'adapters/deno/index.ts',
  emulator: 'emulator/index.ts',
};

export default defineConfig({
  entry: {
    ...PUBLIC,
    tide: 'adapters/node/cli/main.ts',
    ...Object.fromEntries(INTEGRATIONS.map((name) => [`integrations/${name}/index`, `integrations/${name}/index.ts`])),
  },
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  splitting: true,
  // cloudflare:* is workerd's; esbuild builds the web UI's client from source only (the package ships it prebuilt).
  external: [/^cloudflare:/, 'esbuild'],
  // Declarations only: the type check is `npm run typecheck` (tsc, and deno check for the Deno adapter,
  // whose `Deno` globals the Node compiler does not know).
  dts: { entry: PUBLIC, compilerOptions: { noCheck: true } },
  sourcemap: false,
  clean: true,
  // A bundled integration is a folder: its built entry beside its `.port/` files.
  onSuccess: async () => {
    for (const name of INTEGRATIONS) cpSync(`integrations/${name}/.port`, `dist/integrations/${name}/.port`, { recursive: true });
  },
});
