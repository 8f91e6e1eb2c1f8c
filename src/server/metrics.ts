import type { IncrementalReport, ResyncReport } from '../sync/index.ts';

/**
 * Prometheus text for `/metrics`: resync counts by status, the last and total durations, and
 * entities by outcome across resyncs; incremental runs (§4.12) in their own series, labelled with their
 * sync type. Kept in memory per instance.
 */
export interface Metrics {
  recordResync(report: ResyncReport, durationMs: number): void;
  recordIncremental(report: IncrementalReport, durationMs: number): void;
  recordLiveEvent(outcome: 'accepted' | 'rejected'): void;
  render(): string;
}

const OUTCOMES = ['fetched', 'mapped', 'filtered', 'dropped', 'failed', 'upserted', 'unchanged'] as const;
const INCREMENTAL_OUTCOMES = ['fetched', 'upserted', 'failed', 'deleted'] as const;

export function createMetrics(labels: { integration: string; type: string }): Metrics {
  const resyncs = new Map<string, number>();
  const entities = new Map<string, number>();
  const liveEvents = new Map<string, number>();
  let deleted = 0;
  let durationSum = 0;
  let lastDuration = 0;
  const incrementalRuns = new Map<string, number>();
  const incrementalEntities = new Map<string, number>();
  let incrementalDurationSum = 0;
  const bump = (m: Map<string, number>, k: string, by = 1) => m.set(k, (m.get(k) ?? 0) + by);
  const base = `integration="${esc(labels.integration)}",type="${esc(labels.type)}"`;

  return {
    recordResync(report, durationMs) {
      bump(resyncs, report.status);
      durationSum += durationMs / 1000;
      lastDuration = durationMs / 1000;
      for (const kind of report.kinds) {
        for (const outcome of OUTCOMES) bump(entities, outcome, kind[outcome]);
      }
      deleted += report.deletion.counts.deleted;
    },
    recordIncremental(report, durationMs) {
      bump(incrementalRuns, report.outcome);
      incrementalDurationSum += durationMs / 1000;
      for (const r of report.resources) for (const outcome of INCREMENTAL_OUTCOMES) bump(incrementalEntities, outcome, r[outcome]);
    },
    recordLiveEvent(outcome) {
      bump(liveEvents, outcome);
    },
    render() {
      const lines: string[] = [];
      lines.push('# HELP tide_resyncs_total Resyncs that ended, by final status.', '# TYPE tide_resyncs_total counter');
      for (const [status, n] of resyncs) lines.push(`tide_resyncs_total{${base},status="${esc(status)}"} ${n}`);
      lines.push('# HELP tide_resync_duration_seconds_sum Total time spent in resyncs.', '# TYPE tide_resync_duration_seconds_sum counter');
      lines.push(`tide_resync_duration_seconds_sum{${base}} ${durationSum}`);
      lines.push('# HELP tide_last_resync_duration_seconds Duration of the last resync.', '# TYPE tide_last_resync_duration_seconds gauge');
      lines.push(`tide_last_resync_duration_seconds{${base}} ${lastDuration}`);
      lines.push('# HELP tide_entities_total Entities handled by resyncs, by outcome.', '# TYPE tide_entities_total counter');
      for (const outcome of OUTCOMES) lines.push(`tide_entities_total{${base},outcome="${outcome}"} ${entities.get(outcome) ?? 0}`);
      lines.push(`tide_entities_total{${base},outcome="deleted"} ${deleted}`);
      const incremental = `${base},sync_type="incremental"`;
      lines.push('# HELP tide_incremental_syncs_total Incremental runs that ended, by outcome.', '# TYPE tide_incremental_syncs_total counter');
      for (const [outcome, n] of incrementalRuns) lines.push(`tide_incremental_syncs_total{${incremental},outcome="${esc(outcome)}"} ${n}`);
      lines.push('# HELP tide_incremental_sync_duration_seconds_sum Total time spent in incremental runs.', '# TYPE tide_incremental_sync_duration_seconds_sum counter');
      lines.push(`tide_incremental_sync_duration_seconds_sum{${incremental}} ${incrementalDurationSum}`);
      lines.push('# HELP tide_incremental_entities_total Entities handled by incremental runs, by outcome.', '# TYPE tide_incremental_entities_total counter');
      for (const outcome of INCREMENTAL_OUTCOMES) lines.push(`tide_incremental_entities_total{${incremental},outcome="${outcome}"} ${incrementalEntities.get(outcome) ?? 0}`);
      lines.push('# HELP tide_live_events_total Live-event requests, by whether they were queued.', '# TYPE tide_live_events_total counter');
      for (const [outcome, n] of liveEvents) lines.push(`tide_live_events_total{${base},outcome="${outcome}"} ${n}`);
      return lines.join('\n') + '\n';
    },
  };
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
