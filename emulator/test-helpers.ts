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
