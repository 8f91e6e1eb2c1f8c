/**
 * Body signatures for webhook routes (docs/behaviour.md §6.1): an HMAC-SHA256 of the exact body bytes,
 * sent in a header as `<prefix><hex or base64 digest>` (GitHub: `X-Hub-Signature-256: sha256=<hex>`).
 * Web Crypto only, so it runs unchanged on every runtime Tide supports.
 */
import type { VerifyRequest } from './processor.ts';

/** How a vendor signs its deliveries. */
export interface HmacSha256Options {
  /** The shared secret; an empty or missing one verifies nothing (the check fails). */
  secret: string | Uint8Array | undefined;
  /** The header carrying the signature, any case (e.g. `x-hub-signature-256`). */
  header: string;
  /** Text before the digest; default `sha256=`. Use `''` for a bare digest. */
  prefix?: string;
  /** How the digest is written; default `hex` (either case). */
  encoding?: 'hex' | 'base64';
}

const encoder = new TextEncoder();

/** Web Crypto takes ArrayBuffer-backed views only; a view over a SharedArrayBuffer is copied. */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

function bytesOf(value: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof value === 'string' ? encoder.encode(value) : ownBuffer(value);
}

/** The raw HMAC-SHA256 of `body` under `secret`. */
export async function hmacSha256(secret: string | Uint8Array, body: string | Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', bytesOf(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, bytesOf(body)));
}

/**
 * Whether two byte strings are equal, in time that depends on their length only: every byte is compared
 * whatever the first difference, so a forger learns nothing from how long a rejection took.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/**
 * Whether a presented shared secret (a bearer token, a webhook's secret header) is the expected one. Their
 * SHA-256 digests are compared, so neither the first difference nor the secret's length shows in the timing.
 */
export async function secretsEqual(given: string, wanted: string): Promise<boolean> {
  const digest = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  return timingSafeEqual(await digest(given), await digest(wanted));
}

function decodeDigest(text: string, encoding: 'hex' | 'base64'): Uint8Array | undefined {
  if (encoding === 'hex') {
    if (!/^[0-9a-f]{64}$/i.test(text)) return undefined;
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return undefined;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function encodeDigest(mac: Uint8Array, encoding: 'hex' | 'base64'): string {
  if (encoding === 'hex') return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
  return btoa(String.fromCharCode(...mac));
}

/**
 * The header value a vendor would send for `body`: `<prefix><digest>` (default `sha256=<hex>`). For tests
 * and for replaying deliveries.
 *
 * @example await signHmacSha256('s3cret', '{"zen":"…"}') // 'sha256=6f1c…'
 */
export async function signHmacSha256(
  secret: string | Uint8Array,
  body: string | Uint8Array,
  options: Pick<HmacSha256Options, 'prefix' | 'encoding'> = {},
): Promise<string> {
  return `${options.prefix ?? 'sha256='}${encodeDigest(await hmacSha256(secret, body), options.encoding ?? 'hex')}`;
}

/**
 * Whether the delivery's signature header holds the HMAC-SHA256 of its exact body bytes under `secret`,
 * compared in constant time. A missing, malformed or differently prefixed header, or an empty secret, is
 * simply `false`. Use it as a webhook route's `verify`.
 *
 * @example
 * webhooks: {
 *   '/webhook': {
 *     verify: (request, { config }) => verifyHmacSha256(request, { secret: config.webhookSecret, header: 'x-hub-signature-256' }),
 *     processors: [PushProcessor],
 *   },
 * }
 */
export async function verifyHmacSha256(request: Pick<VerifyRequest, 'headers' | 'rawBody'>, options: HmacSha256Options): Promise<boolean> {
  const secret = bytesOf(options.secret ?? '');
  if (secret.length === 0) return false;
  const wanted = options.header.toLowerCase();
  const header = Object.entries(request.headers).find(([name]) => name.toLowerCase() === wanted)?.[1]?.trim();
  const prefix = options.prefix ?? 'sha256=';
  if (header === undefined || !header.startsWith(prefix)) return false;
  const claimed = decodeDigest(header.slice(prefix.length), options.encoding ?? 'hex');
  if (!claimed) return false;
  return timingSafeEqual(claimed, await hmacSha256(secret, request.rawBody));
}
