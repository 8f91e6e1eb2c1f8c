import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The JSON report gives `.ci/run` its plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'emulator/**/*.test.ts', 'adapters/node/**/*.test.ts', 'integrations/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
