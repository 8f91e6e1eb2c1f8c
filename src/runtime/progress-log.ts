/**
 * Resync progress off a terminal (docs/behaviour.md §8.2): where no live display is drawn (a CI job, a
 * container's log), a long resync would be silent until its report. One log line per resource (kind) at
 * most every 10 s keeps it visible without flooding the log: items, entities, upserted, skipped and the
 * item rate since the resource's first page. A resource that ends within 10 s logs none; the report follows.
 */
import type { Logger } from '../logging/logger.ts';
import type { KindReport } from '../sync/index.ts';

export const PROGRESS_INTERVAL_MS = 10_000;

interface Row {
  startedAt: number;
  firstFetched: number;
  loggedAt: number;
  fetched: number;
}

/**
 * An `onProgress` that logs. `now` is the clock (tests move it instead of waiting).
 *
 * @example createTide({ ..., onProgress: createProgressLog(logger) })
 */
export function createProgressLog(logger: Logger, o: { now?: () => number; intervalMs?: number } = {}): (report: Readonly<KindReport>) => void {
  const now = o.now ?? Date.now;
  const interval = o.intervalMs ?? PROGRESS_INTERVAL_MS;
  const rows = new Map<string, Row>();
  return (report) => {
    const at = now();
    const row = rows.get(report.label);
    // Counters that went back belong to the next resync of the same resource.
    if (!row || report.fetched < row.fetched) {
      rows.set(report.label, { startedAt: at, firstFetched: report.fetched, loggedAt: at, fetched: report.fetched });
      return;
    }
    row.fetched = report.fetched;
    if (at - row.loggedAt < interval) return;
    row.loggedAt = at;
    const elapsedMs = at - row.startedAt;
    const perSecond = elapsedMs > 0 ? (report.fetched - row.firstFetched) / (elapsedMs / 1000) : 0;
    const rate = perSecond.toFixed(perSecond >= 100 ? 0 : 1);
    logger.info(
      `progress ${report.label}: items ${report.fetched}, entities ${report.mapped}, upserted ${report.upserted}, skipped ${report.unchanged}, rate ${rate}/s`,
      { resource: report.label, items: report.fetched, entities: report.mapped, upserted: report.upserted, skipped: report.unchanged, perSecond: Number(rate), elapsedMs },
    );
  };
}
