/**
 * What Tide remembers of recent resyncs, for `GET /resync/{id}` (docs/behaviour.md §9.3): each one's state
 * and, once it has ended, its report. Bounded: the oldest records go first.
 */
import type { ResyncReport } from './report.ts';

/** A resync as `GET /resync/{id}` shows it. */
export interface ResyncRecord {
  resyncId: string;
  /** `pending`: joined by `POST /resync` triggers, waiting for the interval or the resync before it. */
  state: 'pending' | 'running' | 'completed' | 'failed' | 'aborted';
  /** What started it: `webhook`, `poll`, `schedule`, `kafka`, `once`, … */
  trigger?: string;
  requestedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why a resync ended `aborted` without a report (a pending one dropped at shutdown). */
  reason?: string;
  report?: ResyncReport;
}

/** How many resyncs {@link createResyncRecords} remembers. */
export const MAX_RESYNC_RECORDS = 50;

export interface ResyncRecords {
  get(resyncId: string): ResyncRecord | undefined;
  /** Create or update a record (fields given replace the stored ones). */
  put(record: Partial<ResyncRecord> & { resyncId: string }): void;
  /** A resync ended: its report decides the state. */
  finish(report: ResyncReport): void;
}

/** Records in memory, at most `max` (the oldest are forgotten first). */
export function createResyncRecords(max = MAX_RESYNC_RECORDS): ResyncRecords {
  const records = new Map<string, ResyncRecord>();
  const put: ResyncRecords['put'] = (record) => {
    const previous = records.get(record.resyncId);
    records.delete(record.resyncId);
    records.set(record.resyncId, { state: 'pending', ...previous, ...record });
    while (records.size > max) records.delete(records.keys().next().value as string);
  };
  return {
    get: (resyncId) => {
      const record = records.get(resyncId);
      return record && structuredClone(record);
    },
    put,
    finish: (report) => put({ resyncId: report.resyncId, state: report.status, finishedAt: report.finishedAt, report }),
  };
}
