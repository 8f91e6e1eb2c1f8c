import { createPrivateKey } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/http/index.ts';
import type { KindContext, Logger, RawItem } from 'port-tide';
import { createAppJwt, createAuthCache, importPrivateKey, REFRESH_BEFORE_EXPIRY_MS } from './auth.ts';
import type { AuthCache } from './auth.ts';
import type { GithubConfig } from './config.ts';
import { createKinds } from './kinds.ts';
import { bufferedFetch, createGithubStandIn, GITHUB, ORG } from './github-stand-in.ts';

const APP_ID = '123456';
const INSTALLATION_ID = '2';
const START = Date.parse('2024-05-06T12:00:00Z');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

let pkcs8Pem: string;
let pkcs1Pem: string;
let publicKey: CryptoKey;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

function decodeSegment(segment: string): Record<string, unknown> {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as Record<string, unknown>;
}

/** What GitHub checks on an App JWT: RS256 signature by the App's key, `iss`, and a lifetime of at most 10 minutes. */
async function checkJwt(authorization: string | null, now: number): Promise<string | undefined> {
  const jwt = authorization?.replace(/^Bearer /, '') ?? '';
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return 'not a JWT';
  const sig = Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)), (c) => c.charCodeAt(0));
  const valid = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, sig, new TextEncoder().encode(`${h}.${p}`));
  if (!valid) return 'bad signature';
  const header = decodeSegment(h);
  const payload = decodeSegment(p) as { iat: number; exp: number; iss: unknown };
  if (header.alg !== 'RS256') return 'alg';
  if (payload.iss !== Number(APP_ID)) return 'iss';
  const nowS = Math.floor(now / 1000);
  if (!(payload.iat <= nowS && payload.exp > nowS && payload.exp - nowS <= 600)) return 'lifetime';
  return undefined;
}

