/**
 * Tide's public API: the only module integrations import.
 */
export * from './integration/index.ts';
/** The zod Tide validates with, for config and selector schemas (one copy, so inferred types always line up). */
export { z } from 'zod';
export { createMemoryStateStore, type StateStore } from './state/index.ts';
export type { Logger } from './logging/logger.ts';
export type { HttpClient, RequestOptions, RetrySettings } from './http/index.ts';
export { paginateCursor, paginateLinkHeader, paginateOffset, paginatePageNumber, parseLinkHeader, retrySettingsIssues } from './http/index.ts';
export { createJqWasmEngine, JqRunError, type JqEngine } from './mapping/index.ts';
export { RetryableError, secretsEqual, signHmacSha256, verifyHmacSha256 } from './live/index.ts';
export type { HmacSha256Options, LiveEventProcessor, ProcessorContext, VerifyRequest, WebhookEvent, WebhookEventResult } from './live/index.ts';
export type { WebhookProcessor, WebhookProcessorFactory, WebhookRegistrations, WebhookRoute } from './live/index.ts';
export type { ResourceConfig } from './mapping/index.ts';
export { ActionError, DEFAULT_ACTION_TIMEOUT_SECONDS } from './actions/index.ts';
export type { ActionContext, ActionDefinition, ActionDefinitions, ActionOutcome, ActionRateLimit, ActionRun, RunCompletion, RunLogLevel, RunUpdate } from './actions/index.ts';
