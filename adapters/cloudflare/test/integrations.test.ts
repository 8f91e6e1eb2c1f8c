/**
 * The bundled GitHub and http integrations inside workerd: each builds a Tide from its definition, its
 * `.port/` files bundled as the Worker bundles them (YAML as text modules, JSON parsed) and settings from OCEAN__… names,
 * then resyncs over workerd's own fetch into the real Port emulator. The vendor APIs are real loopback
 * servers started in Node by global-setup.ts: a GitHub-shaped API serving the GitHub integration's fixtures
 * (repositories over three Link-paginated pages) and the http integration's example API.
 */
import { describe, expect, inject, it } from 'vitest';
import { createGithubIntegration } from '../../../integrations/github/index.ts';
import httpIntegration from '../../../integrations/http/index.ts';
import type { IntegrationDefinition, Tide } from 'port-tide';
import { folderFromPortFiles, withFolder, type PortFiles } from '../../../src/runtime/index.ts';
import githubBlueprints from '../../../integrations/github/.port/resources/blueprints.json';
import githubMapping from '../../../integrations/github/.port/resources/port-app-config.yml';
import githubSpec from '../../../integrations/github/.port/spec.yaml';
import httpBlueprints from '../../../integrations/http/.port/resources/blueprints.json';
import httpMapping from '../../../integrations/http/.port/resources/port-app-config.yml';
import httpSpec from '../../../integrations/http/.port/spec.yaml';
import { workerTide } from '../index.ts';
import { CLIENT_ID, CLIENT_SECRET, GITHUB_TOKEN } from './constants.ts';
import { admin } from './helpers.ts';

interface Entity {
  identifier: string;
  title: string | null;
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
}

const githubPortFiles: PortFiles = {
  spec: githubSpec,
  resources: [
    { name: 'blueprints.json', json: githubBlueprints },
    { name: 'port-app-config.yml', text: githubMapping },
  ],
};
const httpPortFiles: PortFiles = {
  spec: httpSpec,
  resources: [
    { name: 'blueprints.json', json: httpBlueprints },
    { name: 'port-app-config.yml', text: httpMapping },
  ],
};

async function entities(blueprint: string): Promise<Entity[]> {
  const r = await admin('GET', `/entities?blueprint=${encodeURIComponent(blueprint)}`);
  expect(r.status).toBe(200);
  return (r.body.entities as Entity[]).sort((a, b) => a.identifier.localeCompare(b.identifier, 'en', { numeric: true }));
}

/** A Tide as a Worker builds it: bundled `.port/` files, settings from string bindings, workerd's fetch. */
function build<C>(definition: IntegrationDefinition<C>, files: PortFiles, env: Record<string, string>): Tide {
  const integration = withFolder(definition as IntegrationDefinition<any>, folderFromPortFiles(files));
  const bindings = {
    OCEAN__PORT__BASE_URL: inject('emulatorUrl'),
    OCEAN__PORT__CLIENT_ID: CLIENT_ID,
    OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
    OCEAN__EVENT_LISTENER__TYPE: 'ONCE',
    APPLICATION__LOG_LEVEL: 'ERROR',
    ...env,
  };
  return workerTide(integration, bindings, { fetch: (input, init) => fetch(input, init) }).tide;
}

describe('bundled integrations inside workerd (real emulator, loopback vendor APIs)', () => {
  it('GitHub: provision and resync create repositories (three Link pages), pull requests, issues, teams and runs, with relations', async () => {
    const tide = build(createGithubIntegration(), githubPortFiles, {
      OCEAN__INTEGRATION__IDENTIFIER: 'github-workers',
      OCEAN__INTEGRATION__CONFIG__GITHUB_HOST: inject('githubApiUrl'),
      OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION: 'octo-org',
      OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN: GITHUB_TOKEN,
    });
    try {
      expect(await tide.provision()).toMatchObject({ integration: 'created', setup: 'created' });
      const report = await tide.resync();
      expect(report.kinds.flatMap((k) => k.errors)).toEqual([]);
      expect(report.status).toBe('completed');

      const repos = await entities('githubRepository');
      expect(repos.map((r) => r.identifier)).toEqual(['docs-site', 'hello-world', 'legacy-tool', 'spoon-knife']);
      expect(repos.find((r) => r.identifier === 'hello-world')!.properties).toMatchObject({
        url: 'https://github.com/octo-org/hello-world',
        defaultBranch: 'main',
        visibility: 'public',
        topics: ['octocat', 'api'],
      });
      const prs = await entities('githubPullRequest');
      expect(prs.map((p) => [p.identifier, p.relations.repository, p.properties.status])).toEqual([
        ['hello-world-1347', 'hello-world', 'open'],
        ['hello-world-1348', 'hello-world', 'open'],
        ['spoon-knife-7', 'spoon-knife', 'open'],
      ]);
      expect(prs[0]!.properties).toMatchObject({ creator: 'dev-1', reviewers: ['dev-2'], assignees: ['dev-3'] });
      expect((await entities('githubIssue')).map((i) => [i.identifier, i.relations.repository])).toEqual([
        ['hello-world-1350', 'hello-world'],
        ['spoon-knife-9', 'spoon-knife'],
      ]);
      expect((await entities('githubTeam')).map((t) => t.identifier)).toEqual(['justice-league', 'platform']);
      expect((await entities('githubWorkflowRun')).map((r) => [r.identifier, r.relations.repository])).toEqual([
        ['hello-world-30433642', 'hello-world'],
        ['hello-world-30433643', 'hello-world'],
      ]);
    } finally {
      await tide.stop();
    }
  });

  it('http: with only the base URL configured, the shipped defaults create users, offset-paginated posts and nested todos, with relations', async () => {
    const tide = build(httpIntegration, httpPortFiles, {
      OCEAN__INTEGRATION__IDENTIFIER: 'http-workers',
      OCEAN__INTEGRATION__CONFIG__BASE_URL: inject('httpApiUrl'),
    });
    try {
      expect(await tide.provision()).toMatchObject({ integration: 'created', setup: 'created' });
      const report = await tide.resync();
      expect(report.kinds.flatMap((k) => k.errors)).toEqual([]);
      expect(report.status).toBe('completed');

      // test-support.ts: users 1–3; posts 1–6, two per user; todos 1–6, two per user, the second completed.
      expect((await entities('http-user')).map((e) => [e.identifier, e.title, e.properties])).toEqual(
        [1, 2, 3].map((id) => [String(id), `User ${id}`, { username: `user-${id}`, email: `user-${id}@example.com` }]),
      );
      expect((await entities('http-post')).map((e) => [e.identifier, e.title, e.relations.author])).toEqual(
        [1, 2, 3, 4, 5, 6].map((id) => [String(id), `Post ${id}`, String(Math.ceil(id / 2))]),
      );
      expect((await entities('http-todo')).map((e) => [e.identifier, e.properties.completed, e.relations.user])).toEqual(
        [1, 2, 3, 4, 5, 6].map((id) => [String(id), id % 2 === 0, String(Math.ceil(id / 2))]),
      );
    } finally {
      await tide.stop();
    }
  });
});
