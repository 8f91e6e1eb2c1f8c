/**
 * Tide's event listeners (docs/behaviour.md §5): the strategies that decide when a resync runs, plus
 * the scheduled resync timer. Runtime-agnostic: the server mounts the WEBHOOK route, the Node adapter
 * owns the Kafka consumer and feeds messages to `handleKafkaMessage`, and every resync goes through
 * one {@link ResyncTrigger} whose engine supersedes a running resync and reports resync state.
 */
import type { EventListenerType } from '../config/index.ts';
import type { SleepFn } from '../http/sleep.ts';
import { silentLogger } from '../logging/logger.ts';
import { listenerProcessesLiveEvents, listenerResyncs, listenerUsesSchedule } from './capabilities.ts';
import { changelogDestination } from './changelog-destination.ts';
import type { ChangelogDestination } from './changelog-destination.ts';
import { kafkaGroupId, kafkaTopic, shouldResyncOnKafkaMessage } from './kafka-message.ts';
import type { KafkaMessageInput, KafkaVerdict } from './kafka-message.ts';
import { runOnce } from './once.ts';
import type { OnceResult } from './once.ts';
import { createPollingListener } from './polling.ts';
import { createResyncSchedule } from './schedule.ts';
import type { ResyncSchedule, ScheduleTimers } from './schedule.ts';
import { errorMessage } from './types.ts';
import type { ListenerLogger, ResyncRequestSource, ResyncTrigger } from './types.ts';
import { createGatedStarter, createResyncRoute } from './webhook.ts';
import type { ResyncStarter } from './webhook.ts';
import { createWebhooksOnlyListener } from './webhooks-only.ts';
import type { RouteHandler } from './webhook.ts';

export { listenerProcessesLiveEvents, listenerResyncs, listenerRunsActions, listenerUsesSchedule } from './capabilities.ts';
export { changelogDestination } from './changelog-destination.ts';
export type { ChangelogDestination } from './changelog-destination.ts';
export { parseIsoInstant } from './iso-instant.ts';
export {
  changeLogTopic,
  kafkaGroupId,
  kafkaTopic,
  resyncRequestsTopic,
  RESYNC_REQUESTS_TOPIC_FLAG,
  shouldResyncOnKafkaMessage,
} from './kafka-message.ts';
export type { KafkaMessageInput, KafkaVerdict } from './kafka-message.ts';
export { onceExitCode, runOnce } from './once.ts';
export type { OnceResult } from './once.ts';
export { createPollingListener, INITIAL_POLLING_STATE, pollingStep, readResyncRequest } from './polling.ts';
export type { PollingDecision, PollingListener, PollingNote, PollingOptions, PollingState, RequestRead, Watermark } from './polling.ts';
export { createResyncSchedule, nextResync, scheduleFrom, scheduleStep } from './schedule.ts';
export type { ResyncSchedule, ResyncScheduleOptions, ScheduleState, ScheduleTimers } from './schedule.ts';
export type { ListenerLogger, ResyncOutcome, ResyncRequestInfo, ResyncRequestSource, ResyncTrigger, ResyncTriggerKind } from './types.ts';
export { createGatedStarter, createResyncRoute, RESYNC_ROUTE_PATH } from './webhook.ts';
export type { ResyncRouteOptions, ResyncStarter, ResyncTriggered, RouteHandler } from './webhook.ts';
export { createResyncGate, gateTrigger, gateWake } from './resync-gate.ts';
export type { GateOptions, GateState, ResyncGate, ResyncGateOptions, TriggerDecision } from './resync-gate.ts';
export { createWebhooksOnlyListener } from './webhooks-only.ts';
export type { WebhooksOnlyListener } from './webhooks-only.ts';

