/**
 * Replayed GitHub deliveries on Workers: the GitHub integration's Worker (`createWorker`) answers a delivery
 * whose `X-GitHub-Delivery` it already accepted with 200 "duplicate" and sends nothing to the live-event queue.
 * The ids are remembered in the integration's Durable Object (its real SQLite storage in workerd), so a
 * second isolate of the Worker, with nothing in memory, knows them too.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import repoEdited from '../../../integrations/github/fixtures/webhook.repository.edited.json' with { type: 'json' };
import { createGithubIntegration, signPayload } from '../../../integrations/github/index.ts';
import spec from '../../../integrations/github/.port/spec.yaml';
import blueprints from '../../../integrations/github/.port/resources/blueprints.json';
import mapping from '../../../integrations/github/.port/resources/port-app-config.yml';
import type { PortFiles } from '../types.ts';
import type { LiveEventMessage, TideEnv } from '../types.ts';
import { createWorker } from '../worker.ts';
import { CLIENT_ID, CLIENT_SECRET, GITHUB_TOKEN } from './constants.ts';
import { objectDriver, resyncRpc, type ObjectDriver } from './do-instance.ts';

const SECRET = 'workers-webhook-s3cret';
/** The GitHub integration's .port files, bundled as a deployment bundles them (wrangler's Text and JSON modules). */
const portFiles: PortFiles = { spec, resources: [{ name: 'blueprints.json', json: blueprints }, { name: 'port-app-config.yml', text: mapping }] };

/** The deployment's bindings: the GitHub settings, the Durable Object (over `object`), a queue that collects. */
function bindings(object: ObjectDriver, queued: LiveEventMessage[]): TideEnv {
  const rpc = resyncRpc(object);
  return {
    OCEAN__PORT__BASE_URL: inject('emulatorUrl'),
    OCEAN__PORT__CLIENT_ID: CLIENT_ID,
    OCEAN__PORT__CLIENT_SECRET: CLIENT_SECRET,
    OCEAN__INTEGRATION__IDENTIFIER: 'github-deliveries',
    OCEAN__INTEGRATION__CONFIG__GITHUB_HOST: inject('githubApiUrl'),
    OCEAN__INTEGRATION__CONFIG__GITHUB_ORGANIZATION: 'octo-org',
    OCEAN__INTEGRATION__CONFIG__GITHUB_TOKEN: GITHUB_TOKEN,
    OCEAN__INTEGRATION__CONFIG__WEBHOOK_SECRET: SECRET,
    OCEAN__EVENT_LISTENER__TYPE: 'WEBHOOKS_ONLY',
    OCEAN__BASE_URL: 'https://tide-github.example.workers.dev',
    APPLICATION__LOG_LEVEL: 'ERROR',
    TIDE_RESYNC: { idFromName: (name: string) => name, get: () => rpc },
    TIDE_LIVE_EVENTS: { send: async (message) => void queued.push(message) },
  };
}

/** A Worker isolate of the GitHub integration: its own Tide; `deliver` POSTs a signed repository event. */
function isolate(env: TideEnv) {
  const { worker } = createWorker(createGithubIntegration(), { portFiles });
  return async (payload: unknown, delivery: string, secret = SECRET): Promise<{ status: number; body: unknown }> => {
    const body = JSON.stringify(payload);
    const request = new Request('https://tide.test/integration/webhook', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'repository', 'x-github-delivery': delivery, 'x-hub-signature-256': await signPayload(secret, body) },
      body,
    });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request, env, ctx);
    await waitOnExecutionContext(ctx);
    return { status: response.status, body: await response.json() };
  };
}

describe('replayed GitHub deliveries on Workers', () => {
  it('a delivery seen before is answered "duplicate" and never queued, in this isolate and the next', async () => {
    const queued: LiveEventMessage[] = [];
    let env: TideEnv | undefined;
    const object = objectDriver('deliveries/github', () => env!, createWorker(createGithubIntegration(), { portFiles }).ResyncObject);
    env = bindings(object, queued);
    const deliver = isolate(env);
    expect(await deliver(repoEdited, 'gh-delivery-1')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await deliver(repoEdited, 'gh-delivery-1')).toEqual({ status: 200, body: { status: 'duplicate' } });
    // A forged copy under a new id is refused by the signature check and leaves no trace in the ledger.
    expect((await deliver(repoEdited, 'gh-delivery-2', 'not-the-secret')).status).toBe(401);
    expect(await deliver(repoEdited, 'gh-delivery-2')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(queued.map((m) => m.path)).toEqual(['/webhook', '/webhook']);

    const next = isolate(env);
    expect(await next(repoEdited, 'gh-delivery-1')).toEqual({ status: 200, body: { status: 'duplicate' } });
    expect(await next(repoEdited, 'gh-delivery-3')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(queued).toHaveLength(3);
  });
});
