/**
 * `fromdateiso8601`/`fromdate` and `todateiso8601`/`todate` (jq's `strptime`/`mktime` and `strftime` with
 * `%Y-%m-%dT%H:%M:%SZ`) for the inputs whose result is certain: zero-padded valid dates in years 1000-9999,
 * and times in years 1-9999. Other inputs go to jq (its C library decides those).
 */
import type { Json } from './values.ts';
import { Unsupported, typeError } from './values.ts';

const MIN = -62135596800; // 0001-01-01T00:00:00Z
const MAX = 253402300799; // 9999-12-31T23:59:59Z
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Digits at `s[at..at+n)` as a number, or -1. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

export function fromIso8601(v: Json): Json {
  if (typeof v !== 'string') throw typeError('strptime/1 requires string inputs and arguments');
  // YYYY-MM-DDTHH:MM:SSZ exactly; anything else (other widths, spaces, offsets) is strptime's business.
  if (v.length !== 20 || v[4] !== '-' || v[7] !== '-' || v[10] !== 'T' || v[13] !== ':' || v[16] !== ':' || v[19] !== 'Z') {
    throw new Unsupported('date text jq parses itself');
  }
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 && leap ? 29 : (DAYS[month - 1] ?? 0);
  // A day past the month's end or second 60 is normalised by mktime; years before 1000 are left to jq too.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > monthDays || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    throw new Unsupported('date out of range');
  }
  const t = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  // -1 is mktime's error value.
  if (t === -1) throw new Unsupported('date normalised by mktime');
  return t;
}

export function toIso8601(v: Json): Json {
  if (Array.isArray(v)) throw new Unsupported('broken-down time');
  if (typeof v !== 'number') throw typeError('strftime/1 requires parsed datetime inputs');
  const secs = Math.trunc(v);
  if (secs < MIN || secs > MAX) throw new Unsupported('year outside 1-9999');
  // toISOString: YYYY-MM-DDTHH:MM:SS.sssZ for years 0-9999.
  const iso = new Date(secs * 1000).toISOString();
  if (v === secs) return `${iso.slice(0, 19)}Z`;
  // jq's gmtime truncates toward zero, then adds `v - floor(v)` to the seconds field, which strftime truncates:
  // -5e-324 is 00:00:01 (1 - 5e-324 rounds to 1), -1.5 is 23:59:59.
  const seconds = Math.trunc(Number(iso.slice(17, 19)) + (v - Math.floor(v)));
  return `${iso.slice(0, 17)}${String(seconds).padStart(2, '0')}Z`;
}
