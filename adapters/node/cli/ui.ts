/**
 * The local Port's mapping playground wired to Tide's own mapping engine: `tide port-local`,
 * `npm run port-local` and `tide ui` start the emulator with the core's resource previewer, so the
 * playground shows exactly what a resync and `tide map` compute.
 */
import type { PlaygroundEvaluator } from '../../../emulator/index.ts';
import { createResourcePreviewer } from '../../../src/runtime/index.ts';

export function createPlaygroundEvaluator(): PlaygroundEvaluator {
  return createResourcePreviewer();
}

/** `tide port-local [flags]` and `tide ui [--db FILE] [--port N] [flags]`: the emulator with the playground. */
export async function runLocalPort(argv: string[]): Promise<void> {
  const { runPortLocal } = await import('../../../emulator/cli.ts');
  await runPortLocal(argv, { ui: { evaluate: createPlaygroundEvaluator() } });
}
