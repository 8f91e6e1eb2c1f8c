import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/test-helpers.ts';
import type { TestEmulator } from '../../emulator/test-helpers.ts';
import type { ActionProcessor, WebhookEvent, WebhookProcessor } from './index.ts';
import { silentLogger } from '../logging/logger.ts';
import { DISABLED_REASONS, liveEventsEnablement, signHmacSha256, verifyHmacSha256 } from './index.ts';
import { FOREIGN, OWN, post, serviceResource, setup } from './test-harness.ts';

type Repo = { id: string; name?: string; lang?: string; stars?: number; archived?: boolean };
type Payload = { action: 'upsert' | 'delete' | 'both'; repos: Repo[] };

/** The test processor: `upsert` → updated, `delete` → deleted, `both` → the same items in both lists. */
function repoProcessor(overrides: Partial<WebhookProcessor> = {}): () => WebhookProcessor {
  return () => ({
    shouldProcessEvent: (event: WebhookEvent) => Array.isArray((event.payload as Payload).repos),
    getMatchingKinds: () => ['repo'],
    authenticate: () => true,
    validatePayload: () => true,
    async handleEvent(payload: unknown) {
      const p = payload as Payload;
      return {
        updated: p.action === 'delete' ? [] : p.repos,
        deleted: p.action === 'upsert' ? [] : p.repos,
      };
    },
    ...overrides,
  });
}

const service = (id: string, datasource: string, extra: Record<string, unknown> = {}) => ({
  blueprint: 'service',
  identifier: id,
  title: id,
  properties: { language: 'go', ...extra },
  relations: {},
  datasource,
});

let t: TestEmulator;
beforeEach(async () => {
  t = await startEmulator();
});
afterEach(async () => {
  await t.close();
});

