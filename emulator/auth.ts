import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { Store } from './db.ts';
import { invalidRequest, unauthorized } from './errors.ts';

/**
 * Access tokens as Port issues them (docs/port-api.md §6): 3 h lifetime, one active token per credential
 * pair, the same token returned while it is valid. Tokens are HS256 JWTs with a per-instance secret.
 */
export interface TokenPolicy {
  lifetimeSeconds: number;
  reuse: boolean;
  expiresInMode: 'remaining' | 'full';
}

export const DEFAULT_TOKEN_POLICY: TokenPolicy = { lifetimeSeconds: 10800, reuse: true, expiresInMode: 'remaining' };

export interface Principal {
  clientId: string;
  jti: string;
  orgId: string;
}

interface TokenRow {
  jti: string;
  token: string;
  client_id: string;
  iat: number;
  exp: number;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

export class Auth {
  private readonly secret = randomBytes(32);
  policy: TokenPolicy = { ...DEFAULT_TOKEN_POLICY };
  private readonly byJti;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly orgId: () => string,
  ) {
    this.byJti = store.db.prepare('SELECT * FROM tokens WHERE jti = ?');
  }

  addCredentials(clientId: string, clientSecret: string, isMachine = true): void {
    this.store.db
      .prepare(
        'INSERT INTO credentials (client_id, client_secret, is_machine) VALUES (?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET client_secret = excluded.client_secret, is_machine = excluded.is_machine',
      )
      .run(clientId, clientSecret, isMachine ? 1 : 0);
  }

  /** `POST /v1/auth/access_token`: the same still-valid token for a pair, or a fresh one. */
  issue(clientId: string, clientSecret: string): { accessToken: string; expiresIn: number; tokenType: 'Bearer' } {
    const cred = this.store.db.prepare('SELECT client_secret, is_machine FROM credentials WHERE client_id = ?').get(clientId) as
      | { client_secret: string; is_machine: number }
      | undefined;
    if (!cred || !safeEqual(cred.client_secret, clientSecret)) throw unauthorized('Invalid client credentials');
    const nowS = Math.floor(this.clock.now() / 1000);
    if (this.policy.reuse) {
      const active = this.store.db
        .prepare('SELECT * FROM tokens WHERE client_id = ? AND exp > ? ORDER BY exp DESC LIMIT 1')
        .get(clientId, nowS) as TokenRow | undefined;
      if (active) return { accessToken: active.token, expiresIn: this.expiresIn(active, nowS), tokenType: 'Bearer' };
    }
    const jti = randomUUID();
    const exp = nowS + this.policy.lifetimeSeconds;
    const payload = { orgId: this.orgId(), clientId, isMachine: cred.is_machine === 1, iat: nowS, exp, jti };
    const token = this.sign(payload);
    // One active token per pair: a new token replaces the previous ones.
    this.store.db.prepare('DELETE FROM tokens WHERE client_id = ?').run(clientId);
    this.store.db.prepare('INSERT INTO tokens (jti, token, client_id, iat, exp) VALUES (?, ?, ?, ?, ?)').run(jti, token, clientId, nowS, exp);
    return { accessToken: token, expiresIn: this.expiresIn({ iat: nowS, exp } as TokenRow, nowS), tokenType: 'Bearer' };
  }

  /** Resolve an `Authorization` header to a principal, or undefined when missing, unknown, revoked or expired. */
  verify(header: string | undefined): Principal | undefined {
    if (!header) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) return undefined;
    const token = m[1];
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let payload: { jti?: string; orgId?: string };
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!payload.jti) return undefined;
    const row = this.byJti.get(payload.jti) as TokenRow | undefined;
    // The stored token is the source of truth, so tokens survive a restart with a file database.
    if (!row || !safeEqual(row.token, token) || row.exp <= Math.floor(this.clock.now() / 1000)) return undefined;
    return { clientId: row.client_id, jti: row.jti, orgId: payload.orgId ?? this.orgId() };
  }

  /** `POST /_emulator/tokens/expire`: set `exp = now` on matching tokens. */
  expire(match: { clientId?: string; token?: string }): number {
    const nowS = Math.floor(this.clock.now() / 1000);
    const { where, args } = tokenFilter(match);
    return this.store.db.prepare(`UPDATE tokens SET exp = ? ${where}`).run(nowS, ...args).changes;
  }

  /** `POST /_emulator/tokens/revoke`: forget matching tokens. */
  revoke(match: { clientId?: string; token?: string }): number {
    const { where, args } = tokenFilter(match);
    return this.store.db.prepare(`DELETE FROM tokens ${where}`).run(...args).changes;
  }

  setPolicy(body: Partial<TokenPolicy>): TokenPolicy {
    if (body.lifetimeSeconds !== undefined && !(Number.isInteger(body.lifetimeSeconds) && body.lifetimeSeconds > 0))
      throw invalidRequest('lifetimeSeconds: expected a positive integer');
    this.policy = { ...this.policy, ...body };
    return this.policy;
  }

  private expiresIn(row: Pick<TokenRow, 'iat' | 'exp'>, nowS: number): number {
    return this.policy.expiresInMode === 'full' ? this.policy.lifetimeSeconds : Math.max(0, row.exp - nowS);
  }

  private sign(payload: object): string {
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify(payload));
    const sig = createHmac('sha256', this.secret).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }
}

function tokenFilter(match: { clientId?: string; token?: string }): { where: string; args: string[] } {
  const where: string[] = [];
  const args: string[] = [];
  if (match.clientId) {
    where.push('client_id = ?');
    args.push(match.clientId);
  }
  if (match.token) {
    where.push('token = ?');
    args.push(match.token);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
