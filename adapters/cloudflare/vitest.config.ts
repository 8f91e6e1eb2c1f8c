/**
 * The workerd suite: tests run inside workerd (@cloudflare/vitest-pool-workers) against the Worker of the
 * root wrangler.toml, which talks over loopback to a real Port emulator started in Node by global-setup.ts.
 *   npx vitest run --config adapters/cloudflare/vitest.config.ts
 */
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../scripts/source-paths.ts';
import { CLIENT_ID, CLIENT_SECRET, IDENTIFIER, PERSONS_PER_DEPARTMENT } from './test/constants.ts';

// The repository root: modules outside the root (node_modules' jq.wasm) would get /@fs/ paths the pool cannot load.
const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: sourceAliases() },
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: fileURLToPath(new URL('../../wrangler.toml', import.meta.url)) },
      miniflare: {
        bindings: {
          OCEAN__PORT__BASE_URL: inject('emulatorUrl'),
          OCEAN__PORT__CLIENT_ID: CLIENT_ID,
          OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
          OCEAN__INTEGRATION__IDENTIFIER: IDENTIFIER,
          OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(PERSONS_PER_DEPARTMENT),
          OCEAN__BASE_URL: 'https://tide-fake.example.workers.dev',
          TIDE_STEP_MAX_ITEMS: '2000',
        },
      },
    })),
  ],
  test: {
    name: 'workers',
    dir: root,
    include: ['adapters/cloudflare/test/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('./test/global-setup.ts', import.meta.url))],
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
