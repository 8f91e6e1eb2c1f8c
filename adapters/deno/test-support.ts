/**
 * Node-side test support: run the real deno binary (the `deno` npm package) from the repository root,
 * with a clean environment and a bound on its run time. Used by the vitest files of the `deno` project.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
export const DENO_CONFIG = join(ROOT, 'adapters', 'deno', 'deno.json');
/** A bound on one contract's deno process (loading the core on a loaded 2-core machine takes a while). */
const PROCESS_TIMEOUT_MS = 240_000;

export interface DenoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunDenoOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the process group after this long (loading the core on a loaded 2-core box takes a while). */
  timeoutMs: number;
  /** Called with stdout as it grows; return true to stop calling. */
  onStdout?: (soFar: string, child: ReturnType<typeof spawn>) => boolean | void;
}

/** The parent's environment without Tide's settings or test variables, so only `env` configures the run. */
function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(OCEAN__|APPLICATION__|TIDE_TEST_|TIDE_CONTRACT_)/.test(k)) out[k] = v;
  }
  return { ...out, NO_COLOR: '1' };
}

export function runDeno(args: string[], o: RunDenoOptions): Promise<DenoRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(DENO, args, { cwd: o.cwd ?? ROOT, env: { ...baseEnv(), ...o.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let watching = true;
    const timer = setTimeout(() => {
      stderr += `\n[run-deno] killed after ${o.timeoutMs} ms`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, o.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (watching && o.onStdout?.(stdout, child)) watching = false;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** A run's exit and output, for assertion messages. */
export const output = (r: DenoRun) => `exit ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

export interface DenoContractOptions {
  /** The `deno test` file that registers the contract's checks (it reads TIDE_CONTRACT_* for the emulator). */
  file: string;
  /** How many checks it registers: the summary must count exactly these, all passed. */
  checks: number;
  credentials: { clientId: string; clientSecret: string };
}

/**
 * A contract suite (src/testing/) run by the real deno binary against a real emulator of its own, started here
 * in Node on loopback (the suite resets it before each check): one vitest test, green when every check is.
 */
export function denoContractSuite(title: string, o: DenoContractOptions): void {
  let emulator: PortEmulator;
  let url: string;
  beforeAll(async () => {
    emulator = createPortEmulator({ credentials: [o.credentials] });
    url = await emulator.listen(0);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  describe(title, { timeout: PROCESS_TIMEOUT_MS + 30_000 }, () => {
    it(`all ${o.checks} checks pass under deno test`, async () => {
      const r = await runDeno(['test', '-A', '--no-check', '--config', DENO_CONFIG, o.file], {
        timeoutMs: PROCESS_TIMEOUT_MS,
        env: {
          TIDE_CONTRACT_PORT_URL: url,
          TIDE_CONTRACT_CLIENT_ID: o.credentials.clientId,
          TIDE_CONTRACT_CLIENT_SECRET: o.credentials.clientSecret,
        },
      });
      // Deno prints one `… ok` / `… FAILED` line per check; the summary counts them.
      expect(r.stdout, output(r)).toMatch(new RegExp(`ok \\| ${o.checks} passed \\| 0 failed`));
      expect(r.code, output(r)).toBe(0);
    });
  });
}
