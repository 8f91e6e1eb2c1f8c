import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

/** `port-local` (emulator/cli.ts) run as a subprocess, the way a developer starts it. */

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');
const CLI = 'emulator/cli.ts';
const dir = mkdtempSync(join(tmpdir(), 'port-local-test-'));
const running: ChildProcess[] = [];
const oneShot: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map(stop));
});
afterAll(async () => {
  await Promise.all(oneShot.splice(0).map(stop));
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

/** Start the CLI and wait for the line with its base URL. */
function start(args: string[]): Promise<Started> {
  const child = spawn(TSX, [CLI, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      // Wait for the last line of the banner so every line is there.
      if (m && /use it with: .*\n/.test(out)) resolve({ child, url: m[1], stdout: () => out });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`port-local exited with ${code} before listening: ${err}${out}`)));
  });
}

/** Run the CLI to completion (for flag errors). */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(TSX, [CLI, ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  oneShot.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

const tokenRequest = (url: string, clientId: string, clientSecret: string) =>
  fetch(`${url}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });

describe('port-local', () => {
  it('--port 0 prints the real bound URL and the default credentials, which get a token', async () => {
    const db = join(dir, 'a', 'port.db');
    const { child, url, stdout } = await start(['--port', '0', '--db', db]);
    const port = Number(new URL(url).port);
    expect(port).toBeGreaterThan(0);
    const creds = /OCEAN__PORT__CLIENT_ID=(\S+) OCEAN__PORT__CLIENT_SECRET=(\S+)/.exec(stdout());
    expect(creds).not.toBeNull();
    expect(stdout()).toContain(`OCEAN__PORT__BASE_URL=${url}`);

    const r = await tokenRequest(url, creds![1], creds![2]);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { ok: boolean; accessToken: string; expiresIn: number; tokenType: string };
    expect(body).toMatchObject({ ok: true, expiresIn: 10800, tokenType: 'Bearer' });
    expect(existsSync(db)).toBe(true);

    // Port's published limits are enforced by default.
    const limits = (await (await fetch(`${url}/_emulator/rate-limits`)).json()) as { buckets: Record<string, { limit: number; enforced: boolean }> };
    expect(limits.buckets.unauthenticated).toMatchObject({ limit: 100, enforced: true });

    expect(await stop(child)).toBe(0);
  });

  it('takes explicit credentials, --rate-limits off and --admin-token, and never prints the secret', async () => {
    const { url, stdout } = await start([
      '--port', '0', '--db', join(dir, 'b.db'), '--client-id', 'ci-client', '--client-secret', 'ci-secret-value',
      '--rate-limits', 'off', '--admin-token', 'adm',
    ]);
    expect(stdout()).toContain('ci-client');
    expect(stdout()).not.toContain('ci-secret-value');
    expect((await tokenRequest(url, 'ci-client', 'ci-secret-value')).status).toBe(200);
    expect((await tokenRequest(url, 'tide-local', 'tide-local-secret')).status).toBe(401);

    expect((await fetch(`${url}/_emulator/rate-limits`)).status).toBe(401);
    const limits = await fetch(`${url}/_emulator/rate-limits`, { headers: { 'x-emulator-admin-token': 'adm' } });
    const body = (await limits.json()) as { buckets: Record<string, { enforced: boolean }> };
    expect(Object.values(body.buckets).every((b) => !b.enforced)).toBe(true);
  });

  it('--rate-limit-scale multiplies the published limits', async () => {
    const { url } = await start(['--port', '0', '--db', join(dir, 'c.db'), '--rate-limit-scale', '0.5']);
    const r = await tokenRequest(url, 'tide-local', 'tide-local-secret');
    expect(r.headers.get('x-ratelimit-limit')).toBe('50');
  });

  it('keeps state in the --db file across restarts', async () => {
    const db = join(dir, 'd.db');
    const first = await start(['--port', '0', '--db', db]);
    const token = ((await (await tokenRequest(first.url, 'tide-local', 'tide-local-secret')).json()) as { accessToken: string }).accessToken;
    const created = await fetch(`${first.url}/v1/integration`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ installationId: 'kept', installationAppType: 'jira', version: '1' }),
    });
    expect(created.status).toBe(201);
    expect(await stop(first.child)).toBe(0);

    const second = await start(['--port', '0', '--db', db]);
    const again = ((await (await tokenRequest(second.url, 'tide-local', 'tide-local-secret')).json()) as { accessToken: string }).accessToken;
    const got = await fetch(`${second.url}/v1/integration/kept`, { headers: { authorization: `Bearer ${again}` } });
    expect(got.status).toBe(200);
  });

  it('--no-op-updated-at keep is the start-up setting, shown in the banner and help', async () => {
    const { url, stdout } = await start(['--port', '0', '--db', join(dir, 'g.db'), '--no-op-updated-at', 'keep']);
    expect(stdout()).toContain('writes that change nothing keep updatedAt');
    const settings = (await (await fetch(`${url}/_emulator/settings`)).json()) as { settings: { noOpUpdatedAt: string } };
    expect(settings.settings.noOpUpdatedAt).toBe('keep');
    expect((await run(['--help'])).stdout).toContain('--no-op-updated-at bump|keep');
  });

  it('exits non-zero with a message when the port is taken', async () => {
    const first = await start(['--port', '0', '--db', join(dir, 'e.db')]);
    const port = new URL(first.url).port;
    const r = await run(['--port', port, '--db', join(dir, 'f.db')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/port-local: .*EADDRINUSE/);
  });

  it.concurrent.each([
    [['--port', 'abc'], '--port'],
    [['--port', ''], '--port'],
    [['--port', '70000'], '--port'],
    [['--rate-limits', 'maybe'], '--rate-limits'],
    [['--rate-limit-scale', '0'], '--rate-limit-scale'],
    [['--client-id', 'only-id'], '--client-id'],
    [['--client-secret', 'only-secret'], '--client-secret'],
    [['--verbose'], '--verbose'],
    [['--no-op-updated-at', 'skip'], '--no-op-updated-at'],
  ])('rejects %j with a message naming %s', async (args, flag) => {
    // A fixed free port is never needed: if validation let the flag through, --port 0 still binds.
    const port = args.includes('--port') ? [] : ['--port', '0'];
    const r = await run([...args, ...port, '--db', join(dir, 'never.db')]);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toContain(flag);
    expect(r.stdout).not.toContain('listening');
  });
});
