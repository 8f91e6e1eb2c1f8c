/**
 * The human lines every runtime prints for a provisioning report, a plan, a resync and an incremental
 * run (the ONCE summary): one format on Node, Deno and in the CLI.
 */
import type { ProvisionReport } from '../defaults/index.ts';
import type { IncrementalReport, Plan, ResyncReport } from '../sync/index.ts';
import { summariseDeletion } from '../sync/index.ts';

/** Identifiers shown per list; the counts always cover all of them. */
const SHOWN_IDS = 10;

const list = (ids: readonly string[], total: number): string => {
  const shown = ids.slice(0, SHOWN_IDS).join(', ');
  return total > SHOWN_IDS ? `${shown}, … (${total - SHOWN_IDS} more)` : shown;
};

/** Human lines for a provisioning report, dry or real (`tide plan` prints what it would do). */
export function provisionLines(report: ProvisionReport, identifier: string): string[] {
  const would = report.dryRun ? 'would ' : '';
  const lines = [report.dryRun ? 'provisioning (dry run, nothing written):' : 'provisioning:'];
  if (report.integration === 'created') {
    lines.push(`  integration "${identifier}": ${would}create it with the shipped mapping (.port/resources/port-app-config)`);
  } else {
    lines.push(`  integration "${identifier}": exists${report.drift.length ? `; ${would}patch ${report.drift.join(', ')}` : ''}`);
  }
  lines.push(`  setup${report.dryRun ? ' (planned)' : ''}: ${report.setup}${report.mappingWritten ? `; ${would}write the default mapping` : ''}`);
  const bp = report.blueprints;
  if (bp.created.length) lines.push(`  blueprints ${report.dryRun ? 'to create' : 'created'}: ${bp.created.join(', ')}`);
  if (bp.existing.length) lines.push(`  blueprints already present: ${bp.existing.join(', ')}`);
  if (bp.rolledBack.length) lines.push(`  blueprints rolled back: ${bp.rolledBack.join(', ')}`);
  if (report.skippedResources.length) lines.push(`  skipped: ${report.skippedResources.join(', ')}`);
  lines.push(...filesLines(report));
  for (const e of report.errors) lines.push(`  error: ${e}`);
  return lines;
}

/** The files-first part (docs/behaviour.md §7.4): the mapping pushed or kept, blueprint changes made or held back. */
function filesLines(report: ProvisionReport): string[] {
  const { files } = report;
  const would = report.dryRun ? 'would ' : '';
  const lines: string[] = [];
  if (files.mappingSource && files.mappingDiffers.length) {
    const differs = files.mappingDiffers.join(', ');
    lines.push(
      files.mappingPushed
        ? `  mapping: ${would}push ${files.mappingSource} (Port's differs in ${differs})`
        : `  mapping: Port's is used; ${files.mappingSource} differs in ${differs}`,
    );
  }
  const bp = files.blueprints;
  if (bp.created.length) lines.push(`  blueprints Port lacked, ${report.dryRun ? 'to create' : 'created'}: ${bp.created.join(', ')}`);
  for (const u of bp.updated) lines.push(`  blueprint ${u.identifier}: ${would}apply ${u.changes.join('; ')}`);
  for (const d of bp.destructive)
    lines.push(`  blueprint ${d.identifier}: ${bp.forced ? `${would}apply (--force)` : 'held back (needs --force)'}: ${d.changes.join('; ')}`);
  return lines;
}

/** Human lines for a plan: per blueprint creates / updates / unchanged / deletes, then the deletion report. */
export function planLines(plan: Plan): string[] {
  const lines = [`plan ${plan.planId}: ${plan.status}`];
  for (const e of plan.errors) lines.push(`  error: ${e}`);
  for (const k of plan.kinds) {
    lines.push(`  kind ${k.label}: fetched ${k.fetched}, mapped ${k.mapped}, filtered ${k.filtered}, dropped ${k.dropped}`);
    for (const e of k.errors) lines.push(`    error: ${e}`);
  }
  for (const [blueprint, p] of Object.entries(plan.blueprints).sort(([a], [b]) => a.localeCompare(b))) {
    const c = p.counts;
    const unresolved = c.unresolved ? `, ${c.unresolved} unresolved` : '';
    lines.push(`  blueprint ${blueprint}: ${c.creates} create, ${c.updates} update, ${c.unchanged} unchanged, ${c.deletes} delete${unresolved}`);
    if (c.creates) lines.push(`    create: ${list(p.creates, c.creates)}`);
    if (c.updates) lines.push(`    update: ${list(p.updates, c.updates)}`);
    if (c.deletes) lines.push(`    delete: ${list(p.deletes, c.deletes)}`);
  }
  lines.push(...deletionLines(plan.deletion));
  return lines;
}

