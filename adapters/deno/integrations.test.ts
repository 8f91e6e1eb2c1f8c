/**
 * The bundled GitHub and http integrations on the real deno binary (node_modules/.bin/deno): this file
 * starts, in Node on loopback, the Port emulator and the vendor stand-ins (a GitHub-shaped API from the
 * GitHub integration's fixtures, and the http integration's example API), then runs
 * integrations.deno-test.ts under `deno test` with their URLs in the environment, and checks what the Deno
 * process asked of the vendors and left in Port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPortEmulator, type PortEmulator } from 'port-tide/emulator';
import { emulatorClient } from 'port-tide/testing';
import { createGithubStandIn, type GithubStandIn } from '../../integrations/github/github-stand-in.ts';
import { startTestApi, type TestApi } from '../../integrations/http/test-support.ts';
import { DENO_CONFIG as CONFIG, output, runDeno } from './test-support.ts';

const CLIENT_ID = 'deno-integrations-client';
const CLIENT_SECRET = 'deno-integrations-secret-41c9';
const GITHUB_TOKEN = 'ghp_deno_integrations_token';
/** A bound on the deno process (type-checking the core and both integrations on a loaded 2-core machine). */
const PROCESS_TIMEOUT_MS = 240_000;


let emulator: PortEmulator;
let portUrl: string;
let github: GithubStandIn;
let githubUrl: string;
let httpApi: TestApi;

beforeAll(async () => {
  emulator = createPortEmulator({ credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  portUrl = await emulator.listen(0);
  github = createGithubStandIn({ token: GITHUB_TOKEN });
  githubUrl = await github.listen();
  httpApi = await startTestApi();
});
afterAll(async () => {
  await Promise.all([github?.close(), httpApi?.close()]);
  await emulator?.close();
});

const ids = (blueprint: string): Promise<string[]> => emulatorClient({ baseUrl: portUrl }).ids(blueprint);

describe('bundled integrations on the real deno binary', { timeout: 2 * PROCESS_TIMEOUT_MS }, () => {
  it('type-checks, then GitHub and http resync into the emulator from loopback vendor APIs; a signed webhook is applied, a bad one answered 401', async () => {
    const r = await runDeno(['test', '-A', '--config', CONFIG, 'adapters/deno/integrations.deno-test.ts'], {
      timeoutMs: PROCESS_TIMEOUT_MS,
      env: {
        OCEAN__PORT__BASE_URL: portUrl,
        OCEAN__PORT__CLIENT_ID: CLIENT_ID,
        OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
        TIDE_TEST_GITHUB_API_URL: githubUrl,
        TIDE_TEST_GITHUB_TOKEN: GITHUB_TOKEN,
        TIDE_TEST_HTTP_API_URL: httpApi.url,
      },
    });
    expect(r.code, output(r)).toBe(0);
    expect(r.stdout, output(r)).toMatch(/ok \| 3 passed \| 0 failed/);

    // The vendors saw Deno's requests: every GitHub call with the token, repositories over three Link pages
    // (pages 2 and 3 at the URLs the Link header gave); the example API's posts at the default offset page.
    expect(github.requests.length).toBeGreaterThan(0);
    expect(github.requests.every((q) => q.authorization === `Bearer ${GITHUB_TOKEN}`)).toBe(true);
    // (Repositories are listed once for their own kind and once more as parents of the per-repository kinds.)
    const linkedPages = github.requests.filter((q) => q.url.startsWith('/organizations/9919/repos')).map((q) => new URL(q.url, githubUrl).searchParams.get('page'));
    expect([...new Set(linkedPages)].sort()).toEqual(['2', '3']);
    expect(httpApi.requests.filter((q) => q.path === '/posts').map((q) => q.query)).toEqual([{ _limit: '50', _start: '0' }]);

    // What the Deno process left in Port.
    expect(await ids('githubRepository')).toEqual(['docs-site', 'hello-world', 'legacy-tool', 'spoon-knife']);
    expect(await ids('githubPullRequest')).toEqual(['hello-world-1347', 'hello-world-1348', 'spoon-knife-7']);
    expect(await ids('http-user')).toEqual(['1', '2', '3']);
    expect(await ids('http-todo')).toEqual(['1', '2', '3', '4', '5', '6']);
  });
});
