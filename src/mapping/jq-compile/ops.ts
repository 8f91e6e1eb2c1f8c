/**
 * jq 1.8's operators and indexing over JSON values: `+ - * / %`, unary minus, `.[k]`, `.[a:b]`, `.[]`. Each either
 * gives jq's result, raises a {@link JqError} where jq raises one, or gives up with {@link Unsupported}.
 */
import type { Json } from './values.ts';
import { JqError, Unsupported, codePoints, equals, field, isObject, kindOf, setKey, typeError } from './values.ts';

function finite(n: number): number {
  if (!Number.isFinite(n)) throw new Unsupported('non-finite arithmetic result');
  return n;
}

/** A shallow copy keeping key order; `__proto__` keys are left to jq. */
export function copyObject(o: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(o)) {
    if (k === '__proto__') throw new Unsupported('__proto__ key');
    out[k] = o[k];
  }
  return out;
}

export function add(a: Json, b: Json): Json {
  if (a === null) return b;
  if (b === null) return a;
  const ka = typeof a;
  if (ka === 'number' && typeof b === 'number') return finite((a as number) + b);
  if (ka === 'string' && typeof b === 'string') return (a as string) + b;
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  if (isObject(a) && isObject(b)) {
    const out = copyObject(a);
    for (const k of Object.keys(b)) setKey(out, k, b[k]);
    return out;
  }
  throw typeError(`${kindOf(a)} and ${kindOf(b)} cannot be added`);
}

export function subtract(a: Json, b: Json): Json {
  if (typeof a === 'number' && typeof b === 'number') return finite(a - b);
  if (Array.isArray(a) && Array.isArray(b)) return a.filter((x) => !b.some((y) => equals(x, y)));
  throw typeError(`${kindOf(a)} and ${kindOf(b)} cannot be subtracted`);
}

function deepMerge(a: Record<string, Json>, b: Record<string, Json>): Record<string, Json> {
  const out = copyObject(a);
  for (const k of Object.keys(b)) {
    const x = out[k];
    const y = b[k];
    setKey(out, k, Object.hasOwn(out, k) && isObject(x) && isObject(y) ? deepMerge(x, y) : y);
  }
  return out;
}

export function multiply(a: Json, b: Json): Json {
  if (typeof a === 'number' && typeof b === 'number') return finite(a * b);
  if ((typeof a === 'string' && typeof b === 'number') || (typeof a === 'number' && typeof b === 'string')) {
    const s = typeof a === 'string' ? a : (b as string);
    const d = typeof a === 'number' ? a : (b as number);
    if (d < 0) return null;
    const n = Math.trunc(d);
    if (n * s.length > 1e7) throw new Unsupported('very long repeated string');
    return s.repeat(n);
  }
  if (isObject(a) && isObject(b)) return deepMerge(a, b);
  throw typeError(`${kindOf(a)} and ${kindOf(b)} cannot be multiplied`);
}

export function divide(a: Json, b: Json): Json {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw typeError('cannot be divided because the divisor is zero');
    return finite(a / b);
  }
  if (typeof a === 'string' && typeof b === 'string') return splitString(a, b);
  throw typeError(`${kindOf(a)} and ${kindOf(b)} cannot be divided`);
}

export function modulo(a: Json, b: Json): Json {
  if (typeof a === 'number' && typeof b === 'number') {
    // jq casts both to intmax_t; within safe integers that is plain truncation.
    if (!Number.isSafeInteger(Math.trunc(a)) || !Number.isSafeInteger(Math.trunc(b))) throw new Unsupported('% outside safe integers');
    const bi = Math.trunc(b);
    if (bi === 0) throw typeError('cannot be divided (remainder) because the divisor is zero');
    const r = Math.trunc(a) % bi;
    return r === 0 ? 0 : r;
  }
  throw typeError(`${kindOf(a)} and ${kindOf(b)} cannot be divided (remainder)`);
}

export function negate(a: Json): Json {
  if (typeof a === 'number') {
    // jq negates a literal 0 to `0` but a computed 0 to `-0`.
    if (a === 0) throw new Unsupported('negated zero');
    return -a;
  }
  throw typeError(`${kindOf(a)} cannot be negated`);
}

/** `split/1` on strings, and string division. */
export function splitString(s: string, sep: string): string[] {
  if (s === '') return [];
  return sep === '' ? codePoints(s) : s.split(sep);
}

/** `.[k]`. */
export function index(t: Json, k: Json): Json {
  if (typeof k === 'string') {
    if (isObject(t)) return field(t, k);
    if (t === null) return null;
    throw typeError(`Cannot index ${kindOf(t)} with "${k}"`);
  }
  if (typeof k === 'number') {
    if (Array.isArray(t)) {
      if (!Number.isInteger(k)) throw new Unsupported('fractional array index');
      const i = k < 0 ? t.length + k : k;
      return i >= 0 && i < t.length ? t[i] : null;
    }
    if (t === null) return null;
    throw typeError(`Cannot index ${kindOf(t)} with number`);
  }
  throw new Unsupported(`index with ${kindOf(k)}`);
}

/** `.[]`: elements of an array, values of an object. Returns true when `emit` asked to stop. */
export function iterate(t: Json, emit: (v: Json) => boolean): boolean {
  if (Array.isArray(t)) {
    for (let i = 0; i < t.length; i++) if (emit(t[i])) return true;
    return false;
  }
  if (isObject(t)) {
    for (const k of Object.keys(t)) if (emit(t[k])) return true;
    return false;
  }
  throw typeError(`Cannot iterate over ${kindOf(t)}`);
}

/** The values `.[]` gives, as an array. */
export function valuesOf(t: Json): Json[] {
  if (Array.isArray(t)) return t;
  if (isObject(t)) return Object.values(t);
  throw typeError(`Cannot iterate over ${kindOf(t)}`);
}

/** `.[from:to]` on arrays, strings (by code point) and null. */
export function slice(t: Json, from: Json, to: Json): Json {
  if (t === null) return null;
  const isString = typeof t === 'string';
  if (!isString && !Array.isArray(t)) throw typeError(`Cannot index ${kindOf(t)} with object`);
  if ((from !== null && typeof from !== 'number') || (to !== null && typeof to !== 'number')) {
    throw typeError('Start and end indices of an array slice must be numbers');
  }
  if ((from !== null && !Number.isInteger(from)) || (to !== null && !Number.isInteger(to))) throw new Unsupported('fractional slice');
  const items = isString ? codePoints(t) : (t as Json[]);
  const len = items.length;
  let start = from === null ? 0 : from;
  let end = to === null ? len : to;
  if (start < 0) start += len;
  if (end < 0) end += len;
  start = Math.min(Math.max(start, 0), len);
  end = Math.min(Math.max(end, start), len);
  const part = items.slice(start, end);
  return isString ? (part as string[]).join('') : part;
}

/** `error(v)` as compiled code raises it. */
export function raise(v: Json): never {
  throw new JqError(v, true);
}
