/**
 * What the `package` project's tests share: the repository's own tools (its wrangler and deno, so that a
 * generated project need not install a second 119 MB workerd) and running a command with a clean
 * environment: nothing of the repository's (no tsx tsconfig, no settings) reaches the installed package.
 * A remote Port is the Node adapter's test Port (an emulator on loopback).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];
/** The repository's wrangler and deno binaries (devDependencies here, never runtime dependencies of port-tide). */
export const WRANGLER = [process.execPath, join(REPO, 'node_modules/wrangler/bin/wrangler.js')];
export const DENO = join(REPO, 'node_modules/.bin/deno');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment without Tide's settings or CI markers, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const kept = Object.entries(process.env).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && !/^(OCEAN__|APPLICATION__|TSX_|NODE_OPTIONS$|VITEST|npm_)/i.test(e[0]),
  );
  return { ...Object.fromEntries(kept), WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1', ...extra };
}

export interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<Run>;
}

/** Start `command args` in `cwd`; `exited` resolves with its status and output (killed after `timeoutMs`). */
export function start(command: string, args: string[], o: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Started {
  const child = spawn(command, args, { cwd: o.cwd, env: cleanEnv(o.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 300_000);
  const exited = new Promise<Run>((done) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // Let the pipes drain.
      setImmediate(() => done({ code, signal, stdout, stderr }));
    }),
  );
  return { child, output: () => stdout + stderr, exited };
}

/** Run `command args` to the end. */
export function run(command: string, args: string[], o: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<Run> {
  return start(command, args, o).exited;
}

export { startTestPort, tempCwd, waitFor, type TestPort } from '../adapters/node/test-support.ts';
