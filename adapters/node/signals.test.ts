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

/** Runs `script` (ES module source) under tsx from the repository root, in a process of its own under `env`. */
function spawnScript(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** `sail()` of the fake integration with `handleSignals`, in a process of its own under `env`. */
function sailProcess(env: Record<string, string>) {
  const sailModule = fileURLToPath(new URL('./sail.ts', import.meta.url));
  return spawnScript(
    `import { sail } from ${JSON.stringify(sailModule)};
    await sail({ integration: 'fake', cwd: ${JSON.stringify(cwd.dir)}, httpPort: 0, handleSignals: true });`,
    env,
  );
}

it('SIGTERM during a long resync reports it aborted, stops, and exits 0', async () => {
  const env = port.env({ OCEAN__EVENT_LISTENER__TYPE: 'POLLING', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '60000' });
  const { child, exited, output } = sailProcess(env);
  try {
    await waitFor('the resync on start to be running', async () => (await port.integration('fake-node'))?.resyncState?.status === 'running');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  expect((await port.integration('fake-node')).resyncState.status).toBe('aborted');
  expect(output()).toContain('SIGTERM: shutting down');
});

it('SIGTERM during an action run reports the run FAILURE as interrupted, then exits 0', async () => {
  const env = port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ACTIONS_ONLY', OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true', OCEAN__ACTIONS_PROCESSOR__POLL_CHECK_INTERVAL_SECONDS: '1' });
  const { body } = await port.admin('POST', '/actions/runs', { installationId: 'fake-node', type: 'fake_echo', executionProperties: { message: 'long', delayMs: 600_000 } });
  const id = body.run.id as string;
  const run = async () => (await port.admin('GET', `/runs/${id}`)).body.run;
  const { child, exited, output } = sailProcess(env);
  try {
    await waitFor('the run to be executing', async () => (await run()).logs.some((l: { message: string }) => l.message === 'echo: long'), 60_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const ended = await run();
  expect(ended.status).toBe('FAILURE');
  expect(ended.logs.map((l: { message: string }) => l.message)).toEqual(['echo: long', 'Interrupted: the integration shut down during the run']);
  expect(output()).toContain('SIGTERM: shutting down');
});

it('SIGTERM while integration code ignores its abort signal: past shutdownTimeout the process exits all the same, the resync reported aborted', async () => {
  const serveModule = fileURLToPath(new URL('./sail.ts', import.meta.url));
  const fakeModule = fileURLToPath(new URL('../../integrations/fake/index.ts', import.meta.url));
  const fakeDir = fileURLToPath(new URL('../../integrations/fake/', import.meta.url));
  // onResyncStart never ends and never looks at its signal.
  const script = `import { serve } from ${JSON.stringify(serveModule)};
    import fake from ${JSON.stringify(fakeModule)};
    const stubborn = { ...fake, onResyncStart: () => new Promise(() => {}) };
    await serve(stubborn, { dir: ${JSON.stringify(fakeDir)}, cwd: ${JSON.stringify(cwd.dir)}, httpPort: 0, handleSignals: true });`;
  const { child, exited, output } = spawnScript(script, port.env({ OCEAN__EVENT_LISTENER__TYPE: 'POLLING', OCEAN__SHUTDOWN_TIMEOUT: '1' }));
  try {
    await waitFor('the resync on start to be running', async () => (await port.integration('fake-node'))?.resyncState?.status === 'running');
    child.kill('SIGTERM');
    // A bound on the wait, not a timing assertion: without the deadline the process never exits.
    const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000))]);
    expect(code, output()).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  expect((await port.integration('fake-node')).resyncState.status).toBe('aborted');
  expect(output()).toMatch(/the running resync did not stop within [\d.]+ s of shutdown; it is reported aborted/);
}, 120_000);