describe('live events: writes', () => {
  it('creates an entity, acknowledging before processing, attributed to an http_request event', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const base = repoProcessor();
    const live = h.live({ processors: { '/webhook': () => ({ ...base(), handleEvent: async (p: unknown) => (await gate, base().handleEvent(p, undefined as never)) }) } });

    const response = await live.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'svc-1', name: 'One', lang: 'ts', stars: 3 }] }), '/webhook');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(await h.entities('service')).toEqual([]);

    release();
    await live.idle();
    const [entity] = await h.entities('service');
    expect(entity).toMatchObject({ identifier: 'svc-1', title: 'One', properties: { language: 'ts', stars: 3 }, datasource: OWN });
    const bulk = (await h.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/entities/bulk'));
    expect(bulk).toHaveLength(1);
    expect(bulk[0].query).toMatchObject({ ocean_info_event_type: 'http_request', upsert: 'true', merge: 'true' });
    expect(live.stats()).toMatchObject({ queued: 1, processed: 1, runsSucceeded: 1, upserted: 1, pending: 0 });
  });

  it('updates an existing entity', async () => {
    const h = await setup(t, { resources: [serviceResource()] }, [service('svc-1', OWN, { stars: 1 })]);
    const live = h.live({ processors: { '/webhook': repoProcessor() } });
    await live.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'svc-1', name: 'Renamed', lang: 'ts', stars: 2 }] }), '/webhook');
    await live.idle();
    expect(await h.entities('service')).toEqual([expect.objectContaining({ identifier: 'svc-1', title: 'Renamed', properties: { language: 'ts', stars: 2 } })]);
  });

  it('deletes only owned, existing entities', async () => {
    const h = await setup(t, { resources: [serviceResource()] }, [service('svc-1', OWN), service('svc-2', FOREIGN), service('svc-4', 'manual')]);
    const live = h.live({ processors: { '/webhook': repoProcessor() } });
    const repos = ['svc-1', 'svc-2', 'svc-3', 'svc-4'].map((id) => ({ id }));
    await live.handle(post('/webhook', { action: 'delete', repos }), '/webhook');
    await live.idle();

    expect((await h.entities('service')).map((e) => e.identifier)).toEqual(['svc-2', 'svc-4']);
    const requests = await h.requests();
    const deletes = requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deletes).toEqual(['/v1/blueprints/service/entities/svc-1']);
    const searches = requests.filter((r) => r.path === '/v1/entities/search');
    expect(searches).toHaveLength(4);
    expect(searches[0].body).toEqual({
      combinator: 'and',
      rules: [
        { property: '$identifier', operator: '=', value: 'svc-1' },
        { property: '$blueprint', operator: '=', value: 'service' },
        { property: '$datasource', operator: 'contains', value: 'port-ocean/fake/' },
        { property: '$datasource', operator: 'contains', value: '/my-live/exporter' },
      ],
    });
    expect(requests.some((r) => r.path.endsWith('/entities/bulk'))).toBe(false);
  });

  it('deletes the entity of an updated item whose selector turned false; never creates one', async () => {
    const h = await setup(t, { resources: [serviceResource('.archived | not')] }, [service('svc-1', OWN)]);
    const live = h.live({ processors: { '/webhook': repoProcessor() } });
    const repos = [
      { id: 'svc-1', archived: true },
      { id: 'svc-9', archived: true },
      { id: 'svc-2', name: 'Two', archived: false },
    ];
    await live.handle(post('/webhook', { action: 'upsert', repos }), '/webhook');
    await live.idle();
    expect((await h.entities('service')).map((e) => e.identifier)).toEqual(['svc-2']);
  });

  it('deletes a deleted item whatever its selector says, and never one the event also upserts', async () => {
    const h = await setup(t, { resources: [serviceResource('.archived | not')] }, [service('svc-1', OWN), service('svc-2', OWN)]);
    const live = h.live({ processors: { '/webhook': repoProcessor() } });
    await live.handle(post('/webhook', { action: 'delete', repos: [{ id: 'svc-1', archived: true }] }), '/webhook');
    await live.handle(post('/webhook', { action: 'both', repos: [{ id: 'svc-2', name: 'Kept' }] }), '/webhook');
    await live.idle();
    expect(await h.entities('service')).toEqual([expect.objectContaining({ identifier: 'svc-2', title: 'Kept' })]);
    expect((await h.requests()).filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual(['/v1/blueprints/service/entities/svc-1']);
  });

  it('expands updated and deleted items with itemsToParse', async () => {
    const fileResource = {
      kind: 'repo',
      selector: { query: '.item.removed | not' },
      port: {
        itemsToParse: '.files',
        entity: { mappings: { identifier: '.item.path', blueprint: '"file"', properties: { repo: '.id' } } },
      },
    };
    const stale = { blueprint: 'file', identifier: 'c.ts', properties: { repo: 'r' }, relations: {}, datasource: OWN };
    const h = await setup(t, { resources: [fileResource] }, [stale, { ...stale, identifier: 'd.ts' }, { ...stale, identifier: 'e.ts' }]);
    const live = h.live({
      processors: {
        '/webhook': repoProcessor({
          handleEvent: async () => ({
            updated: [{ id: 'r', files: [{ path: 'a.ts' }, { path: 'b.ts' }, { path: 'd.ts', removed: true }] }],
            deleted: [{ id: 'r', files: [{ path: 'c.ts' }] }],
          }),
        }),
      },
    });
    await live.handle(post('/webhook', { action: 'upsert', repos: [] }), '/webhook');
    await live.idle();
    const files = await h.entities('file');
    expect(files.map((e) => e.identifier)).toEqual(['a.ts', 'b.ts', 'e.ts']);
    expect(files[0].properties).toEqual({ repo: 'r' });
  });

  it('reads the mapping fresh for every event and runs once per resource of a matching kind', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const resources: Array<unknown> = [];
    const base = repoProcessor();
    const live = h.live({ processors: { '/webhook': () => ({ ...base(), handleEvent: async (p: unknown, r: unknown) => (resources.push(r), base().handleEvent(p, undefined as never)) }) } });
    await live.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'svc-1', name: 'One' }] }), '/webhook');
    await live.idle();

    const second = { ...serviceResource(), port: { entity: { mappings: { identifier: '.id', title: '"from-second"', blueprint: '"service"' } } } };
    await h.setMapping({ resources: [serviceResource('false'), second, { ...serviceResource(), kind: 'other' }] });
    await live.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'svc-1', name: 'One' }] }), '/webhook');
    await live.idle();
    expect(resources).toHaveLength(3);
    // The first resource's selector is now false, but the second upserts the key, so it stays.
    expect(await h.entities('service')).toEqual([expect.objectContaining({ identifier: 'svc-1', title: 'from-second' })]);
  });

  it('runs an action processor once, without a resource, and maps nothing', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const seen: unknown[] = [];
    const action = (): ActionProcessor => ({
      kind: 'action',
      shouldProcessEvent: () => true,
      getMatchingKinds: () => ['repo'],
      authenticate: () => true,
      validatePayload: () => true,
      async handleEvent(_payload, resource) {
        seen.push(resource);
        return { updated: [{ id: 'svc-1' }], deleted: [] };
      },
    });
    const live = h.live({ processors: { '/config': action } });
    await live.handle(post('/config', { changed: true }), '/config');
    await live.idle();
    expect(seen).toEqual([undefined]);
    expect(await h.entities('service')).toEqual([]);
  });

  it('with an empty mapping, still runs action processors and writes nothing', async () => {
    const h = await setup(t, {});
    let actions = 0;
    const action = (): ActionProcessor => ({
      kind: 'action',
      shouldProcessEvent: () => true,
      getMatchingKinds: () => [],
      authenticate: () => true,
      validatePayload: () => true,
      handleEvent: async () => (actions++, { updated: [], deleted: [] }),
    });
    const live = h.live({ processors: { '/webhook': [repoProcessor(), action] } });
    await live.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'svc-1' }] }), '/webhook');
    await live.idle();
    expect(actions).toBe(1);
    expect(await h.entities('service')).toEqual([]);
    expect(h.logger.records.some((r) => r.level === 'error' && String(r.fields.error).includes('empty mapping'))).toBe(true);
  });

  it('hands accepted events to an external queue, whose consumer processes them with processEvent', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const dispatched: Array<[string, WebhookEvent]> = [];
    const live = h.live({ processors: { '/webhook': repoProcessor() }, dispatch: async (path, event) => void dispatched.push([path, event]) });
    expect((await live.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'svc-1' }] }), '/webhook')).status).toBe(200);
    expect(dispatched).toHaveLength(1);
    expect(live.stats().pending).toBe(0);
    const [path, event] = dispatched[0];
    const report = await live.processEvent(path, event);
    expect(report).toMatchObject({ runs: 1, failedRuns: 0, apply: { upserted: 1 } });
    expect((await h.entities('service')).map((e) => e.identifier)).toEqual(['svc-1']);
  });
});

