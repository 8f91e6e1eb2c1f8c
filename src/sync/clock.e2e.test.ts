/**
 * Clock skew (docs/behaviour.md §4.9 step 5): the owned snapshot's `before` is compared with Port's
 * `updatedAt`, so it is taken on Port's clock (learned from the `Date` of Port's answers), not on Tide's.
 * With Tide's clock 5 minutes ahead of Port's, an entity a live event writes during the resync must not
 * be taken for stale, whether the resync runs in one go, in steps across invocations, or as a plan.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import { defineIntegration } from '../integration/index.ts';
import { createMemoryCheckpointStore } from './checkpoint.ts';
import type { ResyncReport } from './report.ts';
import { SERVICE_RESOURCE, TEAM_RESOURCE, createHarness, makeServices, makeTeams, pages } from './test-harness.ts';

const SKEW_S = 300;

let t: TestEmulator;
beforeEach(async () => {
  t = await startEmulator();
  // Port's clock 5 minutes behind Tide's, from before anything is written.
  await t.admin('POST', '/clock', { advanceSeconds: -SKEW_S });
});
afterEach(async () => {
  await t.close();
});

type Harness = Awaited<ReturnType<typeof createHarness>>;

const WAYS = {
  'in one go': (h: Harness) => h.runner.resync(),
  async 'in bounded steps'(h: Harness): Promise<ResyncReport> {
    const store = createMemoryCheckpointStore();
    await h.runner.resumable.begin(store);
    for (let i = 0; i < 100; i++) {
      const result = await h.runner.resumable.step(store, { maxItems: 10, deadlineMs: Date.now() + 60_000 });
      if (result.status === 'done') return result.report;
    }
    throw new Error('the resync did not finish in 100 steps');
  },
};

/** A catalog whose service kind, on its second run, writes `live-1` through Port mid-resync, as a live event would. */
async function setup() {
  const data = { runs: 0, services: makeServices(30) };
  let h!: Harness;
  const integration = defineIntegration({
    kinds: {
      team: { resync: () => makeTeams() },
      service: {
        async *resync() {
          data.runs += 1;
          const all = pages(data.services, 15);
          yield all[0];
          if (data.runs === 2) {
            const written = await h.port.upsertEntity('service', { identifier: 'live-1', title: 'Live', properties: { language: 'go' } });
            expect(written.status).toBe('upserted');
          }
          for (const page of all.slice(1)) yield page;
        },
      },
    },
  });
  h = await createHarness({ baseUrl: t.baseUrl, fetch: t.fetch }, { integration, mapping: { resources: [TEAM_RESOURCE(), SERVICE_RESOURCE()] } });
  return h;
}

describe.each(Object.keys(WAYS) as Array<keyof typeof WAYS>)('Tide 5 minutes ahead of Port, a resync %s', (way) => {
  it('keeps an entity a live event wrote during the resync; `before` is on Port’s clock', async () => {
    const h = await setup();
    await WAYS[way](h);
    await h.clearRequests();
    const report = await WAYS[way](h);
    expect(report.status).toBe('completed');
    expect(report.deletion).toMatchObject({ outcome: 'nothing-to-delete', counts: { candidates: 0 } });
    expect(await h.ids('service')).toContain('live-1');
    const [snapshot] = await h.requests({ method: 'POST', path: '/v1/blueprints/entities/datasource-entities' });
    const lag = Date.parse(report.startedAt) - Date.parse(snapshot.body.before);
    // Port's clock at the start (the Date header has whole seconds: up to about a second earlier).
    expect(lag).toBeGreaterThanOrEqual(SKEW_S * 1000);
    expect(lag).toBeLessThan((SKEW_S + 5) * 1000);
  });
});

it('plan takes `before` on Port’s clock too', async () => {
  const h = await setup();
  await h.runner.resync();
  await h.clearRequests();
  const plan = await h.plan();
  const [snapshot] = await h.requests({ method: 'POST', path: '/v1/blueprints/entities/datasource-entities' });
  const lag = Date.parse(plan.startedAt) - Date.parse(snapshot.body.before);
  expect(lag).toBeGreaterThanOrEqual(SKEW_S * 1000);
  expect(lag).toBeLessThan((SKEW_S + 5) * 1000);
});
