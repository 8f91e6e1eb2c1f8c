import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { createFolderReader, loadIntegrationFolder as loadFolder, readConfigYaml as readConfigFile, type FolderReader, type IntegrationFolder } from '../../src/runtime/index.ts';

export type { IntegrationFolder } from '../../src/runtime/index.ts';

/** The core's folder reads, on node:fs: a missing path, a folder read as a file or a file listed as a folder is `undefined`. */
export const nodeFiles: FolderReader = createFolderReader({
  resolve: (path, base) => resolve(base ?? process.cwd(), path),
  readText: (path) => readFileSync(path, 'utf8'),
  listFiles: (path) => readdirSync(path, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name),
  isMissing: (error) => ['ENOENT', 'EISDIR', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? ''),
});

/** An integration folder's `.port/` files and nearest package.json, parsed (`dir` relative to the working directory). */
export function loadIntegrationFolder(dir: string): IntegrationFolder {
  return loadFolder(nodeFiles, dir);
}

/** `process.env` over the working directory's `.env` (the process wins); empty values count as unset later. */
export function readEnvironment(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const text = nodeFiles.readText(join(cwd, '.env'));
  return { ...(text === undefined ? {} : parseEnv(text)), ...env };
}

/** The working directory's `config.yaml` text, if any (the core's reading, on node:fs). */
export const readConfigYaml = (cwd = process.cwd()): string | undefined => readConfigFile(nodeFiles, cwd);
