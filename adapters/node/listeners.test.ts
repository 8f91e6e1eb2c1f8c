/**
 * Each long-running listener mode through `sail()` against a loopback emulator, and graceful shutdown.
 * Waits are bounded polls of the emulator's request log and integration record; nothing asserts timing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sail } from './sail.ts';
import { harness, resyncStarts, startTestPort, tempCwd, waitFor, type TestPort } from './test-support.ts';
import { FAKE_ORGANISATION_ENTITIES } from '../../integrations/fake/index.ts';

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

const start = async (env: Record<string, string>) => {
  const result = h.track(await sail({ integration: 'fake', cwd: cwd.dir, env: port.env(env), httpPort: 0, handleSignals: false, out: h.out }));
  expect(result.exitCode).toBeUndefined();
  expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  return result;
};
const resyncStatus = async () => (await port.integration('fake-node'))?.resyncState?.status as string | undefined;
const polls = async () => (await port.requests({ method: 'GET', path: '/v1/integration/fake-node/resync-request' })).length;
const bulkUpserts = async () => (await port.requests({ method: 'POST', path: '/v1/blueprints/*/entities/bulk' })).length;

describe('POLLING', () => {
  it('picks up a resync request created through the emulator exactly once', async () => {
    await start({ OCEAN__EVENT_LISTENER__TYPE: 'POLLING', OCEAN__EVENT_LISTENER__RESYNC_ON_START: 'false', OCEAN__EVENT_LISTENER__INTERVAL: '1' });
    // The first poll fixes the watermark; a request must be newer than it.
    await waitFor('the first poll', async () => (await polls()) >= 1);
    expect(await resyncStarts(port)).toBe(0);

    const created = await port.admin('POST', '/integrations/fake-node/resync-request');
    expect(created.status).toBe(200);
    await waitFor('the requested resync to complete', async () => (await resyncStatus()) === 'completed');
    expect((await port.entities()).length).toBe(15 + FAKE_ORGANISATION_ENTITIES);

    // Later polls see the same request and must not resync again.
    const after = await polls();
    await waitFor('three more polls', async () => (await polls()) >= after + 3);
    expect(await resyncStarts(port)).toBe(1);
  });
});

describe('WEBHOOK', () => {
  it('runs exactly one resync per POST /resync, answered 202 with its id; GET /resync/{id} gives its report', async () => {
    const result = await start({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK', OCEAN__EVENT_LISTENER__APP_HOST: 'http://tide.example:8000' });
    expect(await resyncStarts(port)).toBe(0);
    const response = await fetch(`${result.url}/resync`, { method: 'POST' });
    // 202 at once (it used to be held until the resync ended, then 200 {status}): the same on every runtime.
    expect(response.status).toBe(202);
    const { status, resyncId } = (await response.json()) as { status: string; resyncId: string };
    expect(status).toBe('started');
    const record = await waitFor('the resync to end', async () => {
      const r = (await (await fetch(`${result.url}/resync/${resyncId}`)).json()) as { state: string; report?: { status: string; resyncId: string } };
      return r.state === 'running' ? undefined : r;
    });
    expect(record).toMatchObject({ state: 'completed', trigger: 'webhook', report: { status: 'completed', resyncId } });
    expect(await resyncStarts(port)).toBe(1);
    expect(await resyncStatus()).toBe('completed');
    expect((await port.entities()).length).toBe(15 + FAKE_ORGANISATION_ENTITIES);
    // The same probe WEBHOOKS_ONLY relies on does see a resync's writes.
    expect(await bulkUpserts()).toBeGreaterThan(0);
  });
});

describe('WEBHOOK under a flood of POST /resync', () => {
  it('one request every 200 ms supersedes nothing: every resync it starts completes, and each request learns its resync', async () => {
    const result = await start({
      OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK',
      OCEAN__EVENT_LISTENER__APP_HOST: 'http://tide.example:8000',
      OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '300',
      OCEAN__RESYNC_TRIGGER_MIN_INTERVAL: '1',
    });
    const answers: Array<Promise<Response>> = [];
    for (let i = 0; i < 10; i += 1) {
      answers.push(fetch(`${result.url}/resync`, { method: 'POST' }));
      await new Promise((r) => setTimeout(r, 200));
    }
    const responses = await Promise.all(answers);
    // A superseded resync reports `running` and never an end: every start must have its end.
    const startsAndEnds = async () => {
      const patches = (await port.requests({ method: 'PATCH', path: '/v1/integration/fake-node/resync-state' })).map((p) => p.body?.status);
      return [patches.filter((s) => s === 'running').length, patches.filter((s) => s === 'completed').length];
    };
    await waitFor('no resync running', async () => (await resyncStatus()) !== 'running');
    const [started, completed] = await startsAndEnds();
    expect(completed).toBe(started);
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{ status: string; resyncId: string }>;
    const ids = [...new Set(bodies.map((b) => b.resyncId))];
    const ended = async () => {
      const states = await Promise.all(ids.map(async (id) => ((await (await fetch(`${result.url}/resync/${id}`)).json()) as { state: string }).state));
      return states.every((s) => s !== 'pending' && s !== 'running') ? states : undefined;
    };
    const states = await waitFor('every resync the flood started to end', ended, 60_000);
    const [startedInAll, completedInAll] = await startsAndEnds();
    expect(completedInAll).toBe(startedInAll);
    expect(startedInAll).toBe(ids.length);
    expect(bodies[0].status).toBe('started');
    expect(bodies.slice(1).map((b) => b.status)).toContain('pending');
    expect(ids.length).toBeLessThan(10);
    expect(states).toEqual(ids.map(() => 'completed'));
    // 5 departments, 2 persons each, and the fake's offices, teams and projects.
    expect((await port.entities()).length).toBe(15 + FAKE_ORGANISATION_ENTITIES);
  });
});

describe('WEBHOOKS_ONLY', () => {
  it('never resyncs: no resync state and no bulk upsert, and POST /resync is not served', async () => {
    const result = await start({ OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__SCHEDULED_RESYNC_INTERVAL: '1' });
    expect((await fetch(`${result.url}/resync`, { method: 'POST' })).ok).toBe(false);
    // Give a would-be background resync a bounded chance to show up in the log.
    const seen = await waitFor('a resync that must not happen', async () => (await bulkUpserts()) > 0 || (await resyncStarts(port)) > 0, 1500).catch(() => false);
    expect(seen).toBe(false);
    expect(await port.entities()).toEqual([]);
  });
});

describe('shutdown', () => {
  it('reports the running resync as aborted, then stops serving', async () => {
    const result = await start({
      OCEAN__EVENT_LISTENER__TYPE: 'POLLING',
      OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_LATENCY_MS: '60000',
      OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE: '1',
    });
    await waitFor('the resync on start to be running', async () => (await resyncStatus()) === 'running');
    await result.stop();
    expect(await resyncStatus()).toBe('aborted');
    await expect(fetch(`${result.url}/health`)).rejects.toThrow();
  });
});
