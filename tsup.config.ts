import { defineConfig } from 'tsup';

// The published build: the core's public API (runtime-agnostic) and the emulator's command line.
export default defineConfig({
  entry: { index: 'src/index.ts', 'port-local': 'emulator/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  external: ['better-sqlite3', '@hono/node-server', 'hono', 'zod', 'yaml', 'p-limit', 'jq-wasm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
