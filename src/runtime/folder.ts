/**
 * An integration folder (`.port/spec.*`, `.port/resources/*`, the nearest package.json) read through a
 * runtime's file reader: node:fs on Node, Deno's file API on Deno, text bundled into the Worker on
 * Workers. One parser for every runtime; only the reads differ.
 */
import { parseSpecText, type IntegrationSpec } from '../config/index.ts';
import { emptyResources, parsePortResources, type PortResources } from '../defaults/index.ts';
import type { IntegrationDefinition } from '../integration/index.ts';

/** Synchronous reads of a runtime's files. Paths are the reader's own (absolute after `resolve`). */
export interface FolderReader {
  /** `path` made absolute against `base` (default: the working directory). */
  resolve(path: string, base?: string): string;
  /** The text of a file, or `undefined` when there is none. */
  readText(path: string): string | undefined;
  /** The names of the regular files in a folder, or `undefined` when there is no such folder. */
  listFiles(path: string): string[] | undefined;
}

/**
 * A {@link FolderReader} from a runtime's synchronous file calls: a path that is missing, or not a file (not a
 * folder), reads as `undefined` where `isMissing(error)` says so.
 */
export function createFolderReader(fs: {
  resolve: FolderReader['resolve'];
  readText(path: string): string;
  listFiles(path: string): string[];
  isMissing(error: unknown): boolean;
}): FolderReader {
  const orMissing = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (fs.isMissing(error)) return undefined;
      throw error;
    }
  };
  return { resolve: fs.resolve, readText: (path) => orMissing(() => fs.readText(path)), listFiles: (path) => orMissing(() => fs.listFiles(path)) };
}

/** The working directory's `config.yaml` text (docs/behaviour.md §2.3), if there is one. */
export function readConfigYaml(files: FolderReader, cwd: string): string | undefined {
  return files.readText(`${files.resolve(cwd)}/config.yaml`);
}

/** What an integration folder holds, parsed. */
export interface IntegrationFolder {
  dir: string;
  spec: IntegrationSpec | undefined;
  resources: PortResources;
  /** `name` (scope removed, lowercase) and `version` of the nearest package.json: type and version fallbacks. */
  packageJson: { type?: string; version?: string };
}

/**
 * An integration folder's `.port/` files bundled into a Worker (which has no file system): YAML as text (a
 * bundler's text module), JSON as text or already parsed (a bundler's JSON import).
 */
export interface PortFiles {
  spec?: string;
  resources?: Array<{ name: string; text: string } | { name: string; json: unknown }>;
}

const SPEC_FILES = ['spec.json', 'spec.yaml', 'spec.yml'];

/**
 * Read and parse the integration folder `dir`. Invalid files throw, naming the file.
 *
 * @example
 * const folder = loadIntegrationFolder(nodeFiles, 'integrations/fake');
 */
export function loadIntegrationFolder(files: FolderReader, dir: string): IntegrationFolder {
  const root = files.resolve(dir);
  const portDir = `${root}/.port`;
  let spec: IntegrationSpec | undefined;
  for (const name of SPEC_FILES) {
    const text = files.readText(`${portDir}/${name}`);
    if (text !== undefined) {
      spec = parseSpecText(text, `.port/${name}`);
      break;
    }
  }
  const names = files.listFiles(`${portDir}/resources`);
  const resources = names
    ? parsePortResources(
        names.map((name) => ({ name, text: files.readText(`${portDir}/resources/${name}`) ?? '' })),
        `${dir.replace(/[/\\]+$/, '')}/.port/resources`,
      )
    : emptyResources();
  return { dir: root, spec, resources, packageJson: nearestPackageJson(files, root) };
}

/** A folder from `.port/` files bundled as text (no package.json: the definition or spec names type and version). */
export function folderFromPortFiles(files: PortFiles = {}): IntegrationFolder {
  return {
    dir: '.',
    spec: files.spec ? parseSpecText(files.spec) : undefined,
    resources: files.resources ? parsePortResources(files.resources.map((f) => ('json' in f ? { name: f.name, text: JSON.stringify(f.json) } : f))) : emptyResources(),
    packageJson: {},
  };
}

/** The definition with its spec and resources filled from the folder; the definition's own win. */
export function withFolder<C>(definition: IntegrationDefinition<C>, folder: Partial<Pick<IntegrationFolder, 'spec' | 'resources'>>): IntegrationDefinition<C> {
  return { ...definition, spec: definition.spec ?? folder.spec, resources: definition.resources ?? folder.resources };
}

function nearestPackageJson(files: FolderReader, start: string): { type?: string; version?: string } {
  for (let dir = start; ; dir = parentOf(dir)) {
    const text = files.readText(`${dir}/package.json`);
    if (text !== undefined) {
      const pkg = JSON.parse(text) as { name?: string; version?: string };
      return { type: pkg.name?.replace(/^@[^/]+\//, '').toLowerCase(), version: pkg.version };
    }
    if (parentOf(dir) === dir) return {};
  }
}

/** The parent folder of an absolute path (`/` or `\` separated); the root is its own parent. */
function parentOf(dir: string): string {
  const trimmed = dir.replace(/[/\\]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (i < 0) return dir;
  if (i === 0) return '/';
  // `C:\` stays a root.
  return /^[A-Za-z]:$/.test(trimmed.slice(0, i)) ? `${trimmed.slice(0, i)}\\` : trimmed.slice(0, i);
}

/**
 * `path` made absolute against `cwd`, with `.` and `..` resolved (POSIX paths): for runtimes without
 * a path library of their own in reach.
 *
 * @example resolvePosix('/work', '../x/./y') // '/x/y'
 */
export function resolvePosix(cwd: string, path: string): string {
  const joined = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const part of joined.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
