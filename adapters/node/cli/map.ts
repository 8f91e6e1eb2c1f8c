/**
 * `tide map <integration> --kind K [--index I] [--input FILE] [--mapping FILE] [--json]`: the mapping
 * preview and debugger (docs/behaviour.md §8.2), run by the core's `previewMapping`. It never writes to
 * Port. With `--input` and `--mapping` it reads only those files and the integration's folder: no Port,
 * no embedded emulator, no `.tide/`. Without `--input` it takes the first page of the kind's own handler.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MapPreviewError, parseRawItems, previewJson, previewMapping, previewText } from '../../../src/runtime/index.ts';
import { CliError, environment, loadIntegration, settingsFor } from './context.ts';

export interface MapOptions {
  kind: string;
  index?: number;
  input?: string;
  mapping?: string;
  json?: boolean;
}

function readText(file: string, cwd: string, what: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`[tide] cannot read ${what} ${file}: ${(error as Error).message}`, 2);
  }
}

export async function runMap(integration: string, opts: MapOptions, cwd: string, write: (text: string) => void): Promise<number> {
  const loaded = await loadIntegration(integration, cwd);
  try {
    const preview = await previewMapping({
      definition: loaded.definition,
      name: loaded.name,
      kind: opts.kind,
      index: opts.index,
      mapping: opts.mapping === undefined ? undefined : () => ({ text: readText(opts.mapping!, cwd, 'mapping'), source: opts.mapping! }),
      items: opts.input === undefined ? undefined : () => parseRawItems(readText(opts.input!, cwd, 'input'), opts.input!),
      settings: () => settingsFor(loaded, cwd).settings,
      env: environment(cwd),
    });
    write(opts.json ? previewJson(preview) : previewText(preview));
    return preview.exitCode;
  } catch (error) {
    if (error instanceof MapPreviewError) throw new CliError(error.message, error.exitCode);
    throw error;
  }
}
