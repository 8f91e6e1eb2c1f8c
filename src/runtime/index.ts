/**
 * The core's one runtime-facing module: what an adapter (Node, Deno, Workers) and the `tide` CLI need
 * beyond the public API (`src/index.ts`). Adapters import only these two; everything a second runtime
 * would also need to decide is decided behind them.
 */
export { boot, bootByName, DEFAULT_HOST } from './boot.ts';
export type { BootOptions, BootResult, BootRuntime, EmbeddedPort, Listening } from './boot.ts';
export { configure, configureOrThrow, consoleWrite, createRuntimeLogger, streamOf } from './configure.ts';
export type { ConfigureOptions, Configured, RuntimeLoggerOptions, Stream } from './configure.ts';
export { createFolderReader, folderFromPortFiles, loadIntegrationFolder, readConfigYaml, resolvePosix, withFolder } from './folder.ts';
export type { FolderReader, IntegrationFolder, PortFiles } from './folder.ts';
export { BUNDLED_INTEGRATION_DESCRIPTIONS, definitionFromModule, ENTRY_FILES, isPathLike, resolveIntegration } from './entry.ts';
export type { ResolveDeps, ResolvedIntegration } from './entry.ts';
export { BROWSE_LINE, describeIncrementalOutcome, incrementalLines, planLines, provisionLines, resyncLines } from './report-lines.ts';
export { readRunMapping, RunMappingError } from './run-mapping.ts';
export { MapPreviewError, mappingEngines, parseRawItems, previewJson, previewMapping, previewText } from './map.ts';
export type { FieldPreview, ItemPreview, MapPreview, MapPreviewInput, ResourcePreview } from './map.ts';
export { createResourcePreviewer, MAX_PLAYGROUND_ITEMS, ResourcePreviewError } from './playground.ts';
export type { ResourcePreviewInput, ResourcePreviewOutput } from './playground.ts';

export { startKafkaConsumer } from './kafka.ts';
export type { KafkaClientOptions, KafkaConnect, KafkaConsumer, KafkaConsumerHandle, KafkaGroupEvents, KafkaMessage, StartKafkaOptions } from './kafka.ts';
export { createDurableHost, MAX_STEP_FAILURES } from './durable.ts';
export type { DurableHost, DurableHostOptions, DurableStatus, DurableStore, LiveEventOutcome, LiveLedger, PollResult, StepRecord } from './durable.ts';
export type { DurableIncrementalStatus } from './durable-incremental.ts';
export { liveEventFromMessage, toLiveEventMessage } from './live-message.ts';
export { createHostedHandlers, hostedTide, setupHosted, tideFromBindings } from './hosted.ts';
export type { ActionsObjectRpc, HostedBindings, HostedHandlers, HostedSetup, QueuedMessage, ResyncObjectRpc } from './hosted.ts';
export { ACTIONS_SESSION_MS, createActionsHost, createRunJournal } from './actions-host.ts';
export { runActionLocally } from './run-action.ts';
export { emulatorClient } from '../testing/emulator-client.ts';
export type { LocalRunResult, RunActionOptions } from './run-action.ts';
export type { ActionsHost, ActionsHostOptions, ActionsHostStatus, ActionsStore } from './actions-host.ts';
export type { ActionAgent, RunJournal, RunRef } from '../actions/index.ts';
export type { LiveEventMessage } from './live-message.ts';

export { createKv, createLiveLedger, createSqlCheckpointStore, createSqlSeenKeys, createSqlStateStore, migrate } from '../state/sqlite.ts';
export type { Kv, SqlStorageLike } from '../state/sqlite.ts';
export { createFolderStateStore } from '../state/files.ts';
export type { StateFiles } from '../state/files.ts';

export { TIDE_VERSION } from '../version.ts';
export { createUnconfiguredApp } from '../server/unconfigured.ts';
export { createRedactor, formatSettingsErrors, loadSettings, sensitiveValues, SettingsError } from '../config/index.ts';
export type { IntegrationSpec, TideSettings } from '../config/index.ts';
export { cleanDefaults, defaultsPortFor, ProvisionError } from '../defaults/index.ts';
export type { PortResources, ProvisionReport } from '../defaults/index.ts';
export { createLineLogger, normaliseLevel } from '../logging/lines.ts';
export type { Level, LineLoggerOptions } from '../logging/lines.ts';
export type { Logger } from '../logging/logger.ts';
export { keyOf, plainRelationValues } from '../sync/index.ts';
export type { KindReport, Plan, ResyncCheckpoint, ResyncCheckpointStore, ResyncRecord, ResyncReport, SeenKeys, StepOptions } from '../sync/index.ts';
export type { IncrementalCheckpoint, IncrementalCheckpointStore, IncrementalReport, IncrementalResourceReport } from '../sync/index.ts';
export type { ResyncTriggered } from '../listeners/index.ts';
export { createDeliveryLedger } from '../live/index.ts';
export type { DeliveryLedger } from '../live/index.ts';
