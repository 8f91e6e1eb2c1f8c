/**
 * Helpers for the Node adapter's end-to-end tests: a loopback emulator acting as Port, a temp working
 * directory, the env that points `sail()` at them, and bounded polling of the emulator's controls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import type { SailResult } from './sail.ts';

export const CLIENT_ID = 'node-adapter-client';
export const CLIENT_SECRET = 'node-adapter-secret-3f9c1a';

export interface TestPort {
  emulator: PortEmulator;
  url: string;
  /** Env for `sail()`: the credentials, the base URL, a fake workload of 2 persons per department. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** `GET /_emulator/requests` filtered by method and path glob. */
  requests(filter?: { method?: string; path?: string }): Promise<Array<{ method: string; path: string; body: any; status: number }>>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Call Port's API as the test client. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  integration(identifier: string): Promise<any>;
  entities(): Promise<Array<{ blueprint: string; identifier: string }>>;
}

export async function startTestPort(): Promise<TestPort> {
  const emulator = createPortEmulator({ credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  const url = await emulator.listen(0);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  let token: string | undefined;
  const port: TestPort = {
    emulator,
    url,
    env: (extra = {}) => ({
      OCEAN__PORT__CLIENT_ID: CLIENT_ID,
      OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
      OCEAN__PORT__BASE_URL: url,
      OCEAN__INTEGRATION__IDENTIFIER: 'fake-node',
      OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '2',
      ...extra,
    }),
    async requests(filter = {}) {
      const q = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined));
      return (await call('GET', `/_emulator/requests?${q}`)).body.requests;
    },
    admin: (method, path, body) => call(method, path, body),
    async api(method, path, body) {
      token ??= (await call('POST', '/v1/auth/access_token', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })).body.accessToken;
      return call(method, path, body, { authorization: `Bearer ${token}` });
    },
    async integration(identifier) {
      const r = await port.api('GET', `/v1/integration/${encodeURIComponent(identifier)}`);
      return r.status === 200 ? r.body.integration : undefined;
    },
    async entities() {
      return (await call('GET', '/_emulator/entities')).body.entities;
    },
  };
  return port;
}

/** A fresh working directory (for `.env`, `config.yaml`, `.tide/`), removed by the returned cleanup. */
export function tempCwd(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tide-node-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Poll `probe` until it returns a truthy value; fail with `what` after `timeoutMs`. No timing is asserted. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects every printed line, and stops whatever a test started. */
export function harness() {
  const lines: string[] = [];
  const runs: SailResult[] = [];
  return {
    lines,
    out: (line: string) => void lines.push(line),
    track(run: SailResult): SailResult {
      runs.push(run);
      return run;
    },
    async stopAll() {
      await Promise.all(runs.splice(0).map((r) => r.stop()));
    },
  };
}

/** Resync-state PATCHes that started a resync (`status: running`). */
export async function resyncStarts(port: TestPort, identifier = 'fake-node'): Promise<number> {
  const patches = await port.requests({ method: 'PATCH', path: `/v1/integration/${identifier}/resync-state` });
  return patches.filter((r) => r.body?.status === 'running').length;
}
