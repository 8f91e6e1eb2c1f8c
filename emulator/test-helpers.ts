import { afterEach, beforeEach, describe } from 'vitest';
import { createPortEmulator, type PortEmulator, type PortEmulatorOptions } from './index.ts';

/**
 * Shared helpers for the emulator's contract tests: start an emulator reachable in-process
 * (`emulator.fetch`) or over loopback (global `fetch` against `listen(0)`), and call it.
 */
export type Transport = 'inProcess' | 'loopback';

export const TRANSPORTS: Transport[] = ['inProcess', 'loopback'];

export const TEST_CREDENTIALS = { clientId: 'test-client', clientSecret: 'test-secret' };

export interface CallOptions {
  headers?: Record<string, string>;
  /** A bearer token; `false` sends none; default: the cached token from `token()`. */
  token?: string | false;
  /** Send this exact body text (e.g. malformed JSON) instead of JSON-encoding `body`. */
  raw?: string | Uint8Array | ReadableStream<Uint8Array>;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON, or undefined when empty. */
  body: T;
}

export interface TestEmulator {
  emulator: PortEmulator;
  transport: Transport;
  /** `http://127.0.0.1:PORT` over loopback, `http://emulator.local` in-process. */
  baseUrl: string;
  /** Any fetch-compatible call against the emulator through the chosen transport. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  call<T = any>(method: string, path: string, body?: unknown, options?: CallOptions): Promise<CallResult<T>>;
  /** A token for TEST_CREDENTIALS (fetched once, then cached). */
  token(): Promise<string>;
  /** `POST /_emulator/…` helper (no token). */
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
  const doFetch = (path: string, init?: RequestInit): Promise<Response> => {
    const url = `${baseUrl}${path}`;
    if (transport === 'loopback') return fetch(url, init);
    return emulator.fetch(url, init);
  };
  let cached: string | undefined;

  const send = async <T>(method: string, path: string, body: unknown, headers: Record<string, string>, raw?: CallOptions['raw']) => {
    const init: RequestInit & { duplex?: 'half' } = { method, headers: { ...headers } };
    if (raw !== undefined) {
      init.body = raw as BodyInit;
      if (raw instanceof ReadableStream) init.duplex = 'half';
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await doFetch(path, init);
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };

  const token = async (): Promise<string> => {
    if (cached) return cached;
    const r = await send<{ accessToken: string }>('POST', '/v1/auth/access_token', TEST_CREDENTIALS, {});
    if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${JSON.stringify(r.body)}`);
    cached = r.body.accessToken;
    return cached;
  };

  return {
    emulator,
    transport,
    baseUrl,
    fetch: doFetch,
    token,
    async call<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token !== false) headers.authorization ??= `Bearer ${opts.token ?? (await token())}`;
      return send<T>(method, path, body, headers, opts.raw);
    },
    admin<T>(method: string, path: string, body?: unknown) {
      const headers: Record<string, string> = {};
      if (rest.adminToken) headers['x-emulator-admin-token'] = rest.adminToken;
      return send<T>(method, `/_emulator${path.startsWith('/') ? path : `/${path}`}`, body, headers);
    },
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
 * Both answers to "does a write that changes nothing move `updatedAt`?" (PORT-API §15.3, the emulator's
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
