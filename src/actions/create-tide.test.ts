/**
 * The action agent inside a Tide (docs/behaviour.md §5.1, §5.5, §7.1, §11.1): which listeners run it, what the
 * integration record says, and what ACTIONS_ONLY leaves out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { emulatorClient } from 'port-tide/testing';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import fake from '../../integrations/fake/index.ts';
import { loadSettingsOrThrow } from '../config/index.ts';
import { createTide, type Tide } from '../integration/index.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const BASE = 'http://emulator.local';
const folder = loadIntegrationFolder('integrations/fake');

let emulator: PortEmulator;
const started: Tide[] = [];

function build(env: Record<string, string> = {}): Tide {
  const { settings } = loadSettingsOrThrow({
    env: { OCEAN__PORT__CLIENT_ID: CREDS.clientId, OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret, OCEAN__PORT__BASE_URL: BASE, OCEAN__EVENT_LISTENER__APP_HOST: 'https://tide.example', ...env },
    spec: folder.spec,
    integrationDefaults: { type: fake.type, version: fake.version },
    actionTypes: Object.keys(fake.actions ?? {}),
  });
  const tide = createTide({ integration: { ...fake, spec: folder.spec, resources: folder.resources }, settings, fetch: emulator.fetch });
  started.push(tide);
  return tide;
}

const port = () => emulatorClient({ baseUrl: BASE, fetch: emulator.fetch, credentials: CREDS });

/** The integration record as Port returns it. */
async function integration(): Promise<Record<string, unknown>> {
  return (await port().api('GET', '/v1/integration/my-fake-integration')).body.integration;
}

beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
});
afterEach(async () => {
  for (const tide of started.splice(0)) await tide.stop();
  await emulator.close();
});

describe('the action agent in a Tide', () => {
  it('runs beside POLLING, WEBHOOK, KAFKA and ACTIONS_ONLY, never under ONCE or WEBHOOKS_ONLY, and only when enabled', () => {
    const agentUnder = (type: string, enabled = 'true') => build({ OCEAN__EVENT_LISTENER__TYPE: type, OCEAN__ACTIONS_PROCESSOR__ENABLED: enabled }).actions !== undefined;
    expect(['POLLING', 'WEBHOOK', 'KAFKA', 'ACTIONS_ONLY', 'ONCE', 'WEBHOOKS_ONLY'].map((t) => [t, agentUnder(t)])).toEqual([
      ['POLLING', true],
      ['WEBHOOK', true],
      ['KAFKA', true],
      ['ACTIONS_ONLY', true],
      ['ONCE', false],
      ['WEBHOOKS_ONLY', false],
    ]);
    expect(agentUnder('POLLING', 'false')).toBe(false);
  });

  it('sends actionsProcessingEnabled from the settings when creating the integration, and corrects it when it drifts (§7.1)', async () => {
    await build({ OCEAN__EVENT_LISTENER__TYPE: 'ACTIONS_ONLY', OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true' }).provision();
    expect(await integration()).toMatchObject({ actionsProcessingEnabled: true, changelogDestination: {} });
    const report = await build({ OCEAN__EVENT_LISTENER__TYPE: 'POLLING' }).provision();
    expect(report.drift).toContain('actionsProcessingEnabled');
    expect(await integration()).toMatchObject({ actionsProcessingEnabled: false });
  });

  it('ACTIONS_ONLY: live events answer 503 and nothing resyncs at start', async () => {
    const tide = build({ OCEAN__EVENT_LISTENER__TYPE: 'ACTIONS_ONLY', OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true', OCEAN__BASE_URL: 'https://tide.example' });
    await tide.provision();
    await tide.start();
    const res = await tide.fetch(new Request('https://tide.example/integration/webhook', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
    expect(res.status).toBe(503);
    expect(tide.listener).toMatchObject({ type: 'ACTIONS_ONLY', resyncs: false, processesLiveEvents: false });
    await tide.stop();
    const requests = (await port().requests()).map((r) => r.path);
    expect(requests.filter((p) => /resync-state|resync-request|entities/.test(p))).toEqual([]);
  });
});
