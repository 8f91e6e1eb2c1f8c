/**
 * `tide sail [integration] [--once] [--dry-run] [-p N] [-i[=true|false]] [-l L] [--log-format pretty|json]`
 * (docs/behaviour.md §8.1): flags become settings overrides and `sail()` options. On a terminal (and
 * with pretty logs) resync counters are drawn live; elsewhere the logs and the final report say it.
 */
import type { SailOptions, SailResult } from '../sail.ts';
import { createProgressDisplay, type ProgressDisplay } from './progress.ts';

export interface SailFlags {
  once?: boolean;
  dryRun?: boolean;
  /** `--mapping FILE`: this run's mapping (docs/behaviour.md §7.4). */
  mapping?: string;
  force?: boolean;
  port?: number;
  initializePortResources?: boolean;
  logLevel?: string;
  logFormat?: 'pretty' | 'json';
}

/** The settings overrides the flags stand for (§2.1: CLI flags are the highest source). */
export function sailOverrides(flags: SailFlags): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  if (flags.once) overrides.eventListener = { type: 'ONCE' };
  if (flags.initializePortResources !== undefined) overrides.initializePortResources = flags.initializePortResources;
  return overrides;
}

/** Live progress only where someone watches it redraw: both streams a TTY, pretty logs. */
export function wantsProgress(flags: Pick<SailFlags, 'logFormat'>): boolean {
  return flags.logFormat !== 'json' && process.stdout.isTTY === true && process.stderr.isTTY === true && !process.env.CI;
}

/** Build `sail()` options, with the progress display wired in when wanted. */
export function sailOptions(integration: string, flags: SailFlags, extra: Partial<SailOptions> = {}): { options: SailOptions; progress?: ProgressDisplay } {
  const options: SailOptions = {
    integration,
    cwd: process.cwd(),
    overrides: sailOverrides(flags),
    httpPort: flags.port,
    dryRun: flags.dryRun,
    mapping: flags.mapping,
    force: flags.force,
    logFormat: flags.logFormat,
    logLevel: flags.logLevel,
    handleSignals: true,
    ...extra,
  };
  if (!wantsProgress(flags) || extra.out) return { options };
  const progress = createProgressDisplay(process.stderr);
  return { options: { ...options, out: (line) => progress.print(line), onProgress: (report) => progress.update(report) }, progress };
}

export async function runSail(integration: string, flags: SailFlags): Promise<number | undefined> {
  const { sail } = await import('../sail.ts');
  const { options, progress } = sailOptions(integration, flags);
  let result: SailResult;
  try {
    result = await sail(options);
  } catch (error) {
    progress?.done();
    throw error;
  }
  // A finished run (ONCE, dry run, startup failure) freezes the block; a server keeps drawing later resyncs.
  if (result.exitCode !== undefined) progress?.done();
  // undefined: the server keeps running until a signal (sail() installed the handlers).
  return result.exitCode;
}
