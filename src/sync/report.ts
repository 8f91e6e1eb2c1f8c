/**
 * What a resync reports (§4.10, Tide): per-resource counters and the deletion report with a bounded
 * list of candidate rows. Kept as plain data so adapters can log it, return it and print it.
 */

/** Counters of one resource (`{kind}-{index}`). */
export interface KindReport {
  kind: string;
  index: number;
  /** `{kind}-{index}`. */
  label: string;
  /** Raw items the handlers returned or yielded. */
  fetched: number;
  /** Entities produced for items that passed the selector (dropped ones excluded). */
  mapped: number;
  /** Items whose selector returned `false`. */
  filtered: number;
  /** Entities dropped: falsy identifier/blueprint, or a search identifier Port could not resolve. */
  dropped: number;
  /** Entities whose upsert failed (before any reconciliation retry). */
  failed: number;
  upserted: number;
  /** Entities the skip-unchanged diff did not send (§4.5). */
  unchanged: number;
  /** Kind errors: no handler, throwing handler, invalid raw items, selector errors. Any blocks deletions. */
  errors: string[];
  /**
   * Mapping fields that evaluated to `null`, by path, summed over the resource's pages; logged once when the
   * resource ends. Absent when none did.
   */
  nulls?: Record<string, { program: string; count: number; required: boolean }>;
}

export type DeletionOutcome = 'deleted' | 'nothing-to-delete' | 'skipped' | 'planned';
/**
 * Why deletions were skipped (§4.10). **Tide:** `resync-error` covers a resync that failed before
 * any kind ran (mapping missing or invalid, `onResyncStart` threw a non-HTTP error), with `error`.
 */
export type DeletionSkipReason =
  | 'kind-errors'
  | 'previous-state-unknown'
  | 'aborted'
  | 'empty-mapping'
  | 'threshold-exceeded'
  | 'dry-run'
  | 'resync-error';
export type DeletionAction = 'deleted' | 'deleted-by-cascade' | 'kept-related-target' | 'kept-foreign-dependents' | 'not-deleted' | 'delete-failed';

/** An entity by its key. */
export interface EntityKey {
  blueprint: string;
  identifier: string;
}

/**
 * One delete candidate (owned by this integration and not produced by this resync), or, with action
 * `deleted-by-cascade`, an entity of this integration that Port's cascade removed with one.
 */
export interface DeletionRow {
  blueprint: string;
  identifier: string;
  action: DeletionAction;
  reason: string;
  /** With `kept-foreign-dependents`: the entities, not this integration's, that depend on it. */
  dependents?: EntityKey[];
}

/** The deletion report of §4.10. */
export interface DeletionReport {
  resyncId: string;
  outcome: DeletionOutcome;
  skipReason?: DeletionSkipReason;
  /** With `kind-errors`: the errors per resource label. */
  kindErrors?: Record<string, string[]>;
  /** With `threshold-exceeded` (and whenever candidates were counted). */
  rate?: number;
  threshold?: number;
  /** Why the snapshot could not be read (`previous-state-unknown`), or why the resync failed early (`resync-error`). */
  error?: string;
  /**
   * `owned`: what the integration owned when the resync started (§4.9 step 7); `protected` also counts the
   * candidates kept for foreign dependents; `cascaded`: entities of this integration Port's cascade removed.
   */
  counts: { owned: number; seen: number; candidates: number; protected: number; deleted: number; cascaded: number; failed: number };
  /** Deleted ids per blueprint (counts). */
  deletedByBlueprint: Record<string, number>;
  /** The first {@link MAX_DELETION_ROWS} candidate rows. */
  rows: DeletionRow[];
  /** Rows left out of `rows`. */
  rowsOmitted: number;
}

export type ResyncStatus = 'completed' | 'failed' | 'aborted';

/**
 * The engine that ran a resync: every runtime runs the same step engine (steps.ts), whether in one go
 * (Node, Deno) or across invocations (Workers); the runtime contract checks this field everywhere.
 */
export const RESYNC_ENGINE = 'tide-steps/1';

