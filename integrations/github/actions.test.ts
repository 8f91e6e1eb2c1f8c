/**
 * `dispatch_workflow` against the emulator and the GitHub stand-in (msw in front of GitHub's documented answers):
 * runs created through the emulator's controls are claimed by the action agent, dispatched to GitHub, and reported.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadIntegrationFolder } from 'port-tide/node';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { createTide, type Tide } from 'port-tide';
import { configureOrThrow, emulatorClient, runActionLocally } from '../../src/runtime/index.ts';
import { bufferedFetch, createGithubStandIn, ORG } from './github-stand-in.ts';
import { createGithubIntegration } from './index.ts';

const CREDS = { clientId: 'tide-id', clientSecret: 'tide-secret' };
const PORT = 'http://emulator.local';
const TOKEN = 'ghp_actions_token';
const IDENTIFIER = 'github-actions';
const folder = loadIntegrationFolder('integrations/github');
const github = createGithubStandIn({ token: TOKEN });
const server = setupServer(...github.handlers);

let emulator: PortEmulator;
let tide: Tide;

const routedFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  return url.startsWith(PORT) ? emulator.fetch(input, init) : bufferedFetch(input, init);
};

const controls = (method: string, path: string, body?: unknown) => emulatorClient({ baseUrl: PORT, fetch: emulator.fetch }).control(method, path, body);

/** Create a dispatch_workflow run, let the agent claim and execute it, and read it back once it has ended. */
const dispatch = (properties: Record<string, unknown>) => runActionLocally({ tide, controls, type: 'dispatch_workflow', action: 'deploy-service', properties, timeoutMs: 30_000 });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  emulator = createPortEmulator({ credentials: [CREDS] });
  github.dispatches.length = 0;
  const c = configureOrThrow({
    definition: createGithubIntegration(),
    folder,
    env: {
      OCEAN__PORT__CLIENT_ID: CREDS.clientId,
      OCEAN__PORT__CLIENT_SECRET: CREDS.clientSecret,
      OCEAN__PORT__BASE_URL: PORT,
      OCEAN__INTEGRATION__IDENTIFIER: IDENTIFIER,
      OCEAN__EVENT_LISTENER__TYPE: 'ACTIONS_ONLY',
      OCEAN__ACTIONS_PROCESSOR__ENABLED: 'true',
      OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION: ORG,
      OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN: TOKEN,
    },
  });
  tide = createTide({ integration: c.integration, settings: c.settings, spec: c.spec, fetch: routedFetch });
});
afterEach(async () => {
  await tide.stop();
  await emulator.close();
});
afterAll(() => server.close());

describe('dispatch_workflow', () => {
  it('dispatches the workflow with its ref and inputs, links the run to the workflow, and reports success', async () => {
    const run = await dispatch({ repo: 'hello-world', workflow: 'build.yml', ref: 'main', inputs: { environment: 'staging', dryRun: true } });
    expect(run.status).toBe('SUCCESS');
    expect(run.link).toEqual(['https://github.com/octo-org/hello-world/actions/workflows/build.yml']);
    expect(run.logs).toEqual([
      'Dispatching build.yml on main of octo-org/hello-world',
      'GitHub accepted the dispatch (204); the run appears under https://github.com/octo-org/hello-world/actions/workflows/build.yml',
    ]);
    expect(github.dispatches).toEqual([{ owner: ORG, repo: 'hello-world', workflowId: 159038, ref: 'main', inputs: { environment: 'staging', dryRun: true } }]);
    const call = github.requests.find((r) => r.method === 'POST');
    expect(call).toEqual({ method: 'POST', url: '/repos/octo-org/hello-world/actions/workflows/build.yml/dispatches', authorization: `Bearer ${TOKEN}` });
  });

  it('takes a workflow by its numeric id and a repository as owner/name', async () => {
    const run = await dispatch({ repo: 'octo-org/hello-world', workflow: 159038, ref: 'refs/heads/main' });
    expect([run.status, run.link]).toEqual(['SUCCESS', ['https://github.com/octo-org/hello-world/actions']]);
    expect(github.dispatches).toEqual([{ owner: ORG, repo: 'hello-world', workflowId: 159038, ref: 'refs/heads/main', inputs: {} }]);
  });

  it("fails the run with GitHub's answer when GitHub refuses the dispatch", async () => {
    const noRef = await dispatch({ repo: 'hello-world', workflow: 'build.yml', ref: 'release-9' });
    expect(noRef.status).toBe('FAILURE');
    expect(noRef.logs.at(-1)).toBe('GitHub refused the dispatch of build.yml on release-9 of octo-org/hello-world: 422 No ref found for: release-9');
    const noWorkflow = await dispatch({ repo: 'hello-world', workflow: 'nope.yml', ref: 'main' });
    expect(noWorkflow.logs.at(-1)).toBe('GitHub refused the dispatch of nope.yml on main of octo-org/hello-world: 404 Not Found');
    expect(github.dispatches).toEqual([]);
  });

  it('fails a run whose properties lack the ref, naming it, without calling GitHub', async () => {
    const requestsBefore = github.requests.length;
    const run = await dispatch({ repo: 'hello-world', workflow: 'build.yml' });
    expect(run.status).toBe('FAILURE');
    expect(run.logs).toEqual([expect.stringMatching(/^Invalid run properties: ref: /)]);
    expect(github.requests.length).toBe(requestsBefore);
  });
});
