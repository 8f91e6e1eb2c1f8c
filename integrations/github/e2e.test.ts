import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { emulatorClient } from 'port-tide/testing';
import { loadSettingsOrThrow } from '../../src/config/index.ts';
import { createTide, type Tide } from '../../src/integration/index.ts';
import prClosed from './fixtures/webhook.pull_request.closed.json' with { type: 'json' };
import repoCreated from './fixtures/webhook.repository.created.json' with { type: 'json' };
import repoEdited from './fixtures/webhook.repository.edited.json' with { type: 'json' };
import runCompleted from './fixtures/webhook.workflow_run.completed.json' with { type: 'json' };
import { createGithubIntegration, signPayload } from './index.ts';
import { bufferedFetch, createGithubStandIn, ORG } from './github-stand-in.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const PORT = 'http://emulator.local';
const TOKEN = 'ghp_e2e_token';
const SECRET = 'webhook-s3cret';
const folder = loadIntegrationFolder('integrations/github');
const mock = createGithubStandIn({ token: TOKEN });
const server = setupServer(...mock.handlers);

let emulator: PortEmulator;
let tide: Tide;

/** Port calls go to the in-process emulator; everything else to the global fetch, which msw intercepts. */
const routedFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  return url.startsWith(PORT) ? emulator.fetch(input, init) : bufferedFetch(input, init);
};

function build(env: Record<string, string> = {}): Tide {
  const integration = createGithubIntegration();
  const { settings } = loadSettingsOrThrow({
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: PORT,
      OCEAN__BASE_URL: 'http://tide.local',
      OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY',
      OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION: ORG,
      OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN: TOKEN,
      OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: SECRET,
      ...env,
    },
    spec: folder.spec,
    integrationDefaults: { type: integration.type, version: integration.version },
  });
  return createTide({ integration: { ...integration, spec: folder.spec, resources: folder.resources }, settings, fetch: routedFetch });
}

type Entity = { identifier: string; title: string | null; properties: Record<string, unknown>; relations: Record<string, unknown> };
const entities = async (blueprint: string): Promise<Entity[]> =>
  (await emulatorClient({ baseUrl: PORT, fetch: emulator.fetch }).entities(blueprint)).sort((a, b) => a.identifier.localeCompare(b.identifier));
const ids = async (blueprint: string) => (await entities(blueprint)).map((e) => e.identifier);

async function deliver(name: string, payload: unknown, sign: string | null = SECRET): Promise<Response> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': name,
    'x-github-delivery': crypto.randomUUID(),
    'user-agent': 'GitHub-Hookshot/e2e',
  };
  if (sign !== null) headers['x-hub-signature-256'] = await signPayload(sign, body);
  return tide.fetch(new Request('http://tide.local/integration/webhook', { method: 'POST', headers, body }));
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  tide = build();
});
afterEach(async () => {
  await tide.stop();
  await emulator.close();
});
afterAll(() => server.close());

