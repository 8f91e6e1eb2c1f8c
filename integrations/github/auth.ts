/**
 * GitHub authentication with Web Crypto only (Node, workerd, Deno): a static token, or a GitHub App whose
 * RS256-signed JWT is exchanged for an installation token that is cached and refreshed before it expires.
 */
import type { HttpClient } from 'port-tide';
import type { GithubAuthMode } from './config.ts';

/** GitHub's recommended media type and API version, sent on every request. */
export const GITHUB_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
});

/** Installation tokens live one hour; renewing this long before expiry keeps long pages from 401s. */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** Gives the `Authorization` header value; `invalidate` after a 401 forces a fresh installation token. */
export interface TokenSource {
  authorization(signal?: AbortSignal): Promise<string>;
  invalidate(): void;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** One cache per integration definition: installation tokens and imported keys, by credentials. */
export interface AuthCache {
  tokens: Map<string, CachedToken>;
  pending: Map<string, Promise<CachedToken>>;
  keys: Map<string, Promise<CryptoKey>>;
}

export function createAuthCache(): AuthCache {
  return { tokens: new Map(), pending: new Map(), keys: new Map() };
}

export interface TokenSourceOptions {
  mode: GithubAuthMode;
  /** API root, e.g. `https://api.github.com`. */
  baseUrl: string;
  /** Needed to find the installation when `installationId` is not configured. */
  organization: string;
  http: HttpClient;
  cache: AuthCache;
  now?: () => number;
}

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { mode: configured } = options;
  if (configured.type === 'token') return { authorization: async () => `Bearer ${configured.token}`, invalidate() {} };
  const mode: Extract<GithubAuthMode, { type: 'app' }> = configured;
  const now = options.now ?? Date.now;
  const cache = options.cache;
  const cacheKey = `${options.baseUrl}|${mode.appId}|${mode.installationId ?? `org:${options.organization}`}`;

  async function mint(signal?: AbortSignal): Promise<CachedToken> {
    const key = await importKeyCached(cache, mode.privateKey);
    const jwt = await createAppJwt(mode.appId, key, now());
    const headers = { ...GITHUB_HEADERS, authorization: `Bearer ${jwt}` };
    let installationId = mode.installationId;
    if (!installationId) {
      const found = await options.http.json<{ id: number }>(`${options.baseUrl}/orgs/${encodeURIComponent(options.organization)}/installation`, { headers, signal });
      installationId = String(found.id);
    }
    const url = `${options.baseUrl}/app/installations/${encodeURIComponent(installationId)}/access_tokens`;
    // Asking twice only mints two valid tokens, so the POST may be retried like a GET.
    const body = await options.http.json<{ token?: string; expires_at?: string }>(url, { method: 'POST', headers, signal, retryable: true });
    if (typeof body?.token !== 'string' || !body.token) throw new Error(`[tide] [github] POST ${url}: the response has no token`);
    const expiresAt = body.expires_at ? Date.parse(body.expires_at) : Number.NaN;
    // GitHub documents one hour; assume it when the field is missing or unreadable.
    return { token: body.token, expiresAt: Number.isNaN(expiresAt) ? now() + 3600_000 : expiresAt };
  }

  return {
    async authorization(signal) {
      const cached = cache.tokens.get(cacheKey);
      if (cached && now() < cached.expiresAt - REFRESH_BEFORE_EXPIRY_MS) return `Bearer ${cached.token}`;
      // Concurrent callers share one exchange.
      let pending = cache.pending.get(cacheKey);
      if (!pending) {
        pending = mint(signal).finally(() => cache.pending.delete(cacheKey));
        cache.pending.set(cacheKey, pending);
      }
      const fresh = await pending;
      cache.tokens.set(cacheKey, fresh);
      return `Bearer ${fresh.token}`;
    },
    invalidate() {
      cache.tokens.delete(cacheKey);
    },
  };
}

function importKeyCached(cache: AuthCache, pem: string): Promise<CryptoKey> {
  let key = cache.keys.get(pem);
  if (!key) {
    key = importPrivateKey(pem);
    // A bad key must not stay cached as a rejected promise forever.
    key.catch(() => cache.keys.delete(pem));
    cache.keys.set(pem, key);
  }
  return key;
}

/**
 * The App's JWT (GitHub: "Generating a JSON Web Token for a GitHub App"): `iat` 60 s in the past against
 * clock drift, `exp` 10 minutes ahead (GitHub's maximum), `iss` the App ID or client ID.
 */
export async function createAppJwt(appId: string, key: CryptoKey, nowMs: number): Promise<string> {
  const now = Math.floor(nowMs / 1000);
  const iss = /^\d+$/.test(appId) ? Number(appId) : appId;
  const header = base64UrlText(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64UrlText(JSON.stringify({ iat: now - 60, exp: now + 600, iss }));
  const input = `${header}.${payload}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, new TextEncoder().encode(input));
  return `${input}.${base64Url(new Uint8Array(signature))}`;
}

/**
 * Import a PEM RSA private key for RS256. GitHub hands out PKCS#1 keys (`BEGIN RSA PRIVATE KEY`), which Web
 * Crypto cannot import, so those are wrapped into PKCS#8 here; `BEGIN PRIVATE KEY` is used as is. Escaped
 * `\n` (a key pasted into one env var line) is accepted.
 */
export async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const text = pem.replace(/\\n/g, '\n');
  const match = /-----BEGIN (RSA )?PRIVATE KEY-----([\s\S]*?)-----END (RSA )?PRIVATE KEY-----/.exec(text);
  if (!match) throw new Error('[tide] [github] githubAppPrivateKey is not a PEM private key (expected "-----BEGIN RSA PRIVATE KEY-----" or "-----BEGIN PRIVATE KEY-----")');
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = base64Decode(match[2].replace(/\s+/g, ''));
  } catch {
    throw new Error('[tide] [github] githubAppPrivateKey: the PEM body is not valid base64');
  }
  const pkcs8 = match[1] ? wrapPkcs1(der) : der;
  try {
    return await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  } catch (error) {
    throw new Error(`[tide] [github] githubAppPrivateKey could not be imported as an RSA key: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL } in DER.
const RSA_ALGORITHM_ID = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

/** PKCS#8 `PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING pkcs1 }` around a PKCS#1 key. */
export function wrapPkcs1(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  const octet = concat([0x04, ...derLength(pkcs1.length)], pkcs1);
  const content = concat([0x02, 0x01, 0x00, ...RSA_ALGORITHM_ID], octet);
  return concat([0x30, ...derLength(content.length)], content);
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function concat(head: number[], tail: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

function base64Decode(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlText(text: string): string {
  return base64Url(new TextEncoder().encode(text));
}
