/**
 * The emulator's search query engine (PORT-API.md §10.2): validates a `{combinator, rules}` query,
 * compiles it once into a predicate, and evaluates that predicate over stored entity records.
 *
 * Compilation does every piece of work that does not depend on the row: operator dispatch, value
 * validation, sets for `in`/`containsAny`, parsed date bounds, preset windows (from `ctx.now()`,
 * read once per compilation). Evaluation is a tree of small closures with no allocation and no JSON
 * serialisation on the common paths.
 *
 * Semantics the spec leaves open, decided here (EMU):
 *
 * - **Missing values.** A property that the entity does not have reads `null`. An unset relation
 *   reads as in the public form (§9.1): `[]` for a `many` relation, `null` for a single one.
 * - **Negations are exact complements.** `!=`, `notIn`, `doesNotContains`, `doesNotBeginsWith`,
 *   `doesNotEndsWith`, `notBetween` and `isNotEmpty` match exactly the entities their positive
 *   operator does not match. So a `null`/missing value matches every negation except `isNotEmpty`
 *   (e.g. `language != "go"` matches an entity with no language; `x notIn ["a"]` matches `x = null`),
 *   and `(P) or (not P)` is always true.
 * - **Arrays.** `=` against an array value is true if the whole array equals the rule value or any
 *   element does. `in` intersects. `contains`/`containsAny` use element equality on arrays and
 *   substring on strings. `beginsWith`/`endsWith` on an array are true if any string element
 *   matches. Order comparisons and ranges only apply to scalar values (an array never matches).
 * - **Types are strict.** `1` never equals `"1"`; string operators never match non-strings;
 *   `>`/`<` with a number only match number values, with a date-time only match date-time strings.
 * - **Date-times.** A rule value that is an ISO 8601 date-time is compared as an instant: `>`,
 *   `between`, and also `=`/`!=` (so `"…T10:00:00Z"` equals a stored `"…T10:00:00.000Z"`). A date
 *   or date-time without an offset is read as UTC. In `{from, to}`, a date-only `to`
 *   (`"2024-01-31"`) means the end of that day. `{from, to}` with two numbers is a numeric range.
 * - **Presets** (UTC, from the emulator clock at compile time): `today`, `tomorrow`, `yesterday` are
 *   whole UTC calendar days; `lastWeek`/`last2Weeks` are the 7/14 days up to now;
 *   `lastMonth`/`last3Months`/`last6Months`/`last12Months` run from the same instant that many
 *   calendar months ago (day clamped to the month's end) up to now. All bounds are inclusive.
 * - **Operator spellings.** Port's API reference spells the negations `doesNotContain`,
 *   `doesNotBeginWith`, `doesNotEndWith`; its docs and §10.2 say `doesNotContains`,
 *   `doesNotBeginsWith`, `doesNotEndsWith`. Both are accepted.
 * - **Unknown `$` meta-properties** (e.g. scorecard fields) cannot be property ids in Port, so they
 *   are rejected as unsupported rather than read as `null`.
 */
import { PortError, invalidRequest } from './errors.ts';
import type { Blueprint, EntityRecord, Json } from './types.ts';

export interface SearchContext {
  now: () => Date;
  blueprint: (id: string) => Blueprint | undefined;
}

export interface CompileOptions {
  /** Name of the query in error messages; `query` by default (`identifier`, `relations.owner`, …). */
  path?: string;
  /**
   * Restrict the operators (canonical spellings), e.g. `=`, `in`, `containsAny`, `contains` for
   * search identifiers and search relations (§9.3, §9.4). Others are rejected as unsupported.
   */
  allowedOperators?: ReadonlySet<string> | readonly string[];
  /** What the restriction is for, in error messages (default "this search"). */
  allowedOperatorsContext?: string;
}

export type EntityPredicate = (entity: EntityRecord) => boolean;

