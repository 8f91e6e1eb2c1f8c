/**
 * Helpers for the Node adapter's end-to-end tests: a loopback emulator acting as Port, a temp working
 * directory, the env that points `sail()` at them, and bounded polling of the emulator's controls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { emulatorClient, type EmulatorClient, type EmulatorLoggedRequest, type RequestFilter } from 'port-tide/testing';
import { sail, type SailOptions, type SailResult } from './sail.ts';

export const CLIENT_ID = 'node-adapter-client';
export const CLIENT_SECRET = 'node-adapter-secret-3f9c1a';

export interface TestPort {
  emulator: PortEmulator;
  url: string;
  /** Env for `sail()`: the credentials, the base URL, a fake workload of 2 persons per department. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The one test client of the emulator (`port-tide/testing`), signed in with this Port's credentials. */
  client: EmulatorClient;
  /** `GET /_emulator/requests` filtered by method and path glob. */
  requests(filter?: RequestFilter): Promise<EmulatorLoggedRequest[]>;
  /** A `/_emulator` control call (`path` after `/_emulator`), whatever its status. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Call Port's API as the test client. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  integration(identifier: string): Promise<any>;
  entities(): Promise<Array<{ blueprint: string; identifier: string }>>;
}

export async function startTestPort(): Promise<TestPort> {
  const emulator = createPortEmulator({ credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  const url = await emulator.listen(0);
  const client = emulatorClient({ baseUrl: url, credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } });
  const port: TestPort = {
    emulator,
    url,
    client,
    env: (extra = {}) => ({
      OCEAN__PORT__CLIENT_ID: CLIENT_ID,
      OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
      OCEAN__PORT__BASE_URL: url,
      OCEAN__INTEGRATION__IDENTIFIER: 'fake-node',
      OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT: '2',
      ...extra,
    }),
    requests: (filter = {}) => client.requests(filter),
    admin: (method, path, body) => client.control(method, path, body),
    api: (method, path, body) => client.api(method, path, body),
    async integration(identifier) {
      const r = await client.api('GET', `/v1/integration/${encodeURIComponent(identifier)}`);
      return r.status === 200 ? r.body.integration : undefined;
    },
    entities: () => client.entities(),
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

/**
 * The set-up of a `sail()` suite: per test a fresh loopback Port, working directory and line collector (read
 * them through the returned object, after `beforeEach` ran), everything stopped afterwards; `run` starts the
 * bundled fake integration there.
 */
export function sailSuite() {
  const suite = {} as { port: TestPort; cwd: ReturnType<typeof tempCwd>; h: ReturnType<typeof harness> };
  beforeEach(async () => {
    suite.port = await startTestPort();
    suite.cwd = tempCwd();
    suite.h = harness();
  });
  afterEach(async () => {
    await suite.h.stopAll();
    await suite.port.emulator.close();
    suite.cwd.remove();
  });
  const run = async (env: Record<string, string>, extra: Partial<SailOptions> = {}): Promise<SailResult> =>
    suite.h.track(await sail({ integration: 'fake', cwd: suite.cwd.dir, env, httpPort: 0, handleSignals: false, out: suite.h.out, ...extra }));
  return Object.assign(suite, { run });
}
