/**
 * `tide port-local [flags]` and `tide ui [flags]`: the local Port emulator as a standalone server with its
 * web UI and the mapping playground; every flag goes to `runPortLocal` unchanged (`--port`, `--db`,
 * `--rate-limits`, …, see PORT-API). Imported lazily so that no other command loads SQLite.
 */
export async function runPortLocalCommand(argv: string[]): Promise<void> {
  const { runLocalPort } = await import('./ui.ts');
  await runLocalPort(argv);
}
