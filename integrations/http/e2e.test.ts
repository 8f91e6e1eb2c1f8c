import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { loadSettingsOrThrow } from '../../src/config/index.ts';
import { createTide, type Tide } from '../../src/integration/index.ts';
import type { Logger } from 'port-tide';
import { createMemoryLogger, emulatorClient } from 'port-tide/testing';
import http from './index.ts';
import { MANY_POSTS, POSTS, SECRETS, TODOS, USERS, startTestApi, type TestApi } from './test-support.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const PORT = 'http://port.emulator.local';
const folder = loadIntegrationFolder('integrations/http');

let api: TestApi;
let emulator: PortEmulator;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  api.requests.length = 0;
  api.errorPageAt = undefined;
});
afterEach(() => emulator.close());

/** Port traffic goes to the in-process emulator, vendor traffic to the real loopback server. */
const routedFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  return url.startsWith(PORT) ? emulator.fetch(input, init) : fetch(input, init);
};

function build(env: Record<string, string>, logger?: Logger): Tide {
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: PORT,
      OCEAN__EVENT_LISTENER__TYPE: 'ONCE',
      ...env,
    },
    spec: folder.spec,
    integrationDefaults: { type: http.type, version: http.version },
  });
  return createTide({ integration: { ...http, spec: folder.spec, resources: folder.resources }, settings, fetch: routedFetch, logger });
}

interface Entity {
  identifier: string;
  title: string | null;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
}
const entities = async (blueprint: string): Promise<Entity[]> =>
  (await emulatorClient({ baseUrl: PORT, fetch: emulator.fetch }).entities(blueprint)).sort((a, b) => Number(a.identifier) - Number(b.identifier));

/** The example API's data as the shipped mapping should show it in Port. */
async function expectExampleEntities(): Promise<void> {
  expect((await entities('http-user')).map((e) => ({ identifier: e.identifier, title: e.title, properties: e.properties }))).toEqual(
    USERS.map((u) => ({ identifier: String(u.id), title: u.name, properties: { username: u.username, email: u.email } })),
  );
  expect((await entities('http-post')).map((e) => [e.identifier, e.title, e.relations.author])).toEqual(
    POSTS.map((p) => [String(p.id), p.title, String(p.userId)]),
  );
  expect((await entities('http-todo')).map((e) => [e.identifier, e.properties.completed, e.relations.user])).toEqual(
    TODOS.map((t) => [String(t.id), t.completed, String(t.userId)]),
  );
}

