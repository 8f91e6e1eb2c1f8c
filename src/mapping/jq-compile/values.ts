/**
 * jq 1.8 value semantics over plain JSON values in JavaScript: kinds, truthiness, jq's total order, equality,
 * number and string printing (`tojson`/`tostring`), and the two ways compiled code can fail.
 *
 * Values are what `JSON.parse` gives (null, booleans, finite numbers, strings, arrays, plain objects) and are never
 * mutated once built, so compiled code may share them freely.
 */

/** A JSON value as compiled code sees it. */
export type Json = unknown;

/**
 * A jq error raised by compiled code. `try`, `?` and `.a?` catch it. `exact` says whether `value` is what jq itself
 * would hold (true for `error(v)`); a type error's text is left to jq, which re-runs the item when it matters.
 */
export class JqError {
  // Not an Error: capturing a stack trace would make `try`, `?` and `//` over failing data many times slower.
  constructor(
    readonly value: Json,
    readonly exact: boolean,
  ) {}

  get message(): string {
    return typeof this.value === 'string' ? this.value : 'jq error';
  }
}

/**
 * Compiled code met a case whose jq semantics it does not reproduce with certainty (a non-integer index, a number
 * whose printed form depends on where it came from, …). Never caught by `try`: the item runs on jq instead.
 */
export class Unsupported {
  constructor(readonly reason: string) {}

  get message(): string {
    return this.reason;
  }
}

/** A type error whose message jq writes itself; compiled code only needs to know that it is an error. */
export function typeError(what: string): JqError {
  return new JqError(what, false);
}

export type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function kindOf(v: Json): Kind {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return Array.isArray(v) ? 'array' : 'object';
  }
}

export function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function truthy(v: Json): boolean {
  return v !== null && v !== false;
}

/** Rank of a value's kind in jq's order: null < false < true < numbers < strings < arrays < objects. */
function rank(v: Json): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return v ? 2 : 1;
    case 'number':
      return 3;
    case 'string':
      return 4;
    default:
      return Array.isArray(v) ? 5 : 6;
  }
}

/**
 * Strings compare by code point (jq compares UTF-8 bytes). UTF-16 code units order the same except that surrogates
 * (code points above U+FFFF) must sort after U+E000–U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

export function sortedKeys(o: Record<string, Json>): string[] {
  return Object.keys(o).sort(compareStrings);
}

/** jq's total order (`jv_cmp`). */
export function compare(a: Json, b: Json): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 3:
      return (a as number) < (b as number) ? -1 : (a as number) === (b as number) ? 0 : 1;
    case 4:
      return compareStrings(a as string, b as string);
    case 5: {
      const x = a as Json[];
      const y = b as Json[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compare(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length < y.length ? -1 : x.length === y.length ? 0 : 1;
    }
    case 6: {
      const x = a as Record<string, Json>;
      const y = b as Record<string, Json>;
      const kx = sortedKeys(x);
      const ky = sortedKeys(y);
      const c = compare(kx, ky);
      if (c !== 0) return c;
      for (const k of kx) {
        const d = compare(x[k], y[k]);
        if (d !== 0) return d;
      }
      return 0;
    }
    default:
      return 0;
  }
}

export function equals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, Json>;
  const y = b as Record<string, Json>;
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  for (const k of kx) if (!Object.hasOwn(y, k) || !equals(x[k], y[k])) return false;
  return true;
}

/**
 * How jq prints a number. jq keeps number literals (from the input or the program) in their decimal form and prints
 * computed ones through its own dtoa; a plain JS number does not say which it is. When both forms agree (integers
 * below 1e16, ordinary decimals) that is the text; otherwise the item runs on jq.
 */
export function numberText(d: number): string {
  if (Number.isInteger(d) && d > -1e16 && d < 1e16) {
    if (d === 0 && Object.is(d, -0)) throw new Unsupported('-0 prints as "-0" or "0" depending on its origin');
    return String(d);
  }
  if (!Number.isFinite(d)) throw new Unsupported('non-finite number');
  const literal = String(d).replace('e', 'E');
  const computed = dtoaText(d);
  if (literal !== computed) throw new Unsupported(`number ${literal} prints differently as a literal and as a result`);
  return computed;
}

/** jq's `jvp_dtoa_fmt`: shortest round-trip digits, exponent form when the decimal point is far away. */
function dtoaText(d: number): string {
  const sign = d < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(d).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const decpt = Number(exp) + 1;
  if (decpt <= -4 || decpt > digits.length + 15) {
    const e = decpt - 1;
    const rest = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${rest}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return sign + digits + '0'.repeat(decpt - digits.length);
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f' };

/** jq's string dump: `"` `\` and control characters escaped (DEL too, as `\u007f`), everything else raw. */
export function stringText(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f\u007f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** `tojson`: compact JSON as jq prints it (object keys in insertion order). */
export function toJsonText(v: Json): string {
  switch (typeof v) {
    case 'string':
      return stringText(v);
    case 'number':
      return numberText(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
      return `{${Object.entries(v as Record<string, Json>)
        .map(([k, x]) => `${stringText(k)}:${toJsonText(x)}`)
        .join(',')}}`;
  }
}

export function toStringValue(v: Json): string {
  return typeof v === 'string' ? v : toJsonText(v);
}

/** Keys that a plain object inherits from `Object.prototype`: reading them needs an own-property check. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** `.[k]` on an object: own properties only. */
export function field(o: Record<string, Json>, k: string): Json {
  const v = o[k];
  if (v === undefined) return null;
  return INHERITED.has(k) && !Object.hasOwn(o, k) ? null : v;
}

/** Whether `k` is an array index to JavaScript, which orders such keys first in every object. */
function isIndexKey(k: string): boolean {
  const c = k.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return /^(?:0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;
}

/**
 * Add or replace a key of an object under construction. jq keeps insertion order; JavaScript puts index-like keys
 * first, so a new such key (or `__proto__`) is left to jq.
 */
export function setKey(o: Record<string, Json>, k: string, v: Json): void {
  if (k === '__proto__' || (!Object.hasOwn(o, k) && isIndexKey(k))) {
    throw new Unsupported(`object key ${JSON.stringify(k)} would change order`);
  }
  o[k] = v;
}

/** A fresh copy of a value, so mapped entities never share objects with each other or with the raw item. */
export function cloneJson(v: Json): Json {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(cloneJson);
  const out: Record<string, Json> = {};
  for (const k of Object.keys(v)) {
    const x = cloneJson((v as Record<string, Json>)[k]);
    // An own `__proto__` key (JSON.parse makes them) must stay a key, not become the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

/** Code points of a string, as jq counts, slices and indexes strings. */
export function codePoints(s: string): string[] {
  return /[\ud800-\udfff]/.test(s) ? Array.from(s) : s.split('');
}

export function codePointLength(s: string): number {
  if (!/[\ud800-\udfff]/.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Whether every character is ASCII (then code units, code points and UTF-8 bytes all line up). */
export function isAscii(s: string): boolean {
  return /^[\x00-\x7f]*$/.test(s);
}
