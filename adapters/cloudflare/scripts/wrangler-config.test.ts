/**
 * Every wrangler configuration in the repository points only to files and folders that exist: a
 * deployment that names a missing entry module or assets folder fails only when someone runs wrangler.
 * Read with wrangler's own parser; paths are relative to the configuration file, as wrangler takes them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { experimental_readRawConfig } from 'wrangler';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SKIP = new Set(['node_modules', '.git', '.wrangler', 'dist', '.tide', '.scratch', '.cache']);
const NAMES = new Set(['wrangler.toml', 'wrangler.json', 'wrangler.jsonc']);

function configFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (SKIP.has(name)) return [];
    if (statSync(path).isDirectory()) return configFiles(path);
    return NAMES.has(name) ? [path] : [];
  });
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Raw) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Every key of a configuration (top level or one environment) that wrangler reads as a path. */
function pathsOf(config: Raw, where: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const add = (key: string, value: unknown) => {
    for (const v of list(value)) if (typeof v === 'string') out.push([`${where}${key}`, v]);
  };
  add('main', config.main);
  add('tsconfig', config.tsconfig);
  add('base_dir', config.base_dir);
  add('build.cwd', obj(config.build)?.cwd);
  add('build.watch_dir', obj(config.build)?.watch_dir);
  add('site.bucket', obj(config.site)?.bucket);
  add('assets.directory', obj(config.assets)?.directory);
  for (const db of list(config.d1_databases)) add('d1_databases[].migrations_dir', obj(db)?.migrations_dir);
  for (const group of ['wasm_modules', 'text_blobs', 'data_blobs']) for (const [name, v] of Object.entries(obj(config[group]) ?? {})) add(`${group}.${name}`, v);
  return out;
}

describe("the repository's wrangler configurations", () => {
  const files = configFiles(ROOT);

  it('include the root wrangler.toml', () => {
    expect(files.map((f) => relative(ROOT, f))).toContain('wrangler.toml');
  });

  it.each(files.map((f) => [relative(ROOT, f), f]))('%s names only paths that exist', (_name, file) => {
    const { rawConfig } = experimental_readRawConfig({ config: file }) as { rawConfig: Raw };
    const paths = [...pathsOf(rawConfig, ''), ...Object.entries(obj(rawConfig.env) ?? {}).flatMap(([env, c]) => pathsOf(obj(c) ?? {}, `env.${env}.`))];
    expect(paths.length).toBeGreaterThan(0);
    const missing = paths.filter(([, path]) => !existsSync(resolve(dirname(file), path))).map(([key, path]) => `${key} = "${path}"`);
    expect(missing).toEqual([]);
  });
});
