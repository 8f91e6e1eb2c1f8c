/**
 * `tide port-local [flags]` and `tide ui [flags]`: the local Port emulator as a standalone server with its
 * web UI and the mapping playground; every flag goes to `runPortLocal` unchanged (`--port`, `--db`,
 * `--rate-limits`, …, see docs/port-api.md §13). Imported lazily so that no other command loads SQLite.
 */
import { CliError } from './context.ts';

export async function runPortLocalCommand(argv: string[]): Promise<void> {
  const { runLocalPort } = await import('./ui.ts');
  try {
    await runLocalPort(argv);
  } catch (error) {
    // Expected failures (a missing optional package, a port in use) are one line, not a stack.
    throw new CliError(`[tide] port-local: ${(error instanceof Error ? error.message : String(error)).replace(/^\[tide\]\s*/, '')}`, 1);
  }
}
