/**
 * Test support for the sync engine's end-to-end suites (imported by `*.test.ts` only). It stays
 * within web standards: the emulator is created by the test and handed in as a base URL and a fetch.
 */
import type { IntegrationDefinition } from '../integration/index.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { createMapper } from '../mapping/index.ts';
import { createPortClient } from '../port/index.ts';
import type { PortClient } from '../port/index.ts';
import { emulatorClient } from '../testing/emulator-client.ts';
import type { ResyncRunner, ResyncRunnerOptions, SyncPort } from './index.ts';
import { createResyncRunner } from './index.ts';

/** One mapper per process: it loads jq once. */
export const sharedMapper = createMapper();

export const TYPE = 'fake';
export const VERSION = '1.0.0';
export const IDENTIFIER = 'my-fake';
export const OWN_DATASOURCE = `port-ocean/${TYPE}/${VERSION}/${IDENTIFIER}/exporter`;
export const CREDENTIALS = { clientId: 'test-client', clientSecret: 'test-secret' };

export const TEAM_BP = {
  identifier: 'team',
  title: 'Team',
  schema: { properties: { size: { type: 'number' } }, required: [] as string[] },
  relations: {},
};

export const SERVICE_BP = {
  identifier: 'service',
  title: 'Service',
  schema: { properties: { language: { type: 'string' }, secret: { type: 'string' } }, required: [] as string[] },
  relations: {
    owner: { target: 'team', required: false, many: false },
    deps: { target: 'service', required: false, many: true },
  },
};

/** A minimal emulator handle: where it is and how to call it. */
export interface EmulatorHandle {
  baseUrl: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export type { EmulatorLoggedRequest as LoggedRequest } from '../testing/emulator-client.ts';

/** Admin and observation calls against the emulator: the one test client, plus this harness's integration. */
export function emulatorControls(emu: EmulatorHandle) {
  const client = emulatorClient({ baseUrl: emu.baseUrl, fetch: (url, init) => emu.fetch(url.slice(emu.baseUrl.length), init) });
  return {
    ...client,
    examples: (): Promise<any> => client.admin('GET', `/integrations/${IDENTIFIER}/examples`),
  };
}

export interface HarnessOptions {
  integration: IntegrationDefinition<any>;
  mapping: Record<string, unknown>;
  settings?: Partial<ResyncRunnerOptions['settings']>;
  sensitiveValues?: string[];
  blueprints?: object[];
  /** Runner parts a test fixes (a clock, where incremental cursors live). */
  runner?: Pick<ResyncRunnerOptions, 'now' | 'cursors' | 'state'>;
  /** Sees every Port request the runner sends, before it is sent (tests act at a precise point of a resync). */
  observe?: (method: string, path: string, body: string | undefined) => void;
}

/** Seed blueprints and the integration with its mapping, and build a runner on the real Port client. */
export async function createHarness(emu: EmulatorHandle, options: HarnessOptions) {
  const controls = emulatorControls(emu);
  await controls.seed({
    blueprints: options.blueprints ?? [TEAM_BP, SERVICE_BP],
    integrations: [{ identifier: IDENTIFIER, installationAppType: TYPE, config: options.mapping }],
  });
  const port: PortClient = createPortClient({
    baseUrl: emu.baseUrl,
    ...CREDENTIALS,
    userAgent: { type: TYPE, version: VERSION, identifier: IDENTIFIER },
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const body = typeof init?.body === 'string' ? init.body : undefined;
      options.observe?.((init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(), url.pathname, body);
      return emu.fetch(`${url.pathname}${url.search}`, init);
    }) as typeof fetch,
    sleep: async () => {},
  });
  // The real client must satisfy the engine's narrow interface as it is.
  const syncPort: SyncPort = port;
  const logger = createMemoryLogger();
  const runner: ResyncRunner = createResyncRunner({
    integration: options.integration,
    port: syncPort,
    mapper: sharedMapper,
    settings: { integration: { identifier: IDENTIFIER, config: {} }, ...options.settings },
    logger,
    sensitiveValues: options.sensitiveValues,
    ...options.runner,
  });
  return {
    ...controls,
    port,
    runner,
    plan: () => runner.plan(),
    logger,
    setMapping: (mapping: Record<string, unknown>) => port.patchIntegrationConfig(IDENTIFIER, mapping, { skipResync: true }),
  };
}

/** A resource of the test mapping; `extra` merges into the entity mapping. */
export function resource(kind: string, blueprint: string, extra: Record<string, unknown> = {}, query = 'true'): Record<string, unknown> {
  return {
    kind,
    selector: { query },
    port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: `"${blueprint}"`, ...extra } } },
  };
}

export const TEAM_RESOURCE = (kind = 'team') => resource(kind, 'team', { properties: { size: '.size' } });
export const SERVICE_RESOURCE = (kind = 'service', query = 'true') =>
  resource(kind, 'service', { properties: { language: '.lang' }, relations: { owner: '.team' } }, query);

/** `count` services `svc-01`…, alternating languages, owned by team-a / team-b. */
export function makeServices(count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return { id: `svc-${n}`, name: `Service ${n}`, lang: i % 2 === 0 ? 'go' : 'ts', team: i % 2 === 0 ? 'team-a' : 'team-b' };
  });
}

export function makeTeams(): Array<Record<string, unknown>> {
  return [
    { id: 'team-a', name: 'Team A', size: 3 },
    { id: 'team-b', name: 'Team B', size: 5 },
  ];
}

/** Split into pages of `size`. */
export function pages<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
