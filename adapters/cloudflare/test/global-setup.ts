/**
 * Runs in Node: a real Port emulator on loopback for the Worker under test; its URL reaches the Worker as a
 * binding. Also the vendor stand-ins for integrations.test.ts (a GitHub-shaped API from the GitHub
 * integration's fixtures, and the http integration's example API), their URLs provided to the tests.
 */
import type { TestProject } from 'vitest/node';
import { createPortEmulator } from 'port-tide/emulator';
import { createGithubStandIn } from '../../../integrations/github/github-stand-in.ts';
import { startTestApi } from '../../../integrations/http/test-support.ts';
import { CLIENT_ID, CLIENT_SECRET, GITHUB_TOKEN } from './constants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorUrl: string;
    githubApiUrl: string;
    httpApiUrl: string;
    /** The runtime contract's own emulator: it resets it before every check (runtime-contract.test.ts). */
    contractEmulatorUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = createPortEmulator({ credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  const contract = createPortEmulator({ credentials: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] });
  const [url, contractUrl] = await Promise.all([emulator.listen(0), contract.listen(0)]);
  project.provide('emulatorUrl', url);
  project.provide('contractEmulatorUrl', contractUrl);
  const github = createGithubStandIn({ token: GITHUB_TOKEN });
  project.provide('githubApiUrl', await github.listen());
  const httpApi = await startTestApi();
  project.provide('httpApiUrl', httpApi.url);
  return async () => {
    await Promise.all([github.close(), httpApi.close()]);
    await Promise.all([emulator.close(), contract.close()]);
  };
}
