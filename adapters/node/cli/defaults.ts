/**
 * `tide defaults dock [PATH]` and `tide defaults clean [PATH] [-f] [-w] [-d]` (docs/behaviour.md §7.3).
 * `dock` runs startup provisioning (§7.1) only; `clean` removes the default blueprints (with `--force`
 * their entities too), optionally waits for Port's migrations and with `--destroy` deletes the integration.
 * Port is the configured one, or the embedded emulator in `.tide/port.db` without credentials (§2.4).
 */
import { createTide } from '../../../src/index.ts';
import { cleanDefaults, createRedactor, defaultsPortFor, ProvisionError, provisionLines, readRunMapping, RunMappingError, sensitiveValues } from '../../../src/runtime/index.ts';
import { nodeFiles } from '../load.ts';
import { createNodeLogger } from '../logger.ts';
import { CliError, connectPort, loadIntegration, settingsFor } from './context.ts';

export interface DefaultsOptions {
  /** dock: push the file mapping and additive blueprint changes, whatever Port it is (docs/behaviour.md §7.4). */
  update?: boolean;
  /** clean: delete with entities; dock --update: apply destructive blueprint changes too. */
  force?: boolean;
  mapping?: string;
  wait?: boolean;
  destroy?: boolean;
  logLevel?: string;
  logFormat?: 'pretty' | 'json';
}

export async function runDefaults(action: 'dock' | 'clean', path: string, opts: DefaultsOptions, cwd: string, write: (text: string) => void): Promise<number> {
  const loaded = await loadIntegration(path, cwd);
  const { settings: configured, warnings } = settingsFor(loaded, cwd);
  const logger = createNodeLogger({
    level: opts.logLevel ?? configured.application.logLevel,
    format: opts.logFormat,
    redact: createRedactor(sensitiveValues(configured, loaded.spec)),
  });
  for (const w of warnings) logger.warn(w);
  const mappingFile = action === 'dock' ? (opts.mapping ?? configured.mappingFile) : undefined;
  let runMapping;
  try {
    runMapping = mappingFile === undefined ? undefined : readRunMapping(nodeFiles, mappingFile, cwd, loaded.definition);
  } catch (error) {
    if (error instanceof RunMappingError) throw new CliError(error.message, 2);
    throw error;
  }
  const connection = await connectPort(configured, cwd);
  if (connection.embedded) logger.info('No Port credentials: using the embedded Port in .tide/port.db');
  try {
    const tide = createTide({ integration: loaded.definition, settings: connection.settings, spec: loaded.spec, logger });
    const identifier = connection.settings.integration.identifier;
    if (action === 'dock') {
      let report;
      try {
        report = await tide.provision({ update: opts.update, force: opts.force, mapping: runMapping });
      } catch (error) {
        if (error instanceof ProvisionError) throw new CliError(`[tide] ${error.message}`, 1);
        throw error;
      }
      write(`${provisionLines(report, identifier).join('\n')}\n`);
      return report.errors.length > 0 ? 1 : 0;
    }
    const report = await cleanDefaults({
      port: defaultsPortFor(tide.port, identifier),
      resources: loaded.resources,
      force: opts.force,
      wait: opts.wait,
      destroy: opts.destroy,
      logger,
    });
    if (!report.integrationFound) {
      write(`integration "${identifier}" does not exist in Port: nothing to clean\n`);
      return 0;
    }
    const lines = [`cleaned integration "${identifier}":`];
    lines.push(`  blueprints deleted${opts.force ? ' with their entities' : ''}: ${report.deleted.join(', ') || 'none'}`);
    for (const m of report.migrations) lines.push(`  migration ${m.id} (${m.blueprint})${m.status ? `: ${m.status}` : ''}`);
    for (const f of report.failed) lines.push(`  could not delete ${f.blueprint}: ${f.error}`);
    if (report.integrationDeleted) lines.push('  integration record deleted');
    write(`${lines.join('\n')}\n`);
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await connection.close();
  }
}