/** What {@link createListener} needs; each listener type reads only its own fields. */
export interface ListenerDeps {
  /** `integration.identifier`. */
  identifier: string;
  /** `integration.type` (the Kafka consumer group). */
  integrationType: string;
  /** Runs resyncs. Unused by WEBHOOKS_ONLY. */
  trigger: ResyncTrigger;
  /** POLLING only: reads `GET /integration/{id}/resync-request` (the Port client). */
  port?: ResyncRequestSource;
  /** The `eventListener` settings this module reads. */
  eventListener?: { resyncOnStart?: boolean; interval?: number; appHost?: string; kafkaSecurityEnabled?: boolean };
  /** Minutes; arms the timer for POLLING, WEBHOOK and KAFKA (§5.6). */
  scheduledResyncInterval?: number;
  /** WEBHOOK: what `POST /resync` does (default: a gate over `trigger` with {@link ListenerDeps.resyncTriggerMinInterval}). */
  resyncStarter?: ResyncStarter;
  /** WEBHOOK: seconds between the resyncs `POST /resync` starts (default 60). */
  resyncTriggerMinInterval?: number;
  /** Process start (ms): the origin of the timer's ticks, as of `nextResync`. Default: `start()` time. */
  processStartedAt?: number;
  /**
   * Incremental runs (§4.12), when `incrementalSyncEnabled`: ONCE runs `trigger` instead of a resync, and with
   * `scheduled` POLLING, WEBHOOK and KAFKA run it on a timer every `intervalMinutes`.
   */
  incremental?: { trigger: ResyncTrigger; intervalMinutes: number; scheduled: boolean };
  logger?: ListenerLogger;
  /** Test seams. */
  sleep?: SleepFn;
  now?: () => number;
  timers?: ScheduleTimers;
}

/** What every listener has. */
export interface ListenerBase<T extends EventListenerType = EventListenerType> {
  type: T;
  /**
   * Start triggering: POLLING starts its loop (and resync on start) in the background, ONCE runs its
   * resync and resolves when it has ended (read `onceResult`), the others arm only the timer.
   */
  start(): Promise<void>;
  /** Stop triggering: the timer and the polling loop end; a running resync is left to the engine's shutdown. */
  stop(): Promise<void>;
  /** What to register with Port (docs/port-api.md §12.1). */
  changelogDestination: ChangelogDestination;
  /** Whether live events may run with this listener (they also need `baseUrl`). */
  processesLiveEvents: boolean;
  /** Whether this listener ever resyncs (startup then requires resync handlers). */
  resyncs: boolean;
}

/** WEBHOOK: the server mounts `handleResync` at `POST /resync` (server root). */
export interface WebhookListener extends ListenerBase<'WEBHOOK'> {
  handleResync: RouteHandler;
}

/** KAFKA: the adapter subscribes to `topic(featureFlags)` as `groupId`, and hands every message over. */
export interface KafkaListener extends ListenerBase<'KAFKA'> {
  /** The topic for this org's feature flags (`undefined` when the flag read failed). */
  topic(orgId: string, featureFlags: readonly string[] | null | undefined): string;
  groupId(orgId: string): string;
  /** Decide, and when it means "resync now", start a resync without awaiting it (at-most-once dispatch). */
  handleKafkaMessage(message: KafkaMessageInput, orgId: string): KafkaVerdict;
}

/** ONCE: `start()` runs the resync; the caller then shuts down with `onceResult().exitCode`. */
export interface OnceListener extends ListenerBase<'ONCE'> {
  /** The result once `start()` has resolved, else `undefined`. */
  onceResult(): OnceResult | undefined;
}

/** Any listener. */
export type AnyListener = ListenerBase<'POLLING'> | ListenerBase<'WEBHOOKS_ONLY'> | ListenerBase<'ACTIONS_ONLY'> | WebhookListener | KafkaListener | OnceListener;

/** The listener object for a given type. */
export type Listener<T extends EventListenerType = EventListenerType> = T extends 'WEBHOOK'
  ? WebhookListener
  : T extends 'KAFKA'
    ? KafkaListener
    : T extends 'ONCE'
      ? OnceListener
      : T extends 'POLLING' | 'WEBHOOKS_ONLY' | 'ACTIONS_ONLY'
        ? ListenerBase<T>
        : never;

/**
 * Build the listener for `eventListener.type`, with the scheduled timer folded into `start`/`stop`.
 * Configuration errors (WEBHOOK without `appHost`, POLLING without `port`) throw here, so startup
 * fails before anything runs (§5.1: a listener that fails to start is fatal).
 *
 * @example
 * const listener = createListener(settings.eventListener.type, { identifier, integrationType, trigger, port,
 *   eventListener: settings.eventListener, scheduledResyncInterval: settings.scheduledResyncInterval, logger });
 * await listener.start();
 */
export function createListener<T extends EventListenerType>(type: T, deps: ListenerDeps): Listener<T> {
  // TypeScript cannot narrow a generic `T` through the switch; `build` is checked against the union.
  return build(type, deps) as unknown as Listener<T>;
}

