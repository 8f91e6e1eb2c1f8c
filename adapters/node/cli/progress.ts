/**
 * Live resync progress on a terminal: one line per resource (kind), redrawn in place, fed by the resync
 * engine's `onProgress` hook (counters after each page). Log lines go through `print()` so they scroll
 * above the block instead of tearing it. Off a TTY the CLI does not create it: plain or JSON logs and
 * the final report say the same, once.
 */
import type { KindReport } from '../../../src/runtime/index.ts';

export interface ProgressStream {
  write(text: string): unknown;
  columns?: number;
}

export interface ProgressDisplay {
  /** A resource's counters changed. */
  update(report: Readonly<KindReport>): void;
  /** Print a line above the block. */
  print(line: string): void;
  /** Draw the last state and stop redrawing; the block stays on screen. */
  done(): void;
}

interface Row {
  counters: Pick<KindReport, 'label' | 'fetched' | 'mapped' | 'upserted' | 'unchanged' | 'failed'>;
  /** When the first page was counted, and how many items it brought (the rate is measured after it). */
  startedAt: number;
  firstFetched: number;
  updatedAt: number;
}

/** One resource's line: counters and the fetch rate since its first page ("-" until a second page). */
export function progressLine(row: Row): string {
  const c = row.counters;
  const seconds = (row.updatedAt - row.startedAt) / 1000;
  const perSecond = (c.fetched - row.firstFetched) / seconds;
  const rate = seconds > 0 ? `${perSecond.toFixed(perSecond >= 100 ? 0 : 1)}/s` : '-';
  return `${c.label}: fetched ${c.fetched}, mapped ${c.mapped}, upserted ${c.upserted}, unchanged ${c.unchanged}, failed ${c.failed}, rate ${rate}`;
}

export function createProgressDisplay(stream: ProgressStream, opts: { now?: () => number; intervalMs?: number } = {}): ProgressDisplay {
  const now = opts.now ?? Date.now;
  const rows = new Map<string, Row>();
  let drawn = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;

  const width = (): number => Math.max(20, (stream.columns || 120) - 1);
  const clear = (): void => {
    // Back to the first line of the block, then erase to the end of the screen.
    if (drawn > 0) stream.write(`\x1b[${drawn}F\x1b[J`);
    drawn = 0;
  };
  const draw = (): void => {
    const lines = [...rows.values()].map((r) => progressLine(r).slice(0, width()));
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const redraw = (): void => {
    timer = undefined;
    clear();
    draw();
  };

  return {
    update(report) {
      if (finished) return;
      const at = now();
      const row = rows.get(report.label);
      const counters = { label: report.label, fetched: report.fetched, mapped: report.mapped, upserted: report.upserted, unchanged: report.unchanged, failed: report.failed };
      if (row) Object.assign(row, { counters, updatedAt: at });
      else rows.set(report.label, { counters, startedAt: at, firstFetched: report.fetched, updatedAt: at });
      // Coalesce bursts of pages into one redraw per interval.
      if (!timer) {
        timer = setTimeout(redraw, opts.intervalMs ?? 100);
        timer.unref?.();
      }
    },
    print(line) {
      clear();
      stream.write(`${line}\n`);
      if (!finished) draw();
    },
    done() {
      if (finished) return;
      if (timer) clearTimeout(timer);
      timer = undefined;
      redraw();
      finished = true;
      drawn = 0;
    },
  };
}
