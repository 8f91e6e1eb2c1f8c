/**
 * Value tests of the search engine: what each operator checks on one property value, built once
 * per rule at compile time (docs/port-api.md §10.2; the semantics decided here are listed in search.ts).
 */
import { invalidRequest } from './errors.ts';
import { DATE_PRESETS, DAY_MS, isDateOnly, parseInstant, presetRange, type DatePreset } from './search-dates.ts';
import type { SearchContext } from './search.ts';
import type { Json } from './types.ts';


export type Scalar = string | number | boolean | null;
export type ValueTest = (v: Json | undefined) => boolean;

export const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

export const isScalar = (x: unknown): x is Scalar =>
  x === null || typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));

/** Deep JSON equality (objects compared by keys, regardless of key order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  for (const k of keys) if (!Object.hasOwn(bo, k) || !jsonEqual(ao[k], bo[k])) return false;
  return true;
}

/** `null`, missing, `""`, `[]` and `{}` are empty (§10.2). */
export function isEmptyValue(v: Json | undefined): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (Object.hasOwn(v, k)) return false;
  return true;
}

export const describe = (x: unknown): string => {
  if (x === undefined) return 'missing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
};

export interface Compiler {
  ctx: SearchContext;
  allowed: ReadonlySet<string> | undefined;
  allowedContext: string;
  now: Date | undefined;
}

export function isRangeObject(x: unknown): x is Record<string, unknown> {
  return isPlainObject(x) && ('preset' in x || 'from' in x || 'to' in x);
}

export function equalsTest(value: unknown, vpath: string, c: Compiler): ValueTest {
  if (isRangeObject(value)) return rangeTest(value, vpath, c);
  if (isScalar(value)) {
    const x = value;
    const instant = typeof x === 'string' ? parseInstant(x) : Number.NaN;
    if (!Number.isNaN(instant) && !isDateOnly(x as string)) {
      // A date-time: equal as a string, or as the same instant.
      const same = (el: Json | undefined) => el === x || (typeof el === 'string' && parseInstant(el) === instant);
      return (v) => {
        if (same(v)) return true;
        if (Array.isArray(v)) for (const el of v) if (same(el)) return true;
        return false;
      };
    }
    if (x === null) {
      return (v) => v === null || v === undefined || (Array.isArray(v) && v.includes(null));
    }
    return (v) => v === x || (Array.isArray(v) && v.includes(x));
  }
  if (Array.isArray(value)) {
    const x = value;
    return (v) => {
      if (!Array.isArray(v)) return false;
      if (jsonEqual(v, x)) return true;
      for (const el of v) if (jsonEqual(el, x)) return true;
      return false;
    };
  }
  throw invalidRequest(
    `${vpath} must be a string, number, boolean, null, an array, or a date range {from, to} / {preset} for operator "=", got ${describe(value)}`,
  );
}

export function scalarArray(value: unknown, vpath: string, op: string): Scalar[] {
  if (!Array.isArray(value)) throw invalidRequest(`${vpath} must be an array for operator "${op}", got ${describe(value)}`);
  value.forEach((el, i) => {
    if (!isScalar(el)) {
      throw invalidRequest(`${vpath}[${i}] must be a string, number, boolean or null for operator "${op}", got ${describe(el)}`);
    }
  });
  return value as Scalar[];
}

export function inTest(values: Scalar[]): ValueTest {
  if (values.length === 0) return () => false;
  const set = new Set<unknown>(values);
  const hasNull = set.has(null);
  return (v) => {
    if (v === undefined || v === null) return hasNull;
    if (Array.isArray(v)) {
      for (const el of v) if (set.has(el)) return true;
      return false;
    }
    return set.has(v);
  };
}

/** Substring of a string value (string needles only), or element equality on an array value. */
export function containsTest(values: Scalar[]): ValueTest {
  if (values.length === 0) return () => false;
  const set = new Set<unknown>(values);
  const needles = values.filter((x): x is string => typeof x === 'string');
  const inArray = (v: Json[]) => {
    for (const el of v) if (set.has(el)) return true;
    return false;
  };
  if (needles.length === 1) {
    const s = needles[0]!;
    return (v) => (typeof v === 'string' ? v.includes(s) : Array.isArray(v) ? inArray(v) : false);
  }
  return (v) => {
    if (typeof v === 'string') {
      for (const s of needles) if (v.includes(s)) return true;
      return false;
    }
    return Array.isArray(v) ? inArray(v) : false;
  };
}

export function orderTest(op: '>' | '>=' | '<' | '<=', value: unknown, vpath: string): ValueTest {
  const cmp =
    op === '>'
      ? (a: number, b: number) => a > b
      : op === '>='
        ? (a: number, b: number) => a >= b
        : op === '<'
          ? (a: number, b: number) => a < b
          : (a: number, b: number) => a <= b;
  if (typeof value === 'number' && Number.isFinite(value)) {
    const x = value;
    return (v) => typeof v === 'number' && cmp(v, x);
  }
  if (typeof value === 'string') {
    const x = parseInstant(value);
    if (Number.isNaN(x)) {
      throw invalidRequest(`${vpath} must be a number or an ISO 8601 date-time for operator "${op}", got ${JSON.stringify(value)}`);
    }
    return (v) => {
      if (typeof v !== 'string') return false;
      const t = parseInstant(v);
      return !Number.isNaN(t) && cmp(t, x);
    };
  }
  throw invalidRequest(`${vpath} must be a number or an ISO 8601 date-time for operator "${op}", got ${describe(value)}`);
}

export function rangeTest(value: unknown, vpath: string, c: Compiler): ValueTest {
  if (!isPlainObject(value)) {
    throw invalidRequest(`${vpath} must be a date range {from, to} or {preset}, got ${describe(value)}`);
  }
  if ('preset' in value) {
    const preset = value.preset;
    if (typeof preset !== 'string' || !(DATE_PRESETS as readonly string[]).includes(preset)) {
      throw invalidRequest(
        `${vpath}.preset must be one of ${DATE_PRESETS.join(', ')}, got ${typeof preset === 'string' ? JSON.stringify(preset) : describe(preset)}`,
      );
    }
    c.now ??= c.ctx.now();
    const { from, to } = presetRange(preset as DatePreset, c.now);
    return instantRange(from, to);
  }
  const from = value.from;
  const to = value.to;
  if (typeof from === 'number' && typeof to === 'number' && Number.isFinite(from) && Number.isFinite(to)) {
    return (v) => typeof v === 'number' && v >= from && v <= to;
  }
  const lo = typeof from === 'string' ? parseInstant(from) : Number.NaN;
  if (Number.isNaN(lo)) {
    throw invalidRequest(`${vpath}.from must be an ISO 8601 date-time, got ${typeof from === 'string' ? JSON.stringify(from) : describe(from)}`);
  }
  let hi = typeof to === 'string' ? parseInstant(to) : Number.NaN;
  if (Number.isNaN(hi)) {
    throw invalidRequest(`${vpath}.to must be an ISO 8601 date-time, got ${typeof to === 'string' ? JSON.stringify(to) : describe(to)}`);
  }
  if (isDateOnly(to as string)) hi += DAY_MS - 1;
  return instantRange(lo, hi);
}

export function instantRange(lo: number, hi: number): ValueTest {
  return (v) => {
    if (typeof v !== 'string') return false;
    const t = parseInstant(v);
    return t >= lo && t <= hi; // NaN fails both
  };
}