function build(type: EventListenerType, deps: ListenerDeps): AnyListener {
  const logger = deps.logger ?? silentLogger;
  const destination = changelogDestination(type, { appHost: deps.eventListener?.appHost });
  const schedule: ResyncSchedule | undefined =
    deps.scheduledResyncInterval !== undefined && listenerUsesSchedule(type)
      ? createResyncSchedule({
          intervalMinutes: deps.scheduledResyncInterval,
          trigger: deps.trigger,
          startedAt: deps.processStartedAt,
          now: deps.now,
          timers: deps.timers,
          logger,
        })
      : undefined;
  const incremental: ResyncSchedule | undefined =
    deps.incremental?.scheduled && listenerUsesSchedule(type)
      ? createResyncSchedule({
          intervalMinutes: deps.incremental.intervalMinutes,
          trigger: deps.incremental.trigger,
          startedAt: deps.processStartedAt,
          now: deps.now,
          timers: deps.timers,
          logger,
          name: 'incremental sync',
        })
      : undefined;
  const base = {
    changelogDestination: destination,
    processesLiveEvents: listenerProcessesLiveEvents(type),
    resyncs: listenerResyncs(type),
  };
  const withSchedule = (start: () => Promise<void> = async () => {}, stop: () => Promise<void> = async () => {}) => ({
    async start() {
      await start();
      schedule?.start();
      incremental?.start();
    },
    async stop() {
      schedule?.stop();
      incremental?.stop();
      await stop();
    },
  });

  switch (type) {
    case 'POLLING': {
      if (!deps.port) throw new TypeError('[tide] POLLING listener: a Port client (deps.port) is required');
      const polling = createPollingListener({
        identifier: deps.identifier,
        port: deps.port,
        trigger: deps.trigger,
        resyncOnStart: deps.eventListener?.resyncOnStart,
        intervalSeconds: deps.eventListener?.interval,
        sleep: deps.sleep,
        logger,
      });
      return { type, ...base, ...withSchedule(polling.start, polling.stop) };
    }
    case 'WEBHOOK': {
      const gated = deps.resyncStarter ? undefined : createGatedStarter({ trigger: deps.trigger, minIntervalSeconds: deps.resyncTriggerMinInterval ?? 60, logger });
      const start = deps.resyncStarter ?? gated!.start;
      const stop = async () => void gated?.stop();
      return { type, ...base, ...withSchedule(undefined, stop), handleResync: createResyncRoute({ start, logger }) };
    }
    case 'KAFKA': {
      const kafka: Omit<KafkaListener, keyof ListenerBase<'KAFKA'>> = {
        topic: (orgId, flags) => kafkaTopic(orgId, flags),
        groupId: (orgId) =>
          kafkaGroupId({ orgId, type: deps.integrationType, identifier: deps.identifier, securityEnabled: deps.eventListener?.kafkaSecurityEnabled }),
        handleKafkaMessage(message, orgId) {
          const verdict = shouldResyncOnKafkaMessage(message, { orgId, identifier: deps.identifier });
          logger.debug('[tide] KAFKA: message', { topic: message.topic, ...verdict });
          if (verdict.resync) {
            // Not awaited: a long resync must not stall the consumer's polling or heartbeats (§5.4).
            deps.trigger.resync({ trigger: 'kafka' }).catch((error: unknown) =>
              logger.error('[tide] KAFKA: the resync threw', { error: errorMessage(error) }),
            );
          }
          return verdict;
        },
      };
      return { type, ...base, ...withSchedule(), ...kafka };
    }
    case 'ONCE': {
      let result: OnceResult | undefined;
      const once: Omit<OnceListener, keyof ListenerBase<'ONCE'>> & { start(): Promise<void>; stop(): Promise<void> } = {
        async start() {
          result = deps.incremental
            ? await runOnce({ trigger: deps.incremental.trigger, logger, what: 'incremental run' })
            : await runOnce({ trigger: deps.trigger, logger });
        },
        async stop() {},
        onceResult: () => result,
      };
      return { type, ...base, ...once };
    }
    case 'WEBHOOKS_ONLY':
      return { type, ...base, ...createWebhooksOnlyListener() };
    case 'ACTIONS_ONLY':
      // Only the action agent runs (§5.5); it is started beside the listener, which itself triggers nothing.
      return { type, ...base, ...createWebhooksOnlyListener() };
  }
  throw new TypeError(`[tide] unknown eventListener.type ${JSON.stringify(type)}`);
}
