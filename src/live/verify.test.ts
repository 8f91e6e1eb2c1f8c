import { describe, expect, it } from 'vitest';
import { hmacSha256, signHmacSha256, timingSafeEqual, verifyHmacSha256 } from './verify.ts';

const encode = (text: string) => new TextEncoder().encode(text);
// docs.github.com "Validating webhook deliveries": this secret and body give this signature.
const SECRET = "It's a Secret to Everybody";
const BODY = encode('Hello, World!');
const GITHUB_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
const delivery = (headers: Record<string, string>, rawBody = BODY) => ({ headers, rawBody });

describe('verifyHmacSha256', () => {
  it('accepts GitHub’s documented test vector, in whatever case the header and digest are written', async () => {
    const options = { secret: SECRET, header: 'X-Hub-Signature-256' };
    expect(await verifyHmacSha256(delivery({ 'x-hub-signature-256': GITHUB_SIGNATURE }), options)).toBe(true);
    expect(await verifyHmacSha256(delivery({ 'X-HUB-SIGNATURE-256': GITHUB_SIGNATURE.toUpperCase().replace('SHA256=', 'sha256=') }), options)).toBe(true);
    expect(await signHmacSha256(SECRET, 'Hello, World!')).toBe(GITHUB_SIGNATURE);
  });

  it('rejects another secret, a changed body, a missing, malformed or differently prefixed header, and an empty secret', async () => {
    const header = 'x-signature';
    const good = await signHmacSha256('s3cret', BODY);
    expect(await verifyHmacSha256(delivery({ [header]: good }), { secret: 's3cret', header })).toBe(true);
    expect(await verifyHmacSha256(delivery({ [header]: good }), { secret: 'other', header })).toBe(false);
    expect(await verifyHmacSha256(delivery({ [header]: good }, encode('Hello, World! ')), { secret: 's3cret', header })).toBe(false);
    expect(await verifyHmacSha256(delivery({}), { secret: 's3cret', header })).toBe(false);
    expect(await verifyHmacSha256(delivery({ [header]: good.replace('sha256=', 'sha1=') }), { secret: 's3cret', header })).toBe(false);
    expect(await verifyHmacSha256(delivery({ [header]: good.slice(0, -2) }), { secret: 's3cret', header })).toBe(false);
    expect(await verifyHmacSha256(delivery({ [header]: `${good}00` }), { secret: 's3cret', header })).toBe(false);
    expect(await verifyHmacSha256(delivery({ [header]: good }), { secret: '', header })).toBe(false);
  });

  it('takes another header, a bare or custom prefix, base64 digests and a byte secret', async () => {
    const key = encode('byte-secret');
    const bare = await signHmacSha256(key, BODY, { prefix: '' });
    expect(bare).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyHmacSha256(delivery({ 'x-acme-signature': bare }), { secret: key, header: 'x-acme-signature', prefix: '' })).toBe(true);
    expect(await verifyHmacSha256(delivery({ 'x-acme-signature': bare }), { secret: key, header: 'x-acme-signature' })).toBe(false);
    const b64 = await signHmacSha256('s3cret', BODY, { prefix: 'v1,', encoding: 'base64' });
    expect(b64).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(await verifyHmacSha256(delivery({ 'x-shop-hmac': b64 }), { secret: 's3cret', header: 'x-shop-hmac', prefix: 'v1,', encoding: 'base64' })).toBe(true);
    expect(await verifyHmacSha256(delivery({ 'x-shop-hmac': b64 }), { secret: 'other', header: 'x-shop-hmac', prefix: 'v1,', encoding: 'base64' })).toBe(false);
  });
});

describe('timingSafeEqual', () => {
  it('is true for equal bytes only, whichever byte differs, and false for another length', async () => {
    const mac = await hmacSha256('s3cret', BODY);
    expect(timingSafeEqual(mac, new Uint8Array(mac))).toBe(true);
    for (const at of [0, 15, 31]) {
      const other = new Uint8Array(mac);
      other[at] ^= 0x01;
      expect(timingSafeEqual(mac, other)).toBe(false);
    }
    expect(timingSafeEqual(mac, mac.slice(0, 31))).toBe(false);
    expect(timingSafeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('reads every byte of both inputs, whatever the first difference', () => {
    const reads = (bytes: Uint8Array) => {
      const seen = new Set<number>();
      const proxy = new Proxy(bytes, {
        get(target, key) {
          if (typeof key === 'string' && /^\d+$/.test(key)) seen.add(Number(key));
          return Reflect.get(target, key, target);
        },
      });
      return { proxy, seen };
    };
    const a = reads(new Uint8Array(32).fill(1));
    const b = reads(new Uint8Array(32).fill(2));
    expect(timingSafeEqual(a.proxy, b.proxy)).toBe(false);
    expect([a.seen.size, b.seen.size]).toEqual([32, 32]);
  });
});
