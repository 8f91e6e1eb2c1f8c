/**
 * Runs the CLI as users do: a subprocess (`tsx adapters/node/cli/main.ts …`) in a temp working directory,
 * with an environment free of the caller's OCEAN__/APPLICATION__ settings. Asynchronous on purpose: the
 * tests' loopback emulator lives in this process and must keep answering while the CLI runs.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = `${REPO}node_modules/.bin/tsx`;
// tsx reads the repository's tsconfig (its `paths` resolve `port-tide` to the sources) whatever the working directory.
const TSCONFIG = `${REPO}tsconfig.json`;
const MAIN = `${REPO}adapters/node/cli/main.ts`;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A clean env: PATH and HOME kept, every Tide/Ocean setting dropped, `extra` added. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const kept = Object.entries(process.env).filter(
    (e): e is [string, string] => typeof e[1] === 'string' && !/^(OCEAN__|APPLICATION__|CI$|FORCE_COLOR$|NO_COLOR$)/i.test(e[0]),
  );
  return { ...Object.fromEntries(kept), TSX_TSCONFIG_PATH: TSCONFIG, ...extra };
}

export function tide(args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number }): Promise<CliRun> {
  return runProcess(TSX, [MAIN, ...args], opts);
}

export function runProcess(file: string, args: string[], opts: { cwd: string; env?: Record<string, string>; input?: string; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { cwd: opts.cwd, env: cleanEnv(opts.env), timeout: opts.timeoutMs ?? 60_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}
