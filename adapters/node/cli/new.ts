/**
 * `tide new <name> [--dir D] [--description T]` (OCEAN-BEHAVIOUR.md §8.1): scaffold an integration
 * folder without a single prompt, and never with a secret. Inside a Tide checkout the files import Tide
 * by relative path (so they run from source); elsewhere they import the `tide` package.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { TIDE_VERSION } from '../../../src/runtime/index.ts';
import { CliError } from './context.ts';
import { templateFiles } from './new-template.ts';

export interface NewOptions {
  dir?: string;
  description?: string;
}

/** The root of the Tide checkout containing `dir`, if any: a package.json named `tide` beside `src/testing/`. */
export function tideCheckoutOf(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg)) {
      try {
        const name = (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name;
        if (name === 'tide' && existsSync(join(d, 'src', 'testing', 'index.ts'))) return d;
      } catch {
        // An unreadable package.json is not Tide's.
      }
    }
    if (dirname(d) === d) return undefined;
  }
}

function specifier(from: string, to: string): string {
  const rel = relative(from, to).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** Write the scaffold; returns the folder and the files written. */
export function runNew(name: string, opts: NewOptions, cwd: string): { dir: string; files: string[]; inCheckout: boolean } {
  if (!/^[a-z][a-z0-9-]*$/.test(name) || name.endsWith('-')) {
    throw new CliError(`[tide] invalid integration name "${name}": use lowercase letters, digits and "-", starting with a letter (it becomes the Port integration type)`, 2);
  }
  const dir = resolve(cwd, opts.dir ?? name);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new CliError(`[tide] ${dir} already exists and is not empty; choose another --dir`, 1);
  const checkout = tideCheckoutOf(dirname(dir));
  const files = templateFiles({
    name,
    description: opts.description ?? `The ${name} integration for Port, built with Tide.`,
    tideImport: checkout ? specifier(dir, join(checkout, 'src', 'index.ts')) : 'tide',
    testingImport: checkout ? specifier(dir, join(checkout, 'src', 'testing', 'index.ts')) : 'tide/testing',
  });
  if (!checkout) {
    // Outside a checkout the folder is its own package: tide and vitest come from npm.
    files['package.json'] = `${JSON.stringify(
      { name, version: '0.1.0', private: true, type: 'module', scripts: { start: 'tide sail .', test: 'vitest run' }, dependencies: { tide: `^${TIDE_VERSION}` }, devDependencies: { vitest: '^4.1.0', tsx: '^4.20.0' } },
      null,
      2,
    )}\n`;
  }
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
  }
  return { dir, files: Object.keys(files), inCheckout: checkout !== undefined };
}
