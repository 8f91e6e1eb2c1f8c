/**
 * The package's identity in one table, kept in agreement: package.json's `exports` (what users import),
 * tsup's entries (what is built), tsconfig.json's `paths` (the sources that `port-tide` means inside the
 * repository for tsc, tsx, esbuild and, through scripts/source-paths.ts, vite) and the Deno import map.
 * And the dependencies: only what every user needs at run time.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import tsup from '../tsup.config.ts';
import { sourcePaths } from '../scripts/source-paths.ts';
import { TIDE_VERSION } from './version.ts';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
const pkg = read('package.json');
const SUBPATHS = ['.', './testing', './node', './cloudflare', './deno', './emulator'];
const specifier = (subpath: string) => (subpath === '.' ? 'port-tide' : `port-tide/${subpath.slice(2)}`);
const entryName = (subpath: string) => (subpath === '.' ? 'index' : subpath.slice(2));

describe('the package port-tide', () => {
  it('is named port-tide, ships the tide binary and its port-tide alias, and is built by npm pack', () => {
    expect(pkg.name).toBe('port-tide');
    expect(pkg.version).toBe(TIDE_VERSION);
    expect(pkg.bin).toEqual({ tide: './dist/tide.js', 'port-tide': './dist/tide.js' });
    expect(pkg.files).toEqual(['dist', 'README.md']);
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  it('exports each subpath as built JavaScript with declarations, each built by tsup', () => {
    expect(Object.keys(pkg.exports)).toEqual([...SUBPATHS, './package.json']);
    const entries = (tsup as { entry: Record<string, string> }).entry;
    for (const subpath of SUBPATHS) {
      expect(pkg.exports[subpath]).toEqual({ types: `./dist/${entryName(subpath)}.d.ts`, default: `./dist/${entryName(subpath)}.js` });
      expect(entries[entryName(subpath)], subpath).toBeDefined();
    }
    expect(entries.tide).toBe('adapters/node/cli/main.ts');
  });

  it('means the sources inside the repository, the same for tsc, tsx, esbuild, vite and Deno', () => {
    const entries = (tsup as { entry: Record<string, string> }).entry;
    const paths = sourcePaths();
    expect(Object.keys(paths)).toEqual(SUBPATHS.map(specifier));
    for (const subpath of SUBPATHS) expect(paths[specifier(subpath)], subpath).toBe(entries[entryName(subpath)]);
    const deno = read('adapters/deno/deno.json').imports as Record<string, string>;
    expect(Object.fromEntries(Object.entries(deno).map(([k, v]) => [k, v.replace(/^\.\.\/\.\.\//, '')]))).toEqual(paths);
  });

  it('depends at run time only on what every run needs; kafkajs is an optional peer; no build or test tool', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@hono/node-server', 'commander', 'hono', 'jq-wasm', 'p-limit', 'tsx', 'yaml', 'zod']);
    expect(pkg.peerDependencies).toEqual({ kafkajs: expect.any(String) });
    expect(pkg.peerDependenciesMeta).toEqual({ kafkajs: { optional: true } });
    for (const tool of ['wrangler', 'miniflare', 'deno', 'better-sqlite3', 'vitest', 'tsup']) expect(pkg.devDependencies[tool], tool).toBeDefined();
  });
});