/** Meta-properties (§10.2) and where the record keeps them. */
export const META_PROPERTIES = [
  '$identifier',
  '$title',
  '$icon',
  '$blueprint',
  '$team',
  '$createdAt',
  '$updatedAt',
  '$createdBy',
  '$updatedBy',
  '$datasource',
] as const;
export type MetaProperty = (typeof META_PROPERTIES)[number];

const META_GETTERS: Record<MetaProperty, (e: EntityRecord) => Json> = {
  $identifier: (e) => e.identifier,
  $title: (e) => e.title ?? null,
  $icon: (e) => e.icon ?? null,
  $blueprint: (e) => e.blueprint,
  $team: (e) => e.team ?? [],
  $createdAt: (e) => e.createdAt,
  $updatedAt: (e) => e.updatedAt,
  $createdBy: (e) => e.createdBy ?? null,
  $updatedBy: (e) => e.updatedBy ?? null,
  $datasource: (e) => e.datasource ?? null,
};

export const isMetaProperty = (property: string): property is MetaProperty =>
  Object.hasOwn(META_GETTERS, property);

/** The value of a meta-property (`$identifier`, …) on a record; `undefined` if `property` is not one. */
export function metaValue(entity: EntityRecord, property: string): Json | undefined {
  return isMetaProperty(property) ? META_GETTERS[property](entity) : undefined;
}

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

/** Operators the emulator implements, by canonical name. */
const OPERATORS = [
  '=',
  '!=',
  'in',
  'notIn',
  'contains',
  'doesNotContains',
  'containsAny',
  'beginsWith',
  'endsWith',
  'doesNotBeginsWith',
  'doesNotEndsWith',
  '>',
  '>=',
  '<',
  '<=',
  'between',
  'notBetween',
  'isEmpty',
  'isNotEmpty',
] as const;
type Operator = (typeof OPERATORS)[number];

const OPERATOR_ALIASES: Record<string, Operator> = {
  doesNotContain: 'doesNotContains',
  doesNotBeginWith: 'doesNotBeginsWith',
  doesNotEndWith: 'doesNotEndsWith',
};

/** Port operators the emulator knows of but does not implement (§10.2). */
const KNOWN_UNSUPPORTED = new Set(['relatedTo', 'matchAny', 'isExpired', 'propertySchema']);

const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

const MAX_DEPTH = 64;
const DAY_MS = 86_400_000;

export const unsupportedOperator = (message: string) => new PortError(422, 'unsupported_operator', message);

// ---------------------------------------------------------------------------------------------
// Date-times

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

const isDateOnly = (s: string) => s.length === 10 && ISO_RE.test(s);

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

// ---------------------------------------------------------------------------------------------
// Value helpers

type Scalar = string | number | boolean | null;
type ValueTest = (v: Json | undefined) => boolean;

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

const isScalar = (x: unknown): x is Scalar =>
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

const describe = (x: unknown): string => {
  if (x === undefined) return 'missing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
};

// ---------------------------------------------------------------------------------------------
// Property resolution

type Getter = (e: EntityRecord) => Json | undefined;

/**
 * A getter for a non-meta property: the entity's property of that id; else its relation of that id
 * (normalised like the public form: unset `many` → `[]`, a bare string on `many` → `[string]`);
 * else `null`.
 */
function propertyGetter(id: string, ctx: SearchContext): Getter {
  // blueprint id -> whether relation `id` is `many` (undefined: not a relation of that blueprint)
  const relationKind = new Map<string, boolean | undefined>();
  const isMany = (bpId: string): boolean | undefined => {
    if (relationKind.has(bpId)) return relationKind.get(bpId);
    const relations = ctx.blueprint(bpId)?.relations;
    const kind = relations !== undefined && Object.hasOwn(relations, id) ? relations[id]!.many === true : undefined;
    relationKind.set(bpId, kind);
    return kind;
  };
  return (e) => {
    const props = e.properties;
    if (props !== undefined && Object.hasOwn(props, id)) {
      const v = props[id];
      return v === undefined ? null : v;
    }
    const rels = e.relations;
    const r = rels !== undefined && Object.hasOwn(rels, id) ? rels[id] : undefined;
    if (Array.isArray(r)) return r;
    if (r === undefined || r === null) return isMany(e.blueprint) === true ? [] : null;
    // a string: wrap it if the blueprint says the relation is `many`
    return isMany(e.blueprint) === true ? [r] : r;
  };
}