describe('live events: the route', () => {
  it('answers 404 for an unregistered path and 503 when disabled, queueing nothing', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    let calls = 0;
    const processors = { '/webhook': repoProcessor({ shouldProcessEvent: () => (calls++, true) }) };
    const live = h.live({ processors });
    const missing = await live.handle(post('/nope', {}), '/nope');
    expect(missing.status).toBe(404);

    for (const reason of [DISABLED_REASONS.noBaseUrl, DISABLED_REASONS.once]) {
      const off = h.live({ processors, enabled: { reason } });
      const r = await off.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'x' }] }), '/webhook');
      expect(r.status).toBe(503);
      expect(await r.json()).toEqual({ status: 'error', message: reason });
      expect(off.stats()).toMatchObject({ queued: 0, pending: 0 });
    }
    expect(calls).toBe(0);
    // The reason names the variable to set, not only the option.
    expect(liveEventsEnablement({ baseUrl: undefined, listenerType: 'POLLING' })).toEqual({
      reason: 'baseUrl not set: set OCEAN__BASE_URL to the public URL of this integration',
    });
    expect(liveEventsEnablement({ baseUrl: 'https://tide.example', listenerType: 'ONCE' })).toEqual({ reason: 'listener ONCE does not process live events' });
    expect(liveEventsEnablement({ baseUrl: 'https://tide.example', listenerType: 'WEBHOOKS_ONLY' })).toBe(true);
  });

  it("answers 401 without queueing when the route's verify says no: checked once per delivery on the exact body bytes, before any processor", async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const bodies: string[] = [];
    let instances = 0;
    let runs = 0;
    const counted = (): WebhookProcessor => {
      instances += 1;
      const base = repoProcessor()();
      return { ...base, shouldProcessEvent: (event) => ((runs += 1), base.shouldProcessEvent(event)) };
    };
    const live = h.live({
      processors: {
        '/webhook': {
          verify: (request) => {
            bodies.push(new TextDecoder().decode(request.rawBody));
            return request.headers['x-signature'] === 'good';
          },
          // A sibling without any check of its own is covered by the route's.
          processors: [counted, repoProcessor()],
        },
      },
    });
    const atStartup = instances;
    const text = '{ "action": "upsert",  "repos": [{"id":"svc-1"}] }';
    const bad = await live.handle(post('/webhook', text, { 'X-Signature': 'bad' }), '/webhook');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ status: 'error', message: 'signature verification failed' });
    await live.idle();
    expect(bodies).toEqual([text]);
    expect([instances - atStartup, runs]).toEqual([0, 0]);
    expect(live.stats()).toMatchObject({ rejected: 1, queued: 0, processed: 0 });
    expect(await h.entities('service')).toEqual([]);

    const good = await live.handle(post('/webhook', text, { 'x-signature': 'good' }), '/webhook');
    expect(good.status).toBe(200);
    await live.idle();
    expect(bodies).toEqual([text, text]);
    expect([instances - atStartup, runs]).toEqual([1, 1]);
    expect((await h.entities('service')).map((e) => e.identifier)).toEqual(['svc-1']);

    // A verify that throws is a failed check; a path without verify keeps acknowledge-first behaviour.
    const throwing = h.live({ processors: { '/webhook': { verify: () => Promise.reject(new Error('no key')), processors: repoProcessor() } } });
    expect((await throwing.handle(post('/webhook', text, { 'x-signature': 'good' }), '/webhook')).status).toBe(401);
    const open = h.live({ processors: { '/webhook': { processors: [repoProcessor()] } } });
    expect((await open.handle(post('/webhook', text, { 'x-signature': 'bad' }), '/webhook')).status).toBe(200);
    await open.idle();
  });

  it("hands the route's verify the integration config, and refuses a processor that brings its own verify", async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const secret = 's3cret';
    const text = JSON.stringify({ action: 'upsert', repos: [{ id: 'svc-2' }] });
    const live = h.live({
      processorContext: { config: { secret }, logger: silentLogger },
      processors: {
        '/signed': {
          verify: (request, { config }) => verifyHmacSha256(request, { secret: config.secret as string, header: 'x-signature-256' }),
          processors: repoProcessor(),
        },
      },
    });
    expect((await live.handle(post('/signed', text, { 'x-signature-256': await signHmacSha256('other', text) }), '/signed')).status).toBe(401);
    expect((await live.handle(post('/signed', text, { 'x-signature-256': await signHmacSha256(secret, text) }), '/signed')).status).toBe(200);
    await live.idle();
    expect((await h.entities('service')).map((e) => e.identifier)).toEqual(['svc-2']);

    const ownVerify = { ...repoProcessor()(), verify: () => true } as WebhookProcessor;
    expect(() => h.live({ processors: { '/old': ownVerify } })).toThrow(/processor #0 at path "\/old".*verify\(\) belongs to the route/);
  });

  it('answers 400 with the reason for a body that is not JSON', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const live = h.live({ processors: { '/webhook': repoProcessor() } });
    const r = await live.handle(post('/webhook', 'not json {'), '/webhook');
    expect(r.status).toBe(400);
    const body = (await r.json()) as { status: string; message: string };
    expect(body.status).toBe('error');
    expect(body.message).toMatch(/not JSON/);
    expect(live.stats()).toMatchObject({ invalid: 1, queued: 0 });
  });

  it('writes nothing when authentication or payload validation fails', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const live = h.live({
      processors: { '/a': repoProcessor({ authenticate: () => false }), '/b': repoProcessor({ validatePayload: async () => false }) },
    });
    const payload = { action: 'upsert', repos: [{ id: 'svc-1' }] };
    await live.handle(post('/a', payload), '/a');
    await live.handle(post('/b', payload), '/b');
    await live.idle();
    expect(await h.entities('service')).toEqual([]);
    expect(live.stats()).toMatchObject({ runsFailed: 2, runsSucceeded: 0, upserted: 0 });
    const messages = h.logger.records.map((r) => r.message);
    expect(messages.some((m) => m.includes('(authentication): authentication failed'))).toBe(true);
    expect(messages.some((m) => m.includes('(invalid-payload): invalid payload'))).toBe(true);
  });

  it('logs an event no processor accepts as unsupported', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const live = h.live({ processors: { '/webhook': repoProcessor() } });
    await live.handle(post('/webhook', { something: 'else' }), '/webhook');
    await live.idle();
    expect(h.logger.records.some((r) => r.level === 'warn' && r.message.includes('unsupported event'))).toBe(true);
  });
});

