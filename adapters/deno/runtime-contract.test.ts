/**
 * Runs the runtime contract on Deno (runtime-contract.deno-test.ts) with the real deno binary, against
 * a real emulator of its own, started here in Node on loopback (the suite resets it before each check).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { DENO_CONFIG, output, runDeno } from './test-support.ts';

const CREDENTIALS = { clientId: 'deno-contract-client', clientSecret: 'deno-contract-secret-0c4a' };
/** A bound on the deno process (loading the core on a loaded 2-core machine takes a while). */
const PROCESS_TIMEOUT_MS = 240_000;
/** The checks of src/testing/runtime-contract.ts. */
const CHECKS = 11;

let emulator: PortEmulator;
let url: string;
beforeAll(async () => {
  emulator = createPortEmulator({ credentials: [CREDENTIALS] });
  url = await emulator.listen(0);
});
afterAll(async () => {
  await emulator?.close();
});

describe('runtime contract on Deno (serve(), real deno binary, real emulator)', { timeout: PROCESS_TIMEOUT_MS + 30_000 }, () => {
  it(`all ${CHECKS} checks pass under deno test`, async () => {
    const r = await runDeno(['test', '-A', '--no-check', '--config', DENO_CONFIG, 'adapters/deno/runtime-contract.deno-test.ts'], {
      timeoutMs: PROCESS_TIMEOUT_MS,
      env: {
        TIDE_CONTRACT_PORT_URL: url,
        TIDE_CONTRACT_CLIENT_ID: CREDENTIALS.clientId,
        TIDE_CONTRACT_CLIENT_SECRET: CREDENTIALS.clientSecret,
      },
    });
    // Deno prints one `… ok` / `… FAILED` line per check; the summary counts them.
    expect(r.stdout, output(r)).toMatch(new RegExp(`ok \\| ${CHECKS} passed \\| 0 failed`));
    expect(r.code, output(r)).toBe(0);
  });
});