// ---------------------------------------------------------------------------------------------
// Compilation

interface Compiler {
  ctx: SearchContext;
  allowed: ReadonlySet<string> | undefined;
  allowedContext: string;
  now: Date | undefined;
}

/**
 * Validates `query` and compiles it into a predicate over entity records.
 *
 * Throws 422 `invalid_request` for a malformed query (the message names the path, e.g.
 * `query.rules[2].operator`) and 422 `unsupported_operator` for operators, rule kinds and values
 * the emulator does not implement (`relatedTo`, `matchAny`, `isExpired`, property-schema rules,
 * `{context}` values, unknown operators).
 */
export function compileQuery(query: unknown, ctx: SearchContext, options: CompileOptions = {}): EntityPredicate {
  const allowed =
    options.allowedOperators === undefined
      ? undefined
      : options.allowedOperators instanceof Set
        ? (options.allowedOperators as ReadonlySet<string>)
        : new Set(options.allowedOperators as readonly string[]);
  const c: Compiler = {
    ctx,
    allowed,
    allowedContext: options.allowedOperatorsContext ?? 'this search',
    now: undefined,
  };
  return compileGroup(query, options.path ?? 'query', c, 0);
}

/** Validates a query without keeping the predicate (same errors as `compileQuery`). */
export function validateQuery(query: unknown, ctx: SearchContext, options: CompileOptions = {}): void {
  compileQuery(query, ctx, options);
}

const TRUE: EntityPredicate = () => true;
const FALSE: EntityPredicate = () => false;

function compileGroup(q: unknown, path: string, c: Compiler, depth: number): EntityPredicate {
  if (!isPlainObject(q)) throw invalidRequest(`${path} must be an object {combinator, rules}, got ${describe(q)}`);
  if (depth > MAX_DEPTH) throw invalidRequest(`${path}: queries nest at most ${MAX_DEPTH} levels deep`);
  const combinator = q.combinator;
  if (combinator !== 'and' && combinator !== 'or') {
    throw invalidRequest(
      `${path}.combinator must be "and" or "or", got ${typeof combinator === 'string' ? JSON.stringify(combinator) : describe(combinator)}`,
    );
  }
  const rules = q.rules;
  if (!Array.isArray(rules)) throw invalidRequest(`${path}.rules must be an array, got ${describe(rules)}`);
  const preds = rules.map((r, i) => compileRuleOrGroup(r, `${path}.rules[${i}]`, c, depth + 1));
  if (preds.length === 0) return combinator === 'and' ? TRUE : FALSE;
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [EntityPredicate, EntityPredicate];
    return combinator === 'and' ? (e) => a(e) && b(e) : (e) => a(e) || b(e);
  }
  const n = preds.length;
  if (combinator === 'and') {
    return (e) => {
      for (let i = 0; i < n; i++) if (!preds[i]!(e)) return false;
      return true;
    };
  }
  return (e) => {
    for (let i = 0; i < n; i++) if (preds[i]!(e)) return true;
    return false;
  };
}

function compileRuleOrGroup(r: unknown, path: string, c: Compiler, depth: number): EntityPredicate {
  if (!isPlainObject(r)) {
    throw invalidRequest(
      `${path} must be a rule {property, operator, value} or a query {combinator, rules}, got ${describe(r)}`,
    );
  }
  const isRule = 'property' in r || 'operator' in r || 'propertySchema' in r;
  if (!isRule && ('combinator' in r || 'rules' in r)) return compileGroup(r, path, c, depth);
  if (!isRule) {
    throw invalidRequest(`${path} must be a rule {property, operator, value} or a query {combinator, rules}`);
  }
  return compileRule(r, path, c);
}