/** What `resync()` resolves with. */
export interface ResyncReport {
  resyncId: string;
  /** {@link RESYNC_ENGINE}. */
  engine: string;
  status: ResyncStatus;
  /** Set when a newer resync or shutdown stopped this one. */
  abortReason?: 'superseded' | 'shutdown';
  startedAt: string;
  finishedAt: string;
  /** Resync-level errors (mapping, hooks, snapshot); per-kind errors are in `kinds`. */
  errors: string[];
  kinds: KindReport[];
  /** Failed upserts that succeeded on the reconciliation retry (§4.9 step 1). */
  reingested: number;
  /** Entities that in the end failed to upsert (after every retry) or to delete. */
  failures: { upserts: number; deletes: number };
  /**
   * The one-shot exit status (§4.11): 0 completed with no entity failure, 1 failed or aborted, 2 completed
   * with entity failures. `tide sail --once` exits with it; on Workers it is the report's.
   */
  exitCode: 0 | 1 | 2;
  deletion: DeletionReport;
}

/** How many candidate rows a report lists; counts always cover all of them. */
export const MAX_DELETION_ROWS = 100;
/** How many distinct error messages a kind lists. */
export const MAX_KIND_ERRORS = 20;

/** The base reason of every candidate row. */
export const CANDIDATE_REASON = 'owned by this integration and not produced by this resync';

export function emptyKindReport(kind: string, index: number): KindReport {
  return { kind, index, label: `${kind}-${index}`, fetched: 0, mapped: 0, filtered: 0, dropped: 0, failed: 0, upserted: 0, unchanged: 0, errors: [] };
}

/** Record a kind error, keeping at most {@link MAX_KIND_ERRORS} distinct messages. */
export function addKindError(report: KindReport, message: string): void {
  if (report.errors.includes(message)) return;
  if (report.errors.length < MAX_KIND_ERRORS) report.errors.push(message);
  else if (report.errors.length === MAX_KIND_ERRORS) report.errors.push('… further errors left out');
}

/** A deletion report with no candidates counted yet. */
export function emptyDeletionReport(resyncId: string, outcome: DeletionOutcome, skipReason?: DeletionSkipReason): DeletionReport {
  return {
    resyncId,
    outcome,
    ...(skipReason ? { skipReason } : {}),
    counts: { owned: 0, seen: 0, candidates: 0, protected: 0, deleted: 0, cascaded: 0, failed: 0 },
    deletedByBlueprint: {},
    rows: [],
    rowsOmitted: 0,
  };
}

/** Append a row, counting it as omitted past the bound. */
export function addRow(report: DeletionReport, row: DeletionRow): void {
  if (report.rows.length < MAX_DELETION_ROWS) report.rows.push(row);
  else report.rowsOmitted += 1;
}

/** One-line summary for logs and `tide sail --once`. */
export function summariseDeletion(report: DeletionReport): string {
  const c = report.counts;
  const head = report.skipReason ? `${report.outcome} (${report.skipReason})` : report.outcome;
  const rate = report.rate === undefined ? '' : `, rate ${report.rate.toFixed(3)} vs threshold ${report.threshold}`;
  const cascaded = c.cascaded ? ` (+${c.cascaded} by cascade)` : '';
  return `deletions ${head}: owned ${c.owned}, seen ${c.seen}, candidates ${c.candidates}, protected ${c.protected}, deleted ${c.deleted}${cascaded}, failed ${c.failed}${rate}`;
}

/** Entity failures and the exit status of a resync that ended with `status` (§4.11). */
export function resyncOutcome(
  status: ResyncStatus,
  kinds: readonly KindReport[],
  reingested: number,
  deletion: DeletionReport,
): Pick<ResyncReport, 'failures' | 'exitCode'> {
  const upserts = Math.max(0, kinds.reduce((n, k) => n + k.failed, 0) - reingested);
  const failures = { upserts, deletes: deletion.counts.failed };
  if (status !== 'completed') return { failures, exitCode: 1 };
  return { failures, exitCode: upserts + failures.deletes > 0 ? 2 : 0 };
}

/** What the exit status means, with the counts: the last line of a one-shot run and of the resync's log. */
export function describeOutcome(report: Pick<ResyncReport, 'status' | 'failures' | 'exitCode'>): string {
  const { upserts, deletes } = report.failures;
  if (report.exitCode === 2) return `the resync completed, but ${upserts} ${upserts === 1 ? 'entity' : 'entities'} failed to upsert and ${deletes} to delete`;
  if (report.exitCode === 0) return 'the resync completed; every entity write and delete succeeded';
  return `the resync ${report.status}`;
}
