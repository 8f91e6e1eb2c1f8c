import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { DefaultsPort, IntegrationRecord } from './port-api.ts';
import { emptyFilesReport, syncFiles, type FilesPolicy, type FilesReport } from './files-sync.ts';
import type { PortResources } from './resources.ts';

/**
 * Defaults provisioning on every start (docs/behaviour.md §7.1): create the integration record with
 * the shipped mapping if it is missing, patch drifted metadata, and on first setup create the default
 * blueprints in three stages (bare, relations, full) with a rollback when stage 1 fails. Errors are
 * logged and reported, never fatal — except a missing version when the integration must be created.
 */
export interface ProvisionOptions {
  port: DefaultsPort;
  integration: { identifier: string; type: string; version: string | undefined };
  /** `{}` for POLLING/ONCE/WEBHOOKS_ONLY, `{type:'KAFKA'}`, or `{type:'WEBHOOK', url}`. */
  changelogDestination: Record<string, unknown>;
  /** `actionsProcessor.enabled` (§7.1, §11.1). Default false. */
  actionsProcessingEnabled?: boolean;
  resources: PortResources;
  initializePortResources: boolean;
  /** `integration.incrementalSyncEnabled` (§4.12), sent as the integration's `incrementalSyncEnabled`. */
  incrementalSyncEnabled?: boolean;
  /** Reads only, and report what would be done. */
  dryRun?: boolean;
  /** After setup: how the integration's files relate to what Port holds (docs/behaviour.md §7.4). */
  files?: FilesPolicy;
  logger?: Logger;
}

export type SetupOutcome =
  | 'already-initialized'
  | 'disabled'
  | 'empty-origin'
  | 'port-origin'
  | 'skipped-existing-blueprints'
  | 'created'
  | 'rolled-back';

export interface ProvisionReport {
  dryRun: boolean;
  integration: 'created' | 'existing';
  /** Metadata fields that differed from the local values and were (or would be) patched. */
  drift: string[];
  setup: SetupOutcome;
  mappingWritten: boolean;
  blueprints: { created: string[]; rolledBack: string[]; existing: string[] };
  skippedResources: string[];
  errors: string[];
  /** The files-first start or the mapping warning (§7.4). */
  files: FilesReport;
}

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
}

const ROOT_FLAGS = { deleteDependentEntities: true, createMissingRelatedEntities: true, enableMergeEntity: true, entityDeletionThreshold: 0.9 };
const STRIPPED = ['relations', 'teamInheritance', 'ownership', 'calculationProperties', 'mirrorProperties', 'aggregationProperties'];
const STAGE2 = ['relations', 'teamInheritance', 'ownership'];

/** The mapping as Tide writes it to Port: the four root flags with defaults, then the resources as written. */
export function mappingForPort(raw: Record<string, unknown> | undefined): Record<string, unknown> {
  const { resources, ...rest } = raw ?? {};
  const flags = Object.fromEntries(Object.entries(ROOT_FLAGS).map(([k, d]) => [k, rest[k] ?? d]));
  const extra = Object.fromEntries(Object.entries(rest).filter(([k]) => !(k in ROOT_FLAGS)));
  return { ...flags, ...extra, resources: resources ?? [] };
}

const isEmptyConfig = (c: unknown) =>
  c === null || c === undefined || (typeof c === 'object' && !Array.isArray(c) && Object.keys(c as object).length === 0);

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function provisionDefaults(o: ProvisionOptions): Promise<ProvisionReport> {
  const log = o.logger ?? silentLogger;
  const dry = o.dryRun === true;
  const report: ProvisionReport = {
    dryRun: dry,
    integration: 'existing',
    drift: [],
    setup: 'already-initialized',
    mappingWritten: false,
    blueprints: { created: [], rolledBack: [], existing: [] },
    skippedResources: [],
    errors: [],
    files: emptyFilesReport(),
  };
  const local = {
    installationAppType: o.integration.type,
    version: o.integration.version,
    changelogDestination: o.changelogDestination,
    actionsProcessingEnabled: o.actionsProcessingEnabled ?? false,
    incrementalSyncEnabled: o.incrementalSyncEnabled ?? false,
    processingMode: 'ocean-core',
  };
  const mapping = mappingForPort(o.resources.portAppConfig);

  let integration = await o.port.getIntegration();
  if (!integration) {
    if (!o.integration.version)
      throw new ProvisionError(
        `Integration "${o.integration.identifier}" does not exist in Port and its version is unknown: declare \`version\` in defineIntegration() or in the integration's package.json`,
      );
    report.integration = 'created';
    const body = {
      installationId: o.integration.identifier,
      installationAppType: o.integration.type,
      version: o.integration.version,
      changelogDestination: o.changelogDestination,
      actionsProcessingEnabled: local.actionsProcessingEnabled,
      incrementalSyncEnabled: local.incrementalSyncEnabled,
      createPortResourcesOrigin: 'Default',
      config: mapping,
    };
    log.info(`${dry ? 'Would create' : 'Creating'} integration "${o.integration.identifier}" with the default mapping`);
    if (dry) integration = { ...body, identifier: o.integration.identifier, arePortResourcesInitialized: false };
    else integration = await o.port.createIntegration(body);
  } else {
    report.drift = (Object.keys(local) as Array<keyof typeof local>).filter(
      (k) => local[k] !== undefined && !sameJson(integration![k], local[k]),
    );
    if (report.drift.length) {
      log.info(`${dry ? 'Would patch' : 'Patching'} integration metadata that differs from this instance: ${report.drift.join(', ')}`);
      const patch = Object.fromEntries(Object.entries(local).filter(([, v]) => v !== undefined));
      if (!dry) integration = await attempt(report, log, 'patch integration metadata', () => o.port.patchIntegration(patch), integration);
    }
  }

  report.setup = await setup(o, integration!, mapping, report, log, dry);
  if (o.files) {
    // Blueprints this start just created (or rolled back) are not compared again.
    const fresh = report.setup === 'created' || report.setup === 'rolled-back';
    const policy = { ...o.files, pushBlueprints: o.files.pushBlueprints && !fresh };
    await syncFiles({ port: o.port, integration: integration!, policy, shipped: { mapping: o.resources.portAppConfig, blueprints: o.resources.blueprints }, report, dryRun: dry, logger: log });
  }
  return report;
}

