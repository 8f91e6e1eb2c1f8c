/**
 * The `package` project's start: `npm pack` of this repository (its `prepack` builds dist/ with tsup) into a
 * fresh folder outside the repository, and the tarball installed there as a new user installs it, from
 * npm's cache where it can (`--prefer-offline`: after `npm ci` the cache holds every dependency the
 * tarball names). The folder's paths reach the tests through `inject`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { NPM_QUIET, REPO } from './support.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The temporary folder outside the repository holding the tarball and the installs. */
    packageRoot: string;
    /** The packed tarball. */
    tarball: string;
    /** A folder where `npm install <tarball>` ran: only port-tide and its dependencies. */
    userDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'tide-package-'));
  execFileSync('npm', ['pack', '--pack-destination', root, ...NPM_QUIET], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(root, readdirSync(root).find((f) => f.endsWith('.tgz'))!);
  const userDir = join(root, 'user');
  mkdirSync(userDir);
  writeFileSync(join(userDir, 'package.json'), `${JSON.stringify({ name: 'tide-user', private: true }, null, 2)}\n`);
  execFileSync('npm', ['install', '--prefer-offline', ...NPM_QUIET, tarball], { cwd: userDir, stdio: ['ignore', 'ignore', 'inherit'] });
  project.provide('packageRoot', root);
  project.provide('tarball', tarball);
  project.provide('userDir', userDir);
  return () => rmSync(root, { recursive: true, force: true });
}
