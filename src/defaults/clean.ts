import type { Logger } from '../logging/logger.ts';
import { silentLogger } from '../logging/logger.ts';
import type { DefaultsPort } from './port-api.ts';
import type { PortResources } from './resources.ts';

/**
 * `tide defaults clean` (docs/behaviour.md §7.3): delete the default blueprints (with `force`, their
 * entities too, through Port's delete-all migrations), optionally wait for those migrations, and with
 * `destroy` delete the integration record. It acts only when the integration exists.
 */
export interface CleanOptions {
  port: DefaultsPort;
  resources: PortResources;
  force?: boolean;
  wait?: boolean;
  destroy?: boolean;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
  pollIntervalMs?: number;
}

export interface CleanReport {
  integrationFound: boolean;
  deleted: string[];
  migrations: Array<{ blueprint: string; id: string; status?: string }>;
  failed: Array<{ blueprint: string; error: string }>;
  integrationDeleted: boolean;
}

const PENDING = new Set(['RUNNING', 'INITIALIZING', 'PENDING']);

/** Referencing blueprints first, so Port never refuses a delete because another blueprint targets it. */
export function deletionOrder(blueprints: PortResources['blueprints']): string[] {
  const ids = blueprints.map((b) => String(b.identifier));
  const targets = new Map(
    blueprints.map((b) => [
      String(b.identifier),
      Object.values((b.relations ?? {}) as Record<string, { target?: string }>)
        .map((r) => r.target)
        .filter((t): t is string => typeof t === 'string' && t !== b.identifier && ids.includes(t)),
    ]),
  );
  const order: string[] = [];
  const visiting = new Set<string>();
  // Post-order over "is targeted by": a blueprint is placed after everything that references it.
  const referrers = (id: string) => ids.filter((x) => targets.get(x)!.includes(id));
  const visit = (id: string) => {
    if (order.includes(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const r of referrers(id)) visit(r);
    order.push(id);
  };
  for (const id of ids) visit(id);
  return order;
}

export async function cleanDefaults(o: CleanOptions): Promise<CleanReport> {
  const log = o.logger ?? silentLogger;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const report: CleanReport = { integrationFound: false, deleted: [], migrations: [], failed: [], integrationDeleted: false };
  if (!(await o.port.getIntegration())) {
    log.warn('The integration does not exist in Port: nothing to clean');
    return report;
  }
  report.integrationFound = true;

  for (const id of deletionOrder(o.resources.blueprints)) {
    try {
      if (o.force) {
        const migrationId = await o.port.deleteBlueprintWithEntities(id);
        report.migrations.push({ blueprint: id, id: migrationId });
      } else {
        await o.port.deleteBlueprint(id);
      }
      report.deleted.push(id);
      log.info(`Deleted default blueprint "${id}"${o.force ? ' and its entities' : ''}`);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      report.failed.push({ blueprint: id, error });
      log.error(`Could not delete blueprint "${id}": ${error}${o.force ? '' : ' (use --force to delete its entities too)'}`);
    }
  }

  if (o.wait) {
    for (const m of report.migrations) {
      for (;;) {
        m.status = await o.port.getMigrationStatus(m.id);
        if (!PENDING.has(m.status)) break;
        await sleep(o.pollIntervalMs ?? 5000);
      }
    }
  }

  if (o.destroy) {
    await o.port.deleteIntegration();
    report.integrationDeleted = true;
    log.info('Deleted the integration record');
  }
  return report;
}
