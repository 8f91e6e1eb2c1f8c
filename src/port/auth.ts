/**
 * Port access tokens (docs/port-api.md §6, docs/behaviour.md §4.2): one cached token per client, fetched lazily,
 * refreshed 60 s before it expires, and replaced at most once per stale token when a route answers 401.
 * Concurrent callers share one in-flight token request, because the token route spends the small
 * unauthenticated budget (100 per 5 minutes).
 */
import { raceAbort } from '../http/index.ts';
import type { HttpClient } from '../http/index.ts';
import { PortApiError, parseErrorBody, scrubSecrets } from './errors.ts';
import type { PortLogger } from './types.ts';

/** A token as the client holds it. */
export interface AccessToken {
  /** The `Authorization` header value: `${tokenType} ${accessToken}`. */
  header: string;
  /** The raw token, kept only to scrub it from error messages. */
  value: string;
  /** Epoch ms after which the token is refreshed before use (expiry minus the 60 s margin). */
  refreshAt: number;
}

export interface TokenManagerOptions {
  http: HttpClient;
  /** Absolute URL of `POST /v1/auth/access_token`. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** The User-Agent without the `/{feature}` suffix (docs/port-api.md §1.2). */
  userAgent: string;
  now: () => number;
  logger: PortLogger;
}

export interface TokenManager {
  /** The cached token, fetching one when none is held or it is within 60 s of expiry. */
  get(signal?: AbortSignal): Promise<AccessToken>;
  /**
   * A replacement for `stale` after a 401. When another caller already replaced it, that token is
   * returned without a new request, so a burst of 401s costs one token request.
   */
  refresh(stale: AccessToken, signal?: AbortSignal): Promise<AccessToken>;
  /** The token currently held, for scrubbing; undefined before the first fetch. */
  current(): AccessToken | undefined;
}

const REFRESH_MARGIN_MS = 60_000;
const TOKEN_ROUTE = '/v1/auth/access_token';
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Create the token cache for one credential pair. */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { http, url, clientId, clientSecret, userAgent, now, logger } = options;
  let token: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  let checkedMachine = false;

  if (EMAIL.test(clientId)) {
    logger.warn('[tide] port.clientId looks like an e-mail address: use a machine (service account) client id and secret, not personal credentials');
  }

  async function fetchToken(): Promise<AccessToken> {
    const retrievedAt = now();
    const response = await http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': userAgent },
      body: JSON.stringify({ clientId, clientSecret }),
      retryable: true,
    });
    const text = await response.text();
    const traceId = response.headers.get('x-trace-id') ?? undefined;
    if (!response.ok) {
      const body = parseErrorBody(text);
      const hint = response.status === 401 ? 'the client id or secret is wrong' : body.message;
      throw new PortApiError({
        status: response.status,
        code: body.code,
        portMessage: hint === undefined ? undefined : scrubSecrets(hint, [clientSecret]),
        method: 'POST',
        route: TOKEN_ROUTE,
        traceId,
      });
    }
    let body: { accessToken?: unknown; expiresIn?: unknown; tokenType?: unknown } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Reported below as a response without a token.
    }
    if (typeof body?.accessToken !== 'string' || body.accessToken === '') {
      throw new PortApiError({ status: response.status, code: 'invalid_response', portMessage: 'the token response has no accessToken', method: 'POST', route: TOKEN_ROUTE, traceId });
    }
    const expiresIn = typeof body.expiresIn === 'number' && Number.isFinite(body.expiresIn) ? body.expiresIn : 0;
    const tokenType = typeof body.tokenType === 'string' && body.tokenType ? body.tokenType : 'Bearer';
    if (!checkedMachine) {
      checkedMachine = true;
      if (isPersonalToken(body.accessToken)) {
        logger.warn('[tide] the Port token belongs to a personal user, not a machine client: use service-account credentials');
      }
    }
    return {
      header: `${tokenType} ${body.accessToken}`,
      value: body.accessToken,
      refreshAt: retrievedAt + expiresIn * 1000 - REFRESH_MARGIN_MS,
    };
  }

  function load(signal?: AbortSignal): Promise<AccessToken> {
    // The request is shared by every waiting caller, so no single caller's signal may cancel it;
    // a caller that aborts stops waiting for it instead.
    pending ??= fetchToken()
      .then((fresh) => (token = fresh))
      .finally(() => {
        pending = undefined;
      });
    return signal ? raceAbort(pending, signal) : pending;
  }

  return {
    get(signal) {
      if (token && now() < token.refreshAt) return Promise.resolve(token);
      return load(signal);
    },
    refresh(stale, signal) {
      if (token && token !== stale && now() < token.refreshAt) return Promise.resolve(token);
      if (token === stale) token = undefined;
      return load(signal);
    },
    current: () => token,
  };
}

/** `isMachine: false` in the (unverified) JWT payload marks personal credentials (docs/port-api.md §6). */
function isPersonalToken(jwt: string): boolean {
  // Port's tokens need not be JWTs we can read; the check is only a courtesy warning.
  return tokenClaims(jwt)?.isMachine === false;
}

/** The payload of a JWT, decoded without verifying it; undefined when the token is not a readable JWT. */
export function tokenClaims(jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims: unknown = JSON.parse(json);
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

