/**
 * What Tide's server refuses before it does any work (docs/behaviour.md §6.1, §9.3): bodies past
 * requestBodyMaxSizeInBytes (413, counted by what the server pulled from the body stream, not by memory),
 * deliveries past the live-event queue's bounds (503 with Retry-After), requests to the admin routes without
 * the admin token (401), and replayed deliveries (200 "duplicate"). A Tide built with createTide against
 * the emulator, serving a probe integration whose action processor records what it was given.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from '../../emulator/index.ts';
import { loadSettingsOrThrow } from '../config/index.ts';
import { createTide, defineIntegration, type Tide } from '../integration/index.ts';
import { signHmacSha256, verifyHmacSha256, type ActionProcessor } from '../live/index.ts';
import { createMemoryStateStore, type StateStore } from '../state/index.ts';

const CREDS = { clientId: 'limits-id', clientSecret: 'limits-secret' };
const BASE = 'http://emulator.local';
const SECRET = 'probe-webhook-secret';
const MiB = 1024 * 1024;

let emulator: PortEmulator;
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
});
afterEach(() => emulator.close());

/** The probe's processor: records each payload; while `hold` is set, each event waits for it. */
const seen: unknown[] = [];
let hold: Promise<void> | undefined;
let verified = 0;
const recorder: ActionProcessor = {
  kind: 'action',
  shouldProcessEvent: () => true,
  getMatchingKinds: () => [],
  authenticate: () => true,
  validatePayload: () => true,
  async handleEvent(payload) {
    await hold;
    seen.push(payload);
    return { updated: [], deleted: [] };
  },
};
const probe = defineIntegration({
  type: 'probe',
  version: '0.0.1',
  kinds: { item: { resync: () => [] } },
  webhooks: {
    '/signed': {
      verify: (request) => ((verified += 1), verifyHmacSha256(request, { secret: SECRET, header: 'x-signature' })),
      deliveryId: (request) => request.headers['x-delivery'],
      processors: recorder,
    },
    '/open': recorder,
  },
});

function build(env: Record<string, string> = {}, state: StateStore = createMemoryStateStore()): Tide {
  seen.length = 0;
  verified = 0;
  hold = undefined;
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: BASE,
      OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY',
      OCEAN__BASE_URL: 'https://tide.example.test',
      ...env,
    },
    integrationDefaults: { type: 'probe', version: '0.0.1' },
  });
  return createTide({ integration: probe, settings, fetch: emulator.fetch, state });
}

