/**
 * A hosted runtime: no process, no file system, no embedded Port, settings from bindings, resyncs and action
 * runs owned by durable objects (durable.ts, actions-host.ts), live events through a queue. Cloudflare Workers
 * is one; the adapter only binds these handlers to its objects and queue (docs/behaviour.md §5.1, §6.1).
 */
import { createTide, type CreateTideOptions, type IntegrationDefinition, type Tide } from '../integration/index.ts';
import type { Logger } from '../logging/logger.ts';
import { createRedactor, formatSettingsErrors } from '../config/index.ts';
import { configure, consoleWrite, createRuntimeLogger, type Configured } from './configure.ts';
import { createUnconfiguredApp } from '../server/unconfigured.ts';
import { TIDE_VERSION } from '../version.ts';
import type { DurableHost } from './durable.ts';
import type { ActionsHost } from './actions-host.ts';
import { toLiveEventMessage, type LiveEventMessage } from './live-message.ts';

/** A hosted Tide, or why these bindings cannot run one. */
export type HostedSetup = { ok: true; configured: Extract<Configured, { ok: true }> } | { ok: false; reason: string };

/**
 * Settings from bindings (only string bindings are settings), checked once: invalid settings (each named, values
 * masked), or no Port credentials at all (a hosted runtime has no embedded Port to fall back on), say why.
 */
export function setupHosted(integration: IntegrationDefinition<any>, env: Record<string, unknown>): HostedSetup {
  const bindings = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const c = configure({ definition: integration, env: bindings });
  if (!c.ok) return { ok: false, reason: `invalid settings: ${formatSettingsErrors(c.errors).split('\n').join('; ')}` };
  if (c.settings.port.mode === 'embedded')
    return {
      ok: false,
      reason:
        'Port credentials are not set: add the secrets OCEAN__PORT__CLIENT_ID and OCEAN__PORT__CLIENT_SECRET ' +
        '(npx wrangler secret put OCEAN__PORT__CLIENT_ID; for wrangler dev, put them in .dev.vars)',
    };
  return { ok: true, configured: c };
}

/** A Tide from a setup: JSON log lines on the console at `APPLICATION__LOG_LEVEL`, every secret masked. */
export function hostedTide(setup: Extract<HostedSetup, { ok: true }>, extra: Partial<CreateTideOptions> = {}): { tide: Tide; logger: Logger } {
  const c = setup.configured;
  const logger = createRuntimeLogger({ settings: c.settings, redact: createRedactor(c.secrets), format: 'json', write: consoleWrite }).child({ integration: c.settings.integration.identifier });
  for (const w of c.warnings) logger.warn(w);
  return { tide: createTide({ integration: c.integration, settings: c.settings, spec: c.spec, logger, env: c.env, ...extra }), logger };
}

/** A Tide from bindings that must be valid (inside a durable object, which only a configured Worker reaches). */
export function tideFromBindings(integration: IntegrationDefinition<any>, env: Record<string, unknown>, extra: Partial<CreateTideOptions> = {}): { tide: Tide; logger: Logger } {
  const setup = setupHosted(integration, env);
  if (!setup.ok) throw new Error(`[tide] ${setup.reason}`);
  return hostedTide(setup, extra);
}

/** The resync object as the handlers call it: the durable host without its alarm (the object's own). */
export type ResyncObjectRpc = Omit<DurableHost, 'alarm'>;
/** The actions object as the handlers call it (over RPC, its status arrives as a promise). */
export interface ActionsObjectRpc {
  wake: ActionsHost['wake'];
  status(): ReturnType<ActionsHost['status']> | Promise<ReturnType<ActionsHost['status']>>;
}

/** A queued message as a hosted queue delivers it: acknowledged, or retried later. */
export interface QueuedMessage<T> {
  body: T;
  attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** Where a hosted runtime's handlers find the integration's objects and queue, per environment. */
export interface HostedBindings<E> {
  resyncObject(env: E, identifier: string): ResyncObjectRpc;
  actionsObject(env: E, identifier: string): ActionsObjectRpc;
  enqueue(env: E, message: LiveEventMessage): Promise<void>;
}

/** The three entry points of a hosted runtime: HTTP, the cron tick, and the live-event queue. */
export interface HostedHandlers<E> {
  fetch(request: Request, env: E): Promise<Response>;
  scheduled(env: E): Promise<void>;
  queue(messages: readonly QueuedMessage<LiveEventMessage>[], env: E): Promise<void>;
}

export function createHostedHandlers<E extends Record<string, unknown>>(integration: IntegrationDefinition<any>, bind: HostedBindings<E>): HostedHandlers<E> {
  // One setup and one Tide per set of bindings: they do not change within an isolate.
  let cached: { env: E; setup: HostedSetup; built?: { tide: Tide; logger: Logger } } | undefined;
  const setupFor = (env: E): HostedSetup => {
    if (cached?.env !== env) cached = { env, setup: setupHosted(integration, env) };
    return cached.setup;
  };
  const tideFor = (env: E, setup: Extract<HostedSetup, { ok: true }>) => {
    // Resyncs, their records and delivery ids live in the resync object: POST /resync starts one there (carried by
    // its alarms), GET /resync/{id} reads its record, a delivery id is claimed there.
    const object = () => bind.resyncObject(env, setup.configured.settings.integration.identifier);
    return (cached!.built ??= hostedTide(setup, {
      dispatchLiveEvent: (path, event) => bind.enqueue(env, toLiveEventMessage(path, event)),
      resyncStarter: () => object().triggerResync(),
      resyncStatus: (resyncId) => object().resyncRecord(resyncId),
      deliveries: { claim: (key) => object().claimDelivery(key), commit: async () => {}, release: (key) => object().releaseDelivery(key) },
    }));
  };

  return {
    async fetch(request, env) {
      const setup = setupFor(env);
      // Without credentials or with invalid settings, the runtime still answers, saying what to set (no stack trace).
      if (!setup.ok) return createUnconfiguredApp({ coreVersion: TIDE_VERSION, reason: setup.reason }).fetch(request);
      return tideFor(env, setup).tide.fetch(request);
    },
    async scheduled(env) {
      const setup = setupFor(env);
      if (!setup.ok) return console.error(`[tide] the cron did nothing: ${setup.reason}`);
      const { tide, logger } = tideFor(env, setup);
      const identifier = tide.settings.integration.identifier;
      // The action agent's session (§11.5) is woken first: a long resync tick must not delay pending runs.
      if (tide.actions) await bind.actionsObject(env, identifier).wake();
      const result = await bind.resyncObject(env, identifier).tick();
      if (result.started) logger.info('[tide] cron started a resync', result.started);
      if (result.incremental) logger.info('[tide] cron started an incremental run', result.incremental);
    },
    async queue(messages, env) {
      const setup = setupFor(env);
      if (!setup.ok) {
        console.error(`[tide] live events wait in the queue: ${setup.reason}`);
        for (const message of messages) message.retry({ delaySeconds: 60 });
        return;
      }
      const { tide, logger } = tideFor(env, setup);
      const object = bind.resyncObject(env, tide.settings.integration.identifier);
      // In order, one at a time (the consumer also runs with max_concurrency = 1): the object applies each event,
      // skipping redeliveries and writes older than what an entity already has.
      for (const message of messages) {
        try {
          await object.liveEvent(message.body);
          message.ack();
        } catch (error) {
          logger.error('[tide] live event failed; the queue retries it', { traceId: message.body.traceId, error: String(error) });
          message.retry({ delaySeconds: Math.min(60, 2 ** message.attempts) });
        }
      }
    },
  };
}
