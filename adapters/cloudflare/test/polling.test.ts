/**
 * The POLLING decisions in the resync Durable Object, inside workerd against the real emulator: the
 * cron tick runs the core's `pollingStep`, so it behaves like the in-process listener
 * (src/listeners/polling.test.ts). In particular, when the first read of the resync request fails, the
 * first tick still resyncs on start (docs/behaviour.md §5.2), and the next tick repeats the initial
 * read, which only fixes the watermark: a request older than the start never triggers.
 */
import { describe, expect, inject, it } from 'vitest';
import type { LiveEventMessage, TideEnv } from '../types.ts';
import { CLIENT_ID, CLIENT_SECRET } from './constants.ts';
import { objectDriver } from './do-instance.ts';
import { admin } from './helpers.ts';

const IDENTIFIER = 'polling-workers';

const env: TideEnv = {
  OCEAN__PORT__BASE_URL: inject('emulatorUrl'),
  OCEAN__PORT__CLIENT_ID: CLIENT_ID,
  OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
  OCEAN__INTEGRATION__IDENTIFIER: IDENTIFIER,
  OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '1',
  OCEAN__EVENT_LISTENER__TYPE: 'POLLING',
  APPLICATION__LOG_LEVEL: 'ERROR',
  TIDE_RESYNC: { idFromName: (name: string) => name, get: () => undefined },
  TIDE_LIVE_EVENTS: { send: async (_message: LiveEventMessage) => {} },
};

async function clickResync(): Promise<{ updatedAt: string }> {
  const r = await admin('POST', `/integrations/${IDENTIFIER}/resync-request`);
  expect(r.status).toBe(200);
  return r.body.request;
}

describe('POLLING in the resync Durable Object', () => {
  it('a failed first read still resyncs on start; the repeated initial read never triggers on an older request; a newer one does', async () => {
    const object = objectDriver(`polling/${IDENTIFIER}`, () => env);
    // The first tick provisions the integration; the request is then one that exists before polling starts.
    await object.run((o) => o.startResync('setup'));
    const existing = await clickResync();
    const fault = await admin('POST', '/faults', { match: { method: 'GET', path: `/v1/integration/${IDENTIFIER}/resync-request` }, times: 1, action: { type: 'status', status: 500 } });
    expect(fault.status).toBe(201);

    const first = await object.run((o) => o.tick());
    expect(first).toMatchObject({ started: { trigger: 'start' }, watermark: 'unknown' });

    const second = await object.run((o) => o.tick());
    expect(second.started).toBeUndefined();
    expect(second.watermark).toBe(existing.updatedAt);

    const fresh = await clickResync();
    const third = await object.run((o) => o.tick());
    expect(third).toMatchObject({ started: { trigger: 'poll' }, watermark: fresh.updatedAt });
    expect((await object.run((o) => o.tick())).started).toBeUndefined();
  });
});
