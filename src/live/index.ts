/**
 * Live events (docs/behaviour.md §6): webhook processors registered per path, served at
 * `POST /integration{path}`, acknowledged at once and processed from a per-path queue; results go through
 * the resync mapping and become upserts and owned-only deletes. Web standards only.
 */
export type { ApplyContext, ApplyReport, LivePort, ResourceRunResult, WriteGuard } from './apply.ts';
export { applyResults } from './apply.ts';
export type { EventReport, LiveEvents, LiveEventsOptions, LiveEventStats } from './handler.ts';
export { QUEUE_FULL_RETRY_AFTER_S, createLiveEvents } from './handler.ts';
export { DELIVERY_TTL_MS, MAX_DELIVERIES, createDeliveryLedger, deliveryKey } from './deliveries.ts';
export type { DeliveryLedger, DeliveryLedgerOptions } from './deliveries.ts';
export { DISABLED_REASONS, liveEventsEnablement } from './enablement.ts';
export type { EventOrdering } from './ordering.ts';
export { createEventOrdering } from './ordering.ts';
export type {
  ActionProcessor,
  LiveEventProcessor,
  ProcessorBase,
  ProcessorContext,
  ProcessorRegistration,
  RawItem,
  RouteRegistration,
  VerifyRequest,
  WebhookEvent,
  WebhookEventResult,
  WebhookProcessor,
  WebhookProcessorFactory,
  WebhookRegistrations,
  WebhookRoute,
} from './processor.ts';
export {
  DEFAULT_MAX_RETRIES,
  RetryableError,
  WebhookRegistrationError,
  contractProblems,
  defaultRetryDelay,
  defaultShouldRetry,
  registerProcessors,
  registerRoutes,
} from './processor.ts';
export type { HmacSha256Options } from './verify.ts';
export { hmacSha256, secretsEqual, signHmacSha256, timingSafeEqual, verifyHmacSha256 } from './verify.ts';
export type { Clock, DrainResult, EventQueue, EventQueueOptions } from './queue.ts';
export { ShutdownError, createEventQueue, systemClock } from './queue.ts';
export type { RunFailure, RunOptions, RunOutcome, RunSpec } from './run.ts';
export { LiveRunError, RUN_BUDGET_MS, runProcessor } from './run.ts';
