import { resolve } from 'node:path';
import type { IntegrationDefinition } from '../../src/index.ts';
import type { ProvisionReport } from '../../src/defaults/index.ts';
import type { Tide } from '../../src/integration/create-tide.ts';
import type { KindReport, Plan, ResyncReport } from '../../src/sync/index.ts';
import type { KafkaTuning } from './kafka.ts';
import { resolveIntegration } from './resolve.ts';
import { run } from './run.ts';

/** Options of {@link sail}: what `tide sail` and `tide plan` pass. */
export interface SailOptions {
  /** A bundled integration name (`fake`) or a folder path (relative to `cwd`). */
  integration: string;
  /** Where `.env`, `config.yaml` and `.tide/` (embedded Port, state) live. Default: `process.cwd()`. */
  cwd?: string;
  /** The process environment to read (default `process.env`); `./.env` fills in what it lacks. */
  env?: Record<string, string | undefined>;
  /** Highest-precedence settings, in the options tree (`{ eventListener: { type: 'ONCE' } }`). */
  overrides?: Record<string, unknown>;
  /** HTTP port of the integration's server (default `settings.application.port`; 0 picks a free one). */
  httpPort?: number;
  /** `tide plan`: provisioning and the resync as a plan, reading only; nothing is written to Port. */
  dryRun?: boolean;
  logFormat?: 'pretty' | 'json';
  /** Overrides `APPLICATION__LOG_LEVEL` (`debug|info|warning|error`, any case). */
  logLevel?: string;
  /** Shut down gracefully on SIGINT/SIGTERM and exit the process (default true; tests pass false). */
  handleSignals?: boolean;
  /** Receives every printed line, logs included (default: stdout for output, stderr/stdout for logs). */
  out?: (line: string) => void;
  /** Live per-resource counters after each page of a resync (the CLI's progress line). */
  onProgress?: (report: Readonly<KindReport>) => void;
  /** KAFKA listener: consumer timings (tests shorten the session timeout). */
  kafka?: KafkaTuning;
}

/** Options of {@link serve}: as {@link SailOptions}, with the definition passed directly. */
export interface ServeOptions extends Omit<SailOptions, 'integration'> {
  /** The integration folder, for `.port/` and package.json (default: `cwd`). */
  dir?: string;
}

/**
 * What a run returned. Long-running modes return `tide`, `url` and `stop()`; ONCE, dry runs and
 * startup failures return `exitCode` with everything already stopped (`stop()` is then a no-op).
 */
export interface SailResult {
  tide?: Tide;
  /** The integration's own HTTP server, as reachable from this machine. */
  url?: string;
  /** Set when no Port credentials were given and the in-process emulator serves as Port. */
  embeddedPortUrl?: string;
  /** Set when the run is over: 0 success, 1 failed run, 2 invalid settings or integration. */
  exitCode?: number;
  plan?: Plan;
  provision?: ProvisionReport;
  /** ONCE: the report of the one resync. */
  report?: ResyncReport;
  /** Graceful shutdown: report aborted, stop accepting, drain live events (≤ 5 s), close the embedded Port. */
  stop(): Promise<void>;
}

/**
 * Run an integration by bundled name or folder path, the way `tide sail` does (OCEAN-BEHAVIOUR §8.1):
 * settings → spec → integration code → defaults → HTTP server on 0.0.0.0 → onStart → listener → timer.
 * Without Port credentials, an emulator runs in-process as Port (data in `.tide/port.db`).
 *
 * @example
 * const run = await sail({ integration: 'fake', overrides: { eventListener: { type: 'ONCE' } } });
 * process.exitCode = run.exitCode;
 */
export async function sail(options: SailOptions): Promise<SailResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let resolved;
  try {
    resolved = await resolveIntegration(options.integration, cwd);
  } catch (error) {
    (options.out ?? ((line: string) => process.stderr.write(`${line}\n`)))(error instanceof Error ? error.message : String(error));
    return { exitCode: 2, stop: async () => {} };
  }
  return run(resolved.definition, resolved.dir, { ...options, cwd });
}

/**
 * Run an integration definition from your own entry file (run it with `npx tsx main.ts`). `.port/` is
 * read from `dir` when the definition carries no `spec` / `resources` of its own.
 *
 * @example
 * import integration from './index.ts';
 * await serve(integration, { dir: import.meta.dirname });
 */
export async function serve(definition: IntegrationDefinition<any>, options: ServeOptions = {}): Promise<SailResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  return run(definition, resolve(cwd, options.dir ?? '.'), { ...options, cwd });
}
