/**
 * The Dockerfile of a `tide new` project, without a Docker engine (none here): its instructions are
 * carried out in a temporary folder standing for the image's /app — the same `npm ci --omit=dev`, the
 * same files copied, the same ENV — and then its exact ENTRYPOINT and CMD run there, under the same
 * tini, the way `docker run` starts them. `docker stop` is SIGTERM to PID 1 (tini), which hands it to
 * Tide: the running resync must be reported aborted and the service exit 0.
 * What differs from the image: the user (these tests run as the machine's user, the image as `node`), the
 * base image's packages (tini must be on this machine: .ci/run installs it), and the lock file, which a
 * project commits after its `npm install` and which is made here with `npm install --package-lock-only`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NPM_QUIET, REPO, run, start, startTestPort, waitFor, type TestPort } from './support.ts';

const userDir = inject('userDir');
const root = inject('packageRoot');
const tarball = inject('tarball');

interface Instruction {
  op: string;
  args: string;
}

/** A Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** `ENV A=1 B=2` as a record. */
const envOf = (args: string): Record<string, string> => Object.fromEntries(args.split(/\s+/).map((kv) => kv.split('=') as [string, string]));

/** The instructions of the last stage (the image that runs). */
const finalStage = (all: Instruction[]) => all.slice(all.map((i) => i.op).lastIndexOf('FROM'));

/** A vendor API whose first page never comes while the test runs: a resync that is still running. */
function slowVendor(): Promise<{ url: string; requested: Promise<void>; close(): Promise<void> }> {
  let markRequested!: () => void;
  const requested = new Promise<void>((r) => (markRequested = r));
  const server: Server = createServer(() => markRequested());
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requested,
        close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
      }),
    ),
  );
}

