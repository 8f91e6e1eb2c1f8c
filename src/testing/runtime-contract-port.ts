/**
 * What the runtime contract (runtime-contract.ts) reads of the emulator: its catalog and request log
 * through `/_emulator`, the integration through Port's API, plus the suite's assertions and a bounded wait.
 */

import { emulatorClient, type EmulatorEntity, type EmulatorLoggedRequest } from './emulator-client.ts';

export type CatalogEntity = EmulatorEntity;
export type LoggedRequest = EmulatorLoggedRequest;

interface ProbeTarget {
  emulatorUrl: string;
  credentials: { clientId: string; clientSecret: string };
}

/** The emulator as the suite sees it: the one test client (emulator-client.ts) plus the integration's routes. */
export function createPortProbe(h: ProbeTarget) {
  const client = emulatorClient({ baseUrl: h.emulatorUrl, credentials: h.credentials });
  const ok = <T>(answer: { status: number; body: T }, what: string): T => {
    if (answer.status < 200 || answer.status >= 300) throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`);
    return answer.body;
  };
  return {
    reset: () => client.reset(),
    entities: (blueprint: string, datasource?: string) => client.entities(blueprint, datasource),
    /** The request log (Port API calls only), filtered by method and path glob. */
    requests: (method: string, path?: string) => client.requests({ method, path }),
    async integration(identifier: string): Promise<Record<string, any> | undefined> {
      const answer = await client.api('GET', `/v1/integration/${encodeURIComponent(identifier)}`);
      if (answer.status === 404) return undefined;
      return ok(answer, `GET /v1/integration/${identifier}`).integration;
    },
    /** Change the mapping as a user would, without the resync request Port would create. */
    async patchConfig(identifier: string, config: unknown): Promise<void> {
      ok(await client.api('PATCH', `/v1/integration/${encodeURIComponent(identifier)}/config`, { config }, { headers: { 'x-skip-resync': 'true' } }), 'PATCH integration config');
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
