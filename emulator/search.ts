/**
 * The emulator's search query engine (docs/port-api.md §10.2): validates a `{combinator, rules}` query,
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
import {
  containsTest,
  describe,
  equalsTest,
  inTest,
  isEmptyValue,
  isPlainObject,
  isScalar,
  orderTest,
  rangeTest,
  scalarArray,
  type Compiler,
  type ValueTest,
} from './search-values.ts';
import type { Blueprint, EntityRecord, Json } from './types.ts';

export { isEmptyValue, jsonEqual } from './search-values.ts';

export { DATE_PRESETS, parseInstant, presetRange, type DatePreset } from './search-dates.ts';
export { queryBlueprints, queryIdentifiers, queryRestriction } from './search-restrictions.ts';

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

export const unsupportedOperator = (message: string) => new PortError(422, 'unsupported_operator', message);

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
