/**
 * `sail()` end to end against a loopback emulator: ONCE, dry run, the embedded Port, and the settings
 * errors that must stop startup before anything runs. Listener modes and shutdown: listeners.test.ts.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortEmulator } from 'port-tide/emulator';
import { emulatorClient } from 'port-tide/testing';
import { sail } from './sail.ts';
import { FAKE_DEPARTMENTS, FAKE_SECRET_HEADER, fakePerson } from '../../integrations/fake/index.ts';
import { CLIENT_ID, CLIENT_SECRET, harness, startTestPort, tempCwd, waitFor, type TestPort } from './test-support.ts';

let port: TestPort;
let cwd: ReturnType<typeof tempCwd>;
let h: ReturnType<typeof harness>;

beforeEach(async () => {
  port = await startTestPort();
  cwd = tempCwd();
  h = harness();
});
afterEach(async () => {
  await h.stopAll();
  await port.emulator.close();
  cwd.remove();
});

const run = async (env: Record<string, string>, extra: Partial<Parameters<typeof sail>[0]> = {}) =>
  h.track(await sail({ integration: 'fake', cwd: cwd.dir, env, httpPort: 0, handleSignals: false, out: h.out, ...extra }));

const expectNoSecretPrinted = () => {
  for (const line of h.lines) {
    expect(line).not.toContain(CLIENT_SECRET);
    expect(line).not.toContain(CLIENT_ID);
  }
};

describe('sail: ONCE', () => {
  it('exits 0 after a completed resync, with the whole catalog in Port and no secret printed', async () => {
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', APPLICATION__LOG_LEVEL: 'DEBUG' }));
    expect(result.exitCode).toBe(0);
    expect(result.report?.status).toBe('completed');
    expect(result.report?.deletion.outcome).toBe('nothing-to-delete');
    const entities = await port.entities();
    expect(entities.filter((e) => e.blueprint === 'fake-department')).toHaveLength(5);
    expect(entities.filter((e) => e.blueprint === 'fake-person')).toHaveLength(10);
    expect((await port.integration('fake-node')).resyncState.status).toBe('completed');
    expect(h.lines.some((l) => l.includes('deletions nothing-to-delete'))).toBe(true);
    expect(existsSync(join(cwd.dir, '.tide', 'port.db'))).toBe(false);
    expectNoSecretPrinted();
  });


  it('exits 1 when the resync fails (the mapping names a kind the integration lacks)', async () => {
    const created = await port.api('POST', '/v1/integration', {
      installationId: 'fake-node',
      installationAppType: 'fake',
      version: '0.1.0',
      config: { resources: [{ kind: 'not-a-fake-kind', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', blueprint: '"x"' } } } }] },
    });
    expect(created.status).toBeLessThan(300);
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE' }));
    expect(result.exitCode).toBe(1);
    expect(result.report?.status).toBe('failed');
    expect((await port.integration('fake-node')).resyncState.status).toBe('failed');
    expect(await port.entities()).toEqual([]);
  });
});

describe('sail: the HTTP server', () => {
  /** A port that another process holds on the loopback address; released after the test. */
  async function heldPort(): Promise<{ port: number; release(): Promise<void> }> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    return { port: (server.address() as AddressInfo).port, release: () => new Promise((done) => server.close(() => done())) };
  }

  it('ONCE and a dry run start no server, so a busy APPLICATION__PORT does not stop them', async () => {
    const held = await heldPort();
    try {
      const once = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', APPLICATION__PORT: String(held.port) }), { httpPort: undefined });
      expect(once.exitCode, h.lines.join('\n')).toBe(0);
      expect(once.url).toBeUndefined();
      const plan = await run(port.env({ APPLICATION__PORT: String(held.port) }), { httpPort: undefined, dryRun: true });
      expect(plan.exitCode, h.lines.join('\n')).toBe(0);
      expect(h.lines.some((l) => l.startsWith('listening on'))).toBe(false);
    } finally {
      await held.release();
    }
  });

  it('binds 127.0.0.1 unless APPLICATION__HOST is set, and says at startup that live events are off and why', async () => {
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY' }));
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.lines).toContain(`listening on ${result.url} · event listener WEBHOOKS_ONLY`);
    expect(h.lines.some((l) => /live events are off \(baseUrl not set: set OCEAN__BASE_URL .*\): POST \/integration\/webhook answers 503/.test(l))).toBe(true);
    const refused = await fetch(`${result.url}/integration/webhook`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { message: string }).message).toContain('OCEAN__BASE_URL');
    await result.stop();

    const everywhere = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', APPLICATION__HOST: '0.0.0.0' }));
    expect(h.lines).toContain(`listening on http://0.0.0.0:${new URL(everywhere.url!).port} · event listener WEBHOOKS_ONLY`);
  });
});

