/**
 * `tide map <integration> --kind K [--index I] [--input FILE] [--mapping FILE] [--json | --engines [--explain]]`:
 * the mapping preview and debugger (docs/behaviour.md §8.2), run by the core's `previewMapping`. It never writes to
 * Port, and says on stderr which mapping it used. With `--input` and `--mapping` it reads only those files and the
 * integration's folder: no Port, no embedded emulator, no `.tide/`. Without `--input` it takes the first page of the
 * kind's own handler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { MapPreviewError, mappingEngines, parseRawItems, previewJson, previewMapping, previewText, type MapPreviewInput } from '../../../src/runtime/index.ts';
import { CliError, environment, loadIntegration, settingsFor, type LoadedIntegration } from './context.ts';

export interface MapOptions {
  kind: string;
  index?: number;
  input?: string;
  mapping?: string;
  json?: boolean;
  engines?: boolean;
  explain?: boolean;
}

function readText(file: string, cwd: string, what: string): string {
  try {
    return file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new CliError(`[tide] cannot read ${what} ${file}: ${(error as Error).message}`, 2);
  }
}

/** The shipped mapping's file as the user would type it (relative to the working directory when inside it). */
function shippedFile(loaded: LoadedIntegration, cwd: string): string | undefined {
  for (const ext of ['yml', 'yaml', 'json']) {
    const file = join(loaded.dir, '.port', 'resources', `port-app-config.${ext}`);
    if (!existsSync(file)) continue;
    const rel = relative(cwd, file);
    return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
  }
  return undefined;
}

export async function runMap(integration: string, opts: MapOptions, cwd: string, write: (text: string) => void, writeErr: (line: string) => void): Promise<number> {
  if (opts.explain && !opts.engines) throw new CliError('[tide] --explain goes with --engines', 2);
  const loaded = await loadIntegration(integration, cwd);
  const input: MapPreviewInput = {
    definition: loaded.definition,
    name: loaded.name,
    kind: opts.kind,
    index: opts.index,
    mapping: opts.mapping === undefined ? undefined : () => ({ text: readText(opts.mapping!, cwd, 'mapping'), source: opts.mapping! }),
    items: opts.input === undefined ? undefined : () => parseRawItems(readText(opts.input!, cwd, 'input'), opts.input!),
    settings: () => settingsFor(loaded, cwd).settings,
    env: environment(cwd),
    shippedSource: shippedFile(loaded, cwd),
    detail: !opts.json,
  };
  try {
    if (opts.engines) {
      const engines = await mappingEngines(input, opts.explain === true);
      writeErr(`[tide] map: using ${engines.mappingSource}`);
      write(engines.text);
      return 0;
    }
    const preview = await previewMapping(input);
    writeErr(`[tide] map: using ${preview.mappingSource}`);
    write(opts.json ? previewJson(preview) : previewText(preview));
    return preview.exitCode;
  } catch (error) {
    if (error instanceof MapPreviewError) throw new CliError(error.message, error.exitCode);
    throw error;
  }
}
