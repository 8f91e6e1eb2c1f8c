/**
 * Tide settings: built from a plain env record, config.yaml and overrides, typed by the integration's
 * `.port/spec.yaml`, validated with zod, secrets redacted. No file or process access: callers pass the inputs.
 */
export type { OptionsLayer, Origin, SettingsIssue, SettingsSource } from './catalogue.ts';
export { envVarFor } from './catalogue.ts';
export { SPEC_TYPES } from './coerce.ts';
export type { SpecType } from './coerce.ts';
export { envToOptions } from './env.ts';
export type { EnvRecord } from './env.ts';
export { parseConfigYaml } from './yaml-config.ts';
export { mergeLayers, overridesToOptions } from './merge.ts';
export type { MergedOptions } from './merge.ts';
export { DEFAULT_OPTIONS, EVENT_LISTENER_TYPES, LOG_LEVELS, PORT_BULK_DELETE_LIMIT, PORT_BULK_UPSERT_LIMIT } from './schema.ts';
export type { EventListenerType, LogLevel } from './schema.ts';
export { SpecError, parseSpec, parseSpecText } from './spec.ts';
export type { IntegrationSpec, SpecConfiguration } from './spec.ts';
export { SettingsError, formatSettingsErrors, loadSettings, loadSettingsOrThrow } from './settings.ts';
export type { LoadSettingsOptions, SettingsOverrides, SettingsResult, TideSettings } from './settings.ts';
export { REDACTED, createRedactor, redactSettings, sensitivePaths, sensitiveValues } from './redact.ts';
export { INCREMENTAL_CURSOR_STORES, INCREMENTAL_SYNC_INTERVALS, incrementalIntervalKind } from './incremental.ts';
export type { IncrementalCursorStoreKind } from './incremental.ts';
