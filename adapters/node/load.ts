import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parseSpecText, type IntegrationSpec } from '../../src/config/index.ts';
import { emptyResources, parsePortResources, type PortResources } from '../../src/defaults/index.ts';

/**
 * What Tide reads from disk on Node: an integration folder's `.port/` files, the nearest package.json
 * (type and version fallbacks), and the environment (`process.env` over `./.env`) and `./config.yaml`
 * of the working directory. The core gets plain values; only this file touches the file system.
 */
export interface IntegrationFolder {
  dir: string;
  spec: IntegrationSpec | undefined;
  resources: PortResources;
  /** `name` (scope removed, lowercase) and `version` of the nearest package.json. */
  packageJson: { type?: string; version?: string };
}

const SPEC_FILES = ['spec.json', 'spec.yaml', 'spec.yml'];

export function loadIntegrationFolder(dir: string): IntegrationFolder {
  const root = resolve(dir);
  const portDir = join(root, '.port');
  const specFile = SPEC_FILES.map((f) => join(portDir, f)).find((f) => existsSync(f));
  const spec = specFile ? parseSpecText(readFileSync(specFile, 'utf8'), `.port/${specFile.slice(portDir.length + 1)}`) : undefined;
  const resourcesDir = join(portDir, 'resources');
  const resources = existsSync(resourcesDir)
    ? parsePortResources(
        readdirSync(resourcesDir, { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => ({ name: e.name, text: readFileSync(join(resourcesDir, e.name), 'utf8') })),
        `${dir.replace(/\/+$/, '')}/.port/resources`,
      )
    : emptyResources();
  return { dir: root, spec, resources, packageJson: nearestPackageJson(root) };
}

function nearestPackageJson(start: string): { type?: string; version?: string } {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      return { type: pkg.name?.replace(/^@[^/]+\//, '').toLowerCase(), version: pkg.version };
    }
    if (dirname(dir) === dir) return {};
  }
}

/** `process.env` over the working directory's `.env` (the process wins); empty values count as unset later. */
export function readEnvironment(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = join(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...env };
}

/** The working directory's `config.yaml` text, if any. */
export function readConfigYaml(cwd = process.cwd()): string | undefined {
  const file = join(cwd, 'config.yaml');
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
