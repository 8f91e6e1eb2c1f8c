/**
 * `tide actions list` and `tide actions run` as subprocesses: the declared types of bundled integrations, and one
 * run executed locally, against a loopback emulator given by the settings and against the embedded one.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, startTestPort, type TestPort } from '../test-support.ts';
import { tide } from './test-support.ts';

let port: TestPort;
let cwd: string;
beforeEach(async () => {
  port = await startTestPort();
  cwd = mkdtempSync(join(tmpdir(), 'tide-cli-actions-'));
});
afterEach(async () => {
  await port.emulator.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('tide actions list', () => {
  it('lists the action types of each bundled integration with their properties', async () => {
    const [fake, github, http] = await Promise.all([tide(['actions', 'list', 'fake'], { cwd }), tide(['actions', 'list', 'github'], { cwd }), tide(['actions', 'list', 'http'], { cwd })]);
    expect(fake).toEqual({ code: 0, stdout: 'fake_echo  properties: message, fail, link, delayMs, timeoutSeconds, partition · partitioned\n', stderr: '' });
    expect(github.stdout).toBe('dispatch_workflow  properties: repo, workflow, ref, inputs · partitioned\n');
    expect(http.stdout).toBe('http_request  properties: request\n');
  });
});

describe('tide actions run', () => {
  it('runs one fake_echo in the Port the settings name and prints its status, link and logs', async () => {
    const r = await tide(['actions', 'run', 'fake_echo', 'fake', '--properties', '{"message":"hi there","link":"https://ci.example.test/1"}'], { cwd, env: port.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^run (r_\w{16})  fake_echo  SUCCESS\n  link: https:\/\/ci\.example\.test\/1\n  log: echo: hi there\n$/);
    const id = /^run (r_\w{16})/.exec(r.stdout)![1];
    const { body } = await port.admin('GET', `/runs/${id}`);
    expect([body.run.status, body.run.claimCount, body.run.payload.installationId]).toEqual(['SUCCESS', 1, 'fake-node']);
    expect(`${r.stdout}${r.stderr}`).not.toContain(CLIENT_SECRET);
  });

  it('exits 1 for a failed run, and 2 for an unknown type or properties that are not a JSON object', async () => {
    const failed = await tide(['actions', 'run', 'fake_echo', 'fake', '--properties', '{"message":"refused","fail":true}'], { cwd, env: port.env() });
    expect([failed.code, failed.stdout.split('\n').slice(1)]).toEqual([1, ['  log: refused', '']]);
    expect(failed.stdout).toMatch(/^run r_\w{16}  fake_echo  FAILURE/);
    const unknown = await tide(['actions', 'run', 'deploy', 'fake'], { cwd, env: port.env() });
    expect([unknown.code, unknown.stderr.trim()]).toEqual([2, '[tide] fake declares no action type "deploy"; declared: fake_echo (tide actions list fake)']);
    const bad = await tide(['actions', 'run', 'fake_echo', 'fake', '--properties', '[1]'], { cwd, env: port.env() });
    expect([bad.code, bad.stderr.trim()]).toEqual([2, '[tide] --properties: expected a JSON object, not a list or a single value']);
  });

  it('without Port credentials uses the embedded Port in .tide/port.db', async () => {
    const r = await tide(['actions', 'run', 'fake_echo', 'fake', '--properties', '{"message":"local"}'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS\n  log: echo: local\n$/);
    expect(r.stderr).toContain('embedded Port');
    expect(existsSync(join(cwd, '.tide', 'port.db'))).toBe(true);
  });
});
