/**
 * The Worker of the root wrangler.toml inside workerd, against a real Port emulator over loopback. The
 * tests run in order and share the emulator and the Durable Object, as one deployment's life would.
 */
import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, runInDurableObject, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { FAKE_DEPARTMENTS, FAKE_OFFICES, FAKE_PROJECT_COUNT, FAKE_TEAMS, fakePerson } from '../../../integrations/fake/index.ts';
import worker from '../fake-worker.ts';
import type { LiveEventMessage, TideEnv } from '../types.ts';
import { PERSONS_PER_DEPARTMENT, IDENTIFIER } from './constants.ts';
import { DATASOURCE, admin, api, ids, resyncDone, resyncObject, waitFor } from './helpers.ts';
import type { ObjectSeam } from './helpers.ts';

const PERSONS = FAKE_DEPARTMENTS.length * PERSONS_PER_DEPARTMENT;
const expectedPersonIds = (): string[] => FAKE_DEPARTMENTS.flatMap((d) => Array.from({ length: PERSONS_PER_DEPARTMENT }, (_, i) => `${d.id}-${i}`)).sort();

// The handlers satisfy the Workers runtime's own type for a module Worker (checked by adapters/cloudflare/tsconfig.json).
const handlers = worker satisfies ExportedHandler<TideEnv, LiveEventMessage>;

async function cron(): Promise<void> {
  const ctx = createExecutionContext();
  await handlers.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env as TideEnv, ctx);
  await waitOnExecutionContext(ctx);
}

async function seedStale(prefix: string, count: number): Promise<string[]> {
  const stale = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const r = await admin('POST', '/seed', {
    entities: stale.map((identifier) => ({ blueprint: 'fake-person', identifier, title: identifier, properties: {}, relations: {}, datasource: DATASOURCE })),
  });
  expect(r.status).toBe(200);
  return stale;
}

