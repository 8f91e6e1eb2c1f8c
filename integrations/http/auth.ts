/**
 * Request authentication for the declarative HTTP integration: none, bearer, basic, an API key in a header
 * or the query, and OAuth2 client credentials (RFC 6749 §4.4) with the token cached until shortly before
 * it expires. Web standards only (btoa, URLSearchParams).
 */
import type { HttpClient } from 'port-tide';
import type { HttpConfig } from './config.ts';

/** Adds credentials to one request; `refresh()` drops a cached OAuth2 token after a 401. */
export interface Authenticator {
  apply(url: string, headers: Headers, signal?: AbortSignal): Promise<string>;
  /** True when a retry with fresh credentials could help (only OAuth2 tokens are renewable). */
  refresh(): boolean;
}

interface CachedToken {
  value: Promise<string>;
  /** Epoch ms after which the token is renewed; Infinity when the server gave no lifetime. */
  expiresAt: number;
}

// Renew this long before expiry, so a token never expires between fetching and use.
const EXPIRY_MARGIN_MS = 30_000;
// Per HTTP client, i.e. per running Tide instance: two instances never share a token.
const tokenCaches = new WeakMap<HttpClient, Map<string, CachedToken>>();

export function createAuthenticator(config: HttpConfig, http: HttpClient, now: () => number = Date.now): Authenticator {
  const auth = config.auth;
  switch (auth.type) {
    case 'none':
      return { apply: async (url) => url, refresh: () => false };
    case 'bearer':
      return headerAuth('authorization', `Bearer ${config.token}`);
    case 'basic':
      return headerAuth('authorization', `Basic ${base64(`${auth.username}:${config.password}`)}`);
    case 'apiKey':
      if (auth.in === 'header') return headerAuth(auth.name, config.apiKey ?? '');
      return {
        apply: async (url) => {
          const u = new URL(url);
          u.searchParams.set(auth.name, config.apiKey ?? '');
          return u.toString();
        },
        refresh: () => false,
      };
    case 'oauth2ClientCredentials': {
      const tokenUrl = absolute(config.baseUrl, auth.tokenUrl);
      const key = JSON.stringify([tokenUrl, auth.clientId, config.clientSecret, auth.scope, auth.audience, auth.clientAuth]);
      let cache = tokenCaches.get(http);
      if (!cache) tokenCaches.set(http, (cache = new Map()));
      const tokens = cache;
      return {
        async apply(url, headers, signal) {
          let cached = tokens.get(key);
          if (!cached || cached.expiresAt <= now()) {
            const entry: CachedToken = { value: Promise.resolve(''), expiresAt: Infinity };
            entry.value = fetchToken(http, tokenUrl, auth, config.clientSecret ?? '', signal).then(({ token, expiresIn }) => {
              if (expiresIn !== undefined) entry.expiresAt = now() + Math.max(0, expiresIn * 1000 - EXPIRY_MARGIN_MS);
              return token;
            });
            // A failed token request is not cached: the next request asks again.
            entry.value.catch(() => tokens.get(key) === entry && tokens.delete(key));
            tokens.set(key, (cached = entry));
          }
          headers.set('authorization', `Bearer ${await cached.value}`);
          return url;
        },
        refresh: () => tokens.delete(key),
      };
    }
  }
}

function headerAuth(name: string, value: string): Authenticator {
  return {
    apply: async (url, headers) => {
      headers.set(name, value);
      return url;
    },
    refresh: () => false,
  };
}

type OAuth2 = Extract<HttpConfig['auth'], { type: 'oauth2ClientCredentials' }>;

async function fetchToken(
  http: HttpClient,
  tokenUrl: string,
  auth: OAuth2,
  clientSecret: string,
  signal: AbortSignal | undefined,
): Promise<{ token: string; expiresIn?: number }> {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope) body.set('scope', auth.scope);
  if (auth.audience) body.set('audience', auth.audience);
  const headers = new Headers({ accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' });
  if (auth.clientAuth === 'basic') {
    // RFC 6749 §2.3.1: id and secret are form-encoded before being joined.
    headers.set('authorization', `Basic ${base64(`${formEncode(auth.clientId)}:${formEncode(clientSecret)}`)}`);
  } else {
    body.set('client_id', auth.clientId);
    body.set('client_secret', clientSecret);
  }
  // Asking for a token twice is harmless, so transient failures may be retried like a GET.
  const response = await http.request(tokenUrl, { method: 'POST', headers, body: body.toString(), signal, retryable: true });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`auth: the OAuth2 token request to ${tokenUrl} failed with HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  }
  let payload: { access_token?: unknown; expires_in?: unknown };
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    throw new Error(`auth: the OAuth2 token response from ${tokenUrl} is not JSON`);
  }
  if (typeof payload.access_token !== 'string' || payload.access_token === '') {
    throw new Error(`auth: the OAuth2 token response from ${tokenUrl} has no access_token`);
  }
  const expiresIn = Number(payload.expires_in);
  return { token: payload.access_token, expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined };
}

/** Resolve a path against baseUrl by joining (a base with a path prefix such as /v2 keeps it). */
export function absolute(baseUrl: string, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  return `${baseUrl.replace(/\/+$/, '')}/${pathOrUrl.replace(/^\/+/, '')}`;
}

/** UTF-8 safe base64 (btoa alone accepts only Latin-1). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
