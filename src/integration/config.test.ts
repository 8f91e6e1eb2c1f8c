import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { loadSettingsOrThrow, parseSpec } from '../config/index.ts';
import { signHmacSha256, verifyHmacSha256 } from '../live/index.ts';
import { IntegrationConfigError } from './config.ts';
import { createTide } from './create-tide.ts';
import { defineIntegration } from './define.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const BASE = 'http://emulator.local';
const spec = parseSpec({
  configurations: [
    { name: 'apiUrl', type: 'url', required: true },
    { name: 'apiToken', type: 'string', sensitive: true },
    { name: 'pageSize', type: 'integer' },
  ],
});

/** A new user's integration: its config schema adds what the spec cannot say (a token format, a default). */
function acme(seen: Array<[string, unknown]> = []) {
  const record = (where: string, config: unknown) => seen.push([where, config]);
  return defineIntegration({
    type: 'acme',
    version: '1.0.0',
    spec,
    resources: {
      blueprints: [{ identifier: 'project', title: 'Project', schema: { properties: {}, required: [] }, relations: {} }],
      actions: [],
      scorecards: [],
      pages: [],
      portAppConfig: { resources: [{ kind: 'project', selector: { query: 'true' }, port: { entity: { mappings: { identifier: '.id', blueprint: '"project"' } } } }] },
    },
    config: z.object({
      apiUrl: z.string(),
      apiToken: z.string().refine((t) => t.startsWith('acme_'), { error: (iss) => `expected a token starting with acme_, got ${String(iss.input)}` }),
      pageSize: z.number().int().max(100).default(50),
    }),
    kinds: {
      project: {
        resync(ctx) {
          record('kind', ctx.config);
          return [{ id: 'p-1' }];
        },
      },
    },
    webhooks: {
      '/webhook': {
        verify(request, { config }) {
          record('verify', config);
          return verifyHmacSha256(request, { secret: config.apiToken, header: 'x-acme-signature' });
        },
        processors: ({ config }) => {
          record('processor', config);
          return {
            shouldProcessEvent: () => true,
            getMatchingKinds: () => [],
            authenticate: () => true,
            validatePayload: () => true,
            handleEvent: async () => ({ updated: [], deleted: [] }),
          };
        },
      },
    },
    onStart(ctx) {
      record('onStart', ctx.config);
    },
  });
}

let emulator: PortEmulator;
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
});
afterEach(() => emulator.close());

function build(integration: ReturnType<typeof acme>, config: Record<string, string>) {
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: BASE,
      OCEAN__BASE_URL: 'http://tide.local',
      OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY',
      ...config,
    },
    spec,
    integrationDefaults: { type: 'acme', version: '1.0.0' },
  });
  return createTide({ integration, settings, fetch: emulator.fetch });
}

describe('the integration config schema', () => {
  it('stops startup with every problem, naming the setting and its variable, and never a secret', () => {
    const attempt = () => build(acme(), { OCEAN__INTEGRATION__CONFIG__API_URL: 'https://acme.example', OCEAN__INTEGRATION__CONFIG__API_TOKEN: 'hunter2-secret', OCEAN__INTEGRATION__CONFIG__PAGE_SIZE: '500' });
    expect(attempt).toThrow(IntegrationConfigError);
    let error: IntegrationConfigError | undefined;
    try {
      attempt();
    } catch (e) {
      error = e as IntegrationConfigError;
    }
    expect(error!.issues.map((i) => [i.path, i.envVar])).toEqual([
      ['integration.config.apiToken', 'OCEAN__INTEGRATION__CONFIG__API_TOKEN'],
      ['integration.config.pageSize', 'OCEAN__INTEGRATION__CONFIG__PAGE_SIZE'],
    ]);
    expect(error!.message).toContain('integration.config.apiToken (OCEAN__INTEGRATION__CONFIG__API_TOKEN): expected a token starting with acme_, got [REDACTED]');
    expect(error!.message).toMatch(/integration\.config\.pageSize \(OCEAN__INTEGRATION__CONFIG__PAGE_SIZE\): .*100/);
    expect(error!.message).not.toContain('hunter2-secret');

    // A value no source set says so.
    expect(() => build(acme(), { OCEAN__INTEGRATION__CONFIG__API_URL: 'https://acme.example' })).toThrow(
      /integration\.config\.apiToken \(OCEAN__INTEGRATION__CONFIG__API_TOKEN\): not set/,
    );
  });

  it('hands its output (defaults filled in) to hooks, kinds, the webhook route and its processors', async () => {
    const seen: Array<[string, unknown]> = [];
    const tide = build(acme(seen), { OCEAN__INTEGRATION__CONFIG__API_URL: 'https://acme.example', OCEAN__INTEGRATION__CONFIG__API_TOKEN: 'acme_123' });
    const expected = { apiUrl: 'https://acme.example', apiToken: 'acme_123', pageSize: 50 };
    await tide.provision();
    await tide.start();
    expect((await tide.resync()).status).toBe('completed');
    const body = '{"event":"ping"}';
    const delivery = await tide.fetch(
      new Request('http://tide.local/integration/webhook', { method: 'POST', body, headers: { 'x-acme-signature': await signHmacSha256('acme_123', body) } }),
    );
    expect(delivery.status).toBe(200);
    await tide.live.idle();
    await tide.stop();
    // The processor twice: once checked at registration, once fresh for the event.
    expect(seen.map(([where]) => where).sort()).toEqual(['kind', 'onStart', 'processor', 'processor', 'verify']);
    for (const [, config] of seen) expect(config).toEqual(expected);
  });
});
