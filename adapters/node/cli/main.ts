/**
 * The `tide` entry point (bin `tide`; `npm run tide -- <args>` from a checkout runs it under tsx). The
 * build adds the `#!/usr/bin/env node` line. Commands and flags: program.ts.
 */
import { main } from './program.ts';

await main(process.argv.slice(2));
