/**
 * Strict ISO 8601 instants for the POLLING watermark (docs/behaviour.md §5.2: "updatedAt parses as ISO,
 * `Z` allowed"). `Date.parse` alone is too lenient (it takes "Jan 1 2024") and too coarse (it drops
 * digits after the millisecond, so two requests a microsecond apart would tie), so instants are
 * nanosecond bigints.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9})\d*)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Nanoseconds since the epoch, or `undefined` when `value` is not an ISO date-time string.
 * A value without an offset is read as UTC (Port always sends `Z`; a local-time reading would make
 * the result depend on the host). A date alone means its midnight.
 *
 * @example parseIsoInstant('2024-05-01T10:00:00.000001Z')! > parseIsoInstant('2024-05-01T10:00:00Z')! // true
 */
export function parseIsoInstant(value: unknown): bigint | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset = 'Z'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Rejects 2024-02-30 and the like: the Date would have rolled over into the next month.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, 0);
  let ms = date.getTime();
  if (offset !== 'Z' && offset !== 'z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const digits = offset.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0') || '0');
}