describe('the http integration resyncing into the Port emulator', () => {
  it('the shipped defaults work with only the base URL configured', async () => {
    const tide = build({ OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url });
    expect(await tide.provision()).toMatchObject({ integration: 'created', setup: 'created' });
    const report = await tide.resync();
    expect(report.kinds.flatMap((k) => k.errors)).toEqual([]);
    expect(report.status).toBe('completed');
    await expectExampleEntities();
    // Users are walked once: the todo kind reuses them as parents.
    expect(api.requests.filter((r) => r.path === '/users')).toHaveLength(1);
    expect(api.requests.filter((r) => r.path === '/posts').map((r) => r.query)).toEqual([{ _limit: '50', _start: '0' }]);
  });

  it('a described API set through env: bearer auth, cursor pages, nested endpoints by path and by query parameter', async () => {
    const page = (itemsPath: string, cursorPath: string) => `itemsPath: "${itemsPath}"\n  pagination: { type: cursor, cursorPath: "${cursorPath}", cursorParam: after }`;
    const endpoints = [
      `user:\n  path: /v2/users\n  ${page('data', 'meta.next')}`,
      `post:\n  path: /v2/posts\n  params: { userId: "{user.id}" }\n  parent: user\n  ${page('.data', '.meta.next')}`,
      `todo:\n  path: /v2/users/{user.id}/todos\n  parent: user\n  ${page('.data[]', '.meta.next // empty')}`,
    ].join('\n');
    const tide = build({
      OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url,
      OCEAN__INTEGRATION__CONFIG__AUTH: '{"type":"bearer"}',
      OCEAN__INTEGRATION__CONFIG__TOKEN: SECRETS.token,
      OCEAN__INTEGRATION__CONFIG__ENDPOINTS_YAML: endpoints,
    });
    await tide.provision();
    const report = await tide.resync();
    expect(report.kinds.flatMap((k) => k.errors)).toEqual([]);
    await expectExampleEntities();
    expect(api.requests.every((r) => r.authorization === `Bearer ${SECRETS.token}`)).toBe(true);
    expect(api.requests.filter((r) => r.path === '/v2/posts').map((r) => r.query)).toEqual([
      { userId: '1' },
      { userId: '2' },
      { userId: '3' },
    ]);
  });

  it('wrong credentials: each kind fails with the 401 and nothing is deleted', async () => {
    const good = build({ OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url });
    await good.provision();
    await good.resync();
    const tide = build({
      OCEAN__INTEGRATION__CONFIG__BASE_URL: `${api.url}/bearer`,
      OCEAN__INTEGRATION__CONFIG__AUTH: '{"type":"bearer"}',
      OCEAN__INTEGRATION__CONFIG__TOKEN: 'wrong-token',
      OCEAN__INTEGRATION__CONFIG__ENDPOINTS: '{"user":{"path":"/plain/items"}}',
    });
    const report = await tide.resync();
    const user = report.kinds.find((k) => k.kind === 'user')!;
    expect(user.errors.join('\n')).toMatch(/HTTP 401 from GET http:\/\/127\.0\.0\.1:\d+\/bearer\/plain\/items/);
    expect(report.kinds.find((k) => k.kind === 'post')!.errors.join('\n')).toContain('kind "post" is not described in endpoints (described: user)');
    expect(report.deletion.outcome).toBe('skipped');
    expect(await entities('http-user')).toHaveLength(USERS.length);
  });

  it('an invalid description fails the resync before any request, naming the fields', async () => {
    const tide = build({
      OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url,
      OCEAN__INTEGRATION__CONFIG__ENDPOINTS_YAML: 'user:\n  path: /users\n  pagination: { type: cursor, cursorParam: after }\n',
    });
    await tide.provision();
    const report = await tide.resync();
    expect(report.status).toBe('failed');
    expect(report.errors.join('\n')).toContain('endpoints.user.pagination.cursorPath: required');
    expect(api.requests).toEqual([]);
  });

  it('a later run whose page 10 answers 200 {"error":"not a list"} fails, deletes nothing and creates no "null" entity', async () => {
    const endpoints = [
      'user: { path: /users }',
      'todo: { path: "/users/{user.id}/todos", parent: user }',
      'post: { path: /many/posts, pagination: { type: offset, limit: 100, limitParam: _limit, offsetParam: _start } }',
    ].join('\n');
    const env = { OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url, OCEAN__INTEGRATION__CONFIG__ENDPOINTS_YAML: endpoints };
    const first = build(env);
    await first.provision();
    expect((await first.resync()).status).toBe('completed');
    expect(await entities('http-post')).toHaveLength(MANY_POSTS.length);

    api.errorPageAt = 900;
    const report = await build(env).resync();
    expect(report.status).toBe('failed');
    expect(report.kinds.find((k) => k.kind === 'post')!.errors.join('\n')).toContain(
      'endpoints.post.itemsPath: "." gave object, expected the array of items (the response was {"error":"not a list"})',
    );
    expect(report.deletion).toMatchObject({ outcome: 'skipped', skipReason: 'kind-errors', counts: { deleted: 0 } });
    expect((await entities('http-user')).map((u) => u.identifier)).toEqual(USERS.map((u) => String(u.id)));
    const posts = await entities('http-post');
    expect(posts.map((p) => p.identifier)).toEqual(MANY_POSTS.map((p) => String(p.id)));
    // The first run reads 20 pages and the empty one after them; the second stops at the error page.
    expect(api.requests.filter((r) => r.path === '/many/posts').map((r) => r.query._start)).toEqual(
      [...Array.from({ length: 21 }, (_, i) => String(i * 100)), ...Array.from({ length: 10 }, (_, i) => String(i * 100))],
    );
  });

  it('retry set in the config: the listed statuses are retried and every retry is a WARN line naming the host', async () => {
    const endpoints = ['user: { path: /flaky/500/2/users }', 'post: { path: /posts }', 'todo: { path: "/users/{user.id}/todos", parent: user }'].join('\n');
    const logger = createMemoryLogger();
    const tide = build(
      {
        OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url,
        OCEAN__INTEGRATION__CONFIG__ENDPOINTS_YAML: endpoints,
        OCEAN__INTEGRATION__CONFIG__RETRY: '{"statuses": [500], "attempts": 3}',
      },
      logger,
    );
    await tide.provision();
    const report = await tide.resync();
    expect(report.kinds.flatMap((k) => k.errors)).toEqual([]);
    await expectExampleEntities();
    const host = new URL(api.url).host;
    const retries = logger.records.filter((r) => r.fields.component === 'http');
    expect(retries.map((r) => [r.level, r.message.replace(/ in [\d.]+ s$/, '')])).toEqual([
      ['warn', `[tide] GET ${host} answered 500; retry 1 of 2`],
      ['warn', `[tide] GET ${host} answered 500; retry 2 of 2`],
    ]);
    expect(retries[0].fields).toMatchObject({ method: 'GET', host, attempt: 1, retries: 2, reason: '500' });
  });
});
