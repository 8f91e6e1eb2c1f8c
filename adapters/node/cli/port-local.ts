/**
 * `tide port-local [flags]`: the local Port emulator as a standalone server; every flag goes to
 * `runPortLocal` unchanged (`--port`, `--db`, `--rate-limits`, …, see PORT-API). Imported lazily so that
 * no other command loads SQLite.
 */
export async function runPortLocalCommand(argv: string[]): Promise<void> {
  const { runPortLocal } = await import('../../../emulator/cli.ts');
  await runPortLocal(argv);
}
