/**
 * Runs the runtime contract on Deno (runtime-contract.deno-test.ts) with the real deno binary, against
 * a real emulator of its own (the suite resets it before each check).
 */
import { denoContractSuite } from './test-support.ts';

denoContractSuite('runtime contract on Deno (serve(), real deno binary, real emulator)', {
  file: 'adapters/deno/runtime-contract.deno-test.ts',
  // The checks of src/testing/runtime-contract.ts.
  checks: 13,
  credentials: { clientId: 'deno-contract-client', clientSecret: 'deno-contract-secret-0c4a' },
});
