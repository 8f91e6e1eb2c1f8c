/**
 * One resync of an integration into a Port, the way `tide sail --once` runs it: settings from `env`, the
 * folder's spec and resources, provisioning of the defaults, then the resync. In a test the Port is the
 * local emulator (`createPortEmulator()` of `port-tide/emulator`, whose `fetch` serves it in-process);
 * the vendor's API is whatever `fetch` answers (default: the global fetch).
 */
import { silentLogger, type Logger } from '../logging/logger.ts';
import type { ProvisionReport } from '../defaults/index.ts';
import { createTide, type IntegrationDefinition, type Tide } from '../integration/index.ts';
import { configureOrThrow } from '../runtime/configure.ts';
import type { IntegrationFolder } from '../runtime/folder.ts';
import type { ResyncReport } from '../sync/index.ts';

/** Options of {@link resyncInto}. */
export interface ResyncIntoOptions {
  /** The Port: a fetch that serves its API (an emulator's `fetch`) and credentials it accepts. */
  port: { fetch: typeof fetch; clientId: string; clientSecret: string; /** Default `http://port.local`: only `fetch` sees it. */ baseUrl?: string };
  /** The integration folder's `.port/` files, parsed (`loadIntegrationFolder(dir)` of `port-tide/node`). */
  folder?: Partial<Pick<IntegrationFolder, 'spec' | 'resources' | 'packageJson'>>;
  /** More settings as `OCEAN__…` variables, e.g. `OCEAN__INTEGRATION__CONFIG__API_URL`. */
  env?: Record<string, string>;
  /** The vendor's side: every request not addressed to Port. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Default: silent. */
  logger?: Logger;
}

/** What {@link resyncInto} did: the provisioning and the resync's report, and the instance (for a second resync). */
export interface ResyncIntoResult {
  provision: ProvisionReport;
  report: ResyncReport;
  tide: Tide;
}

/**
 * Provision the integration's defaults in Port and run one resync.
 *
 * @example
 * const port = createPortEmulator({ credentials: [{ clientId: 'test', clientSecret: 'test-secret' }] });
 * const { report } = await resyncInto(integration, {
 *   port: { fetch: port.fetch, clientId: 'test', clientSecret: 'test-secret' },
 *   folder: loadIntegrationFolder(import.meta.dirname),
 *   fetch: fakeFetch({ 'https://api.example.com/projects?page=1': [] }),
 * });
 * expect(report.status).toBe('completed');
 */
export async function resyncInto<C>(integration: IntegrationDefinition<C>, options: ResyncIntoOptions): Promise<ResyncIntoResult> {
  const baseUrl = (options.port.baseUrl ?? 'http://port.local').replace(/\/+$/, '');
  const configured = configureOrThrow({
    definition: integration as IntegrationDefinition<any>,
    folder: options.folder,
    env: {
      ...options.env,
      OCEAN__PORT__BASE_URL: baseUrl,
      OCEAN__PORT__CLIENT_ID: options.port.clientId,
      OCEAN__PORT__CLIENT_SECRET: options.port.clientSecret,
      OCEAN__EVENT_LISTENER__TYPE: 'ONCE',
    },
  });
  const vendor = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const routed = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    return url === baseUrl || url.startsWith(`${baseUrl}/`) ? options.port.fetch(input, init) : vendor(input, init);
  }) as typeof fetch;
  const tide = createTide({ integration: configured.integration, settings: configured.settings, spec: configured.spec, fetch: routed, logger: options.logger ?? silentLogger });
  const provision = await tide.provision();
  const report = await tide.resync();
  return { provision, report, tide };
}
