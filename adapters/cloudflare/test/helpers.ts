/** Test helpers inside workerd: the emulator's admin and Port API over loopback, the Durable Object, bounded waits. */
import { env } from 'cloudflare:test';
import { inject } from 'vitest';
import type { ResyncObjectRpc, ResyncObjectStatus, TideEnv } from '../types.ts';
import { CLIENT_ID, CLIENT_SECRET, IDENTIFIER } from './constants.ts';

const url = (): string => inject('emulatorUrl');
let token: string | undefined;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url()}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export const admin = (method: string, path: string, body?: unknown) => call(method, `/_emulator${path}`, body);

export async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  token ??= (await call('POST', '/v1/auth/access_token', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })).body.accessToken;
  return call(method, `/v1${path}`, body, { authorization: `Bearer ${token}` });
}

/** Identifiers of a blueprint's entities, sorted. */
export async function ids(blueprint: string): Promise<string[]> {
  const r = await admin('GET', `/entities?blueprint=${encodeURIComponent(blueprint)}`);
  return (r.body.entities as Array<{ identifier: string }>).map((e) => e.identifier).sort();
}

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
