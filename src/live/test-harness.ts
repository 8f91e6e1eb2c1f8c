/**
 * Test support for the live-event suites (imported by `*.test.ts` only). Web standards only: the test
 * creates the emulator and hands in its base URL and fetch; this wires the real Port client and mapper.
 */
import type { SleepFn } from '../http/index.ts';
import { abortReason } from '../http/index.ts';
import { createMemoryLogger } from '../logging/logger.ts';
import { createMapper } from '../mapping/index.ts';
import { createPortClient } from '../port/index.ts';
import type { PortClient } from '../port/index.ts';
import { emulatorClient } from '../testing/emulator-client.ts';
import type { LiveEventsOptions } from './handler.ts';
import { createLiveEvents } from './handler.ts';
import type { Clock } from './queue.ts';

/** One mapper per process: it loads jq once. */
export const sharedMapper = createMapper();

export const TYPE = 'fake';
export const VERSION = '1.0.0';
export const IDENTIFIER = 'my-live';
export const OWN = `port-ocean/${TYPE}/${VERSION}/${IDENTIFIER}/exporter`;
/** The same integration type, another installation: not ours. */
export const FOREIGN = `port-ocean/${TYPE}/${VERSION}/someone-else/exporter`;

export const SERVICE_BP = {
  identifier: 'service',
  title: 'Service',
  schema: { properties: { language: { type: 'string' }, stars: { type: 'number' } }, required: [] as string[] },
  relations: {},
};

export const FILE_BP = {
  identifier: 'file',
  title: 'File',
  schema: { properties: { repo: { type: 'string' } }, required: [] as string[] },
  relations: {},
};

export interface EmulatorHandle {
  baseUrl: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** A mapping resource for kind `repo` → `service`; `query` is the selector. */
export function serviceResource(query = 'true'): Record<string, unknown> {
  return {
    kind: 'repo',
    selector: { query },
    port: { entity: { mappings: { identifier: '.id', title: '.name', blueprint: '"service"', properties: { language: '.lang', stars: '.stars' } } } },
  };
}

/** Seed blueprints, the integration with `mapping`, and `entities`; build the real client. */
export async function setup(emu: EmulatorHandle, mapping: Record<string, unknown>, entities: Array<Record<string, unknown>> = []) {
  const client = emulatorClient({ baseUrl: emu.baseUrl, fetch: (url, init) => emu.fetch(url.slice(emu.baseUrl.length), init) });
  const admin = client.admin;
  await admin('POST', '/seed', {
    blueprints: [SERVICE_BP, FILE_BP],
    integrations: [{ identifier: IDENTIFIER, installationAppType: TYPE, config: mapping }],
    entities,
  });
  const port: PortClient = createPortClient({
    baseUrl: emu.baseUrl,
    clientId: 'test-client',
    clientSecret: 'test-secret',
    userAgent: { type: TYPE, version: VERSION, identifier: IDENTIFIER },
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      return emu.fetch(`${url.pathname}${url.search}`, init);
    }) as typeof fetch,
    sleep: async () => {},
  });
  const logger = createMemoryLogger();
  return {
    port,
    logger,
    admin,
    /** Full rows (with `datasource`), sorted by identifier. */
    entities: async (blueprint: string): Promise<Array<Record<string, any>>> =>
      (await client.entities(blueprint)).sort((a, b) => String(a.identifier).localeCompare(String(b.identifier))),
    requests: (path?: string): Promise<Array<Record<string, any>>> => client.requests({ path }),
    setMapping: (config: Record<string, unknown>) => port.patchIntegrationConfig(IDENTIFIER, config, { skipResync: true }),
    live: (options: Partial<LiveEventsOptions> & Pick<LiveEventsOptions, 'processors'>) =>
      createLiveEvents({ port, mapper: sharedMapper, identifier: IDENTIFIER, logger, ...options }),
  };
}

/** A POST to the live-event route with a JSON (or raw) body. */
export function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return new Request(`http://tide.local/integration${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
}

/**
 * Virtual time. Sleeps up to `autoAdvanceMs` (retry delays) move the clock forward at once, firing any
 * longer timer (a run budget) they pass; longer sleeps wait until the clock passes them.
 */
export class FakeClock implements Clock {
  t = 0;
  /** Every auto-advanced sleep, in ms. */
  readonly advanced: number[] = [];
  private timers: Array<{ at: number; resolve: () => void }> = [];

  constructor(private readonly autoAdvanceMs = 60_000) {}

  now = (): number => this.t;

  sleep: SleepFn = (ms, signal) => {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = {
        at: this.t + ms,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (ms > this.autoAdvanceMs) {
        this.timers.push(timer);
        return;
      }
      this.advanced.push(ms);
      this.t += ms;
      const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at);
      this.timers = this.timers.filter((x) => x.at > this.t);
      for (const d of due) d.resolve();
      // After the passed timers, so a budget that ran out is seen before this sleep ends.
      setTimeout(() => timer.resolve(), 0);
    });
  };
}
