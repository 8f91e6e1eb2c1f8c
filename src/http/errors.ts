const SENSITIVE_PARAM = /token|key|secret|password|passwd|auth|signature|sig|code|credential|session/i;
const EXCERPT_LENGTH = 500;

/**
 * A URL safe to put in logs and errors: user-info removed and the values of
 * query parameters whose names look like credentials replaced by `***`.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // A relative URL carries no user-info; only its query may hold secrets.
    const q = url.indexOf('?');
    if (q < 0) return url;
    return url.slice(0, q + 1) + redactParams(new URLSearchParams(url.slice(q + 1))).toString();
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = redactParams(parsed.searchParams).toString();
  return parsed.toString();
}

function redactParams(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const [name, value] of params) out.append(name, SENSITIVE_PARAM.test(name) ? '***' : value);
  return out;
}

/**
 * A response with a non-2xx status, raised by `client.json()` and the pagination helpers.
 * Carries the method, a redacted URL and the start of the body; never request headers.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** At most the first 500 characters of the response body. */
  readonly bodyText: string;

  constructor(init: { status: number; method: string; url: string; bodyText?: string }) {
    const url = redactUrl(init.url);
    const bodyText = (init.bodyText ?? '').slice(0, EXCERPT_LENGTH);
    super(`[tide] HTTP ${init.status} from ${init.method} ${url}${bodyText ? `: ${bodyText}` : ''}`);
    this.status = init.status;
    this.method = init.method;
    this.url = url;
    this.bodyText = bodyText;
  }

  /** Build an HttpError from a response, consuming (at most an excerpt of) its body. */
  static async fromResponse(response: Response, method: string, url: string): Promise<HttpError> {
    let bodyText = '';
    try {
      bodyText = await response.text();
    } catch {
      // The status is the useful part; a body that cannot be read is left out.
    }
    return new HttpError({ status: response.status, method, url, bodyText });
  }
}

/**
 * A request that produced no response (connection failure, DNS, reset, timeout) after
 * any retries. `cause` holds the last underlying error.
 */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  readonly method: string;
  readonly url: string;
  /** How many attempts were made, the first included. */
  readonly attempts: number;
  /** True when the last attempt ended because of the client's timeout. */
  readonly timedOut: boolean;

  constructor(init: { method: string; url: string; attempts: number; timedOut: boolean; cause: unknown }) {
    const url = redactUrl(init.url);
    const what = init.timedOut ? 'timed out' : `failed (${describe(init.cause)})`;
    const tries = init.attempts === 1 ? '1 attempt' : `${init.attempts} attempts`;
    super(`[tide] ${init.method} ${url} ${what} after ${tries}`, { cause: init.cause });
    this.method = init.method;
    this.url = url;
    this.attempts = init.attempts;
    this.timedOut = init.timedOut;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and puts the useful code (ECONNREFUSED…) on its cause.
  const code = errorCode(error);
  return code !== undefined ? `${error.message}: ${code}` : error.message;
}

/** The `code` of an error or of the first error in its `cause` chain that has one (undici puts it on `cause`). */
export function errorCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; current !== null && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