async function setup(
  o: ProvisionOptions,
  integration: IntegrationRecord,
  mapping: Record<string, unknown>,
  report: ProvisionReport,
  log: Logger,
  dry: boolean,
): Promise<SetupOutcome> {
  if (integration.arePortResourcesInitialized === true) return 'already-initialized';
  const origin = integration.createPortResourcesOrigin ?? 'Default';
  const markInitialized = async () => {
    if (!dry) await attempt(report, log, 'mark resources initialized', () => o.port.patchIntegration({ arePortResourcesInitialized: true }), undefined);
  };
  if (origin === 'Port') return 'port-origin';
  if (origin === 'Empty') {
    if (!dry) await attempt(report, log, 'write the empty mapping', () => o.port.patchIntegrationConfig(mappingForPort({ resources: [] })), undefined);
    report.mappingWritten = true;
    await markInitialized();
    return 'empty-origin';
  }
  if (!o.initializePortResources) {
    log.info('initializePortResources is false: default resources are not created');
    return 'disabled';
  }

  if (isEmptyConfig(integration.config)) {
    report.mappingWritten = true;
    if (!dry) await attempt(report, log, 'write the default mapping', () => o.port.patchIntegrationConfig(mapping), undefined);
  }

  const outcome = await createBlueprints(o, report, log, dry);
  for (const [what, list] of [['actions', o.resources.actions], ['scorecards', o.resources.scorecards], ['pages', o.resources.pages]] as const) {
    if (list.length) {
      report.skippedResources.push(what);
      log.info(`Default ${what} (${list.length}) are not created by Tide yet; create them in Port if you need them`);
    }
  }
  await markInitialized();
  return outcome;
}

async function createBlueprints(o: ProvisionOptions, report: ProvisionReport, log: Logger, dry: boolean): Promise<SetupOutcome> {
  const blueprints = o.resources.blueprints;
  if (blueprints.length === 0) return 'created';
  const ids = blueprints.map((b) => String(b.identifier));
  const found = await Promise.all(ids.map(async (id) => ((await o.port.getBlueprint(id)) ? id : undefined)));
  report.blueprints.existing = found.filter((x): x is string => x !== undefined);
  if (report.blueprints.existing.length) {
    log.warn(`Default blueprints already exist (${report.blueprints.existing.join(', ')}): no default resources are created`);
    return 'skipped-existing-blueprints';
  }
  if (dry) {
    report.blueprints.created = ids;
    return 'created';
  }

  const outcome = await createInStages(o.port, blueprints, report, log);
  if (outcome === 'created') report.blueprints.created = ids;
  return outcome;
}

/**
 * Create blueprints in the three stages of §7.1 step 5: all of them bare at once (a failure rolls back
 * what this stage created), then relations, team inheritance and ownership once every target exists,
 * then the whole blueprint. Shared by first-time setup and the files-first start (§7.4).
 */
export async function createInStages(
  port: DefaultsPort,
  blueprints: ReadonlyArray<Record<string, unknown>>,
  report: Pick<ProvisionReport, 'errors' | 'blueprints'>,
  log: Logger,
): Promise<'created' | 'rolled-back'> {
  const ids = blueprints.map((b) => String(b.identifier));
  const bare = blueprints.map((b) => Object.fromEntries(Object.entries(b).filter(([k]) => !STRIPPED.includes(k))));
  const results = await Promise.allSettled(bare.map((b) => port.createBlueprint(b)));
  const created = ids.filter((_, i) => results[i].status === 'fulfilled');
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`blueprint "${ids[i]}": ${message(r.reason)}`] : []));
  if (failures.length) {
    report.errors.push(...failures.map((f) => `create ${f}`));
    log.error(`Creating default blueprints failed; rolling back: ${failures.join('; ')}`);
    for (const id of [...created].reverse()) {
      await attempt(report, log, `roll back blueprint "${id}"`, () => port.deleteBlueprint(id), undefined);
      report.blueprints.rolledBack.push(id);
    }
    return 'rolled-back';
  }
  for (const b of blueprints) {
    const patch = Object.fromEntries(Object.entries(b).filter(([k]) => STAGE2.includes(k)));
    if (Object.keys(patch).length)
      await attempt(report, log, `add relations to blueprint "${b.identifier}"`, () => port.patchBlueprint(String(b.identifier), patch), undefined);
  }
  for (const b of blueprints) {
    const { identifier: _id, ...full } = b;
    await attempt(report, log, `complete blueprint "${b.identifier}"`, () => port.patchBlueprint(String(b.identifier), full), undefined);
  }
  return 'created';
}

export async function attempt<T>(report: Pick<ProvisionReport, 'errors'>, log: Logger, what: string, fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    report.errors.push(`${what}: ${message(err)}`);
    log.error(`Could not ${what}: ${message(err)}`);
    return fallback;
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
