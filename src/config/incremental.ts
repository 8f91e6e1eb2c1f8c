/**
 * The incremental-sync settings (docs/behaviour.md §4.12): how `incrementalSyncInterval` is read, and where
 * cursors may be kept. Kept apart from the general value kinds because their rules belong to §4.12 alone.
 */
import type { ValueKind } from './coerce.ts';

/** The only intervals Port accepts for incremental syncs, in minutes. */
export const INCREMENTAL_SYNC_INTERVALS = [15, 30, 60] as const;

/** Where incremental cursors are kept: Tide's StateStore, or Port's cursor routes (docs/port-api.md §11.8). */
export const INCREMENTAL_CURSOR_STORES = ['state', 'port'] as const;
export type IncrementalCursorStoreKind = (typeof INCREMENTAL_CURSOR_STORES)[number];

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * `incrementalSyncInterval`: an integer, a string of digits, or digits followed by a unit `s`, `m`, `h`, `d` or
 * `w` (`"30m"`, `"1h"`, `"900s"`), read as minutes, and then only 15, 30 or 60.
 *
 * @example incrementalIntervalKind.coerce('1h') // { ok: true, value: 60 }
 */
export const incrementalIntervalKind: ValueKind<number> = {
  expected: `${INCREMENTAL_SYNC_INTERVALS.join(', ')} minutes (an integer, or digits with a unit s, m, h, d or w such as "30m" or "1h")`,
  coerce(raw) {
    let minutes: number | undefined;
    if (typeof raw === 'number') minutes = raw;
    else if (typeof raw === 'string') {
      const m = /^\s*(\d+)\s*([smhdw]?)\s*$/i.exec(raw);
      if (m) minutes = m[2] === '' ? Number(m[1]) : (Number(m[1]) * UNIT_SECONDS[m[2].toLowerCase()]) / 60;
    }
    return minutes !== undefined && (INCREMENTAL_SYNC_INTERVALS as readonly number[]).includes(minutes) ? { ok: true, value: minutes } : { ok: false };
  },
};
