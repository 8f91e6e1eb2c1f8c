import { parseSpecText, type IntegrationSpec } from '../../src/config/index.ts';
import { emptyResources, parsePortResources, type PortResources } from '../../src/defaults/index.ts';

/**
 * What Tide reads from disk on Deno, with the same parsers as the Node adapter: an integration folder's
 * `.port/spec.(json|yaml|yml)` and `.port/resources/*`, and the nearest package.json (type and version
 * fallbacks). Needs `--allow-read`.
 */
export interface DenoIntegrationFolder {
  dir: string;
  spec: IntegrationSpec | undefined;
  resources: PortResources;
  packageJson: { type?: string; version?: string };
}

const SPEC_FILES = ['spec.json', 'spec.yaml', 'spec.yml'];

export async function loadIntegrationFolder(dir: string): Promise<DenoIntegrationFolder> {
  const root = absolute(dir);
  const portDir = `${root}/.port`;
  let spec: IntegrationSpec | undefined;
  for (const name of SPEC_FILES) {
    const text = await readIfExists(`${portDir}/${name}`);
    if (text !== undefined) {
      spec = parseSpecText(text, `.port/${name}`);
      break;
    }
  }
  let resources = emptyResources();
  const resourcesDir = `${portDir}/resources`;
  if (await isDirectory(resourcesDir)) {
    const files: Array<{ name: string; text: string }> = [];
    for await (const entry of Deno.readDir(resourcesDir)) {
      if (entry.isFile) files.push({ name: entry.name, text: await Deno.readTextFile(`${resourcesDir}/${entry.name}`) });
    }
    files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    resources = parsePortResources(files, `${dir.replace(/\/+$/, '')}/.port/resources`);
  }
  return { dir: root, spec, resources, packageJson: await nearestPackageJson(root) };
}

/** The text of `file`, or undefined when it does not exist. */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function nearestPackageJson(start: string): Promise<{ type?: string; version?: string }> {
  for (let dir = start; ; dir = parent(dir)) {
    const text = await readIfExists(`${dir}/package.json`);
    if (text !== undefined) {
      const pkg = JSON.parse(text) as { name?: string; version?: string };
      return { type: pkg.name?.replace(/^@[^/]+\//, '').toLowerCase(), version: pkg.version };
    }
    if (parent(dir) === dir) return {};
  }
}

/** `path` made absolute against the working directory, `.`/`..` resolved (POSIX paths). */
export function absolute(path: string): string {
  const joined = path.startsWith('/') ? path : `${Deno.cwd()}/${path}`;
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

function parent(dir: string): string {
  const i = dir.lastIndexOf('/');
  return i <= 0 ? '/' : dir.slice(0, i);
}