/** A body stream of `total` bytes in 64 KiB chunks that counts what the reader pulled from it. */
function countingBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const counter = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (counter.pulled >= total) return controller.close();
        counter.pulled += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
  new Request(`http://tide.test${path}`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

describe('request bodies past requestBodyMaxSizeInBytes', () => {
  it('a streamed 200 MB body is answered 413 after at most the limit was read, and no signature check runs', async () => {
    const tide = build();
    const { stream, counter } = countingBody(200 * MiB);
    const response = await tide.fetch(post('/integration/signed', stream, { 'x-signature': 'sha256=00' }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ status: 'error', message: expect.stringContaining('OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES') });
    // The default limit is 10 MiB: what was pulled is the limit and the chunk that crossed it.
    expect(counter.pulled).toBeLessThanOrEqual(10 * MiB + 64 * 1024);
    expect(verified).toBe(0);
  });

  it('a declared Content-Length over the limit is refused without reading the body', async () => {
    const tide = build({ OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES: String(MiB) });
    const { stream, counter } = countingBody(2 * MiB);
    const response = await tide.fetch(post('/integration/open', stream, { 'content-length': String(2 * MiB) }));
    expect(response.status).toBe(413);
    expect(counter.pulled).toBe(0);
  });

  it('a signed body within the limit is verified and queued; the limit is the setting', async () => {
    const tide = build({ OCEAN__REQUEST_BODY_MAX_SIZE_IN_BYTES: String(MiB) });
    const body = JSON.stringify({ note: 'x'.repeat(MiB - 100) });
    const ok = await tide.fetch(post('/integration/signed', body, { 'x-signature': await signHmacSha256(SECRET, body), 'x-delivery': 'd-1' }));
    expect(ok.status).toBe(200);
    await tide.live.idle();
    expect(seen).toHaveLength(1);
    const over = JSON.stringify({ note: 'x'.repeat(MiB) });
    const refused = await tide.fetch(post('/integration/signed', over, { 'x-signature': await signHmacSha256(SECRET, over) }));
    expect(refused.status).toBe(413);
    expect(verified).toBe(1);
  });
});

describe('the live-event queue bound', () => {
  it('once liveEventsQueueMaxLength events wait, a delivery is answered 503 with Retry-After before its body is read; room comes back as events finish', async () => {
    const tide = build({ OCEAN__LIVE_EVENTS_QUEUE_MAX_LENGTH: '3' });
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    for (let i = 0; i < 3; i += 1) expect((await tide.fetch(post('/integration/open', JSON.stringify({ i })))).status).toBe(200);
    const { stream, counter } = countingBody(MiB);
    const full = await tide.fetch(post('/integration/open', stream));
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('30');
    expect(await full.json()).toMatchObject({ message: expect.stringContaining('queue is full') });
    expect(counter.pulled).toBe(0);
    release();
    await tide.live.idle();
    expect((await tide.fetch(post('/integration/open', JSON.stringify({ i: 3 })))).status).toBe(200);
    await tide.live.idle();
    expect(seen).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
    expect(tide.live.stats()).toMatchObject({ refused: 1, pending: 0 });
  });

  it('liveEventsQueueMaxSizeInBytes bounds the bytes of the queued bodies', async () => {
    const tide = build({ OCEAN__LIVE_EVENTS_QUEUE_MAX_SIZE_IN_BYTES: '1000' });
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const big = JSON.stringify({ note: 'x'.repeat(600) });
    expect((await tide.fetch(post('/integration/open', big))).status).toBe(200);
    expect((await tide.fetch(post('/integration/open', big))).status).toBe(503);
    expect((await tide.fetch(post('/integration/open', JSON.stringify({ small: true })))).status).toBe(200);
    release();
    await tide.live.idle();
    expect(seen).toHaveLength(2);
  });
});

describe('the admin token (adminToken)', () => {
  it('/metrics and /resync/{id} need Authorization: Bearer <token>; a wrong or missing one is 401, and health stays open', async () => {
    const token = 'admin-token-7f3a';
    const tide = build({ OCEAN__ADMIN_TOKEN: token });
    const metrics = (authorization?: string) => tide.fetch(new Request('http://tide.test/metrics', { headers: authorization ? { authorization } : {} }));
    expect((await metrics()).status).toBe(401);
    expect((await metrics('Bearer not-the-token')).status).toBe(401);
    expect((await metrics(`Basic ${token}`)).status).toBe(401);
    const ok = await metrics(`Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('tide_resyncs_total');
    expect((await tide.fetch(new Request('http://tide.test/resync/some-id'))).status).toBe(401);
    expect((await tide.fetch(new Request('http://tide.test/resync/some-id', { headers: { authorization: `Bearer ${token}` } }))).status).toBe(404);
    expect((await tide.fetch(new Request('http://tide.test/health/ready'))).status).toBe(200);
  });

  it('an unauthenticated POST /resync is refused before its body is read', async () => {
    const tide = build({ OCEAN__ADMIN_TOKEN: 'admin-token-7f3a', OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOK', OCEAN__EVENT_LISTENER__APP_HOST: 'https://tide.example.test' });
    const { stream, counter } = countingBody(200 * MiB);
    const response = await tide.fetch(post('/resync', stream));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it('without the setting the routes are open, as in Ocean', async () => {
    const tide = build();
    expect((await tide.fetch(new Request('http://tide.test/metrics'))).status).toBe(200);
  });
});

describe('replayed deliveries (a route with deliveryId)', () => {
  it('a signed delivery replayed is answered "duplicate" and applied once, also by the next process over the same state', async () => {
    const state = createMemoryStateStore();
    const tide = build({}, state);
    const body = JSON.stringify({ change: 1 });
    const signed = async (id: string) => post('/integration/signed', body, { 'x-signature': await signHmacSha256(SECRET, body), 'x-delivery': id });
    const first = await tide.fetch(await signed('delivery-1'));
    expect(await first.json()).toEqual({ status: 'ok' });
    await tide.live.idle();
    const replay = await tide.fetch(await signed('delivery-1'));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: 'duplicate' });
    expect((await (await tide.fetch(await signed('delivery-2'))).json()).status).toBe('ok');
    await tide.live.idle();
    expect(seen).toHaveLength(2);

    const restarted = build({}, state);
    expect(await (await restarted.fetch(await signed('delivery-1'))).json()).toEqual({ status: 'duplicate' });
    // An unsigned replay is refused by the signature check, never marked as seen.
    expect((await restarted.fetch(post('/integration/signed', body, { 'x-delivery': 'delivery-3' }))).status).toBe(401);
    expect((await (await restarted.fetch(await signed('delivery-3'))).json()).status).toBe('ok');
  });

  it('a delivery that was never applied (dropped at shutdown) can be delivered again', async () => {
    const state = createMemoryStateStore();
    const tide = build({}, state);
    hold = new Promise(() => {});
    const body = JSON.stringify({ change: 2 });
    const request = async () => post('/integration/signed', body, { 'x-signature': await signHmacSha256(SECRET, body), 'x-delivery': 'delivery-9' });
    expect(await (await tide.fetch(await request())).json()).toEqual({ status: 'ok' });
    // Queued and not applied yet: a second copy is a duplicate.
    expect(await (await tide.fetch(await request())).json()).toEqual({ status: 'duplicate' });
    await tide.live.drain(10);
    const restarted = build({}, state);
    expect(await (await restarted.fetch(await request())).json()).toEqual({ status: 'ok' });
    await restarted.live.idle();
    expect(seen).toEqual([{ change: 2 }]);
  });
});
