/**
 * `fromdateiso8601`/`fromdate` and `todateiso8601`/`todate` (jq's `strptime`/`mktime` and `strftime` with
 * `%Y-%m-%dT%H:%M:%SZ`) for the inputs whose result is certain: zero-padded valid dates in years 1000-9999,
 * and times in years 1-9999. Other inputs go to jq (its C library decides those).
 */
import type { Json } from './values.ts';
import { Unsupported, typeError } from './values.ts';

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const MIN = -62135596800; // 0001-01-01T00:00:00Z
const MAX = 253402300799; // 9999-12-31T23:59:59Z

export function fromIso8601(v: Json): Json {
  if (typeof v !== 'string') throw typeError('strptime/1 requires string inputs and arguments');
  const m = ISO.exec(v);
  if (!m) throw new Unsupported('date text jq parses itself');
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) throw new Unsupported('date out of range');
  const t = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  const back = new Date(t * 1000);
  // A day past the month's end is normalised by mktime; -1 is mktime's error value.
  if (back.getUTCDate() !== day || t === -1) throw new Unsupported('date normalised by mktime');
  return t;
}

export function toIso8601(v: Json): Json {
  if (Array.isArray(v)) throw new Unsupported('broken-down time');
  if (typeof v !== 'number') throw typeError('strftime/1 requires parsed datetime inputs');
  const secs = Math.trunc(v);
  if (secs < MIN || secs > MAX) throw new Unsupported('year outside 1-9999');
  const d = new Date(secs * 1000);
  // jq's gmtime truncates toward zero, then adds `v - floor(v)` to the seconds field, which strftime truncates:
  // -5e-324 is 00:00:01 (1 - 5e-324 rounds to 1), -1.5 is 23:59:59.
  const seconds = Math.trunc(d.getUTCSeconds() + (v - Math.floor(v)));
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(seconds)}Z`;
}
