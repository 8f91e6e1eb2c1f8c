/**
 * Runs the runtime contract on Deno (runtime-contract.deno-test.ts) with the real deno binary, against
 * a real emulator of its own, started here in Node on loopback (the suite resets it before each check).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from '../../emulator/index.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
const CREDENTIALS = { clientId: 'deno-contract-client', clientSecret: 'deno-contract-secret-0c4a' };
/** A bound on the deno process (loading the core on a loaded 2-core machine takes a while). */
const PROCESS_TIMEOUT_MS = 240_000;
/** The checks of src/testing/runtime-contract.ts. */
const CHECKS = 8;

let emulator: PortEmulator;
let url: string;
beforeAll(async () => {
  emulator = createPortEmulator({ credentials: [CREDENTIALS] });
  url = await emulator.listen(0);
});
afterAll(async () => {
  await emulator?.close();
});

function denoTest(file: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(OCEAN__|APPLICATION__)/.test(e[0])));
    const child = spawn(DENO, ['test', '-A', '--no-check', '--config', join(ROOT, 'adapters', 'deno', 'deno.json'), file], {
      cwd: ROOT,
      env: { ...clean, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    const timer = setTimeout(() => {
      out += `\n[runtime-contract.test.ts] killed after ${PROCESS_TIMEOUT_MS} ms`;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, PROCESS_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

describe('runtime contract on Deno (serve(), real deno binary, real emulator)', { timeout: PROCESS_TIMEOUT_MS + 30_000 }, () => {
  it(`all ${CHECKS} checks pass under deno test`, async () => {
    const r = await denoTest('adapters/deno/runtime-contract.deno-test.ts', {
      TIDE_CONTRACT_PORT_URL: url,
      TIDE_CONTRACT_CLIENT_ID: CREDENTIALS.clientId,
      TIDE_CONTRACT_CLIENT_SECRET: CREDENTIALS.clientSecret,
    });
    // Deno prints one `… ok` / `… FAILED` line per check; the summary counts them.
    expect(r.out).toMatch(new RegExp(`ok \\| ${CHECKS} passed \\| 0 failed`));
    expect(r.code, r.out).toBe(0);
  });
});
