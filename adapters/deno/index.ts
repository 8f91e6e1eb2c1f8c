/**
 * Tide on Deno (`port-tide/deno`): `serve(integration, { dir })` runs an integration the way `tide sail`
 * does, with `Deno.serve`, Deno's signals and state in Deno KV (`--unstable-kv`, or `"unstable": ["kv"]`
 * in deno.json).
 *
 * @example
 * import { serve } from 'port-tide/deno';
 * import integration from './index.ts';
 * const run = await serve(integration, { dir: import.meta.dirname, overrides: Deno.args.includes('--once') ? { eventListener: { type: 'ONCE' } } : undefined });
 * if (run.exitCode !== undefined) Deno.exit(run.exitCode);
 */
export { denoFiles, serve } from './serve.ts';
export type { DenoServeOptions, DenoServeResult } from './serve.ts';
export { createKvStateStore, openKvStateStore } from './kv-state-store.ts';
export type { ClosableStateStore, KvStateStoreOptions } from './kv-state-store.ts';