let clock = START;
let minted = 0;
const exchanges: string[] = [];
const mock = createGithubStandIn();
const server = setupServer(
  http.post(`${GITHUB}/app/installations/:id/access_tokens`, async ({ request, params }) => {
    const problem = await checkJwt(request.headers.get('authorization'), clock);
    if (problem) return HttpResponse.json({ message: `A JSON web token could not be decoded (${problem})` }, { status: 401 });
    exchanges.push(String(params.id));
    const token = `ghs_installation_${++minted}`;
    mock.accepted.add(`Bearer ${token}`);
    return HttpResponse.json(
      { token, expires_at: new Date(clock + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'), permissions: { metadata: 'read', pull_requests: 'read' }, repository_selection: 'all' },
      { status: 201 },
    );
  }),
  http.get(`${GITHUB}/orgs/${ORG}/installation`, async ({ request }) => {
    const problem = await checkJwt(request.headers.get('authorization'), clock);
    if (problem) return HttpResponse.json({ message: problem }, { status: 401 });
    return HttpResponse.json({ id: Number(INSTALLATION_ID), account: { login: ORG, id: 9919, type: 'Organization' }, app_id: Number(APP_ID), target_type: 'Organization', repository_selection: 'all' });
  }),
  ...mock.handlers,
);

beforeAll(async () => {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  publicKey = pair.publicKey;
  pkcs8Pem = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  // GitHub hands out PKCS#1 keys; node:crypto (test only) produces one from the same key.
  pkcs1Pem = createPrivateKey(pkcs8Pem).export({ type: 'pkcs1', format: 'pem' }) as string;
  server.listen({ onUnhandledRequest: 'error' });
});
afterEach(() => {
  clock = START;
  minted = 0;
  exchanges.length = 0;
  mock.requests.length = 0;
  mock.accepted.clear();
});
afterAll(() => server.close());

async function teams(config: Partial<GithubConfig>, cache: AuthCache): Promise<RawItem[]> {
  const kinds = createKinds({ cache, now: () => clock });
  const ctx = {
    kind: 'team',
    config: { githubOrganization: ORG, githubAppId: APP_ID, githubAppPrivateKey: pkcs1Pem, githubAppInstallationId: INSTALLATION_ID, ...config },
    selector: { query: 'true' },
    logger: quiet,
    http: createHttpClient({ fetch: bufferedFetch, now: () => clock, sleep: async () => {} }),
    signal: new AbortController().signal,
    attributes: {},
  } as unknown as Parameters<typeof kinds.team.resync>[0];
  const items: RawItem[] = [];
  for await (const page of kinds.team.resync(ctx) as AsyncIterable<RawItem[]>) items.push(...page);
  return items;
}

describe('private keys', () => {
  it('imports PKCS#8 and PKCS#1 PEM (GitHub’s format), also with escaped newlines, and signs a verifiable JWT', async () => {
    expect(pkcs1Pem).toContain('BEGIN RSA PRIVATE KEY');
    for (const text of [pkcs8Pem, pkcs1Pem, pkcs1Pem.replace(/\n/g, '\\n')]) {
      const jwt = await createAppJwt(APP_ID, await importPrivateKey(text), clock);
      expect(await checkJwt(`Bearer ${jwt}`, clock)).toBeUndefined();
    }
  });

  it('puts iat 60 s back and exp 10 minutes ahead', async () => {
    const jwt = await createAppJwt(APP_ID, await importPrivateKey(pkcs8Pem), clock);
    const [header, payload] = jwt.split('.').map((s, i) => (i < 2 ? decodeSegment(s) : s)) as Array<Record<string, unknown>>;
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toEqual({ iat: START / 1000 - 60, exp: START / 1000 + 600, iss: 123456 });
  });

  it('names the setting when the key is not PEM', async () => {
    await expect(importPrivateKey('not a key')).rejects.toThrow(/githubAppPrivateKey is not a PEM private key/);
  });
});

describe('GitHub App auth', () => {
  it('exchanges the JWT for an installation token and reuses it until shortly before expiry', async () => {
    const cache = createAuthCache();
    expect(await teams({}, cache)).toHaveLength(2);
    await teams({}, cache);
    expect(exchanges).toEqual([INSTALLATION_ID]);
    expect(mock.requests.every((r) => r.authorization === 'Bearer ghs_installation_1')).toBe(true);

    clock = START + 3600_000 - REFRESH_BEFORE_EXPIRY_MS + 1;
    mock.requests.length = 0;
    await teams({}, cache);
    expect(exchanges).toEqual([INSTALLATION_ID, INSTALLATION_ID]);
    expect(mock.requests.map((r) => r.authorization)).toEqual(['Bearer ghs_installation_2']);
  });

  it('finds the installation from the organisation when no installation id is set', async () => {
    expect(await teams({ githubAppInstallationId: undefined }, createAuthCache())).toHaveLength(2);
    expect(exchanges).toEqual([INSTALLATION_ID]);
  });

  it('a 401 on an installation token mints a new one and retries once', async () => {
    const cache = createAuthCache();
    await teams({}, cache);
    // GitHub revoked the token early.
    mock.accepted.delete('Bearer ghs_installation_1');
    mock.requests.length = 0;
    expect(await teams({}, cache)).toHaveLength(2);
    expect(mock.requests.map((r) => r.authorization)).toEqual(['Bearer ghs_installation_1', 'Bearer ghs_installation_2']);
  });

  it('a token wins over App settings; missing credentials name the settings', async () => {
    mock.accepted.add('Bearer ghp_pat');
    expect(await teams({ githubToken: 'ghp_pat' }, createAuthCache())).toHaveLength(2);
    expect(exchanges).toEqual([]);
    await expect(teams({ githubAppId: undefined, githubAppPrivateKey: undefined }, createAuthCache())).rejects.toThrow(/githubToken/);
    await expect(teams({ githubAppPrivateKey: undefined }, createAuthCache())).rejects.toThrow(/GITHUB_APP_PRIVATE_KEY/);
  });
});