describe('sail: the fake webhook with a shared secret', () => {
  it('refuses deliveries without the secret or with a wrong one (401) and applies one that carries it', async () => {
    const secret = 'fake-webhook-secret-8d2e';
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__BASE_URL: 'http://127.0.0.1:1', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: secret }));
    expect((await port.api('GET', '/v1/integration/fake-node')).status).toBe(200);
    const person = { ...fakePerson(FAKE_DEPARTMENTS[0]!, 0), name: 'Signed rename' };
    const body = JSON.stringify({ type: 'person.updated', person });
    const post = (headers: Record<string, string>) => fetch(`${result.url}/integration/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ [FAKE_SECRET_HEADER]: 'wrong-secret' })).status).toBe(401);
    const signed = await post({ [FAKE_SECRET_HEADER]: secret });
    expect(signed.status).toBe(200);
    await waitFor('the accepted event to reach Port', async () => ((await port.entities()) as unknown as Array<{ identifier: string; title: string }>).find((e) => e.identifier === person.id && e.title === 'Signed rename'));
    expect(h.lines.join('\n')).not.toContain(secret);
  });
});

describe('sail: ONCE with incrementalSyncEnabled (docs/behaviour.md §4.12)', () => {
  const incremental = (extra: Record<string, string> = {}) =>
    run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', OCEAN__INTEGRATION__INCREMENTAL_SYNC_ENABLED: 'true', ...extra }));

  it('makes one incremental run instead of a resync, prints its summary, keeps the cursor for the next process, and exits 1 when it fails', async () => {
    expect((await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE' }))).exitCode).toBe(0);
    const resyncState = (await port.integration('fake-node')).resyncState;

    const first = await incremental({ OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '3' });
    expect(first.exitCode).toBe(0);
    expect(first.report).toBeUndefined();
    expect(first.incrementalReport?.outcome).toBe('completed');
    const [person] = first.incrementalReport!.resources;
    expect(person).toMatchObject({ kind: 'fake-person', index: 1, upserted: 3, deleted: 0, advanced: true });
    expect(h.lines).toContain(`incremental run ${first.incrementalReport!.runId}: completed`);
    expect(h.lines.some((l) => l.includes(`kind fake-person`) && l.includes(`cursor advanced to ${person.cursor}`))).toBe(true);
    expect(h.lines).toContain('exit 0: the incremental run completed');
    // An incremental run writes no resync state.
    expect((await port.integration('fake-node')).resyncState).toEqual(resyncState);

    // A later process reads the cursor the first one stored (in .tide/state), less the 60 s overlap.
    const second = await incremental();
    expect(second.exitCode).toBe(0);
    expect(second.incrementalReport?.resources[0]).toMatchObject({ since: new Date(Date.parse(person.cursor!) - 60_000).toISOString(), upserted: 0 });

    // A selector that errors on every person is a kind error: the run fails, the cursor stays, exit 1.
    const config = (await port.integration('fake-node')).config;
    config.resources[1].selector.query = '.name | tonumber';
    expect((await port.api('PATCH', '/v1/integration/fake-node', { config })).status).toBeLessThan(300);
    const failed = await incremental({ OCEAN__INTEGRATION__CONFIG__CHANGED_PERSONS: '2' });
    expect(failed.exitCode).toBe(1);
    expect(failed.incrementalReport?.outcome).toBe('failed');
    expect(h.lines).toContain('exit 1: the incremental run failed');
    expect(failed.incrementalReport?.resources[0]).toMatchObject({ advanced: false, cursor: second.incrementalReport!.resources[0].cursor });
    expectNoSecretPrinted();
  });
});

describe('sail: dry run', () => {
  it('on a fresh organisation, lists the provisioning, plans every entity as a create, and writes nothing', async () => {
    const result = await run(port.env(), { dryRun: true });
    expect(result.exitCode).toBe(0);
    expect(result.provision).toMatchObject({ dryRun: true, integration: 'created' });
    expect(result.provision?.blueprints.created.sort()).toEqual(['fake-department', 'fake-office', 'fake-person', 'fake-project', 'fake-team']);
    expect(result.plan?.status).toBe('ok');
    expect(result.plan?.blueprints['fake-department'].counts).toMatchObject({ creates: 5, updates: 0, unchanged: 0, deletes: 0 });
    expect(result.plan?.blueprints['fake-person'].counts).toMatchObject({ creates: 10, updates: 0, unchanged: 0, deletes: 0 });
    expect(h.lines.some((l) => /integration "fake-node": would create/.test(l))).toBe(true);
    expect(h.lines.some((l) => /blueprint fake-person: 10 create, 0 update, 0 unchanged, 0 delete/.test(l))).toBe(true);

    const writes = (await port.requests()).filter(
      (r) => r.method !== 'GET' && !(r.method === 'POST' && /\/auth\/access_token$|\/search$|datasource-entities/.test(r.path)),
    );
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(await port.integration('fake-node')).toBeUndefined();
    expectNoSecretPrinted();
  });

  it('after a sync, plans everything unchanged', async () => {
    expect((await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE' }))).exitCode).toBe(0);
    const result = await run(port.env(), { dryRun: true });
    expect(result.exitCode).toBe(0);
    expect(result.provision?.integration).toBe('existing');
    expect(result.plan?.blueprints['fake-person'].counts).toMatchObject({ creates: 0, updates: 0, unchanged: 10, deletes: 0 });
  });
});

describe('sail: Port credentials', () => {
  it('with neither credential, runs against the embedded Port in .tide/port.db and says where', async () => {
    const result = await run({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '1', OCEAN__PORT__CLIENT_ID: '' });
    expect(result.exitCode).toBe(0);
    expect(result.embeddedPortUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.lines).toContain(`no Port credentials: using the embedded local Port at ${result.embeddedPortUrl} (data in .tide/port.db)`);
    const dbFile = join(cwd.dir, '.tide', 'port.db');
    expect(existsSync(dbFile)).toBe(true);
    // The catalog is in the file: reopen it with a new emulator.
    const reopened = createPortEmulator({ db: dbFile });
    try {
      const entities = await emulatorClient({ baseUrl: 'http://local', fetch: reopened.fetch }).entities('fake-person');
      expect(entities).toHaveLength(5);
    } finally {
      await reopened.close();
    }
    expect(await port.requests()).toEqual([]);
  });

  it.each([
    ['OCEAN__PORT__CLIENT_ID', { OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET }],
    ['OCEAN__PORT__CLIENT_SECRET', { OCEAN__PORT__CLIENT_ID: CLIENT_ID, OCEAN__PORT__CLIENT_SECRET: '' }],
  ])('with only one credential, exits 2 naming %s and starts nothing', async (missing, env) => {
    const result = await run({ OCEAN__PORT__BASE_URL: port.url, ...env });
    expect(result.exitCode).toBe(2);
    expect(result.tide).toBeUndefined();
    expect(h.lines.some((l) => l.includes(missing))).toBe(true);
    expect(existsSync(join(cwd.dir, '.tide'))).toBe(false);
    expect(await port.requests()).toEqual([]);
    expectNoSecretPrinted();
  });

  it('reads credentials from the working directory .env when the process env lacks them', async () => {
    writeFileSync(join(cwd.dir, '.env'), `OCEAN__PORT__CLIENT_ID=${CLIENT_ID}\nOCEAN__PORT__CLIENT_SECRET=${CLIENT_SECRET}\n`);
    const { OCEAN__PORT__CLIENT_ID: _id, OCEAN__PORT__CLIENT_SECRET: _secret, ...env } = port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE' });
    const result = await run(env);
    expect(result.exitCode).toBe(0);
    expect(result.embeddedPortUrl).toBeUndefined();
    expectNoSecretPrinted();
  });
});

describe('sail: invalid settings', () => {
  it('exits 2 naming every bad key and its source, before contacting Port', async () => {
    writeFileSync(join(cwd.dir, 'config.yaml'), 'eventListener:\n  interval: soon\n');
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'SOMETIMES' }));
    expect(result.exitCode).toBe(2);
    const text = h.lines.join('\n');
    expect(text).toMatch(/OCEAN__EVENT_LISTENER__TYPE.*env/);
    expect(text).toMatch(/OCEAN__EVENT_LISTENER__INTERVAL.*config\.yaml/);
    expect(await port.requests()).toEqual([]);
    expectNoSecretPrinted();
  });

  it("exits 2 when the integration's config schema refuses a setting, naming its variable, before contacting Port", async () => {
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION: '   ', OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN: 'ghp_never_printed' }), {
      integration: 'github',
    });
    expect(result.exitCode).toBe(2);
    expect(h.lines.join('\n')).toMatch(/integration\.config\.githubOrganization \(OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION\): expected the organisation login/);
    expect(await port.requests()).toEqual([]);
    expect(h.lines.join('\n')).not.toContain('ghp_never_printed');
    expectNoSecretPrinted();
  });

  it('exits 2 for a negative OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT, naming it, instead of running with 20', async () => {
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'ONCE', OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '-5' }));
    expect(result.exitCode).toBe(2);
    expect(h.lines.join('\n')).toMatch(/integration\.config\.entityAmount \(OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT\): expected an integer of 0 or more \(persons per department\)/);
    expect(await port.requests()).toEqual([]);
  });

  it('exits 2 for OCEAN__EVENT_LISTENER__TYPE=BOGUS even when --once overrides it', async () => {
    const result = await run(port.env({ OCEAN__EVENT_LISTENER__TYPE: 'BOGUS' }), { overrides: { eventListener: { type: 'ONCE' } } });
    expect(result.exitCode).toBe(2);
    expect(h.lines.join('\n')).toMatch(/eventListener\.type \(OCEAN__EVENT_LISTENER__TYPE\) \[env OCEAN__EVENT_LISTENER__TYPE\]: expected one of .*"BOGUS"/);
    expect(await port.requests()).toEqual([]);
  });

  it('exits 2 for an unknown integration, naming the bundled ones', async () => {
    const result = await run(port.env(), { integration: 'nope' });
    expect(result.exitCode).toBe(2);
    expect(h.lines.join('\n')).toMatch(/bundled: fake/);
  });
});
