/**
 * Where the mapping and the blueprints come from after the first start (docs/behaviour.md §7.4). With the
 * embedded local Port (and `tide defaults dock --update`) the integration's files are the source of truth:
 * a changed mapping is PATCHed and additive blueprint changes are applied, destructive ones wait for
 * `--force`. With a real Port, Port's stored mapping wins and one warning names what differs. A mapping
 * given for the run (`--mapping FILE`) is pushed in both cases.
 */
import type { Logger } from '../logging/logger.ts';
import { canonical, diffBlueprint } from './blueprint-diff.ts';
import type { DefaultsPort, IntegrationRecord } from './port-api.ts';
import { attempt, createInStages, mappingForPort, type ProvisionReport } from './provision.ts';

/** What the start does with the integration's files (decided from the Port in use and the flags). */
export interface FilesPolicy {
  /** PATCH the run's mapping when Port's differs; otherwise only warn. */
  pushMapping: boolean;
  /** Create missing blueprints and apply additive changes (destructive ones too with `force`). */
  pushBlueprints: boolean;
  /** Apply destructive blueprint changes as well. */
  force?: boolean;
  /** The run's mapping (`--mapping FILE`, `OCEAN__MAPPING_FILE`); default the shipped `.port/resources/port-app-config`. */
  mapping?: { raw: Record<string, unknown>; source: string };
}

export interface FilesReport {
  /** Where the run's mapping came from; undefined when there is no file mapping. */
  mappingSource?: string;
  /** Parts of Port's mapping that differ from the run's: `resources[1] (fake-person)`, `entityDeletionThreshold`. */
  mappingDiffers: string[];
  /** The run's mapping was (or in a dry run would be) written to Port. */
  mappingPushed: boolean;
  blueprints: {
    /** Created because Port lacked them. */
    created: string[];
    /** Additive changes applied, per blueprint. */
    updated: Array<{ identifier: string; changes: string[] }>;
    /** Destructive changes: applied with `force`, else only listed. */
    destructive: Array<{ identifier: string; changes: string[] }>;
    forced: boolean;
  };
}

export const SHIPPED_MAPPING = '.port/resources/port-app-config';

export const emptyFilesReport = (): FilesReport => ({
  mappingDiffers: [],
  mappingPushed: false,
  blueprints: { created: [], updated: [], destructive: [], forced: false },
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What differs between two mappings, as a user finds it in the file: root flags by name, resources by index and kind. */
export function mappingDifferences(local: Record<string, unknown>, stored: unknown): string[] {
  const remote = isObject(stored) ? stored : {};
  const out: string[] = [];
  const keys = new Set([...Object.keys(local), ...Object.keys(remote)].filter((k) => k !== 'resources'));
  for (const key of [...keys].sort()) if (canonical(local[key] ?? null) !== canonical(remote[key] ?? null)) out.push(key);
  const mine = Array.isArray(local.resources) ? local.resources : [];
  const theirs = Array.isArray(remote.resources) ? remote.resources : [];
  const kind = (r: unknown) => (isObject(r) && typeof r.kind === 'string' ? r.kind : '?');
  for (let i = 0; i < Math.max(mine.length, theirs.length); i++) {
    if (i >= theirs.length) out.push(`resources[${i}] (${kind(mine[i])}, not in Port)`);
    else if (i >= mine.length) out.push(`resources[${i}] (${kind(theirs[i])}, only in Port)`);
    else if (canonical(mine[i]) !== canonical(theirs[i])) out.push(`resources[${i}] (${kind(mine[i])})`);
  }
  return out;
}

export interface SyncFilesOptions {
  port: DefaultsPort;
  integration: IntegrationRecord;
  policy: FilesPolicy;
  shipped: { mapping: Record<string, unknown> | undefined; blueprints: ReadonlyArray<Record<string, unknown>> };
  report: ProvisionReport;
  dryRun: boolean;
  logger: Logger;
}

/** Bring Port in line with the files as the policy says; every outcome lands in `report.files`. */
export async function syncFiles(o: SyncFilesOptions): Promise<void> {
  const files = o.report.files;
  const run = o.policy.mapping ?? (o.shipped.mapping ? { raw: o.shipped.mapping, source: SHIPPED_MAPPING } : undefined);
  if (run) {
    files.mappingSource = run.source;
    const mapping = mappingForPort(run.raw);
    files.mappingDiffers = mappingDifferences(mapping, o.integration.config);
    if (files.mappingDiffers.length > 0) {
      const what = files.mappingDiffers.join(', ');
      if (o.policy.pushMapping) {
        o.logger.info(`${o.dryRun ? 'Would push' : 'Pushing'} the mapping from ${run.source} to Port (differs in ${what})`);
        files.mappingPushed = true;
        if (!o.dryRun) {
          const before = o.report.errors.length;
          await attempt(o.report, o.logger, 'push the mapping', () => o.port.patchIntegrationConfig(mapping), undefined);
          files.mappingPushed = o.report.errors.length === before;
        }
      } else {
        o.logger.warn(
          `The mapping stored in Port differs from ${run.source} in ${what}; Port's mapping is used. ` +
            'To use the file, run `tide defaults dock --update` or pass --mapping FILE (OCEAN__MAPPING_FILE).',
        );
      }
    }
  }
  if (o.policy.pushBlueprints && o.shipped.blueprints.length > 0) await syncBlueprints(o);
}

async function syncBlueprints(o: SyncFilesOptions): Promise<void> {
  const { blueprints } = o.report.files;
  const stored = await Promise.all(o.shipped.blueprints.map((b) => o.port.getBlueprint(String(b.identifier))));
  const missing = o.shipped.blueprints.filter((_, i) => stored[i] === undefined);
  if (missing.length > 0) {
    blueprints.created = missing.map((b) => String(b.identifier));
    o.logger.info(`${o.dryRun ? 'Would create' : 'Creating'} blueprints that Port lacks: ${blueprints.created.join(', ')}`);
    if (!o.dryRun && (await createInStages(o.port, missing, o.report, o.logger)) !== 'created') blueprints.created = [];
  }
  for (const [i, file] of o.shipped.blueprints.entries()) {
    const port = stored[i];
    if (!port) continue;
    const diff = diffBlueprint(file, port);
    const id = diff.identifier;
    if (diff.destructive.length > 0) {
      blueprints.destructive.push({ identifier: id, changes: diff.destructive });
      if (o.policy.force) {
        blueprints.forced = true;
        o.logger.warn(`${o.dryRun ? 'Would apply' : 'Applying'} destructive changes to blueprint "${id}" (--force): ${diff.destructive.join('; ')}`);
        const { identifier: _id, ...whole } = file;
        if (!o.dryRun) await attempt(o.report, o.logger, `update blueprint "${id}"`, () => o.port.patchBlueprint(id, whole), undefined);
        if (diff.additive.length > 0) blueprints.updated.push({ identifier: id, changes: diff.additive });
        continue;
      }
      o.logger.warn(
        `Blueprint "${id}" in blueprints.json has destructive changes that are not applied: ${diff.destructive.join('; ')}. ` +
          'Run again with --force to apply them (stored entities may fail validation or lose values).',
      );
    }
    if (diff.additive.length === 0) continue;
    blueprints.updated.push({ identifier: id, changes: diff.additive });
    o.logger.info(`${o.dryRun ? 'Would update' : 'Updating'} blueprint "${id}": ${diff.additive.join('; ')}`);
    if (!o.dryRun) await attempt(o.report, o.logger, `update blueprint "${id}"`, () => o.port.patchBlueprint(id, diff.patch), undefined);
  }
}
