/**
 * Live events from a GitHub webhook (docs/behaviour.md §6): one route, `/webhook`, with one processor per event
 * type (repository, pull_request, issues, workflow_run), chosen by `X-GitHub-Event`. The route checks the
 * `X-Hub-Signature-256` HMAC once per delivery, before anything is queued, so a bad or missing signature is
 * answered 401 and reaches no processor; a delivery whose `X-GitHub-Delivery` was already applied is answered
 * "duplicate". Other events (ping, push, …) are acknowledged and ignored.
 */
import { signHmacSha256, verifyHmacSha256 } from 'port-tide';
import type { ProcessorContext, ResourceConfig, VerifyRequest, WebhookEventResult, WebhookProcessor, WebhookRegistrations } from 'port-tide';
import type { RawItem } from 'port-tide';
import type { GithubConfig } from './config.ts';

/** GitHub's signature header: `sha256=<hex HMAC-SHA256(secret, body)>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** Whether `header` is GitHub's signature of `body` under `secret`; a missing or malformed header is false. */
export function verifySignature(secret: string, body: Uint8Array, header: string | undefined): Promise<boolean> {
  return verifyHmacSha256({ headers: header === undefined ? {} : { [SIGNATURE_HEADER]: header }, rawBody: body }, { secret, header: SIGNATURE_HEADER });
}

/** `sha256=<hex>` for a body; what GitHub sends (used by tests and by anyone replaying deliveries). */
export function signPayload(secret: string, body: Uint8Array | string): Promise<string> {
  return signHmacSha256(secret, body);
}

/**
 * The route's check: with a `webhookSecret`, the signature must match; without one every delivery is accepted,
 * as in Ocean (the integration warns at start).
 */
export function verifyDelivery(request: VerifyRequest, { config }: ProcessorContext<GithubConfig>): boolean | Promise<boolean> {
  const secret = config.webhookSecret;
  if (secret === undefined || secret === '') return true;
  return verifyHmacSha256(request, { secret, header: SIGNATURE_HEADER });
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

export function createProcessor(spec: EventSpec, config: GithubConfig): WebhookProcessor {
  return {
    kind: 'webhook',
    shouldProcessEvent: (event) => event.headers['x-github-event'] === spec.event,
    getMatchingKinds: () => [spec.kind],
    // The route checked the signature on the raw bytes; nothing else in the request proves its origin.
    authenticate: () => true,
    validatePayload: (payload) =>
      isRecord(payload) && typeof payload.action === 'string' && isRecord(payload.repository) && isRecord(payload[spec.objectKey]),
    async handleEvent(payload: unknown, resource: ResourceConfig): Promise<WebhookEventResult> {
      return spec.toResult(payload as Payload, resource, config.githubOrganization);
    },
  };
}

/** The webhook route: `POST /integration/webhook`, signature checked once, one processor per supported event. */
export function createWebhooks(): WebhookRegistrations<GithubConfig> {
  return {
    '/webhook': {
      verify: verifyDelivery,
      // GitHub names every delivery; a replay of one already applied is acknowledged and dropped (§6.1).
      deliveryId: (request) => request.headers['x-github-delivery'],
      processors: EVENT_SPECS.map((spec) => ({ config }: ProcessorContext<GithubConfig>) => createProcessor(spec, config)),
    },
  };
}
