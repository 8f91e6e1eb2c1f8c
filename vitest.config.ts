import { configDefaults, defineConfig } from 'vitest/config';
import { sourceAliases } from './scripts/source-paths.ts';

// `port-tide` imports run the sources, in every project.
const resolve = { alias: sourceAliases() };

export default defineConfig({
  test: {
    // The JSON report gives `.ci/run` its plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    projects: [
      {
        resolve,
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'emulator/**/*.test.ts', 'adapters/node/**/*.test.ts', 'integrations/**/*.test.ts', 'docs/**/*.test.ts', 'deploy/**/*.test.ts', 'adapters/cloudflare/scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.kafka.test.ts', '**/*.ui.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Faults, kills, hostile input and load against `tide sail` (chaos/); prints the scenario table.
        resolve,
        test: {
          name: 'chaos',
          environment: 'node',
          include: ['chaos/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 30_000,
        },
      },
      // workerd through @cloudflare/vitest-pool-workers, talking to the emulator in Node.
      { extends: 'adapters/cloudflare/vitest.config.ts' },
      {
        // The real `deno` binary (npm package) running the core against the emulator.
        resolve,
        test: {
          name: 'deno',
          environment: 'node',
          include: ['adapters/deno/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 30_000,
        },
      },
      {
        // The packed package installed outside the repository, used as a new user uses it (package/).
        resolve,
        test: {
          name: 'package',
          environment: 'node',
          include: ['package/**/*.test.ts'],
          globalSetup: ['package/global-setup.ts'],
          // One install folder, used in turn.
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The local Port's web UI in Debian's Chromium, driven by playwright-core.
        resolve,
        test: {
          name: 'ui',
          environment: 'node',
          include: ['**/*.ui.test.ts'],
          exclude: [...configDefaults.exclude],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // A real Kafka broker (KRaft, Java 17, jars fetched from Maven Central on first use).
        resolve,
        test: {
          name: 'kafka',
          environment: 'node',
          include: ['adapters/node/**/*.kafka.test.ts'],
          globalSetup: ['scripts/kafka/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          env: { KAFKAJS_NO_PARTITIONER_WARNING: '1' },
        },
      },
    ],
  },
});