describe('Tide on Workers (fake integration, real emulator)', () => {
  it('serves the health routes', async () => {
    for (const check of ['live', 'ready']) {
      const r = await SELF.fetch(`https://tide.test/health/${check}`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: 'healthy', check });
    }
  });

  it(`the first cron provisions and resyncs ${PERSONS} persons across bounded steps; a step killed mid-way resumes without losses or duplicates`, async () => {
    // Kill the step that reaches page 3, once, after its writes and before its checkpoint.
    await runInDurableObject(resyncObject() as never, (object) => {
      let killed = false;
      (object as ObjectSeam).onPage = ({ pages }) => {
        if (pages === 3 && !killed) {
          killed = true;
          throw new Error('simulated: the invocation ended');
        }
      };
    });
    await cron();
    const started = await resyncObject().status();
    expect(started.running).toBeDefined();
    const status = await resyncDone(started.running!.resyncId);
    const report = status.lastReport;
    expect(report.status).toBe('completed');

    const steps = status.steps.filter((s) => s.outcome === 'continue');
    expect(steps.length).toBeGreaterThanOrEqual(PERSONS / 2000);
    for (const s of steps) expect(s.items).toBeLessThanOrEqual(2000);
    expect(status.steps.filter((s) => s.outcome.startsWith('error: simulated'))).toHaveLength(1);

    // Counters count every item once although a page was processed twice.
    expect(report.kinds.map((k: any) => [k.kind, k.fetched, k.mapped, k.errors.length])).toEqual([
      ['fake-department', 5, 5, 0],
      ['fake-person', PERSONS, PERSONS, 0],
      ['fake-office', FAKE_OFFICES.length, FAKE_OFFICES.length, 0],
      ['fake-team', FAKE_TEAMS.length, FAKE_TEAMS.length, 0],
      ['fake-project', FAKE_PROJECT_COUNT, FAKE_PROJECT_COUNT, 0],
    ]);
    expect(await ids('fake-department')).toEqual(FAKE_DEPARTMENTS.map((d) => d.id).sort());
    expect(await ids('fake-person')).toEqual(expectedPersonIds());
    await runInDurableObject(resyncObject() as never, (object) => {
      (object as ObjectSeam).onPage = undefined;
    });
  });

  it('cron picks a resync request up once; the resync deletes stale entities once, after its last step', async () => {
    const stale = await seedStale('gone', 20);
    expect((await admin('POST', `/integrations/${IDENTIFIER}/resync-request`)).status).toBe(200);
    await cron();
    const started = await resyncObject().status();
    expect(started.running).toBeDefined();
    const status = await resyncDone(started.running!.resyncId);
    expect(status.lastReport.deletion).toMatchObject({ outcome: 'deleted', counts: { deleted: stale.length, candidates: stale.length } });
    expect(status.steps.length).toBeGreaterThan(2);
    expect(await ids('fake-person')).toEqual(expectedPersonIds());

    // The same request is not picked up again.
    await cron();
    const after = await resyncObject().status();
    expect(after.running).toBeUndefined();
    expect((after.lastReport as { resyncId: string }).resyncId).toBe(status.lastReport.resyncId);
  });

  it('a failed kind means no deletion', async () => {
    const stale = await seedStale('kept', 3);
    const integration = (await api('GET', `/integration/${IDENTIFIER}`)).body.integration;
    const mapping = integration.config;
    const broken = { ...mapping, resources: [{ ...mapping.resources[0], kind: 'fake-missing' }, mapping.resources[0]] };
    // A mapping change creates a resync request (as in Port); the cron picks it up.
    expect((await api('PATCH', `/integration/${IDENTIFIER}`, { config: broken })).status).toBe(200);
    await cron();
    const started = await resyncObject().status();
    expect(started.running).toBeDefined();
    const status = await resyncDone(started.running!.resyncId);
    expect(status.lastReport.status).toBe('failed');
    expect(status.lastReport.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'kind-errors' });
    const persons = await ids('fake-person');
    for (const id of stale) expect(persons).toContain(id);
    expect((await api('PATCH', `/integration/${IDENTIFIER}`, { config: mapping })).status).toBe(200);
  });

  it('a live event POSTed to /integration/webhook reaches Port through the queue', async () => {
    const person = { ...fakePerson(FAKE_DEPARTMENTS[0], 0), name: 'Renamed by a live event' };
    const r = await SELF.fetch('https://tide.test/integration/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'person.updated', person }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
    await waitFor('the live event to be applied', async () => {
      const e = (await api('GET', `/blueprints/fake-person/entities/${person.id}`)).body.entity;
      return e?.title === 'Renamed by a live event';
    });
  });

  it('events about one entity end in the latest state, whatever the delivery order; a redelivery changes nothing', async () => {
    const base = fakePerson(FAKE_DEPARTMENTS[1], 1);
    const at = Date.now();
    const message = (name: string, offsetMs: number): LiveEventMessage => {
      const body = JSON.stringify({ type: 'person.updated', person: { ...base, name } });
      return { path: '/webhook', traceId: crypto.randomUUID(), payload: JSON.parse(body), headers: {}, rawBody: btoa(body), createdAt: new Date(at + offsetMs).toISOString() };
    };
    const older = message('older', 0);
    const newer = message('newer', 1000);
    const deliver = async (...bodies: LiveEventMessage[]) => {
      const batch = createMessageBatch('tide-fake-live-events', bodies.map((body, i) => ({ id: `m-${body.traceId}-${i}`, timestamp: new Date(), attempts: 1, body })));
      const ctx = createExecutionContext();
      await handlers.queue(batch as never, env as TideEnv, ctx);
      const result = await getQueueResult(batch, ctx);
      expect(result.retryMessages).toEqual([]);
      expect(result.explicitAcks).toHaveLength(bodies.length);
    };
    const title = async () => (await api('GET', `/blueprints/fake-person/entities/${base.id}`)).body.entity.title;

    await deliver(newer, older); // the older event arrives late
    expect(await title()).toBe('newer');
    const latest = message('latest', 2000);
    await deliver(latest);
    expect(await title()).toBe('latest');
    await deliver(newer); // redelivered after a newer event was applied
    expect(await title()).toBe('latest');
  });
});
