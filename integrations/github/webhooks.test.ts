import { describe, expect, it } from 'vitest';
import type { Logger, ResourceConfig, WebhookEvent } from 'port-tide';
import type { GithubConfig } from './config.ts';
import issuesOpened from './fixtures/webhook.issues.opened.json' with { type: 'json' };
import ping from './fixtures/webhook.ping.json' with { type: 'json' };
import prClosed from './fixtures/webhook.pull_request.closed.json' with { type: 'json' };
import prOpened from './fixtures/webhook.pull_request.opened.json' with { type: 'json' };
import repoEdited from './fixtures/webhook.repository.edited.json' with { type: 'json' };
import runCompleted from './fixtures/webhook.workflow_run.completed.json' with { type: 'json' };
import { createWebhooks, EVENT_SPECS, createProcessor, signPayload, verifyDelivery, verifySignature } from './webhooks.ts';

const SECRET = "It's a Secret to Everybody";
const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
const encode = (text: string) => new TextEncoder().encode(text);

describe('verifySignature', () => {
  it('accepts GitHub’s documented test vector', async () => {
    // docs.github.com "Validating webhook deliveries": this secret and body give this signature.
    const header = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(await verifySignature(SECRET, encode('Hello, World!'), header)).toBe(true);
    expect(await signPayload(SECRET, 'Hello, World!')).toBe(header);
  });

  it('rejects a wrong secret, a changed body, a missing or malformed header', async () => {
    const body = encode(JSON.stringify(repoEdited));
    const good = await signPayload('s3cret', body);
    expect(await verifySignature('s3cret', body, good)).toBe(true);
    expect(await verifySignature('other', body, good)).toBe(false);
    expect(await verifySignature('s3cret', encode(JSON.stringify(repoEdited) + ' '), good)).toBe(false);
    expect(await verifySignature('s3cret', body, undefined)).toBe(false);
    expect(await verifySignature('s3cret', body, good.replace('sha256=', 'sha1='))).toBe(false);
    expect(await verifySignature('s3cret', body, good.slice(0, -2))).toBe(false);
  });
});

const resource = (kind: string, selector: Record<string, unknown> = {}): ResourceConfig =>
  ({ kind, selector: { query: 'true', ...selector }, port: { entity: { mappings: {} } } }) as unknown as ResourceConfig;

function event(name: string, payload: unknown): WebhookEvent {
  const rawBody = encode(JSON.stringify(payload));
  return { traceId: 't', payload, headers: { 'x-github-event': name, 'content-type': 'application/json' }, rawBody, createdAt: new Date() };
}

const config: GithubConfig = { githubOrganization: 'octo-org', webhookSecret: 's3cret' };
const processors = EVENT_SPECS.map((spec) => createProcessor(spec, config));
const byEvent = (name: string) => processors.find((p) => p.shouldProcessEvent(event(name, {})) === true)!;

