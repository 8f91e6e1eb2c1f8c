import { z } from 'zod';
import { emptyLayer, pathKey } from './catalogue.ts';
import type { OptionsLayer } from './catalogue.ts';
import {
  booleanKind,
  brokersKind,
  describeType,
  describeValue,
  enumKind,
  integerKind,
  integrationTypeKind,
  nonEmptyStringKind,
  numberKind,
  specKind,
  urlKind,
} from './coerce.ts';
import type { ValueKind } from './coerce.ts';
import { INCREMENTAL_CURSOR_STORES, incrementalIntervalKind } from './incremental.ts';
import type { IntegrationSpec } from './spec.ts';

export const EVENT_LISTENER_TYPES = ['POLLING', 'WEBHOOK', 'KAFKA', 'ONCE', 'WEBHOOKS_ONLY', 'ACTIONS_ONLY'] as const;
/** How resyncs are triggered (docs/behaviour.md §5). */
export type EventListenerType = (typeof EVENT_LISTENER_TYPES)[number];

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Port's bulk-upsert limit (entities per request). */
export const PORT_BULK_UPSERT_LIMIT = 20;
/** Port's bulk-delete limit (ids per request). */
export const PORT_BULK_DELETE_LIMIT = 100;

const KAFKA_BROKERS = [1, 2, 3]
  .map((n) => `b-${n}-public.publicclusterprod.t9rw6w.c1.kafka.eu-west-1.amazonaws.com:9196`)
  .join(',');

/** The defaults of docs/behaviour.md §2.4 and §5.4, in canonical option form. */
export const DEFAULT_OPTIONS = {
  port: { baseUrl: 'https://api.getport.io' },
  integration: { config: {}, incrementalSyncEnabled: false, incrementalSyncInterval: 15, incrementalSyncCursorStore: 'state' },
  eventListener: {
    type: 'POLLING',
    resyncOnStart: true,
    interval: 60,
    brokers: KAFKA_BROKERS,
    securityProtocol: 'SASL_SSL',
    authenticationMechanism: 'SCRAM-SHA-512',
    kafkaSecurityEnabled: true,
    consumerPollTimeout: 1,
  },
  initializePortResources: true,
  sendRawDataExamples: true,
  upsertEntitiesBatchMaxLength: 20,
  upsertEntitiesBatchMaxSizeInBytes: 1_048_576,
  upsertEntitiesConcurrency: 8,
  deleteEntitiesMaxBatchSize: 1000,
  clientTimeout: 60,
  allowEnvironmentVariablesJqAccess: true,
  requestBodyMaxSizeInBytes: 10 * 1024 * 1024,
  liveEventsQueueMaxLength: 10_000,
  liveEventsQueueMaxSizeInBytes: 256 * 1024 * 1024,
  shutdownTimeout: 30,
  resyncTriggerMinInterval: 60,
  application: { logLevel: 'INFO', port: 8000, host: '127.0.0.1' },
  // The action agent (docs/behaviour.md §11.1).
  actionsProcessor: {
    enabled: false,
    pollCheckIntervalSeconds: 10,
    workersCount: 3,
    runsBufferHighWatermark: 300,
    maxRunsBufferUtilPctPerAction: 30,
    visibilityTimeoutMs: 60_000,
  },
} as const;

/** The lowest layer: static defaults, the integration's own type, and spec defaults. */
export function defaultsLayer(spec: IntegrationSpec | undefined, integrationType: string | undefined, packageJsonType?: string): OptionsLayer {
  const layer = emptyLayer();
  const config: Record<string, unknown> = {};
  for (const c of spec?.configurations ?? []) if (c.default !== undefined) config[c.name] = c.default;
  const type = integrationType ?? spec?.type ?? packageJsonType;
  layer.values = structuredClone({
    ...DEFAULT_OPTIONS,
    integration: { ...DEFAULT_OPTIONS.integration, ...(type === undefined ? {} : { type }), config },
  }) as Record<string, unknown>;
  layer.origins.set(pathKey([]), { source: 'default', label: 'default' });
  return layer;
}

interface LeafOptions {
  sensitive?: boolean;
  /** Text appended to "required but not set" (how to set it). */
  hint?: string;
}

/** A required leaf: every option with a default is required here, because the defaults layer always sets it. */
function leaf<T>(kind: ValueKind<T>, opts: LeafOptions = {}) {
  return z.unknown().transform((raw, ctx): T => {
    if (raw === undefined) {
      ctx.addIssue({ code: 'custom', message: `required but not set; expected ${kind.expected}${opts.hint ?? ''}` });
      return z.NEVER;
    }
    const r = kind.coerce(raw);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: `expected ${kind.expected}, got ${describeValue(raw, opts.sensitive ?? false)}` });
      return z.NEVER;
    }
    return r.value;
  });
}

/** A leaf that may stay unset. */
function optionalLeaf<T>(kind: ValueKind<T>, opts: LeafOptions = {}) {
  return leaf(kind, opts).optional();
}

/** `kind`, or `null` (written `null` or `none` in env and config.yaml) for "no limit". */
function nullableKind<T>(kind: ValueKind<T>): ValueKind<T | null> {
  return {
    expected: `${kind.expected}, or null for none`,
    coerce: (raw) => (raw === null || (typeof raw === 'string' && /^(null|none)$/i.test(raw.trim())) ? { ok: true, value: null } : kind.coerce(raw)),
  };
}

