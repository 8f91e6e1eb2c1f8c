/**
 * Asynchronous completion (docs/behaviour.md §11.5): an executor marks its run started with an external id and
 * leaves it pending; a later webhook, handled by a processor of kind 'action', finds the run by that id through
 * `ctx.actions` and completes it.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { emulatorClient } from 'port-tide/testing';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { loadSettingsOrThrow } from '../config/index.ts';
import { createTide, defineIntegration, type Tide } from '../integration/index.ts';
import type { ProcessorContext } from '../live/index.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const BASE = 'http://emulator.local';
let emulator: PortEmulator;
let tide: Tide;

const jobs = defineIntegration({
  type: 'jobs',
  version: '1.0.0',
  kinds: {},
  actions: {
    start_job: {
      async run(run, ctx) {
        await ctx.update({ externalRunId: `job-${run.properties.name}`, link: `https://jobs.example/${run.properties.name}` });
        return { status: 'pending' };
      },
    },
  },
  webhooks: {
    '/jobs': (ctx: ProcessorContext) => ({
      kind: 'action' as const,
      shouldProcessEvent: () => true,
      getMatchingKinds: () => [],
      authenticate: () => true,
      validatePayload: () => true,
      async handleEvent(payload: unknown) {
        const { job, ok, reason } = payload as { job: string; ok: boolean; reason?: string };
        const run = await ctx.actions!.findRun(job);
        if (run) await ctx.actions!.complete(run, ok ? { status: 'success', message: `${job} finished` } : { status: 'failure', message: reason ?? 'failed' });
        return { updated: [], deleted: [] };
      },
    }),
  },
});

beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: BASE,
      OCEAN__INTEGRATION__IDENTIFIER: 'jobs',
      OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK',
      OCEAN__EVENT_LISTENER__APP_HOST: 'https://tide.example',
      OCEAN__BASE_URL: 'https://tide.example',
      OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true',
    },
    spec: { actionsProcessingEnabled: true, configurations: [] },
    integrationDefaults: { type: 'jobs', version: '1.0.0' },
    actionTypes: ['start_job'],
  });
  tide = createTide({ integration: jobs, settings, fetch: emulator.fetch });
});
afterEach(async () => {
  await tide.stop();
  await emulator.close();
});

const admin = (method: string, path: string, body?: unknown): Promise<any> => emulatorClient({ baseUrl: BASE, fetch: emulator.fetch }).admin(method, path, body);

async function settled(id: string, done: (run: any) => boolean): Promise<any> {
  for (let i = 0; i < 500; i++) {
    const { run } = await admin('GET', `/runs/${id}`);
    if (done(run)) return run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${id} did not settle`);
}

it('a run left pending is found by its external id and completed by a live event', async () => {
  const { run } = await admin('POST', '/actions/runs', { installationId: 'jobs', type: 'start_job', executionProperties: { name: 'nightly' } });
  await tide.actions!.poll();
  const started = await settled(run.id, (r) => r.externalRunId === 'job-nightly' && tide.actions!.executing === 0);
  expect([started.status, started.link]).toEqual(['IN_PROGRESS', ['https://jobs.example/nightly']]);
  const res = await tide.fetch(new Request('https://tide.example/integration/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ job: 'job-nightly', ok: false, reason: 'disk full' }) }));
  expect(res.status).toBe(200);
  const ended = await settled(run.id, (r) => r.status !== 'IN_PROGRESS');
  expect(ended.status).toBe('FAILURE');
  expect(ended.logs.map((l: { message: string }) => l.message)).toEqual(['disk full']);
});
