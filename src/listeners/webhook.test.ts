import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../../emulator/test-helpers.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { changelogDestination } from './changelog-destination.ts';
import { createCountingTrigger, settle } from './test-support.ts';
import { createResyncRoute } from './webhook.ts';

const post = (body = '{"action":"RESYNC"}') => new Request('http://tide.local/resync', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('POST /resync (WEBHOOK)', () => {
  it('runs one resync and answers 200 only after it has ended', async () => {
    const fake = createCountingTrigger();
    fake.hold();
    const handle = createResyncRoute({ trigger: fake.trigger });
    let answered = false;
    const pending = handle(post()).then((r) => {
      answered = true;
      return r;
    });
    await fake.callNumber(1);
    await settle();
    expect(answered).toBe(false);
    fake.release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'completed' });
    expect(fake.calls).toEqual(['webhook']);
  });

  it('answers 200 for a resync that ended failed: nothing escaped it', async () => {
    const handle = createResyncRoute({ trigger: createCountingTrigger('failed').trigger });
    const response = await handle(post('not even json'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'failed' });
  });

  it('answers 500 without details when the resync throws', async () => {
    const logger = createMemoryLogger();
    const handle = createResyncRoute({ trigger: createCountingTrigger(new Error('boom at /secret/path')).trigger, logger });
    const response = await handle(post());
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal server error');
    expect(logger.records).toEqual([expect.objectContaining({ level: 'error', fields: { error: 'boom at /secret/path' } })]);
  });

  it('answers 405 to other methods without resyncing', async () => {
    const fake = createCountingTrigger();
    const response = await createResyncRoute({ trigger: fake.trigger })(new Request('http://tide.local/resync'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(fake.calls).toEqual([]);
  });
});

describe('WEBHOOK end to end with the emulator', () => {
  let t: TestEmulator | undefined;
  let server: ServerType | undefined;

  afterEach(async () => {
    // The emulator's fetch keeps its connection alive; drop it so close() does not wait for the idle timeout.
    (server as Server | undefined)?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
    server = undefined;
    t = undefined;
  });

  it('a "Resync" click makes Port POST to {appHost}/resync, which resyncs', async () => {
    const fake = createCountingTrigger();
    const handle = createResyncRoute({ trigger: fake.trigger });
    const appHost = await new Promise<string>((resolve) => {
      server = serve(
        {
          hostname: '127.0.0.1',
          port: 0,
          fetch: (request) => (new URL(request.url).pathname === '/resync' ? handle(request) : new Response('not found', { status: 404 })),
        },
        (info) => resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    t = await startEmulator();
    const destination = changelogDestination('WEBHOOK', { appHost });
    expect(destination).toEqual({ type: 'WEBHOOK', url: `${appHost}/resync` });
    await t.admin('POST', '/seed', { integrations: [{ identifier: 'hook-int', installationAppType: 'test', changelogDestination: destination }] });

    await t.admin('POST', '/integrations/hook-int/resync-request');
    await fake.callNumber(1);
    expect(fake.calls).toEqual(['webhook']);
  });
});
