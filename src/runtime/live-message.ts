/**
 * A live event in JSON-safe form, for runtimes that hand accepted events to a queue (a Cloudflare
 * Queue) and apply them in another invocation: the exact body travels as base64, so signature checks
 * still see the bytes that arrived.
 */
import type { WebhookEvent } from '../live/index.ts';

export interface LiveEventMessage {
  path: string;
  traceId: string;
  payload: unknown;
  headers: Record<string, string>;
  /** Base64 of the exact request body. */
  rawBody: string;
  /** ISO arrival time: the order of events about the same entity. */
  createdAt: string;
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function toLiveEventMessage(path: string, event: WebhookEvent): LiveEventMessage {
  return { path, traceId: event.traceId, payload: event.payload, headers: event.headers, rawBody: base64(event.rawBody), createdAt: event.createdAt.toISOString() };
}

export function liveEventFromMessage(m: LiveEventMessage): WebhookEvent {
  return { traceId: m.traceId, payload: m.payload, headers: m.headers, rawBody: Uint8Array.from(atob(m.rawBody), (c) => c.charCodeAt(0)), createdAt: new Date(m.createdAt) };
}
