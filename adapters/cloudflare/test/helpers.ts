/** Test helpers inside workerd: the emulator's admin and Port API over loopback, the Durable Object, bounded waits. */
import { env } from 'cloudflare:test';
import { emulatorClient, type EmulatorClient } from 'port-tide/testing';
import { inject } from 'vitest';
import type { ResyncObjectRpc, ResyncObjectStatus, TideEnv } from '../types.ts';
import { CLIENT_ID, CLIENT_SECRET, IDENTIFIER } from './constants.ts';

let client: EmulatorClient | undefined;
/** The one test client of the emulator (`port-tide/testing`), over loopback, signed in as the Worker's client. */
export const emulator = (): EmulatorClient =>
  (client ??= emulatorClient({ baseUrl: inject('emulatorUrl'), credentials: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } }));

/** A `/_emulator` control call (`path` after `/_emulator`), whatever its status. */
export const admin = (method: string, path: string, body?: unknown) => emulator().control(method, path, body);

/** Port's API as the Worker's client; `path` after `/v1`. */
export const api = (method: string, path: string, body?: unknown) => emulator().api(method, `/v1${path}`, body);

/** Identifiers of a blueprint's entities, sorted. */
export const ids = (blueprint: string): Promise<string[]> => emulator().ids(blueprint);

export const DATASOURCE = `port-ocean/fake/0.1.0/${IDENTIFIER}/exporter`;

/** The integration's Durable Object stub (also what `runInDurableObject` takes). */
export function resyncObject(): ResyncObjectRpc {
  const bindings = env as unknown as TideEnv;
  return bindings.TIDE_RESYNC.get(bindings.TIDE_RESYNC.idFromName(IDENTIFIER)) as ResyncObjectRpc;
}

/** The test seam of the object (resync-object.ts). */
export interface ObjectSeam {
  onPage?: (info: { pages: number }) => void;
}

/** Poll until `probe` returns a value; fail after `timeoutMs` (a bound, not a timing assertion). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 540_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Wait until the Durable Object has no resync in progress and its last report is `resyncId`'s. */
export function resyncDone(resyncId: string): Promise<ResyncObjectStatus & { lastReport: any }> {
  return waitFor(`resync ${resyncId} to finish`, async () => {
    const status = await resyncObject().status();
    return !status.running && (status.lastReport as { resyncId?: string } | undefined)?.resyncId === resyncId ? (status as ResyncObjectStatus & { lastReport: any }) : undefined;
  });
}
