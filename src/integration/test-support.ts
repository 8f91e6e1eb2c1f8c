/**
 * Tests of createTide with the fake integration against an in-process emulator: one way to build such a Tide
 * from `OCEAN__…` variables, as `tide sail` would read them.
 */
import type { PortEmulator } from 'port-tide/emulator';
import { loadIntegrationFolder } from 'port-tide/node';
import fake from '../../integrations/fake/index.ts';
import { loadSettingsOrThrow } from '../config/index.ts';
import type { StateStore } from '../state/index.ts';
import { createTide, type Tide } from './create-tide.ts';

const folder = loadIntegrationFolder('integrations/fake');

/** The fake integration, ONCE, against `emulator` at `baseUrl` with these credentials; `env` adds or overrides settings. */
export function fakeTide(o: { emulator: PortEmulator; baseUrl: string; credentials: { clientId: string; clientSecret: string }; env?: Record<string, string>; state?: StateStore }): Tide {
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__CLIENT_ID: o.credentials.clientId,
      OCEAN__PORT__CLIENT_SECRET: o.credentials.clientSecret,
      OCEAN__PORT__BASE_URL: o.baseUrl,
      OCEAN__EVENT_LISTENER__TYPE: 'ONCE',
      ...o.env,
    },
    spec: folder.spec,
    integrationDefaults: { type: fake.type, version: fake.version },
  });
  return createTide({ integration: { ...fake, spec: folder.spec, resources: folder.resources }, settings, fetch: o.emulator.fetch, state: o.state });
}
