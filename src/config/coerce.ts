/**
 * Value kinds: how a raw value from any source (env strings, YAML scalars, programmatic values) becomes a typed
 * setting, and how the expectation is worded in errors. Env values are always strings, so every kind accepts
 * the string spelling of its type (docs/behaviour.md §2.2, §2.5).
 */

/** The outcome of coercing one raw value. */
export type Coerced<T> = { ok: true; value: T } | { ok: false };

/** A target type: its coercion and the phrase used after "expected". */
export interface ValueKind<T> {
  expected: string;
  coerce(raw: unknown): Coerced<T>;
}

/** The integration-setting types a spec may declare. */
export const SPEC_TYPES = ['string', 'url', 'integer', 'number', 'boolean', 'object', 'array'] as const;
export type SpecType = (typeof SPEC_TYPES)[number];

const ok = <T>(value: T): Coerced<T> => ({ ok: true, value });
const fail: Coerced<never> = { ok: false };

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
// Decimal only: hex, octal, binary and Infinity spellings that Number() would accept are refused.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DIGITS = /^[+-]?\d+$/;

/** A string (numbers are accepted and stringified, as Ocean's pydantic does). */
export const stringKind: ValueKind<string> = {
  expected: 'a string',
  coerce: (raw) => (typeof raw === 'string' ? ok(raw) : typeof raw === 'number' && Number.isFinite(raw) ? ok(String(raw)) : fail),
};

/** A non-empty string. */
export const nonEmptyStringKind: ValueKind<string> = {
  expected: 'a non-empty string',
  coerce: (raw) => {
    const r = stringKind.coerce(raw);
    return r.ok && r.value.trim() !== '' ? r : fail;
  },
};

/** An absolute URL with a host; one trailing `/` is removed. */
export const urlKind: ValueKind<string> = {
  expected: 'an absolute URL such as https://example.com',
  coerce: (raw) => {
    if (typeof raw !== 'string') return fail;
    const text = raw.trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return fail;
    }
    if (url.host === '') return fail;
    return ok(text.endsWith('/') ? text.slice(0, -1) : text);
  },
};

/** A boolean, or true/false, 1/0, yes/no, on/off in any case. */
export const booleanKind: ValueKind<boolean> = {
  expected: 'a boolean (true/false, 1/0, yes/no or on/off)',
  coerce: (raw) => {
    if (typeof raw === 'boolean') return ok(raw);
    if (raw === 1 || raw === 0) return ok(raw === 1);
    if (typeof raw !== 'string') return fail;
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
    return fail;
  },
};

/** A finite number or a decimal numeric string, optionally bounded. */
export function numberKind(opts: { min?: number; exclusiveMin?: number } = {}): ValueKind<number> {
  const expected =
    opts.exclusiveMin === 0 ? 'a positive number' : opts.min !== undefined ? `a number of at least ${opts.min}` : 'a number';
  return {
    expected,
    coerce: (raw) => {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(n)) return fail;
      if (opts.min !== undefined && n < opts.min) return fail;
      if (opts.exclusiveMin !== undefined && n <= opts.exclusiveMin) return fail;
      return ok(n);
    },
  };
}

/** A safe integer or a string of digits, optionally bounded. */
export function integerKind(opts: { min?: number; max?: number } = {}): ValueKind<number> {
  const { min, max } = opts;
  const expected =
    min !== undefined && max !== undefined
      ? `an integer from ${min} to ${max}`
      : min === 1
        ? 'a positive integer'
        : min !== undefined
          ? `an integer of at least ${min}`
          : 'an integer';
  return {
    expected,
    coerce: (raw) => {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && DIGITS.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isSafeInteger(n)) return fail;
      if ((min !== undefined && n < min) || (max !== undefined && n > max)) return fail;
      return ok(n);
    },
  };
}

/** One of a fixed set of words, matched in any case and returned in the set's spelling. */
export function enumKind<const T extends string>(values: readonly T[]): ValueKind<T> {
  return {
    expected: `one of ${values.join(', ')}`,
    coerce: (raw) => {
      if (typeof raw !== 'string') return fail;
      const hit = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
      return hit === undefined ? fail : ok(hit);
    },
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** An object, or a JSON string of one. */
export const objectKind: ValueKind<Record<string, unknown>> = {
  expected: 'an object or a JSON object string',
  coerce: (raw) => {
    const v = typeof raw === 'string' ? parseJson(raw) : raw;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? ok(v as Record<string, unknown>) : fail;
  },
};

/** An array, or a JSON string of one. */
export const arrayKind: ValueKind<unknown[]> = {
  expected: 'an array or a JSON array string',
  coerce: (raw) => {
    const v = typeof raw === 'string' ? parseJson(raw) : raw;
    return Array.isArray(v) ? ok(v) : fail;
  },
};

/** Kafka brokers: a comma-separated list, an array, or a JSON array string; always returned comma-joined. */
export const brokersKind: ValueKind<string> = {
  expected: 'a comma-separated list of host:port brokers or a JSON array of them',
  coerce: (raw) => {
    let list: unknown = raw;
    if (typeof raw === 'string' && raw.trim().startsWith('[')) list = parseJson(raw.trim());
    if (Array.isArray(list)) {
      return list.length > 0 && list.every((b) => typeof b === 'string' && b.trim() !== '')
        ? ok(list.map((b: string) => b.trim()).join(','))
        : fail;
    }
    if (typeof list !== 'string') return fail;
    const parts = list.split(',').map((b) => b.trim());
    return parts.every((b) => b !== '') ? ok(parts.join(',')) : fail;
  },
};

/** The integration type: Port's `installationAppType`, part of the User-Agent, so no `/`. */
export const integrationTypeKind: ValueKind<string> = {
  expected: "a non-empty string without '/'",
  coerce: (raw) => (typeof raw === 'string' && raw.trim() !== '' && !raw.includes('/') ? ok(raw.trim()) : fail),
};

/** The kind for a spec `configurations[].type`. */
export function specKind(type: SpecType): ValueKind<unknown> {
  switch (type) {
    case 'string':
      return stringKind;
    case 'url':
      return urlKind;
    case 'integer':
      return integerKind();
    case 'number':
      return numberKind();
    case 'boolean':
      return booleanKind;
    case 'object':
      return objectKind;
    case 'array':
      return arrayKind;
  }
}

/** Describes a bad value for an error message; sensitive values never appear. */
export function describeValue(raw: unknown, sensitive: boolean): string {
  if (sensitive) return '"[REDACTED]"';
  if (typeof raw === 'string') return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw);
  if (typeof raw === 'number' || typeof raw === 'boolean' || raw === null) return String(raw);
  return describeType(raw);
}

/** `a string`, `an array`, `an object`… for messages that must not show the value. */
export function describeType(raw: unknown): string {
  if (Array.isArray(raw)) return 'an array';
  if (raw === null) return 'null';
  const t = typeof raw;
  return t === 'object' || t === 'undefined' ? `an ${t}` : `a ${t}`;
}
