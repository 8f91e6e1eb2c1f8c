/**
 * The bundled GitHub and http integrations on the real deno binary, resyncing into a real Port emulator
 * (Node, loopback) from real vendor stand-ins on loopback: a GitHub-shaped API serving the GitHub
 * integration's fixtures (integrations/github/github-stand-in.ts) and the http integration's example API
 * (integrations/http/test-support.ts). Started by adapters/deno/integrations.test.ts (vitest), which passes
 * OCEAN__PORT__BASE_URL, OCEAN__PORT__CLIENT_ID/SECRET, TIDE_TEST_GITHUB_API_URL, TIDE_TEST_GITHUB_TOKEN
 * and TIDE_TEST_HTTP_API_URL. Tests run in order and share the emulator's catalog.
 *
 *   deno test -A --config adapters/deno/deno.json adapters/deno/integrations.deno-test.ts
 */
import { createTide, type IntegrationDefinition, type Tide } from 'port-tide';
import { emulatorClient } from 'port-tide/testing';
import { loadIntegrationFolder, loadSettings } from '../../src/runtime/index.ts';
import { createGithubIntegration } from '../../integrations/github/index.ts';
import http from '../../integrations/http/index.ts';
import repoEdited from '../../integrations/github/fixtures/webhook.repository.edited.json' with { type: 'json' };
import { denoFiles } from './serve.ts';

const env = Deno.env.toObject();
const PORT_URL = env.OCEAN__PORT__BASE_URL;
const GITHUB_URL = env.TIDE_TEST_GITHUB_API_URL;
const GITHUB_TOKEN = env.TIDE_TEST_GITHUB_TOKEN;
const HTTP_URL = env.TIDE_TEST_HTTP_API_URL;
if (!PORT_URL || !env.OCEAN__PORT__CLIENT_ID || !env.OCEAN__PORT__CLIENT_SECRET || !GITHUB_URL || !GITHUB_TOKEN || !HTTP_URL) {
  throw new Error('integrations.deno-test.ts needs the emulator and the vendor stand-ins in its environment: run it through `vitest run adapters/deno/integrations.test.ts`');
}
const dirOf = (name: string): string => decodeURIComponent(new URL(`../../integrations/${name}/`, import.meta.url).pathname);
const WEBHOOK_SECRET = 'deno-webhook-s3cret';

function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Error(what);
}
function assertEquals(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

interface Entity {
  identifier: string;
  title: string | null;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
}
async function entities(blueprint: string): Promise<Entity[]> {
  const rows: Entity[] = await emulatorClient({ baseUrl: PORT_URL }).entities(blueprint);
  return rows.sort((a, b) => a.identifier.localeCompare(b.identifier, 'en', { numeric: true }));
}

/**
 * A Tide as the Deno adapter builds one: the folder's `.port/` read with Deno's file API, settings from
 * OCEAN__… names (the Port ones from Deno.env, the integration's given here), Deno's global fetch.
 */
async function build<C>(definition: IntegrationDefinition<C>, folder: string, extra: Record<string, string>): Promise<Tide> {
  const { spec, resources } = loadIntegrationFolder(denoFiles, dirOf(folder));
  const port = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('OCEAN__PORT__')));
  const loaded = loadSettings({ env: { ...port, OCEAN__EVENT_LISTENER__TYPE: 'ONCE', ...extra }, spec, integrationDefaults: { type: definition.type, version: definition.version } });
  if (!loaded.ok) throw new Error(`settings: ${JSON.stringify(loaded.errors)}`);
  return createTide({ integration: { ...definition, spec, resources }, settings: loaded.settings });
}

const githubEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  OCEAN__INTEGRATION__IDENTIFIER: 'github-deno',
  OCEAN__INTEGRATION__CONFIG__GITHUB_HOST: GITHUB_URL,
  OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION: 'octo-org',
  OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN: GITHUB_TOKEN,
  ...extra,
});