describe('GitHub integration against the emulator', () => {
  it('provisions the blueprints and default mapping, then resyncs every kind with relations', async () => {
    expect(await tide.provision()).toMatchObject({ integration: 'created', setup: 'created' });
    const report = await tide.resync();
    expect(report.status).toBe('completed');

    expect(await ids('githubRepository')).toEqual(['docs-site', 'hello-world', 'legacy-tool', 'spoon-knife']);
    const hello = (await entities('githubRepository')).find((e) => e.identifier === 'hello-world')!;
    expect(hello.properties).toMatchObject({ url: 'https://github.com/octo-org/hello-world', defaultBranch: 'main', visibility: 'public', topics: ['octocat', 'api'] });

    const prs = await entities('githubPullRequest');
    expect(prs.map((p) => [p.identifier, p.relations.repository, p.properties.status])).toEqual([
      ['hello-world-1347', 'hello-world', 'open'],
      ['hello-world-1348', 'hello-world', 'open'],
      ['spoon-knife-7', 'spoon-knife', 'open'],
    ]);
    expect(prs[0].properties).toMatchObject({ creator: 'dev-1', reviewers: ['dev-2'], assignees: ['dev-3'], link: 'https://github.com/octo-org/hello-world/pull/1347' });

    // The pull request the issues endpoint also returned is not an issue.
    expect((await entities('githubIssue')).map((i) => [i.identifier, i.relations.repository])).toEqual([
      ['hello-world-1350', 'hello-world'],
      ['spoon-knife-9', 'spoon-knife'],
    ]);
    expect(await ids('githubTeam')).toEqual(['justice-league', 'platform']);
    const runs = await entities('githubWorkflowRun');
    expect(runs.map((r) => [r.identifier, r.relations.repository, r.properties.status, r.properties.conclusion ?? null])).toEqual([
      ['hello-world-30433642', 'hello-world', 'completed', 'success'],
      // Port drops null properties: an unfinished run has no conclusion.
      ['hello-world-30433643', 'hello-world', 'in_progress', null],
    ]);
  });

  it('live events: a signed delivery updates entities, a bad or missing signature is answered 401, unknown events are ignored', async () => {
    await tide.provision();
    await tide.resync();
    await tide.start();

    const edited = await deliver('repository', repoEdited);
    expect(edited.status).toBe(200);
    expect(await edited.json()).toEqual({ status: 'ok' });
    expect((await deliver('repository', repoCreated)).status).toBe(200);
    expect((await deliver('workflow_run', runCompleted)).status).toBe(200);
    expect((await deliver('pull_request', prClosed)).status).toBe(200);
    expect((await deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1 })).status).toBe(200);

    const forged = { ...repoEdited, repository: { ...repoEdited.repository, description: 'forged' } };
    const bad = await deliver('repository', forged, 'not-the-secret');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ status: 'error', message: 'signature verification failed' });
    expect((await deliver('repository', forged, null)).status).toBe(401);

    await tide.live.idle();
    expect(tide.live.stats()).toMatchObject({ rejected: 2, queued: 5 });
    const repos = await entities('githubRepository');
    expect(repos.find((r) => r.identifier === 'hello-world')!.properties.description).toBe('Now with a description');
    expect(repos.map((r) => r.identifier)).toContain('new-service');
    const run = (await entities('githubWorkflowRun')).find((r) => r.identifier === 'hello-world-30433643')!;
    expect(run.properties).toMatchObject({ status: 'completed', conclusion: 'failure' });
    // Merged and closed: the default mapping syncs open pull requests only, so the entity goes.
    expect(await ids('githubPullRequest')).toEqual(['hello-world-1348', 'spoon-knife-7']);
  });

  it('an incremental run writes the issues and pull requests changed since its cursor, and removes those that left the selected state', async () => {
    // A stand-in of its own: this test changes GitHub's data.
    const gh = createGithubStandIn({ token: TOKEN });
    server.use(...gh.handlers);
    try {
      await tide.provision();
      await tide.resync();
      const first = await tide.incremental();
      expect(first?.outcome).toBe('completed');
      expect(first!.resources.map((r) => [r.kind, r.fetched, r.advanced])).toEqual([
        ['pull-request', 0, true],
        ['issue', 0, true],
      ]);
      const now = new Date().toISOString();
      gh.update('pulls', 'hello-world', 1348, { title: 'Renamed since', updated_at: now });
      gh.update('issues', 'spoon-knife', 9, { state: 'closed', closed_at: now, updated_at: now });
      const second = await tide.incremental();
      expect(second!.resources.map((r) => [r.kind, r.upserted, r.deleted, r.since])).toEqual([
        ['pull-request', 1, 0, new Date(Date.parse(first!.resources[0].cursor!) - 60_000).toISOString()],
        ['issue', 0, 1, new Date(Date.parse(first!.resources[1].cursor!) - 60_000).toISOString()],
      ]);
      expect((await entities('githubPullRequest')).find((p) => p.identifier === 'hello-world-1348')?.title).toBe('Renamed since');
      expect(await ids('githubIssue')).toEqual(['hello-world-1350']);
      // Nothing else went: the other pull requests and every repository are still there.
      expect(await ids('githubPullRequest')).toEqual(['hello-world-1347', 'hello-world-1348', 'spoon-knife-7']);
      expect(await ids('githubRepository')).toEqual(['docs-site', 'hello-world', 'legacy-tool', 'spoon-knife']);
    } finally {
      server.resetHandlers();
    }
  });

  it('verify knows the secret from the processor context, before start() or any resync', async () => {
    await tide.provision();
    expect((await deliver('repository', repoCreated, 'wrong')).status).toBe(401);
    expect((await deliver('repository', repoCreated)).status).toBe(200);
    await tide.live.idle();
    expect(await ids('githubRepository')).toEqual(['new-service']);
  });
});
