/**
 * SIGTERM on a real process running `sail()` with `handleSignals`: the running resync is reported
 * `aborted` and the process exits on its own. (The in-process tests call `stop()` instead.)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestPort, tempCwd, waitFor, type TestPort } from './test-support.ts';

let port: TestPort;
let cwd: ReturnType<typeof tempCwd>;
beforeEach(async () => {
  port = await startTestPort();
  cwd = tempCwd();
});
afterEach(async () => {
  await port.emulator.close();
  cwd.remove();
});

it('SIGTERM during a long resync reports it aborted, stops, and exits 0', async () => {
  const sailModule = fileURLToPath(new URL('./sail.ts', import.meta.url));
  const script = `import { sail } from ${JSON.stringify(sailModule)};
    await sail({ integration: 'fake', cwd: ${JSON.stringify(cwd.dir)}, httpPort: 0, handleSignals: true });`;
  const env = port.env({ OCEAN__EVENT_LISTENER__TYPE: 'POLLING', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '60000' });
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await waitFor('the resync on start to be running', async () => (await port.integration('fake-node'))?.resyncState?.status === 'running');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  expect((await port.integration('fake-node')).resyncState.status).toBe('aborted');
  expect(output).toContain('SIGTERM: shutting down');
});
