/**
 * `tide plan [integration] [--validate] [--max-deletes N] [--json]`: `tide sail --once --dry-run`
 * (docs/behaviour.md §8.2). Nothing is written to Port. `--json` prints the plan, the deletion report
 * and the provisioning it would do as one JSON document on stdout (human lines go to stderr).
 */
import type { Plan } from '../../../src/runtime/index.ts';
import { sailOptions } from './sail.ts';

export interface PlanFlags {
  validate?: boolean;
  /** `--mapping FILE`: plan with this mapping, showing what it would change (docs/behaviour.md §7.4). */
  mapping?: string;
  maxDeletes?: number;
  json?: boolean;
  logLevel?: string;
  logFormat?: 'pretty' | 'json';
}

/** Entities the plan would delete, all blueprints together. */
export function plannedDeletes(plan: Plan): number {
  return Object.values(plan.blueprints).reduce((n, b) => n + b.counts.deletes, 0);
}

export async function runPlan(integration: string, flags: PlanFlags, writeErr: (line: string) => void): Promise<number> {
  const { sail } = await import('../sail.ts');
  const extra = flags.json ? { out: writeErr } : {};
  const { options } = sailOptions(integration, { once: true, dryRun: true, mapping: flags.mapping, logLevel: flags.logLevel, logFormat: flags.logFormat }, extra);
  if (flags.validate) writeErr('[tide] WARN --validate: the engine does not send validation_only=true yet; the plan is computed without Port-side validation');
  const result = await sail(options);
  let exitCode = result.exitCode ?? 1;
  if (flags.json && result.plan) {
    process.stdout.write(`${JSON.stringify({ provision: result.provision, plan: result.plan, deletion: result.plan.deletion }, null, 2)}\n`);
  }
  if (result.plan && flags.maxDeletes !== undefined) {
    const deletes = plannedDeletes(result.plan);
    if (deletes > flags.maxDeletes) {
      writeErr(`[tide] ERROR the plan deletes ${deletes} entities, more than --max-deletes ${flags.maxDeletes}`);
      exitCode = exitCode || 1;
    }
  }
  return exitCode;
}
