import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The UI's guards. The emulator binds to loopback, so the threats are other web pages in the user's
 * browser: DNS rebinding (a foreign Host header), cross-site writes (forms or fetches aimed at
 * 127.0.0.1) and script injection through catalog values. Hence: loopback Host names only, a strict
 * Content-Security-Policy, state-changing API calls only as same-origin JSON with a custom header, and,
 * with `--admin-token`, a session cookie (HttpOnly, SameSite=Strict) issued for the token typed into a
 * prompt; the token itself never travels in a URL and is never stored in the browser.
 */
export const SESSION_COOKIE = 'tide_ui_session';
export const UI_HEADER = 'x-tide-ui';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer Chromium sends `Origin: null` on form posts, which the origin check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** True when the Host header names a loopback address (any port). */
export function isLoopbackHost(host: string | null): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return LOOPBACK_HOSTS.has(name.toLowerCase());
}

/** A cross-origin request carries an Origin that differs from the Host it was sent to. */
export function isSameOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return true;
  try {
    return new URL(origin).host === request.headers.get('host');
  } catch {
    return false;
  }
}

export function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Sessions of one emulator instance; with no admin token every request is admitted. */
export class UiSessions {
  private readonly ids = new Set<string>();

  constructor(private readonly adminToken: string | undefined) {}

  get required(): boolean {
    return this.adminToken !== undefined && this.adminToken !== '';
  }

  admitted(request: Request): boolean {
    if (!this.required) return true;
    const id = cookieValue(request, SESSION_COOKIE);
    return id !== undefined && this.ids.has(id);
  }

  /** A new session for a correct token, as a Set-Cookie value; undefined for a wrong one. */
  login(token: string): string | undefined {
    if (!this.adminToken || !equal(token, this.adminToken)) return undefined;
    const id = randomBytes(32).toString('hex');
    this.ids.add(id);
    return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict`;
  }

  logout(request: Request): string {
    const id = cookieValue(request, SESSION_COOKIE);
    if (id) this.ids.delete(id);
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
  }
}

/** Only local paths may be redirected to after a login (never `//host` or a scheme). */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
