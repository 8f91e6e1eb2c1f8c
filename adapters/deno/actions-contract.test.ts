/**
 * Runs the actions contract on Deno (actions-contract.deno-test.ts) with the real deno binary, against a real
 * emulator of its own (the suite resets it before each check).
 */
import { denoContractSuite } from './test-support.ts';

denoContractSuite('actions contract on Deno (serve(), the agent in the deno process, real emulator)', {
  file: 'adapters/deno/actions-contract.deno-test.ts',
  // The checks of src/testing/actions-contract.ts.
  checks: 7,
  credentials: { clientId: 'deno-actions-client', clientSecret: 'deno-actions-secret-5e18' },
});