describe("a tide new project's Dockerfile", () => {
  const project = join(root, 'docker', 'dock');
  const app = join(root, 'docker', 'app');
  let steps: Instruction[];
  let env: Record<string, string> = {};
  let entry: string[];

  beforeAll(async () => {
    const made = await run('npx', ['--no', 'tide', 'new', 'dock', '--dir', project], { cwd: userDir });
    expect(made.code, made.stderr).toBe(0);
    steps = instructions(readFileSync(join(project, 'Dockerfile'), 'utf8'));
    // The project's lock file, as its first `npm install` writes it (port-tide from the tarball: not on the registry yet).
    execFileSync('npm', ['pkg', 'set', `dependencies.port-tide=file:${relative(project, tarball)}`], { cwd: project });
    execFileSync('npm', ['install', '--package-lock-only', '--prefer-offline', ...NPM_QUIET], { cwd: project });
  }, 300_000);

  it('is built on the Node major these tests run on, runs as a non-root user, binds 0.0.0.0, and enters in exec form under tini', () => {
    const last = finalStage(steps);
    expect(last[0]).toEqual({ op: 'FROM', args: `node:${process.versions.node.split('.')[0]}-slim` });
    expect(last.find((i) => i.op === 'USER')?.args).toBe('node');
    expect(envOf(last.filter((i) => i.op === 'ENV').map((i) => i.args).join(' '))).toMatchObject({ APPLICATION__HOST: '0.0.0.0', NODE_ENV: 'production' });
    const entrypoint = JSON.parse(last.find((i) => i.op === 'ENTRYPOINT')!.args) as string[];
    expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'node', '/app/node_modules/port-tide/dist/tide.js', 'sail']);
    expect(last.find((i) => i.op === 'RUN' && /npm (ci|install)/.test(i.args))?.args).toContain('--omit=dev');
    // The repository's own image enters the same way.
    const repo = finalStage(instructions(readFileSync(join(REPO, 'Dockerfile'), 'utf8')));
    expect(JSON.parse(repo.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual(entrypoint);
    expect(repo.find((i) => i.op === 'USER')?.args).toBe('node');
    expect(repo.find((i) => i.op === 'RUN' && /npm install/.test(i.args))?.args).toContain('--omit=dev');
  });

  it('its instructions, carried out in a folder standing for /app, leave the production install and the integration', () => {
    let workdir = '/';
    for (const { op, args } of finalStage(steps).slice(1)) {
      const here = () => join(app, relative('/app', workdir));
      if (op === 'WORKDIR') {
        workdir = args;
        mkdirSync(here(), { recursive: true });
      } else if (op === 'COPY') {
        const parts = args.split(/\s+/);
        const target = parts.pop()!;
        for (const source of parts) cpSync(join(project, source), target.endsWith('/') ? join(here(), target, source) : join(here(), target), { recursive: true });
      } else if (op === 'ENV') {
        env = { ...env, ...envOf(args) };
      } else if (op === 'RUN') {
        for (const command of args.split('&&').map((c) => c.trim())) {
          if (command.startsWith('apt-get install')) {
            // The image's system packages: present on this machine (dpkg knows them).
            for (const pkg of command.split(/\s+/).filter((w) => !w.startsWith('-') && !['apt-get', 'install'].includes(w))) execFileSync('dpkg', ['-s', pkg], { stdio: 'ignore' });
          } else if (/^(apt-get update|rm -rf \/var\/lib\/apt)/.test(command)) {
            continue;
          } else if (command.startsWith('chown ')) {
            // The image's `node` user owns the state folder; these tests run as the machine's user.
            expect(command).toBe('chown node:node .tide');
          } else {
            execFileSync('sh', ['-c', command], { cwd: here(), stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
          }
        }
      }
    }
    expect(existsSync(join(app, 'node_modules/port-tide/dist/tide.js'))).toBe(true);
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(true);
    // Production dependencies only: no test runner, no emulator storage, no wrangler.
    for (const dev of ['vitest', 'better-sqlite3', 'wrangler', 'typescript']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'index.ts'))).toBe(true);
    expect(existsSync(join(app, '.port/resources/port-app-config.yml'))).toBe(true);
    expect(existsSync(join(app, '.tide'))).toBe(true);
    const last = finalStage(steps);
    entry = [...(JSON.parse(last.find((i) => i.op === 'ENTRYPOINT')!.args) as string[]), ...(JSON.parse(last.find((i) => i.op === 'CMD')!.args) as string[])].map((a) =>
      a.startsWith('/app') ? join(app, a.slice('/app'.length)) : a,
    );
  });

  describe('its exact entry command', () => {
    let port: TestPort;
    let vendor: Awaited<ReturnType<typeof slowVendor>>;
    beforeAll(async () => {
      port = await startTestPort();
      vendor = await slowVendor();
    });
    afterAll(async () => {
      await vendor.close();
      await port.emulator.close();
    });

    it('serves its health routes, and on SIGTERM (docker stop) reports the running resync aborted and exits 0', async () => {
      expect(entry[0]).toBe('/usr/bin/tini');
      const settings = port.env({ OCEAN__INTEGRATION__IDENTIFIER: 'dock', OCEAN__INTEGRATION__CONFIG__API_URL: vendor.url, OCEAN__EVENT_LISTENER__TYPE: 'POLLING' });
      // `docker run -e …`: the image's ENV, then the run's settings (a free port instead of 8000 on this shared machine).
      const service = start(entry[0]!, entry.slice(1), { cwd: app, env: { ...env, ...settings, APPLICATION__PORT: '0' } });
      try {
        const listening = await waitFor('the server to listen', async () => /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(service.output())?.[1]);
        expect((await fetch(`http://127.0.0.1:${listening}/health/live`)).status).toBe(200);
        await vendor.requested;
        await waitFor('the resync to be running', async () => (await port.integration('dock'))?.resyncState?.status === 'running');
        service.child.kill('SIGTERM');
        const r = await service.exited;
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toContain('SIGTERM: shutting down');
        expect((await port.integration('dock')).resyncState.status).toBe('aborted');
      } finally {
        if (service.child.exitCode === null) service.child.kill('SIGKILL');
      }
    });
  });
});