function compileRule(r: Record<string, unknown>, path: string, c: Compiler): EntityPredicate {
  const rawOp = r.operator;
  if (typeof rawOp !== 'string' || rawOp === '') {
    if ('propertySchema' in r) throw unsupportedOperator(`${path}: property-schema rules are not supported by the emulator`);
    throw invalidRequest(`${path}.operator must be a non-empty string, got ${describe(rawOp)}`);
  }
  if (KNOWN_UNSUPPORTED.has(rawOp)) {
    throw unsupportedOperator(`Operator "${rawOp}" at ${path}.operator is not supported by the emulator`);
  }
  const op = (OPERATOR_SET.has(rawOp) ? rawOp : OPERATOR_ALIASES[rawOp]) as Operator | undefined;
  if (op === undefined) throw unsupportedOperator(`Unknown operator "${rawOp}" at ${path}.operator`);
  if ('propertySchema' in r) {
    throw unsupportedOperator(`${path}: property-schema rules are not supported by the emulator`);
  }
  if (c.allowed !== undefined && !c.allowed.has(op)) {
    throw unsupportedOperator(
      `Operator "${rawOp}" at ${path}.operator is not allowed in ${c.allowedContext}; allowed: ${[...c.allowed].join(', ')}`,
    );
  }

  const property = r.property;
  if (typeof property !== 'string' || property === '') {
    throw invalidRequest(`${path}.property must be a non-empty string, got ${describe(property)}`);
  }
  let get: Getter;
  if (property.startsWith('$')) {
    if (!isMetaProperty(property)) {
      throw unsupportedOperator(
        `Meta-property "${property}" at ${path}.property is not supported by the emulator (supported: ${META_PROPERTIES.join(', ')})`,
      );
    }
    get = META_GETTERS[property];
  } else {
    get = propertyGetter(property, c.ctx);
  }

  const value = r.value;
  const vpath = `${path}.value`;
  if (
    (isPlainObject(value) && 'context' in value) ||
    (Array.isArray(value) && value.some((el) => isPlainObject(el) && 'context' in el))
  ) {
    throw unsupportedOperator(`${vpath}: {context} values (operator "${rawOp}") are not supported by the emulator`);
  }

  const test = compileTest(op, value, 'value' in r, vpath, c);
  return (e) => test(get(e));
}

const NEGATION: Partial<Record<Operator, Operator>> = {
  '!=': '=',
  notIn: 'in',
  doesNotContains: 'contains',
  doesNotBeginsWith: 'beginsWith',
  doesNotEndsWith: 'endsWith',
  notBetween: 'between',
  isNotEmpty: 'isEmpty',
};

function compileTest(op: Operator, value: unknown, hasValue: boolean, vpath: string, c: Compiler): ValueTest {
  const positive = NEGATION[op];
  if (positive !== undefined) {
    const t = compileTest(positive, value, hasValue, vpath, c);
    return (v) => !t(v);
  }
  switch (op) {
    case '=':
      if (!hasValue) throw invalidRequest(`${vpath} is required for operator "="`);
      return equalsTest(value, vpath, c);
    case 'in':
      return inTest(scalarArray(value, vpath, 'in'));
    case 'containsAny':
      return containsTest(scalarArray(value, vpath, 'containsAny'));
    case 'contains':
      if (Array.isArray(value)) return containsTest(scalarArray(value, vpath, 'contains'));
      if (!isScalar(value) || value === null) {
        throw invalidRequest(`${vpath} must be a string, number, boolean or an array of them for operator "contains", got ${describe(value)}`);
      }
      return containsTest([value]);
    case 'beginsWith':
    case 'endsWith': {
      if (typeof value !== 'string') throw invalidRequest(`${vpath} must be a string for operator "${op}", got ${describe(value)}`);
      const s = value;
      const m = op === 'beginsWith' ? (v: string) => v.startsWith(s) : (v: string) => v.endsWith(s);
      return (v) => {
        if (typeof v === 'string') return m(v);
        if (Array.isArray(v)) {
          for (const el of v) if (typeof el === 'string' && m(el)) return true;
        }
        return false;
      };
    }
    case '>':
    case '>=':
    case '<':
    case '<=':
      return orderTest(op, value, vpath);
    case 'between':
      return rangeTest(value, vpath, c);
    case 'isEmpty':
      return isEmptyValue;
    default:
      throw new Error(`unreachable operator ${op}`);
  }
}

