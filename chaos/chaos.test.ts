/**
 * `npm run test:chaos`: faults, kills, hostile input and load against `tide sail fake` with a loopback emulator
 * as Port. Each scenario asserts what a user relies on (the catalog is exactly what the vendor holds, nothing a
 * fault touched was deleted, the exit code says what happened) and adds a row to the table printed at the end.
 * `CHAOS_ENTITY_AMOUNT` (persons per department, default 20) scales the catalog.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../adapters/node/test-support.ts';
import { startTestApi } from '../integrations/http/test-support.ts';
import { AMOUNT, expected, table, World, type Row } from './support.ts';

const rows: Row[] = [];
let world: World;
beforeEach(async () => {
  world = await World.start();
});
afterEach(() => world.close());
afterAll(() => {
  console.log(`\nchaos suite, ${AMOUNT} persons per department:\n${table(rows)}\n`);
});

async function record(row: Row, exitCode: number): Promise<void> {
  rows.push(row);
  expect(row.wrongDeletions).toBe(0);
  expect(row.exact).toBe(true);
  expect(row.exitCode).toBe(exitCode);
}

const slowPages = { OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '4', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '40' };
const resyncStatus = async () => (await world.port.integration('fake-node'))?.resyncState?.status as string | undefined;

describe('chaos', () => {
  it('baseline: one resync, no faults', async () => {
    const t = Date.now();
    const run = await world.sail({});
    await record(await world.row('baseline', t, expected(AMOUNT), run.exitCode), 0);
  });

  it('Port faults on tokens, upserts, the owned snapshot and the integration, while persons leave upstream', async () => {
    expect((await world.sail({})).exitCode).toBe(0);
    await world.snapshot();
    const t = Date.now();
    const unavailable = { type: 'status', status: 503, headers: { 'Retry-After': '0' } };
    const bulk = { method: 'POST', path: '/v1/blueprints/*/entities/bulk' };
    // Larger persons upstream: every page is rewritten, so the upsert faults meet real writes.
    const larger = { OCEAN__INTEGRATION__CONFIG__ENTITY_KB_SIZE: '2', OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '4' };
    await world.fault({ match: { method: 'POST', path: '/v1/auth/access_token' }, times: 2, action: unavailable }, 2);
    await world.fault({ match: bulk, after: 1, times: 2, action: unavailable }, 2);
    await world.fault({ match: bulk, after: 4, times: 1, action: { type: 'dropAfterCommit' } });
    await world.fault({ match: bulk, after: 6, times: 1, action: { type: 'status', status: 401 } });
    expect((await world.sail(larger)).exitCode).toBe(0);
    // Then one person per department leaves upstream, while the owned snapshot and the integration falter.
    await world.fault({ match: { method: 'POST', path: '/v1/blueprints/entities/datasource-entities' }, times: 2, action: unavailable }, 2);
    await world.fault({ match: { method: 'GET', path: '/v1/integration/*' }, times: 1, action: { type: 'status', status: 500 } });
    // Pages of more than 10 unchanged persons are not rewritten, so they stay in the owned snapshot (docs/behaviour.md §4.9).
    await world.port.client.admin('POST', '/clock', { advanceSeconds: 1 });
    const run = await world.sail({ OCEAN__INTEGRATION__CONFIG__ENTITY_KB_SIZE: '2', OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT - 1) });
    expect(run.report?.deletion, JSON.stringify(run.report?.deletion)).toMatchObject({ outcome: 'deleted', counts: { deleted: 5 } });
    await record(await world.row('Port 5xx/401/drop while persons leave', t, expected(AMOUNT - 1), run.exitCode), 0);
  });

  it('the vendor answers 200 with an error object instead of a page, in the middle of a later resync', async () => {
    const api = await startTestApi();
    try {
      // The http integration over a paginated API of 2,000 posts, 100 a page.
      const endpoints = ['user: { path: /users }', 'todo: { path: "/users/{user.id}/todos", parent: user }', 'post: { path: /many/posts, pagination: { type: offset, limit: 100, limitParam: _limit, offsetParam: _start } }'].join('\n');
      const env = { OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url, OCEAN__INTEGRATION__CONFIG__ENDPOINTS_YAML: endpoints };
      expect((await world.sail(env, { integration: 'http' })).exitCode).toBe(0);
      const before = await world.snapshot();
      const t = Date.now();
      api.errorPageAt = 900;
      world.faults += 1;
      const run = await world.sail(env, { integration: 'http' });
      expect(run.report?.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'kind-errors' });
      await record(await world.row('vendor page 10 is 200 {"error": …}', t, before, run.exitCode), 1);
    } finally {
      await api.close();
    }
  });

  it('a person leaves upstream while an entity made outside the integration depends on it', async () => {
    expect((await world.sail({})).exitCode).toBe(0);
    await world.snapshot();
    const t = Date.now();
    // A badge made in Port's UI (no datasource) whose required relation points at a person the vendor is about to drop.
    const held = `hr-${AMOUNT - 1}`;
    await world.port.client.seed({
      blueprints: [{ identifier: 'badge', title: 'Badge', schema: { properties: {} }, relations: { holder: { target: 'fake-person', title: 'Holder', required: true, many: false } } }],
      entities: [{ blueprint: 'badge', identifier: 'badge-1', title: 'Badge 1', datasource: null, relations: { holder: held } }],
    });
    world.faults += 1;
    // Pages of more than 10 unchanged persons are not rewritten, so they stay in the owned snapshot (docs/behaviour.md §4.9).
    await world.port.client.advanceClock(1);
    const run = await world.sail({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT - 1) });
    const rows = run.report?.deletion?.rows ?? [];
    expect(rows.find((r) => r.identifier === held), JSON.stringify(rows)).toMatchObject({ action: 'kept-foreign-dependents', dependents: [{ blueprint: 'badge', identifier: 'badge-1' }] });
    // The other four departments' last persons go; the held one and the badge stay.
    const want = expected(AMOUNT - 1);
    want.add(`fake-person:${held}`);
    want.add('badge:badge-1');
    await record(await world.row('person with a UI-made dependent leaves', t, want, run.exitCode), 0);
  });

  it('a burst of 30 × 503 on bulk upserts', async () => {
    await world.snapshot();
    const t = Date.now();
    await world.fault({ match: { method: 'POST', path: '/v1/blueprints/*/entities/bulk' }, after: 2, times: 30, action: { type: 'status', status: 503, headers: { 'Retry-After': '0' } } }, 30);
    const run = await world.sail({ OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '4' });
    await record(await world.row('30 × 503 on bulk upserts', t, expected(AMOUNT), run.exitCode), 0);
  });

  it("Tide's clock 5 minutes ahead of Port while a live event writes during the resync", async () => {
    expect((await world.sail({})).exitCode).toBe(0);
    await world.snapshot();
    const t = Date.now();
    await world.port.client.admin('POST', '/clock', { now: new Date(Date.now() - 5 * 60_000).toISOString() });
    world.faults += 1;
    const server = await world.sail({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__BASE_URL: 'http://tide.local', ...slowPages });
    const report = server.tide!.resync();
    await waitFor('the resync to write', async () => (await world.upserts()) >= 3);
    expect((await world.person(server, 'hr-live')).status).toBe(200);
    await server.tide!.live.idle();
    expect((await report).status).toBe('completed');
    await server.stop();
    // The person the live event wrote is not upstream, but it was written after the resync started: it stays.
    await record(await world.row('clock skew +5 min, live event mid-resync', t, expected(AMOUNT, ['hr-live']), 0), 0);
  });

  it('kill -9 in the middle of a resync, then the rerun', async () => {
    await world.snapshot();
    const t = Date.now();
    await world.sailKilled(slowPages, async () => (await world.upserts()) >= 3);
    world.faults += 1;
    const rerun = await world.sail({});
    await record(await world.row('kill -9 mid-resync, rerun', t, expected(AMOUNT), rerun.exitCode), 0);
  });

  it('a graceful stop (SIGTERM) in the middle of a resync, then the rerun', async () => {
    expect((await world.sail({})).exitCode).toBe(0);
    await world.snapshot();
    const t = Date.now();
    const server = await world.sail({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', ...slowPages, OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT + 5) });
    const report = server.tide!.resync();
    await waitFor('the resync to write', async () => (await world.upserts()) >= 3);
    await server.stop();
    world.faults += 1;
    expect((await report).status).toBe('aborted');
    // Nothing was deleted by the aborted run; the rerun with the original upstream makes the catalog exact.
    const rerun = await world.sail({});
    await record(await world.row('SIGTERM mid-resync, rerun', t, expected(AMOUNT), rerun.exitCode), 0);
  });

  it('a 64 MiB webhook body and forged deliveries against a secret-guarded webhook', async () => {
    const server = await world.sail({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__BASE_URL: 'http://tide.local', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: 'chaos-hook' });
    expect((await server.tide!.resync()).status).toBe('completed');
    await world.snapshot();
    const t = Date.now();
    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 64) return controller.close();
        pulled += 1;
        controller.enqueue(chunk);
      },
    });
    const big = await fetch(`${server.url}/integration/webhook`, { method: 'POST', body: huge, duplex: 'half' } as RequestInit).catch(() => undefined);
    // Either a 413 or a connection the server closed before the client finished sending; never a 2xx.
    if (big) expect(big.status).toBe(413);
    expect(pulled).toBeLessThan(64);
    world.faults += 1;
    for (let i = 0; i < 10; i++) expect((await world.person(server, `hr-forged-${i}`)).status).toBe(401);
    for (let i = 0; i < 10; i++) expect((await world.person(server, `hr-guess-${i}`, { 'x-tide-webhook-secret': `chaos-hook-${i}` })).status).toBe(401);
    world.faults += 20;
    expect((await world.person(server, 'hr-signed', { 'x-tide-webhook-secret': 'chaos-hook' })).status).toBe(200);
    await server.tide!.live.idle();
    await server.stop();
    await record(await world.row('64 MiB body + 20 forged deliveries', t, expected(AMOUNT, ['hr-signed']), 0), 0);
  });

  it('a burst of live events past the queue bound while Port is slow', async () => {
    const server = await world.sail({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__BASE_URL: 'http://tide.local', OCEAN__LIVE_EVENTS_QUEUE_MAX_LENGTH: '8' });
    expect((await server.tide!.resync()).status).toBe('completed');
    await world.snapshot();
    const t = Date.now();
    await world.fault({ match: { method: 'POST', path: '/v1/blueprints/*/entities/bulk' }, times: -1, action: { type: 'latency', ms: 100 } });
    const ids = Array.from({ length: 60 }, (_, i) => `hr-burst-${i}`);
    const answers = await Promise.all(ids.map(async (id) => ({ id, response: await world.person(server, id) })));
    world.faults += ids.length;
    const accepted = answers.filter((a) => a.response.status === 200).map((a) => a.id);
    const refused = answers.filter((a) => a.response.status === 503);
    expect(accepted.length + refused.length).toBe(ids.length);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r.response.headers.get('retry-after')).toMatch(/^\d+$/);
    await server.tide!.live.idle();
    await server.stop();
    // Every accepted event is applied; no refused one is.
    await record(await world.row('60-event burst, queue of 8, slow Port', t, expected(AMOUNT, accepted), 0), 0);
  });

  it('a POST /resync flood against the admin token and the trigger interval', async () => {
    const server = await world.sail({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK', OCEAN__EVENT_LISTENER__APP_HOST: 'http://tide.local', OCEAN__ADMIN_TOKEN: 'chaos-admin', ...slowPages });
    const t = Date.now();
    const post = (token?: string) => fetch(`${server.url}/resync`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });
    const anonymous = await Promise.all(Array.from({ length: 20 }, () => post()));
    expect(anonymous.map((r) => r.status)).toEqual(Array(20).fill(401));
    const triggers = await Promise.all(Array.from({ length: 20 }, () => post('chaos-admin')));
    expect(triggers.map((r) => r.status)).toEqual(Array(20).fill(202));
    world.faults += 40;
    await waitFor('a resync to complete', async () => (await resyncStatus()) === 'completed', 60_000);
    const states = (await world.port.requests({ method: 'PATCH', path: '/v1/integration/fake-node/resync-state' })).map((r) => r.body?.status);
    // The flood aborted nothing: every resync that started completed.
    expect(states).not.toContain('aborted');
    await server.stop();
    await record(await world.row('POST /resync flood (20 anonymous, 20 admin)', t, expected(AMOUNT), 0), 0);
  });

  it('two instances of one integration with different configs', async () => {
    const t = Date.now();
    const a = await world.sail({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', ...slowPages });
    const first = a.tide!.resync();
    await waitFor('the first instance to report running', async () => (await resyncStatus()) === 'running');
    const b = await world.sail({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(AMOUNT + 3) }, { cwd: world.otherCwd() });
    world.faults += 1;
    expect((await first).status).toBe('completed');
    await a.stop();
    await record(await world.row('second instance, other config', t, expected(AMOUNT), b.exitCode), 1);
  });

  it('bad settings stop the run before Port is contacted', async () => {
    const t = Date.now();
    const negative = await world.sail({ OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '-5' });
    expect(negative.exitCode).toBe(2);
    const bogus = await world.sail({ OCEAN__EVENT_LISTENER__TYPE: 'BOGUS' }, { overrides: { eventListener: { type: 'ONCE' } } });
    world.faults += 2;
    expect(await world.port.requests()).toEqual([]);
    await record(await world.row('ENTITY_AMOUNT=-5, listener BOGUS under --once', t, new Set(), bogus.exitCode), 2);
  });
});
