#!/usr/bin/env node
/**
 * The `tide` entry point: bin `tide` (and `port-tide`) of the package, built to dist/tide.js; from a
 * checkout, `npm run tide -- <args>` runs it under tsx. It runs every command in this process, so a
 * signal sent to it (`docker stop`, Ctrl-C) reaches the graceful shutdown. Commands and flags: program.ts.
 */
import { setFlagsFromString } from 'node:v8';

// Set before any WebAssembly is compiled (bench/cli-memory.ts measures both): jq-wasm compiled by V8's
// baseline compiler only, which maps as fast here and keeps about 30 MB less resident; and a young
// generation that does not grow, since Tide's allocations are short-lived pages.
setFlagsFromString('--liftoff-only');
setFlagsFromString('--semi-space-growth-factor=1');

const { main } = await import('./program.ts');
await main(process.argv.slice(2));