describe('live events: ordering', () => {
  it('several updates of one entity queued quickly end in the latest state', async () => {
    const h = await setup(t, { resources: [serviceResource()] });
    const live = h.live({ processors: { '/webhook': repoProcessor() } });
    const responses = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((stars) => live.handle(post('/webhook', { action: 'upsert', repos: [{ id: 'svc-1', stars }] }), '/webhook')),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await live.idle();
    expect((await h.entities('service'))[0].properties.stars).toBe(6);
  });

  it('an older event on another path that finishes last does not overwrite a newer one', async () => {
    const h = await setup(t, { resources: [serviceResource()] }, [service('svc-1', OWN, { stars: 0 })]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = repoProcessor({ handleEvent: async () => (await gate, { updated: [{ id: 'svc-1', stars: 1 }], deleted: [] }) });
    const live = h.live({ processors: { '/slow': slow, '/fast': repoProcessor() } });
    await live.handle(post('/slow', { action: 'upsert', repos: [] }), '/slow');
    await live.handle(post('/fast', { action: 'delete', repos: [{ id: 'svc-1' }] }), '/fast');
    while ((await h.entities('service')).length > 0) await new Promise((r) => setTimeout(r, 5));
    release();
    await live.idle();
    expect(await h.entities('service')).toEqual([]);
    expect(h.logger.records.some((r) => r.message === '[tide] live event applied' && r.fields.stale === 1)).toBe(true);
  });
});
