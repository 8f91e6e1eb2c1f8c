/**
 * Date handling of the search engine (docs/port-api.md §10.2): strict ISO 8601 instants and the date
 * presets of range values, all in UTC from the emulator clock.
 */
export const DAY_MS = 86_400_000;

/** Date presets accepted in `{preset}` range values. */
export const DATE_PRESETS = [
  'today',
  'tomorrow',
  'yesterday',
  'lastWeek',
  'last2Weeks',
  'lastMonth',
  'last3Months',
  'last6Months',
  'last12Months',
] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];


const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** Days in month `m` (1-12) of year `y` (proleptic Gregorian). */
const daysInMonth = (y: number, m: number) =>
  m === 2 ? ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;

const digits2 = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);

/**
 * Parses an ISO 8601 date (`2024-01-31`) or date-time (`2024-01-31T10:00:00.000Z`, offset optional,
 * UTC when absent) into epoch milliseconds; `NaN` if it is not one (including impossible dates).
 */
export function parseInstant(s: string): number {
  // Fast path: the canonical form the emulator stores (`Date#toISOString`, `YYYY-MM-DDTHH:MM:SS.sssZ`).
  if (
    s.length === 24 &&
    s.charCodeAt(23) === 90 && // Z
    s.charCodeAt(10) === 84 && // T
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(16) === 58 &&
    s.charCodeAt(19) === 46
  ) {
    const t = Date.parse(s); // rejects bad digits, months and minutes, but rolls Feb 30 over and accepts 24:00
    if (Number.isNaN(t) || digits2(s, 11) > 23) return Number.NaN;
    const day = digits2(s, 8);
    return day <= 28 || day <= daysInMonth(+s.slice(0, 4), digits2(s, 5)) ? t : Number.NaN;
  }
  const m = ISO_RE.exec(s);
  if (m === null) return Number.NaN;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (m[4] === undefined) return Date.UTC(year, month - 1, day);
  const hour = +m[4];
  const minute = +m[5]!;
  const second = m[6] === undefined ? 0 : +m[6];
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000);
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return Number.NaN;
    t -= sign * (oh * 60 + om) * 60_000;
  }
  return t;
}

export const isDateOnly = (s: string) => s.length === 10 && ISO_RE.test(s);

const startOfUtcDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;

/** The same instant `months` calendar months earlier, in UTC, the day clamped to the month's end. */
function minusMonths(t: number, months: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() - months;
  const target = new Date(Date.UTC(y, mo, 1));
  const day = Math.min(d.getUTCDate(), daysInMonth(target.getUTCFullYear(), target.getUTCMonth() + 1));
  return Date.UTC(
    target.getUTCFullYear(),
    target.getUTCMonth(),
    day,
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

/** The inclusive window `[from, to]` (epoch ms) of a date preset, counted from `now`. */
export function presetRange(preset: DatePreset, now: Date): { from: number; to: number } {
  const t = now.getTime();
  const day = startOfUtcDay(t);
  switch (preset) {
    case 'today':
      return { from: day, to: day + DAY_MS - 1 };
    case 'tomorrow':
      return { from: day + DAY_MS, to: day + 2 * DAY_MS - 1 };
    case 'yesterday':
      return { from: day - DAY_MS, to: day - 1 };
    case 'lastWeek':
      return { from: t - 7 * DAY_MS, to: t };
    case 'last2Weeks':
      return { from: t - 14 * DAY_MS, to: t };
    case 'lastMonth':
      return { from: minusMonths(t, 1), to: t };
    case 'last3Months':
      return { from: minusMonths(t, 3), to: t };
    case 'last6Months':
      return { from: minusMonths(t, 6), to: t };
    case 'last12Months':
      return { from: minusMonths(t, 12), to: t };
  }
}
