/**
 * `--mapping FILE` / `OCEAN__MAPPING_FILE` (docs/behaviour.md §7.4): a mapping file that is this run's
 * mapping, so that it can live in git beside the deployment. Read through the runtime's files and checked
 * with the integration's selector schemas before Port is contacted; a bad file names itself and the field.
 */
import { parse as parseYaml } from 'yaml';
import type { IntegrationDefinition, RunMapping } from '../integration/index.ts';
import { MappingConfigError, parsePortAppConfig } from '../mapping/index.ts';
import { selectorSchemas } from '../sync/index.ts';
import type { FolderReader } from './folder.ts';

export class RunMappingError extends Error {
  override readonly name = 'RunMappingError';
}

/** The mapping in `path` (YAML or JSON, relative to `cwd`), validated; throws {@link RunMappingError}. */
export function readRunMapping(files: FolderReader, path: string, cwd: string, definition: IntegrationDefinition<any>): RunMapping {
  const text = files.readText(files.resolve(path, files.resolve(cwd)));
  if (text === undefined) throw new RunMappingError(`[tide] the mapping file ${path} does not exist (given with --mapping or OCEAN__MAPPING_FILE)`);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new RunMappingError(`[tide] ${path}: not valid YAML or JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RunMappingError(`[tide] ${path}: expected a mapping object with "resources"`);
  try {
    parsePortAppConfig(raw, { source: path, selectorSchemas: selectorSchemas(definition) });
  } catch (error) {
    if (error instanceof MappingConfigError) throw new RunMappingError(`[tide] ${error.message}`);
    throw error;
  }
  return { raw: raw as Record<string, unknown>, source: path };
}
