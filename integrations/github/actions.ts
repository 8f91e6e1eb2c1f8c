/**
 * The GitHub integration's self-service action (docs/behaviour.md §11): `dispatch_workflow` triggers a
 * `workflow_dispatch` event (`POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches`, answered
 * `204 No Content`), links the run to the workflow's runs on GitHub, and reports GitHub's refusal as the failure.
 */
import { z, type ActionDefinition } from 'port-tide';
import type { AuthCache } from './auth.ts';
import { createGithubClient } from './client.ts';
import type { GithubConfig } from './config.ts';

export const dispatchWorkflowProperties = z.looseObject({
  /** The repository: its name in the configured organisation, or `owner/name`. */
  repo: z.string().trim().min(1),
  /** The workflow file name (`deploy.yml`) or its numeric id. */
  workflow: z.union([z.string().trim().min(1), z.int().positive()]),
  /** The branch or tag the workflow runs on. */
  ref: z.string().trim().min(1),
  /** The workflow's `workflow_dispatch` inputs. */
  inputs: z.record(z.string(), z.unknown()).default({}),
});

/** The web address for an API root: github.com for api.github.com, the server for GitHub Enterprise (`…/api/v3`). */
export function webBase(apiBase: string): string {
  if (/^https:\/\/api\.github\.com$/i.test(apiBase)) return 'https://github.com';
  return apiBase.replace(/\/api\/v3$/i, '');
}

/** GitHub's error `message`, or the start of the body when it is not GitHub's JSON. */
async function githubMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message.replace(/\s+/g, ' ').trim();
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || response.statusText;
}

export function createActions(deps: { cache: AuthCache; now?: () => number }) {
  const dispatchWorkflow: ActionDefinition<GithubConfig, typeof dispatchWorkflowProperties> = {
    properties: dispatchWorkflowProperties,
    // A workflow file may cancel its own concurrent runs: dispatches of one workflow go one at a time.
    partitionKey: (run) => `${run.properties.repo}/${run.properties.workflow}`,
    timeoutSeconds: 60,
    async run(run, ctx) {
      const client = createGithubClient({ config: ctx.config, http: ctx.http, cache: deps.cache, signal: ctx.signal, now: deps.now });
      const { workflow, ref, inputs } = run.properties;
      const [owner, repo] = run.properties.repo.includes('/') ? run.properties.repo.split('/', 2) : [client.organization, run.properties.repo];
      const path = `repos/${encodeURIComponent(owner!)}/${encodeURIComponent(repo!)}/actions/workflows/${encodeURIComponent(String(workflow))}/dispatches`;
      // The workflow's page lists its runs; GitHub's UI addresses a workflow by its file name.
      const link = `${webBase(client.baseUrl)}/${owner}/${repo}/actions${typeof workflow === 'string' ? `/workflows/${encodeURIComponent(workflow)}` : ''}`;
      await ctx.log(`Dispatching ${workflow} on ${ref} of ${owner}/${repo}`);
      const response = await client.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ref, inputs }),
      });
      if (response.ok) {
        await response.body?.cancel();
        return { status: 'success', message: `GitHub accepted the dispatch (${response.status}); the run appears under ${link}`, link };
      }
      return { status: 'failure', message: `GitHub refused the dispatch of ${workflow} on ${ref} of ${owner}/${repo}: ${response.status} ${await githubMessage(response)}`, link };
    },
  };
  return { dispatch_workflow: dispatchWorkflow };
}