/** `sha256=<hex HMAC-SHA256(secret, body)>`, GitHub's X-Hub-Signature-256, computed with Web Crypto here. */
async function hubSignature(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

Deno.test('GitHub: provision and resync create repositories (three Link pages), pull requests, issues, teams and runs, with relations', async () => {
  const tide = await build(createGithubIntegration(), 'github', githubEnv());
  try {
    const provisioned = await tide.provision();
    assertEquals([provisioned.integration, provisioned.setup], ['created', 'created'], 'provision report');
    const report = await tide.resync();
    assertEquals(report.kinds.flatMap((k) => k.errors), [], 'resync errors');
    assertEquals(report.status, 'completed', 'resync status');

    // docs-site and legacy-tool are on the fixtures' pages 2 and 3, reached only through the Link header.
    const repos = await entities('githubRepository');
    assertEquals(repos.map((r) => r.identifier), ['docs-site', 'hello-world', 'legacy-tool', 'spoon-knife'], 'repositories');
    const hello = repos.find((r) => r.identifier === 'hello-world');
    assertEquals(
      [hello?.properties.url, hello?.properties.defaultBranch, hello?.properties.visibility, hello?.properties.topics],
      ['https://github.com/octo-org/hello-world', 'main', 'public', ['octocat', 'api']],
      'hello-world properties',
    );
    const prs = await entities('githubPullRequest');
    assertEquals(
      prs.map((p) => [p.identifier, p.relations.repository, p.properties.status]),
      [
        ['hello-world-1347', 'hello-world', 'open'],
        ['hello-world-1348', 'hello-world', 'open'],
        ['spoon-knife-7', 'spoon-knife', 'open'],
      ],
      'pull requests [identifier, repository relation, status]',
    );
    assertEquals([prs[0]?.properties.creator, prs[0]?.properties.reviewers, prs[0]?.properties.assignees], ['dev-1', ['dev-2'], ['dev-3']], 'hello-world-1347 people');
    assertEquals(
      (await entities('githubIssue')).map((i) => [i.identifier, i.relations.repository]),
      [
        ['hello-world-1350', 'hello-world'],
        ['spoon-knife-9', 'spoon-knife'],
      ],
      'issues',
    );
    assertEquals((await entities('githubTeam')).map((t) => t.identifier), ['justice-league', 'platform'], 'teams');
    assertEquals(
      (await entities('githubWorkflowRun')).map((r) => [r.identifier, r.relations.repository]),
      [
        ['hello-world-30433642', 'hello-world'],
        ['hello-world-30433643', 'hello-world'],
      ],
      'workflow runs',
    );
  } finally {
    await tide.stop();
  }
});

Deno.test('GitHub webhook: a delivery signed with Web Crypto HMAC is accepted and applied; a bad signature is answered 401 and not applied', async () => {
  const tide = await build(
    createGithubIntegration(),
    'github',
    githubEnv({ OCEAN__BASE_URL: 'http://tide.deno.local', OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY', OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: WEBHOOK_SECRET }),
  );
  const deliver = async (payload: unknown, secret: string): Promise<Response> => {
    const body = JSON.stringify(payload);
    return tide.fetch(
      new Request('http://tide.deno.local/integration/webhook', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'repository',
          'x-github-delivery': crypto.randomUUID(),
          'x-hub-signature-256': await hubSignature(secret, body),
        },
        body,
      }),
    );
  };
  try {
    await tide.provision();
    await tide.start();
    const before = (await entities('githubRepository')).find((r) => r.identifier === 'hello-world');
    assert(before && before.properties.description !== 'Now with a description', 'hello-world exists with its resynced description');

    const good = await deliver(repoEdited, WEBHOOK_SECRET);
    assertEquals([good.status, await good.json()], [200, { status: 'ok' }], 'signed delivery');
    const forged = { ...repoEdited, repository: { ...repoEdited.repository, description: 'forged' } };
    const bad = await deliver(forged, 'not-the-secret');
    assertEquals([bad.status, await bad.json()], [401, { status: 'error', message: 'signature verification failed' }], 'badly signed delivery');

    await tide.live.idle();
    const stats = tide.live.stats();
    assertEquals([stats.queued, stats.rejected], [1, 1], 'live stats [queued, rejected]');
    const after = (await entities('githubRepository')).find((r) => r.identifier === 'hello-world');
    assertEquals(after?.properties.description, 'Now with a description', 'hello-world description after the deliveries');
  } finally {
    await tide.stop();
  }
});

Deno.test('http: with only the base URL configured, the shipped defaults create users, offset-paginated posts and nested todos, with relations', async () => {
  const tide = await build(http, 'http', { OCEAN__INTEGRATION__IDENTIFIER: 'http-deno', OCEAN__INTEGRATION__CONFIG__BASE_URL: HTTP_URL });
  try {
    const provisioned = await tide.provision();
    assertEquals([provisioned.integration, provisioned.setup], ['created', 'created'], 'provision report');
    const report = await tide.resync();
    assertEquals(report.kinds.flatMap((k) => k.errors), [], 'resync errors');
    assertEquals(report.status, 'completed', 'resync status');

    // test-support.ts: users 1–3; posts 1–6, two per user; todos 1–6, two per user, the second completed.
    assertEquals(
      (await entities('http-user')).map((e) => [e.identifier, e.title, e.properties.username, e.properties.email]),
      [1, 2, 3].map((id) => [String(id), `User ${id}`, `user-${id}`, `user-${id}@example.com`]),
      'users',
    );
    assertEquals(
      (await entities('http-post')).map((e) => [e.identifier, e.title, e.relations.author]),
      [1, 2, 3, 4, 5, 6].map((id) => [String(id), `Post ${id}`, String(Math.ceil(id / 2))]),
      'posts [identifier, title, author relation]',
    );
    assertEquals(
      (await entities('http-todo')).map((e) => [e.identifier, e.properties.completed, e.relations.user]),
      [1, 2, 3, 4, 5, 6].map((id) => [String(id), id % 2 === 0, String(Math.ceil(id / 2))]),
      'todos [identifier, completed, user relation]',
    );
  } finally {
    await tide.stop();
  }
});
