/**
 * The one client every test uses to drive the local Port emulator: its `/_emulator` controls (seed, reset,
 * catalog, request log, clock, faults — docs/port-api.md §13) and Port's own API as a signed-in client.
 * Web standards only, so the same client serves Node, workerd and Deno tests, in-process (hand it the
 * emulator's `fetch`) or over loopback (the global `fetch`).
 *
 * Imported as `port-tide/testing`.
 *
 * @example
 * const port = emulatorClient({ baseUrl: await emulator.listen(0) });
 * await port.seed({ blueprints: [blueprint] });
 * expect(await port.ids('service')).toEqual(['a', 'b']);
 */

/** An answer of the emulator: the status, the headers, and the body parsed as JSON (its text if it is not JSON; undefined if empty). */
export interface EmulatorAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface EmulatorClientOptions {
  /** The emulator's origin: `http://127.0.0.1:PORT` over loopback, any origin in-process. */
  baseUrl: string;
  /** The transport; default the global `fetch`. In-process, the emulator's own `fetch`. */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Sent as `x-emulator-admin-token` on every control call, when the emulator was started with one. */
  adminToken?: string;
  /** Credentials for {@link EmulatorClient.api}; the token is fetched once and cached until {@link EmulatorClient.reset}. */
  credentials?: { clientId: string; clientSecret: string };
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** Send this exact body (e.g. malformed JSON, or a stream) instead of JSON-encoding `body`. */
  raw?: string | Uint8Array | ReadableStream<Uint8Array>;
}

/** A request the emulator logged (`GET /_emulator/requests`). */
export interface EmulatorLoggedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  body: any;
  status: number;
  response: any;
  userAgent: string | null;
  oceanInfo: Record<string, string>;
  ingest?: boolean;
}

/** A catalog row as `/_emulator/entities` shows it, `datasource` and timestamps included. */
export interface EmulatorEntity {
  blueprint: string;
  identifier: string;
  title: string | null;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  datasource: string | null;
  updatedAt: string;
  [key: string]: unknown;
}

export interface RequestFilter {
  method?: string;
  /** A path glob, e.g. `/v1/blueprints/*\/entities/bulk`. */
  path?: string;
  /** Only requests after this sequence number. */
  since?: number;
}

export type EmulatorClient = ReturnType<typeof emulatorClient>;

export function emulatorClient(options: EmulatorClientOptions) {
  const doFetch = options.fetch ?? ((input: string, init?: RequestInit) => fetch(input, init));
  let token: string | undefined;

  const send = async <T = any>(method: string, path: string, body?: unknown, opts: SendOptions = {}): Promise<EmulatorAnswer<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (opts.raw !== undefined) {
      init.body = opts.raw as BodyInit;
      if (opts.raw instanceof ReadableStream) init.duplex = 'half';
      headers['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await doFetch(`${options.baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: unknown;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  };

  const controlPath = (path: string) => `/_emulator${path.startsWith('/') ? path : `/${path}`}`;

  /** A `/_emulator` control call, whatever its status. */
  const control = <T = any>(method: string, path: string, body?: unknown, opts: SendOptions = {}) =>
    send<T>(method, controlPath(path), body, options.adminToken ? { ...opts, headers: { 'x-emulator-admin-token': options.adminToken, ...opts.headers } } : opts);

  /** A `/_emulator` control call that must succeed: its body, or an error naming the call and the answer. */
  const admin = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await control<T>(method, path, body);
    if (answer.status < 200 || answer.status >= 300) throw new Error(`emulator ${method} ${controlPath(path)}: HTTP ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`);
    return answer.body;
  };

  const accessToken = async (): Promise<string> => {
    if (token) return token;
    if (!options.credentials) throw new Error('emulatorClient: api() needs credentials');
    const answer = await send<{ accessToken: string }>('POST', '/v1/auth/access_token', options.credentials);
    if (answer.status !== 200) throw new Error(`emulator access token: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    token = answer.body.accessToken;
    return token;
  };

  /** Catalog rows, of one blueprint (and datasource) or all. */
  const entities = async (blueprint?: string, datasource?: string): Promise<EmulatorEntity[]> => {
    const q = new URLSearchParams();
    if (blueprint !== undefined) q.set('blueprint', blueprint);
    if (datasource !== undefined) q.set('datasource', datasource);
    const query = q.toString() ? `?${q}` : '';
    return (await admin<{ entities: EmulatorEntity[] }>('GET', `/entities${query}`)).entities;
  };

  return {
    baseUrl: options.baseUrl,
    /** Any call against the emulator, as is. */
    send,
    control,
    admin,
    /** A token for the configured credentials (fetched once, then cached). */
    accessToken,
    /** Port's API as the signed-in client; `path` starts at the origin (`/v1/…`). A `token` of `false` sends none. */
    async api<T = any>(method: string, path: string, body?: unknown, opts: SendOptions & { token?: string | false } = {}): Promise<EmulatorAnswer<T>> {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token !== false) headers.authorization ??= `Bearer ${opts.token ?? (await accessToken())}`;
      return send<T>(method, path, body, { ...opts, headers });
    },
    seed: (seed: Record<string, unknown>) => admin('POST', '/seed', seed),
    /** A fresh organisation: no blueprints, entities, integrations or logged requests (credentials stay). */
    async reset(): Promise<void> {
      await admin('POST', '/reset', {});
      token = undefined;
    },
    entities,
    /** Identifiers of a blueprint's entities, sorted. */
    ids: async (blueprint: string): Promise<string[]> => (await entities(blueprint)).map((e) => e.identifier).sort(),
    /** The request log, filtered by method, path glob and sequence. */
    async requests(filter: RequestFilter = {}): Promise<EmulatorLoggedRequest[]> {
      const q = new URLSearchParams({ limit: '100000' });
      if (filter.method) q.set('method', filter.method);
      if (filter.path) q.set('path', filter.path);
      if (filter.since !== undefined) q.set('since', String(filter.since));
      return (await admin<{ requests: EmulatorLoggedRequest[] }>('GET', `/requests?${q}`)).requests;
    },
    clearRequests: () => admin('DELETE', '/requests'),
    /** Move the emulator's clock (its `updatedAt`, tokens and `Date` header). */
    advanceClock: (seconds: number) => admin('POST', '/clock', { advanceSeconds: seconds }),
    /** Arm faults (docs/port-api.md §13.3). */
    faults: (faults: unknown) => admin('POST', '/faults', faults),
  };
}
