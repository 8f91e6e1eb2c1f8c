/**
 * What the runtime contract (runtime-contract.ts) reads of the emulator: its catalog and request log
 * through `/_emulator`, the integration through Port's API, plus the suite's assertions and a bounded wait.
 */

export interface CatalogEntity {
  blueprint: string;
  identifier: string;
  title: string | null;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  datasource: string | null;
  updatedAt: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  body: any;
}

interface ProbeTarget {
  emulatorUrl: string;
  credentials: { clientId: string; clientSecret: string };
  adminFetch(path: string, init?: RequestInit): Promise<Response>;
}

async function json(res: Response, what: string): Promise<any> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** The emulator as the suite sees it. */
export function createPortProbe(h: ProbeTarget) {
  let token: string | undefined;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    token ??= (
      await json(
        await fetch(`${h.emulatorUrl}/v1/auth/access_token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(h.credentials) }),
        'access token',
      )
    ).accessToken as string;
    return fetch(`${h.emulatorUrl}/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  return {
    /** A fresh org: no blueprints, entities, integrations or logged requests (credentials stay). */
    async reset(): Promise<void> {
      await json(await h.adminFetch('/reset', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }), 'POST /_emulator/reset');
      token = undefined;
    },
    async entities(blueprint: string, datasource?: string): Promise<CatalogEntity[]> {
      const q = new URLSearchParams({ blueprint, ...(datasource === undefined ? {} : { datasource }) });
      return (await json(await h.adminFetch(`/entities?${q}`), 'GET /_emulator/entities')).entities as CatalogEntity[];
    },
    /** The request log (Port API calls only), filtered by method and path glob. */
    async requests(method: string, path?: string): Promise<LoggedRequest[]> {
      const q = new URLSearchParams({ method, ...(path === undefined ? {} : { path }) });
      return (await json(await h.adminFetch(`/requests?${q}`), 'GET /_emulator/requests')).requests as LoggedRequest[];
    },
    async integration(identifier: string): Promise<Record<string, any> | undefined> {
      const res = await api('GET', `/integration/${encodeURIComponent(identifier)}`);
      if (res.status === 404) {
        await res.body?.cancel();
        return undefined;
      }
      return (await json(res, `GET /v1/integration/${identifier}`)).integration;
    },
    /** Claim action runs as another consumer would (`POST /actions/runs/claim-pending`). */
    async claim(body: { installationId: string; limit: number; visibilityTimeoutMs: number }): Promise<Array<{ id: string }>> {
      return (await json(await api('POST', '/actions/runs/claim-pending', body, { 'x-port-reserved-usage': 'true' }), 'claim action runs')).runs;
    },
    /** Acknowledge an action run; the HTTP status (409 when it is not pending). */
    async ack(runId: string): Promise<number> {
      const res = await api('PATCH', '/actions/runs/ack', { runId }, { 'x-port-reserved-usage': 'true' });
      await res.body?.cancel();
      return res.status;
    },
    /** Change the mapping as a user would, without the resync request Port would create. */
    async patchConfig(identifier: string, config: unknown): Promise<void> {
      await json(await api('PATCH', `/integration/${encodeURIComponent(identifier)}/config`, { config }, { 'x-skip-resync': 'true' }), 'PATCH integration config');
    },
  };
}

export function assertOk(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

export function assertEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e.length > 600 ? `${e.slice(0, 600)}…` : e}, got ${a.length > 600 ? `${a.slice(0, 600)}…` : a}`);
}

/** Poll `probe` until it returns a value; fail after `timeoutMs` (a bound, not a timing assertion). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