/** Human lines for one resync: its status, per-kind counters and the deletion report. */
export function resyncLines(report: ResyncReport): string[] {
  const lines = [`resync ${report.resyncId}: ${report.status}${report.abortReason ? ` (${report.abortReason})` : ''}`];
  for (const e of report.errors) lines.push(`  error: ${e}`);
  for (const k of report.kinds) {
    lines.push(`  kind ${k.label}: fetched ${k.fetched}, mapped ${k.mapped}, upserted ${k.upserted}, unchanged ${k.unchanged}, failed ${k.failed}`);
    for (const e of k.errors) lines.push(`    error: ${e}`);
  }
  lines.push(...deletionLines(report.deletion));
  const { upserts, deletes } = report.failures;
  if (upserts + deletes > 0) lines.push(`  entities that failed: ${upserts} to upsert, ${deletes} to delete`);
  return lines;
}

/** Human lines for one incremental run (the ONCE summary): its outcome, each resource, the deletions. */
export function incrementalLines(report: IncrementalReport): string[] {
  const lines = [`incremental run ${report.runId}: ${report.outcome}${report.abortReason ? ` (${report.abortReason})` : ''}`];
  for (const e of report.errors) lines.push(`  error: ${e}`);
  for (const r of report.resources) {
    const cursor = r.advanced ? `cursor advanced to ${r.cursor}` : `cursor kept at ${r.cursor ?? 'none'}`;
    lines.push(`  kind ${r.label}: since ${r.since || 'unknown'}, fetched ${r.fetched}, upserted ${r.upserted}, failed ${r.failed}, deleted ${r.deleted}; ${cursor}`);
    if (r.error) lines.push(`    error: ${r.error}`);
  }
  const d = report.deletion;
  lines.push(`  deletions: candidates ${d.candidates}, deleted ${d.deleted}, not owned ${d.notOwned}, search identifiers skipped ${d.searchSkipped}, failed ${d.failed}`);
  return lines;
}

/** What an incremental run's outcome means for ONCE's exit status (0 for `completed` and `no-op`, else 1). */
export function describeIncrementalOutcome(report: IncrementalReport): string {
  const failed = report.resources.reduce((sum, r) => sum + r.failed, 0) + report.deletion.failed;
  const entities = failed > 0 ? `; ${failed} entit${failed === 1 ? 'y' : 'ies'} failed to upsert or delete` : '';
  return `the incremental run ${report.outcome}${entities}`;
}

function deletionLines(deletion: Plan['deletion']): string[] {
  const lines = [`  ${summariseDeletion(deletion)}`];
  if (deletion.error) lines.push(`    ${deletion.error}`);
  for (const [label, errors] of Object.entries(deletion.kindErrors ?? {})) lines.push(`    ${label}: ${errors.join('; ')}`);
  for (const row of deletion.rows.slice(0, SHOWN_IDS)) lines.push(`    ${row.blueprint}/${row.identifier}: ${row.action} (${row.reason})`);
  const more = deletion.rows.length - Math.min(deletion.rows.length, SHOWN_IDS) + deletion.rowsOmitted;
  if (more > 0) lines.push(`    … ${more} more rows`);
  return lines;
}

/** After a run into the embedded local Port (`.tide/port.db`): how to look at the result in its web UI. */
export const BROWSE_LINE = 'browse the catalog: npx port-tide ui (in a Tide checkout: npm run port-local), then open http://127.0.0.1:5555/';