/** Credentials: an empty string counts as unset, so that both-absent selects the embedded emulator. */
const credentialKind: ValueKind<string | undefined> = {
  expected: 'a string',
  coerce: (raw) => (raw === '' ? { ok: true, value: undefined } : nonEmptyStringKind.coerce(raw)),
};

function group<S extends z.ZodRawShape>(shape: S) {
  return z.object(shape, { error: (iss) => `expected an object of options, got ${describeType(iss.input)}` });
}

/** Builds the zod schema for the merged options tree; integration config is typed by the spec when one is given. */
export function buildSettingsSchema(spec: IntegrationSpec | undefined) {
  const configShape: Record<string, z.ZodType> = {};
  for (const c of spec?.configurations ?? []) {
    const kind = specKind(c.type);
    configShape[c.name] = c.required ? leaf(kind, { sensitive: c.sensitive }) : optionalLeaf(kind, { sensitive: c.sensitive });
  }
  const config = z.looseObject(configShape, {
    error: (iss) => `expected an object or a JSON object string of integration settings, got ${describeType(iss.input)}`,
  });

  return group({
    port: group({
      clientId: optionalLeaf(credentialKind, { sensitive: true }),
      clientSecret: optionalLeaf(credentialKind, { sensitive: true }),
      baseUrl: leaf(urlKind),
    }),
    integration: group({
      identifier: optionalLeaf(nonEmptyStringKind),
      type: leaf(integrationTypeKind, {
        hint: ' (set OCEAN__INTEGRATION__TYPE, or declare the type in defineIntegration or .port/spec.yaml)',
      }),
      config,
      incrementalSyncEnabled: leaf(booleanKind),
      incrementalSyncInterval: leaf(incrementalIntervalKind),
      incrementalSyncCursorStore: leaf(enumKind(INCREMENTAL_CURSOR_STORES)),
    }),
    eventListener: group({
      type: leaf(enumKind(EVENT_LISTENER_TYPES)),
      resyncOnStart: leaf(booleanKind),
      interval: leaf(numberKind({ exclusiveMin: 0 })),
      appHost: optionalLeaf(urlKind, { sensitive: true }),
      brokers: leaf(brokersKind),
      securityProtocol: leaf(nonEmptyStringKind),
      authenticationMechanism: leaf(nonEmptyStringKind),
      kafkaSecurityEnabled: leaf(booleanKind),
      consumerPollTimeout: leaf(numberKind({ exclusiveMin: 0 })),
    }),
    initializePortResources: leaf(booleanKind),
    scheduledResyncInterval: optionalLeaf(numberKind({ exclusiveMin: 0 })),
    sendRawDataExamples: leaf(booleanKind),
    baseUrl: optionalLeaf(urlKind),
    upsertEntitiesBatchMaxLength: leaf(integerKind({ min: 1 })),
    upsertEntitiesBatchMaxSizeInBytes: leaf(integerKind({ min: 1 })),
    upsertEntitiesConcurrency: leaf(integerKind({ min: 1 })),
    deleteEntitiesMaxBatchSize: leaf(integerKind({ min: 1 })),
    clientTimeout: leaf(numberKind({ exclusiveMin: 0 })),
    allowEnvironmentVariablesJqAccess: leaf(booleanKind),
    requestBodyMaxSizeInBytes: leaf(integerKind({ min: 1 })),
    liveEventsQueueMaxLength: leaf(integerKind({ min: 1 })),
    liveEventsQueueMaxSizeInBytes: leaf(integerKind({ min: 1 })),
    shutdownTimeout: leaf(numberKind({ exclusiveMin: 0 })),
    adminToken: optionalLeaf(nonEmptyStringKind, { sensitive: true }),
    resyncTriggerMinInterval: leaf(numberKind({ min: 0 })),
    mappingFile: optionalLeaf(nonEmptyStringKind),
    application: group({
      logLevel: leaf(enumKind(LOG_LEVELS)),
      port: leaf(integerKind({ min: 0, max: 65535 })),
      // Default 127.0.0.1 (DEFAULT_OPTIONS); the Docker image sets 0.0.0.0 (docs/behaviour.md §8.1).
      host: optionalLeaf(nonEmptyStringKind),
    }),
    actionsProcessor: group({
      enabled: leaf(booleanKind),
      pollCheckIntervalSeconds: leaf(integerKind({ min: 1 })),
      workersCount: leaf(integerKind({ min: 1 })),
      runsBufferHighWatermark: leaf(integerKind({ min: 1, max: 1000 })),
      maxRunsBufferUtilPctPerAction: leaf(nullableKind(integerKind({ min: 1, max: 100 }))),
      // Tide: at least 1000, the workflow claim route's published floor (docs/behaviour.md §11.5).
      visibilityTimeoutMs: leaf(integerKind({ min: 1000, max: 600_000 })),
    }),
  });
}

/** The validated, not yet finalised options (before identifier defaulting and clamping). */
export type ParsedOptions = z.output<ReturnType<typeof buildSettingsSchema>>;
