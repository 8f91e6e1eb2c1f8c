import { afterEach, beforeEach, describe } from 'vitest';
import { emulatorClient, type EmulatorAnswer, type EmulatorClient, type SendOptions } from 'port-tide/testing';
import { createPortEmulator, type PortEmulator, type PortEmulatorOptions } from './index.ts';

/**
 * Shared helpers for the emulator's contract tests: start an emulator reachable in-process
 * (`emulator.fetch`) or over loopback (global `fetch` against `listen(0)`), and call it.
 */
export type Transport = 'inProcess' | 'loopback';

export const TRANSPORTS: Transport[] = ['inProcess', 'loopback'];

export const TEST_CREDENTIALS = { clientId: 'test-client', clientSecret: 'test-secret' };

export interface CallOptions extends SendOptions {
  /** A bearer token; `false` sends none; default: the cached token from `token()`. */
  token?: string | false;
}

export type CallResult<T = any> = EmulatorAnswer<T>;

export interface TestEmulator {
  emulator: PortEmulator;
  transport: Transport;
  /** `http://127.0.0.1:PORT` over loopback, `http://emulator.local` in-process. */
  baseUrl: string;
  /** The one test client of the emulator (`port-tide/testing`), through the chosen transport, signed in as TEST_CREDENTIALS. */
  client: EmulatorClient;
  /** Any fetch-compatible call against the emulator through the chosen transport. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  call<T = any>(method: string, path: string, body?: unknown, options?: CallOptions): Promise<CallResult<T>>;
  /** A token for TEST_CREDENTIALS (fetched once, then cached). */
  token(): Promise<string>;
  /** A `/_emulator/…` control call, whatever its status (no token). */
  admin<T = any>(method: string, path: string, body?: unknown): Promise<CallResult<T>>;
  close(): Promise<void>;
}

export interface StartOptions extends PortEmulatorOptions {
  transport?: Transport;
}

const IN_PROCESS_BASE = 'http://emulator.local';

export async function startEmulator(options: StartOptions = {}): Promise<TestEmulator> {
  const { transport = 'inProcess', ...rest } = options;
  const emulator = createPortEmulator({ credentials: [TEST_CREDENTIALS], ...rest });
  const baseUrl = transport === 'loopback' ? await emulator.listen(0) : IN_PROCESS_BASE;
  const transportFetch = (url: string, init?: RequestInit): Promise<Response> => (transport === 'loopback' ? fetch(url, init) : emulator.fetch(url, init));
  const client = emulatorClient({ baseUrl, fetch: transportFetch, adminToken: rest.adminToken, credentials: TEST_CREDENTIALS });
  return {
    emulator,
    transport,
    baseUrl,
    client,
    fetch: (path, init) => transportFetch(`${baseUrl}${path}`, init),
    token: client.accessToken,
    call: (method, path, body, opts = {}) => client.api(method, path, body, opts),
    admin: (method, path, body) => client.control(method, path, body),
    close: () => emulator.close(),
  };
}

/** `encodeURIComponent` for a path segment (identifiers may hold `/ : + = @`). */
export const seg = (s: string): string => encodeURIComponent(s);

/** Port's error envelope: `{ ok: false, error, message }`. */
export interface ErrorBody {
  ok: false;
  error: string;
  message: string;
}

/**
 * Throw unless `res` is the error envelope with `status` and `error`, and its message names every
 * string in `mentions` (a field, id or value). Returns the body for further checks.
 */
export function expectError(res: CallResult, status: number, error: string, ...mentions: string[]): ErrorBody {
  const body = res.body as ErrorBody;
  const shown = `${res.status} ${JSON.stringify(res.body)}`;
  if (res.status !== status) throw new Error(`expected status ${status}, got ${shown}`);
  if (!body || body.ok !== false || body.error !== error || typeof body.message !== 'string')
    throw new Error(`expected {ok:false, error:${error}, message}, got ${shown}`);
  for (const m of mentions) if (!body.message.includes(m)) throw new Error(`expected the message to mention "${m}", got ${shown}`);
  return body;
}

/** Blueprints the contract tests share: `team`, and `service` relating to it. */
export const TEAM_BLUEPRINT = {
  identifier: 'team',
  title: 'Team',
  schema: { properties: { size: { type: 'number' } }, required: [] as string[] },
};

export const SERVICE_BLUEPRINT = {
  identifier: 'service',
  title: 'Service',
  icon: 'Service',
  schema: {
    properties: {
      language: { type: 'string', enum: ['go', 'ts'] },
      url: { type: 'string', format: 'url' },
      tags: { type: 'array', items: { type: 'string' } },
      replicas: { type: 'number' },
      config: { type: 'object' },
    },
    required: [] as string[],
  },
  relations: {
    owner: { target: 'team', required: false, many: false },
    deps: { target: 'service', required: false, many: true },
  },
};

/** Create blueprints through the public route, throwing on anything but 201. */
export async function createBlueprints(t: TestEmulator, ...blueprints: object[]): Promise<void> {
  for (const bp of blueprints) {
    const r = await t.call('POST', '/v1/blueprints', bp);
    if (r.status !== 201) throw new Error(`creating blueprint failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/**
 * Both answers to "does a write that changes nothing move `updatedAt`?" (docs/port-api.md §15.3, the emulator's
 * `noOpUpdatedAt`): suites that reconcile run under each, since Port's own behaviour is unconfirmed.
 */
export const NO_OP_UPDATED_AT = ['bump', 'keep'] as const;

/**
 * Register `body`'s tests once per `noOpUpdatedAt` setting, each test with a fresh in-process emulator that
 * `use` receives before it runs (and that is closed after it).
 *
 * @example
 * let t: TestEmulator;
 * eachNoOpSetting((e) => (t = e), () => { describe('resync', () => { ... }) });
 */
export function eachNoOpSetting(use: (emulator: TestEmulator) => void, body: (setting: (typeof NO_OP_UPDATED_AT)[number]) => void): void {
  describe.each(NO_OP_UPDATED_AT)('noOpUpdatedAt %s', (noOpUpdatedAt) => {
    let t: TestEmulator | undefined;
    beforeEach(async () => {
      t = await startEmulator({ noOpUpdatedAt });
      use(t);
    });
    afterEach(async () => {
      await t?.close();
    });
    body(noOpUpdatedAt);
  });
}
