import { spawn, type ChildProcess } from 'node:child_process';
import { loadIntegrationFolder } from 'port-tide/node';
import fake from '../integrations/fake/index.ts';
import { loadSettingsOrThrow } from '../src/config/index.ts';
import { createTide, type CreateTideOptions, type Tide } from '../src/integration/index.ts';

/**
 * Start the emulator in its own process, as `npm run port-local` runs it, with Port's rate limits
 * off, and resolve with its base URL once it listens.
 */
export async function startEmulatorProcess(db: string, nodeArgs: string[] = []): Promise<{ baseUrl: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'emulator/cli.ts', '--port', '0', '--db', db, '--rate-limits', 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { baseUrl, child };
}

/**
 * The fake integration as a Tide instance writing into the emulator at `baseUrl` (the `port-local`
 * default credentials): `size` persons in all, `kb` KB each, raw examples off; `env` adds settings.
 */
export function createFakeTide(
  baseUrl: string,
  size: number,
  kb: string,
  options: Pick<CreateTideOptions, 'onProgress'> & { env?: Record<string, string> } = {},
): Tide {
  const folder = loadIntegrationFolder('integrations/fake');
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__BASE_URL: baseUrl,
      OCEAN__PORT__CLIENT_ID: 'tide-local',
      OCEAN__PORT__CLIENT_SECRET: 'tide-local-secret',
      OCEAN__EVENT_LISTENER__TYPE: 'ONCE',
      OCEAN__SEND_RAW_DATA_EXAMPLES: 'false',
      OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: String(Math.ceil(size / 5)),
      OCEAN__INTEGRATION__CONFIG__ENTITY_KB_SIZE: kb,
      ...options.env,
    },
    spec: folder.spec,
    integrationDefaults: { type: fake.type, version: fake.version },
  });
  return createTide({ integration: { ...fake, spec: folder.spec, resources: folder.resources }, settings, onProgress: options.onProgress });
}