describe('processors', () => {
  it('registers one processor per event on /webhook; each claims only its X-GitHub-Event', async () => {
    const webhooks = createWebhooks();
    expect(Object.keys(webhooks)).toEqual(['/webhook']);
    expect(EVENT_SPECS.map((s) => [s.event, s.kind])).toEqual([
      ['repository', 'repository'],
      ['pull_request', 'pull-request'],
      ['issues', 'issue'],
      ['workflow_run', 'workflow-run'],
    ]);
    // Unknown events (ping, push, …) are claimed by nobody, so they are acknowledged and ignored.
    for (const name of ['ping', 'push', 'star']) expect(processors.some((p) => p.shouldProcessEvent(event(name, ping)))).toBe(false);
  });

  it('verify: a valid signature passes; a bad or missing one fails; no secret configured accepts', async () => {
    const body = encode(JSON.stringify(prOpened));
    const request = (headers: Record<string, string>) => ({ method: 'POST', url: 'http://tide.local/integration/webhook', headers, rawBody: body });
    const context = { config, logger: silentLogger };
    expect(await verifyDelivery(request({ 'x-hub-signature-256': await signPayload('s3cret', body) }), context)).toBe(true);
    expect(await verifyDelivery(request({ 'x-hub-signature-256': await signPayload('wrong', body) }), context)).toBe(false);
    expect(await verifyDelivery(request({}), context)).toBe(false);
    expect(await verifyDelivery(request({}), { config: { githubOrganization: 'octo-org' }, logger: silentLogger })).toBe(true);
    // The route's check is the one the path runs.
    const route = createWebhooks()['/webhook'];
    expect('verify' in route && route.verify).toBe(verifyDelivery);
  });

  it('validatePayload wants the event’s object and the repository', () => {
    expect(byEvent('issues').validatePayload(issuesOpened)).toBe(true);
    expect(byEvent('issues').validatePayload(prOpened)).toBe(false);
    expect(byEvent('repository').validatePayload({ action: 'edited' })).toBe(false);
  });

  it('repository: edited upserts; deleted, renamed-away and out-of-type repositories are deleted', async () => {
    const p = byEvent('repository');
    expect(await p.handleEvent(repoEdited, resource('repository'))).toEqual({ updated: [repoEdited.repository], deleted: [] });
    expect(await p.handleEvent({ ...repoEdited, action: 'deleted' }, resource('repository'))).toEqual({ updated: [], deleted: [repoEdited.repository] });
    expect((await p.handleEvent(repoEdited, resource('repository', { repositoryType: 'private' }))).deleted).toHaveLength(1);
    const renamed = { ...repoEdited, action: 'renamed', changes: { repository: { name: { from: 'old-name' } } } };
    const result = await p.handleEvent(renamed, resource('repository'));
    expect(result.updated.map((r) => r.name)).toEqual(['hello-world']);
    expect(result.deleted.map((r) => r.name)).toEqual(['old-name']);
  });

  it('pull_request: tagged with __repository; a closed one leaves a resource that syncs only open ones', async () => {
    const p = byEvent('pull_request');
    const opened = await p.handleEvent(prOpened, resource('pull-request', { states: ['open'] }));
    expect(opened.updated.map((x) => [x.__repository, x.number])).toEqual([['hello-world', 1349]]);
    const closed = await p.handleEvent(prClosed, resource('pull-request', { states: ['open'] }));
    expect(closed).toMatchObject({ updated: [], deleted: [{ number: 1347, __repository: 'hello-world' }] });
    expect((await p.handleEvent(prClosed, resource('pull-request', { states: ['open', 'closed'] }))).updated).toHaveLength(1);
  });

  it('issues: opened upserts; deleted and transferred delete', async () => {
    const p = byEvent('issues');
    expect((await p.handleEvent(issuesOpened, resource('issue', { state: 'open' }))).updated.map((i) => i.__repository)).toEqual(['spoon-knife']);
    for (const action of ['deleted', 'transferred']) {
      expect((await p.handleEvent({ ...issuesOpened, action }, resource('issue', { state: 'all' }))).deleted).toHaveLength(1);
    }
    expect((await p.handleEvent(issuesOpened, resource('issue', { state: 'closed' }))).deleted).toHaveLength(1);
  });

  it('workflow_run: upserts the run; a status filter it does not meet deletes it', async () => {
    const p = byEvent('workflow_run');
    const run = await p.handleEvent(runCompleted, resource('workflow-run'));
    expect(run.updated).toMatchObject([{ id: 30433643, conclusion: 'failure', __repository: 'hello-world' }]);
    expect((await p.handleEvent(runCompleted, resource('workflow-run', { status: 'failure' }))).updated).toHaveLength(1);
    expect((await p.handleEvent(runCompleted, resource('workflow-run', { status: 'in_progress' }))).deleted).toHaveLength(1);
  });

  it('events from another organisation only ever delete', async () => {
    const foreign = { ...prOpened, repository: { ...prOpened.repository, owner: { ...prOpened.repository.owner, login: 'someone-else' } } };
    expect(await byEvent('pull_request').handleEvent(foreign, resource('pull-request'))).toMatchObject({ updated: [], deleted: [{ number: 1349 }] });
  });
});
