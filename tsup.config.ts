import { defineConfig } from 'tsup';

// The published library: the core's public API and the test helpers for integration authors (both
// runtime-agnostic), and the emulator's command line. The `tide` bin runs from source through tsx
// (bin/tide.js), because integrations are TypeScript folders it loads at run time.
export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', 'port-local': 'emulator/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'neutral',
  external: ['better-sqlite3', '@hono/node-server', 'hono', 'zod', 'yaml', 'p-limit', 'jq-wasm'],
  dts: { entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' } },
  sourcemap: true,
  clean: true,
});
