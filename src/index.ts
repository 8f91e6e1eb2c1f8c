/**
 * Tide's public API: the only module integrations import.
 */
export * from './integration/index.ts';
export { createMemoryStateStore, type StateStore } from './state/index.ts';
export type { Logger } from './logging/logger.ts';
export type { HttpClient, RequestOptions, RetrySettings } from './http/index.ts';
export { paginateCursor, paginateLinkHeader, paginateOffset, paginatePageNumber, parseLinkHeader, retrySettingsIssues } from './http/index.ts';
export { createJqWasmEngine, JqRunError, type JqEngine } from './mapping/index.ts';
export { RetryableError } from './live/index.ts';
export type { LiveEventProcessor, ProcessorContext, VerifyRequest, WebhookEvent, WebhookEventResult, WebhookProcessor, WebhookProcessorFactory, WebhookRegistrations } from './live/index.ts';
export type { ResourceConfig } from './mapping/index.ts';
