/**
 * Live events from a GitHub webhook (OCEAN-BEHAVIOUR §6): one processor per event type (repository,
 * pull_request, issues, workflow_run), chosen by `X-GitHub-Event`. The `X-Hub-Signature-256` HMAC is checked
 * in `verify`, before anything is queued, so a bad or missing signature is answered 401. Other events
 * (ping, push, …) are acknowledged and ignored.
 */
import type { ProcessorContext, ResourceConfig, VerifyRequest, WebhookEventResult, WebhookProcessor, WebhookRegistrations } from '../../src/index.ts';
import type { RawItem } from '../../src/index.ts';
import type { ConfigHolder, GithubConfig } from './config.ts';

/**
 * Whether `header` is `sha256=<hex HMAC-SHA256(secret, body)>`. Web Crypto's HMAC verify compares in
 * constant time; a missing or malformed header is simply false.
 */
export async function verifySignature(secret: string, body: Uint8Array, header: string | undefined): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const hex = match[1];
  const signature = new Uint8Array(32);
  for (let i = 0; i < 32; i++) signature[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return crypto.subtle.verify('HMAC', key, signature, ownBuffer(body));
}

/** Web Crypto takes ArrayBuffer-backed views only; a view over a SharedArrayBuffer is copied. */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** `sha256=<hex>` for a body; what GitHub sends (used by tests and by anyone replaying deliveries). */
export async function signPayload(secret: string, body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, ownBuffer(bytes)));
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

type Payload = Record<string, unknown>;
type Repo = { name?: unknown; private?: unknown; fork?: unknown; owner?: { login?: unknown } };

const isRecord = (value: unknown): value is Payload => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a repository still belongs to what the resource syncs: the configured organisation and `repositoryType`. */
function inScope(repo: Repo, resource: ResourceConfig, org: string | undefined): boolean {
  const owner = typeof repo.owner?.login === 'string' ? repo.owner.login : undefined;
  if (org && owner && owner.toLowerCase() !== org.toLowerCase()) return false;
  switch (resource.selector.repositoryType) {
    case 'public':
      return repo.private !== true;
    case 'private':
      return repo.private === true;
    case 'forks':
      return repo.fork === true;
    case 'sources':
      return repo.fork !== true;
    default:
      // `all`, and `member`, which a payload cannot tell apart.
      return true;
  }
}

const keep = (item: RawItem): WebhookEventResult => ({ updated: [item], deleted: [] });
const drop = (item: RawItem): WebhookEventResult => ({ updated: [], deleted: [item] });

interface EventSpec {
  /** `X-GitHub-Event` value. */
  event: string;
  kind: string;
  /** The payload key holding the object (besides `repository`). */
  objectKey: string;
  toResult(payload: Payload, resource: ResourceConfig, org: string | undefined): WebhookEventResult;
}

function tagged(payload: Payload, key: string): RawItem {
  const repo = payload.repository as Repo;
  return { ...(payload[key] as RawItem), __repository: repo.name };
}

export const EVENT_SPECS: readonly EventSpec[] = [
  {
    event: 'repository',
    kind: 'repository',
    objectKey: 'repository',
    toResult(payload, resource, org) {
      const repo = payload.repository as RawItem;
      if (payload.action === 'deleted' || !inScope(repo as Repo, resource, org)) return drop(repo);
      const from = (payload.changes as { repository?: { name?: { from?: unknown } } } | undefined)?.repository?.name?.from;
      // A rename changes the identifier (the name): the entity under the old name goes.
      if (payload.action === 'renamed' && typeof from === 'string') return { updated: [repo], deleted: [{ ...repo, name: from }] };
      return keep(repo);
    },
  },
  {
    event: 'pull_request',
    kind: 'pull-request',
    objectKey: 'pull_request',
    toResult(payload, resource, org) {
      const pr = tagged(payload, 'pull_request');
      const states = Array.isArray(resource.selector.states) ? (resource.selector.states as unknown[]) : ['open'];
      if (!inScope(payload.repository as Repo, resource, org) || !states.includes(pr.state)) return drop(pr);
      return keep(pr);
    },
  },
  {
    event: 'issues',
    kind: 'issue',
    objectKey: 'issue',
    toResult(payload, resource, org) {
      const issue = tagged(payload, 'issue');
      const state = typeof resource.selector.state === 'string' ? resource.selector.state : 'open';
      // A transferred issue lives in another repository now, under a new number.
      if (payload.action === 'deleted' || payload.action === 'transferred') return drop(issue);
      if (!inScope(payload.repository as Repo, resource, org) || (state !== 'all' && issue.state !== state)) return drop(issue);
      return keep(issue);
    },
  },
  {
    event: 'workflow_run',
    kind: 'workflow-run',
    objectKey: 'workflow_run',
    toResult(payload, resource, org) {
      const run = tagged(payload, 'workflow_run');
      const status = resource.selector.status;
      // GitHub's `status` filter accepts statuses and conclusions alike.
      const statusMatches = typeof status !== 'string' || run.status === status || run.conclusion === status;
      if (!inScope(payload.repository as Repo, resource, org) || !statusMatches) return drop(run);
      return keep(run);
    },
  },
];

/**
 * `verify` for every processor: with a `webhookSecret`, the signature must match; without one the delivery is
 * accepted, as in Ocean (the integration warns at start). Until the config is known, nothing is accepted.
 */
async function verifyWith(holder: ConfigHolder, request: VerifyRequest): Promise<boolean> {
  const config = holder.current();
  if (!config) return false;
  const secret = config.webhookSecret;
  if (secret === undefined || secret === '') return true;
  const header = request.headers['x-hub-signature-256'];
  // Every processor on the path verifies the same request: compute the HMAC once per body.
  const seen = verdicts.get(request.rawBody);
  if (seen && seen.secret === secret && seen.header === header) return seen.verdict;
  const verdict = verifySignature(secret, request.rawBody, header);
  verdicts.set(request.rawBody, { secret, header, verdict });
  return verdict;
}

const verdicts = new WeakMap<Uint8Array, { secret: string; header: string | undefined; verdict: Promise<boolean> }>();

export function createProcessor(spec: EventSpec, holder: ConfigHolder): WebhookProcessor {
  return {
    kind: 'webhook',
    verify: (request) => verifyWith(holder, request),
    shouldProcessEvent: (event) => event.headers['x-github-event'] === spec.event,
    getMatchingKinds: () => [spec.kind],
    // The signature was checked on the raw bytes in `verify`; nothing else in the request proves its origin.
    authenticate: () => true,
    validatePayload: (payload) =>
      isRecord(payload) && typeof payload.action === 'string' && isRecord(payload.repository) && isRecord(payload[spec.objectKey]),
    async handleEvent(payload: unknown, resource: ResourceConfig): Promise<WebhookEventResult> {
      return spec.toResult(payload as Payload, resource, holder.current()?.githubOrganization);
    },
  };
}

/** The webhook route: `POST /integration/webhook`, one processor per supported event. */
export function createWebhooks(holder: ConfigHolder): WebhookRegistrations {
  // Tide hands every processor factory the resolved config, so signatures are checked from the first delivery.
  return {
    '/webhook': EVENT_SPECS.map((spec) => (context: ProcessorContext) => {
      if (Object.keys(context.config).length > 0) holder.set(context.config as unknown as GithubConfig);
      return createProcessor(spec, holder);
    }),
  };
}
