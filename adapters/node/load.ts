import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { loadIntegrationFolder as loadFolder, type FolderReader, type IntegrationFolder } from '../../src/runtime/index.ts';

export type { IntegrationFolder } from '../../src/runtime/index.ts';

/** The core's folder reads, on node:fs. */
export const nodeFiles: FolderReader = {
  resolve: (path, base) => resolve(base ?? process.cwd(), path),
  readText: (path) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined),
  listFiles: (path) =>
    existsSync(path) && statSync(path).isDirectory()
      ? readdirSync(path, { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => e.name)
      : undefined,
};

/** An integration folder's `.port/` files and nearest package.json, parsed (`dir` relative to the working directory). */
export function loadIntegrationFolder(dir: string): IntegrationFolder {
  return loadFolder(nodeFiles, dir);
}

/** `process.env` over the working directory's `.env` (the process wins); empty values count as unset later. */
export function readEnvironment(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const text = nodeFiles.readText(join(cwd, '.env'));
  return { ...(text === undefined ? {} : parseEnv(text)), ...env };
}

/** The working directory's `config.yaml` text, if any. */
export function readConfigYaml(cwd = process.cwd()): string | undefined {
  return nodeFiles.readText(join(cwd, 'config.yaml'));
}
