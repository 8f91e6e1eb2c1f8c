/**
 * The packed `port-tide` installed into a folder outside the repository (global-setup.ts), used as a new
 * user uses it: `npx tide …` there. Nothing of the repository reaches these processes: the built package
 * runs with its production dependencies only, and neither optional peer (better-sqlite3, kafkajs) is
 * installed, so the runs that need them must say which package to install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { run, start, startTestPort, waitFor, type TestPort } from './support.ts';

const userDir = inject('userDir');
const npx = (args: string[], o: { cwd?: string; env?: Record<string, string> } = {}) => run('npx', ['--no', ...args], { cwd: o.cwd ?? userDir, env: o.env });

let port: TestPort;
let cwd: { dir: string };
beforeEach(async () => {
  port = await startTestPort();
  // A working folder of its own (.tide/, .env) inside the install folder, where npx finds the binary.
  cwd = { dir: mkdtempSync(join(userDir, 'run-')) };
});
afterEach(async () => {
  await port.emulator.close();
  rmSync(cwd.dir, { recursive: true, force: true });
});

describe('npm install port-tide', () => {
  it('installs the tide and port-tide binaries and only the runtime dependencies', async () => {
    const version = await npx(['tide', 'version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^Tide \d+\.\d+\.\d+ \(core\), Node /);
    const alias = await npx(['port-tide', 'version', '--short']);
    expect(alias.stdout.trim()).toBe(version.stdout.match(/Tide (\S+)/)![1]);

    const installed = readdirSync(join(userDir, 'node_modules'));
    for (const absent of ['better-sqlite3', 'kafkajs', 'wrangler', 'miniflare', 'deno', 'workerd', 'vitest', 'typescript']) expect(installed, absent).not.toContain(absent);
    const kib = Number(execFileSync('du', ['-sk', join(userDir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
    console.log(`installed size of npm install port-tide: ${(kib / 1024).toFixed(1)} MiB in node_modules (${installed.length} top-level entries)`);
  });

  it('npx tide sail fake --once resyncs into a remote Port and exits 0', async () => {
    const r = await npx(['tide', 'sail', 'fake', '--once'], { cwd: cwd.dir, env: port.env({ APPLICATION__PORT: '0' }) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resync \S+: completed/);
    const entities = await port.entities();
    expect(entities.filter((e) => e.blueprint === 'fake-department')).toHaveLength(5);
    expect(entities.filter((e) => e.blueprint === 'fake-person')).toHaveLength(10);
    // A remote Port needs no SQLite: nothing was written locally but the file state.
    expect(existsSync(join(cwd.dir, '.tide', 'port.db'))).toBe(false);
  });

  it('without Port credentials the embedded Port names better-sqlite3, the package to install', async () => {
    const r = await npx(['tide', 'sail', 'fake', '--once'], { cwd: cwd.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[tide] could not start the embedded local Port: the local Port emulator needs the package "better-sqlite3", which is not installed: npm install better-sqlite3');
    expect(await npx(['tide', 'port-local', '--port', '0'], { cwd: cwd.dir })).toMatchObject({ code: 1, stderr: expect.stringContaining('npm install better-sqlite3') });
  });

  it('the KAFKA listener names kafkajs, the package to install', async () => {
    const r = await npx(['tide', 'sail', 'fake'], { cwd: cwd.dir, env: port.env({ APPLICATION__PORT: '0', OCEAN__EVENT_LISTENER__TYPE: 'KAFKA' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the KAFKA event listener needs the package "kafkajs", which is not installed: npm install kafkajs');
  });

  it('SIGTERM to the tide process during a long resync: the resync is reported aborted, --once exits 1 (docs/behaviour.md §4.11)', async () => {
    // The binary itself, as an init or a CI runner signals it: `npx` (npm exec) would not pass the signal on.
    const tide = start(join(userDir, 'node_modules', '.bin', 'tide'), ['sail', 'fake', '--once'], {
      cwd: cwd.dir,
      env: port.env({ APPLICATION__PORT: '0', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '60000' }),
    });
    try {
      await waitFor('the resync to be running', async () => (await port.integration('fake-node'))?.resyncState?.status === 'running');
      tide.child.kill('SIGTERM');
      const r = await tide.exited;
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toContain('SIGTERM: shutting down');
      expect(r.stdout).toMatch(/resync \S+: aborted \(shutdown\)/);
      expect((await port.integration('fake-node')).resyncState.status).toBe('aborted');
    } finally {
      if (tide.child.exitCode === null) tide.child.kill('SIGKILL');
    }
  });
});
