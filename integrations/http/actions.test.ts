/**
 * The declarative `http_request` action against the emulator and a real HTTP server on loopback: the config
 * describes named requests, runs created through the emulator's controls name one, and the agent sends it with
 * the integration's auth and reports the answer.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { createTide, type Tide } from 'port-tide';
import { configureOrThrow, emulatorClient, runActionLocally } from '../../src/runtime/index.ts';
import http, { HttpConfigError, validateHttpConfig } from './index.ts';
import { SECRETS, startTestApi, type TestApi } from './test-support.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const PORT = 'http://port.emulator.local';
const folder = loadIntegrationFolder('integrations/http');

let api: TestApi;
let emulator: PortEmulator;
let tide: Tide;

const ACTIONS = {
  deploy: {
    method: 'post',
    path: '/bearer/deployments/{service}',
    params: { env: '{environment}' },
    headers: { 'x-requested-by': '{requester}' },
    body: { service: '{service}', ref: '{ref}', replicas: '{replicas}', note: 'deploy {ref} to {environment}' },
    linkPath: 'links.html',
  },
  restart: { method: 'PUT', path: '/bearer/deployments/{service}' },
  remove: { method: 'DELETE', path: '/bearer/deployments/{service}' },
};

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  api.deployments.length = 0;
  const c = configureOrThrow({
    definition: http,
    folder,
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: PORT,
      OCEAN__INTEGRATION__IDENTIFIER: 'http-actions',
      OCEAN__EVENT_LISTENER__TYPE: 'ACTIONS_ONLY',
      OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true',
      OCEAN__INTEGRATION__CONFIG__BASE_URL: api.url,
      OCEAN__INTEGRATION__CONFIG__AUTH: JSON.stringify({ type: 'bearer' }),
      OCEAN__INTEGRATION__CONFIG__TOKEN: SECRETS.token,
      OCEAN__INTEGRATION__CONFIG__ACTIONS: JSON.stringify(ACTIONS),
    },
  });
  const routed: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(PORT) ? emulator.fetch(input, init) : fetch(input, init);
  };
  tide = createTide({ integration: c.integration, settings: c.settings, spec: c.spec, fetch: routed });
});
afterEach(async () => {
  await tide.stop();
  await emulator.close();
});

const controls = (method: string, path: string, body?: unknown) => emulatorClient({ baseUrl: PORT, fetch: emulator.fetch }).control(method, path, body);
const request = (properties: Record<string, unknown>) => runActionLocally({ tide, controls, type: 'http_request', properties, timeoutMs: 30_000 });

describe('http_request', () => {
  it('sends the described request with its placeholders filled from the run, with auth, and links the run', async () => {
    const run = await request({ request: 'deploy', service: 'checkout api', environment: 'prod', ref: 'v1.4.0', replicas: 3, requester: 'ana' });
    expect(run.status).toBe('SUCCESS');
    expect(api.deployments).toEqual([
      { method: 'POST', path: '/bearer/deployments/checkout api', query: { env: 'prod' }, body: { service: 'checkout api', ref: 'v1.4.0', replicas: 3, note: 'deploy v1.4.0 to prod' } },
    ]);
    const sent = api.requests.find((r) => r.path === '/bearer/deployments/checkout api');
    expect([sent?.authorization, sent?.headers['x-requested-by'], sent?.headers['content-type']]).toEqual([`Bearer ${SECRETS.token}`, 'ana', 'application/json']);
    expect(run.link).toEqual([`${api.url}/deployments/checkout api/1`]);
    expect(run.logs).toEqual(['Sending POST /bearer/deployments/checkout%20api', 'POST /bearer/deployments/checkout%20api answered 201']);
  });

  it('without a body template sends the run properties on PUT, and nothing on DELETE', async () => {
    expect((await request({ request: 'restart', service: 'web', reason: 'stuck' })).status).toBe('SUCCESS');
    expect((await request({ request: 'remove', service: 'web' })).status).toBe('SUCCESS');
    expect(api.deployments.map((d) => [d.method, d.body])).toEqual([
      ['PUT', { service: 'web', reason: 'stuck' }],
      ['DELETE', undefined],
    ]);
  });

  it('fails the run with the answer when the API refuses, and names what a run lacks', async () => {
    const refused = await request({ request: 'restart', service: 'broken' });
    expect(refused.status).toBe('FAILURE');
    expect(refused.logs.at(-1)).toBe('PUT /bearer/deployments/broken answered 500: {"message":"the deployment pipeline is down"}');
    const missing = await request({ request: 'deploy', service: 'web', environment: 'prod' });
    expect([missing.status, missing.logs]).toEqual(['FAILURE', ['http_request "deploy": {requester} in headers.x-requested-by: the run has no property requester']]);
    const unknown = await request({ request: 'scale', service: 'web' });
    expect(unknown.logs).toEqual(['http_request: no request "scale" is described under actions (described: deploy, restart, remove)']);
    const unnamed = await request({ service: 'web' });
    expect(unnamed.logs).toEqual([expect.stringMatching(/^Invalid run properties: request: /)]);
    expect(api.deployments.map((d) => d.path)).toEqual(['/bearer/deployments/broken']);
  });
});

describe('the actions description', () => {
  const check = (actions: unknown) => {
    try {
      validateHttpConfig({ baseUrl: 'https://api.example.com', endpoints: { user: { path: '/users' } }, actions });
      return [];
    } catch (error) {
      if (error instanceof HttpConfigError) return error.issues;
      throw error;
    }
  };

  it('reports every problem, naming the field', () => {
    expect(
      check({
        a: { method: 'FETCH', path: '/x' },
        b: { method: 'GET', path: 'no-slash', body: { x: 1 } },
        c: { method: 'POST', path: '/x/{request}/{bad name}' },
        d: { path: '/x', verb: 'POST' },
      }),
    ).toEqual([
      'actions.a.method: expected one of GET, POST, PUT, PATCH, DELETE',
      'actions.d.method: required',
      'actions.d.verb: unknown field',
    ]);
    expect(check({ b: { method: 'GET', path: 'no-slash', body: { x: 1 } }, c: { method: 'POST', path: '/x/{request}/{bad name}' } })).toEqual([
      'actions.b.path: expected a path starting with / or an absolute URL',
      'actions.b.body: a GET request sends no body',
      'actions.c.path: {request} names the described request, not a run property',
      'actions.c.path: {bad name} is not a property name (letters, digits, _ and -, nested with .)',
    ]);
  });

  it('accepts the description as YAML text too', () => {
    expect(check('deploy:\n  method: POST\n  path: /deploy/{service}\n')).toEqual([]);
  });
});