function isRangeObject(x: unknown): x is Record<string, unknown> {
  return isPlainObject(x) && ('preset' in x || 'from' in x || 'to' in x);
}

function equalsTest(value: unknown, vpath: string, c: Compiler): ValueTest {
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

function scalarArray(value: unknown, vpath: string, op: string): Scalar[] {
  if (!Array.isArray(value)) throw invalidRequest(`${vpath} must be an array for operator "${op}", got ${describe(value)}`);
  value.forEach((el, i) => {
    if (!isScalar(el)) {
      throw invalidRequest(`${vpath}[${i}] must be a string, number, boolean or null for operator "${op}", got ${describe(el)}`);
    }
  });
  return value as Scalar[];
}

function inTest(values: Scalar[]): ValueTest {
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
function containsTest(values: Scalar[]): ValueTest {
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

function orderTest(op: '>' | '>=' | '<' | '<=', value: unknown, vpath: string): ValueTest {
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

function rangeTest(value: unknown, vpath: string, c: Compiler): ValueTest {
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

function instantRange(lo: number, hi: number): ValueTest {
  return (v) => {
    if (typeof v !== 'string') return false;
    const t = parseInstant(v);
    return t >= lo && t <= hi; // NaN fails both
  };
}

// ---------------------------------------------------------------------------------------------
// Key restrictions of a query (for narrowing the scan before evaluating the predicate)

/**
 * The values a query restricts `property` to through `=` (a string) or `in` rules that are ANDed at
 * the top level (descending into nested `and` groups, and into single-rule groups of either
 * combinator). Several such rules intersect. `null` means "not restricted". The order is that of
 * the first restricting rule; duplicates are removed. Meant for narrowing a scan: the compiled
 * predicate must still be evaluated on what the narrowed scan returns.
 */
export function queryRestriction(query: unknown, property: string): string[] | null {
  let result: string[] | null = null;
  const visit = (q: unknown) => {
    if (!isPlainObject(q) || !Array.isArray(q.rules)) return;
    const conjunctive = q.combinator === 'and' || q.rules.length === 1;
    if (!conjunctive) return;
    for (const r of q.rules) {
      if (!isPlainObject(r)) continue;
      if (!('property' in r) && !('operator' in r) && ('combinator' in r || 'rules' in r)) {
        visit(r);
        continue;
      }
      if (r.property !== property) continue;
      let ids: string[] | null = null;
      if (r.operator === '=' && typeof r.value === 'string') ids = [r.value];
      else if (r.operator === 'in' && Array.isArray(r.value)) ids = r.value.filter((x): x is string => typeof x === 'string');
      if (ids === null) continue;
      const unique = [...new Set(ids)];
      if (result === null) result = unique;
      else {
        const keep = new Set(unique);
        result = result.filter((b) => keep.has(b));
      }
    }
  };
  visit(query);
  return result;
}

/**
 * The blueprints a query is restricted to by top-level ANDed `$blueprint` `=`/`in` rules (see
 * `queryRestriction`); `null` = all blueprints. Used for `matchingBlueprints` in the cross-blueprint
 * search response (§10.1); the caller intersects it with the blueprints that exist.
 */
export function queryBlueprints(query: unknown): string[] | null {
  return queryRestriction(query, '$blueprint');
}

/** The identifiers a query is restricted to by top-level ANDed `$identifier` `=`/`in` rules; `null` = any. */
export function queryIdentifiers(query: unknown): string[] | null {
  return queryRestriction(query, '$identifier');
}
