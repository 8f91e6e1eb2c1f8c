import { describe, expect, it } from 'vitest';
import { compileQuery, parseInstant, queryBlueprints, queryIdentifiers } from './search.ts';
import { compileError, ctx, ent, errorOf, q, rule } from './search.test-support.ts';

describe('validation errors name the path', () => {
  const invalid = (query: unknown, pathFragment: string) => {
    const err = compileError(query);
    expect(err.status).toBe(422);
    expect(err.code).toBe('invalid_request');
    expect(err.message).toContain(pathFragment);
    return err;
  };

  it('query shape', () => {
    invalid(null, 'query must be an object');
    invalid([], 'query must be an object');
    invalid('and', 'query must be an object');
    invalid({ rules: [] }, 'query.combinator');
    invalid({ combinator: 'AND', rules: [] }, 'query.combinator');
    invalid({ combinator: 'xor', rules: [] }, 'query.combinator');
    invalid({ combinator: 'and' }, 'query.rules must be an array');
    invalid({ combinator: 'and', rules: {} }, 'query.rules must be an array');
  });

  it('rule shape', () => {
    invalid(q('x'), 'query.rules[0]');
    invalid(q(null), 'query.rules[0]');
    invalid(q([]), 'query.rules[0]');
    invalid(q({}), 'query.rules[0]');
    invalid(q(rule('a', '=', 1), rule('a', '=', 1), { property: 'a', value: 1 }), 'query.rules[2].operator');
    invalid(q({ property: 'a', operator: 7, value: 1 }), 'query.rules[0].operator');
    invalid(q({ property: 'a', operator: '', value: 1 }), 'query.rules[0].operator');
    invalid(q({ operator: '=', value: 1 }), 'query.rules[0].property');
    invalid(q({ property: '', operator: '=', value: 1 }), 'query.rules[0].property');
    invalid(q({ property: 3, operator: '=', value: 1 }), 'query.rules[0].property');
  });

  it('nested paths', () => {
    invalid(q(rule('a', '=', 1), { combinator: 'or', rules: [rule('a', '=', 1), { combinator: 'nand', rules: [] }] }), 'query.rules[1].rules[1].combinator');
    invalid(q({ combinator: 'or', rules: [rule('a', 'in', 'x')] }), 'query.rules[0].rules[0].value');
    invalid(q({ combinator: 'or' }), 'query.rules[0].rules');
  });

  it('values per operator', () => {
    invalid(q({ property: 'a', operator: '=' }), 'query.rules[0].value is required');
    invalid(q(rule('a', '=', { x: 1 })), 'query.rules[0].value');
    invalid(q(rule('a', 'in', 'x')), 'query.rules[0].value must be an array');
    invalid(q(rule('a', 'notIn', null)), 'query.rules[0].value must be an array');
    invalid(q(rule('a', 'in', ['x', { y: 1 }])), 'query.rules[0].value[1]');
    invalid(q(rule('a', 'containsAny', 'x')), 'query.rules[0].value must be an array');
    invalid(q(rule('a', 'containsAny', [['x']])), 'query.rules[0].value[0]');
    invalid(q(rule('a', 'contains', null)), 'query.rules[0].value');
    invalid(q({ property: 'a', operator: 'contains' }), 'query.rules[0].value');
    invalid(q(rule('a', 'contains', { x: 1 })), 'query.rules[0].value');
    invalid(q(rule('a', 'beginsWith', 1)), 'query.rules[0].value must be a string');
    invalid(q(rule('a', 'doesNotEndsWith', ['a'])), 'query.rules[0].value must be a string');
    invalid(q(rule('a', '>', 'yesterday')), 'query.rules[0].value must be a number or an ISO 8601 date-time');
    invalid(q(rule('a', '<=', null)), 'query.rules[0].value must be a number or an ISO 8601 date-time');
    invalid(q(rule('a', '>', '2024-02-30T00:00:00Z')), 'query.rules[0].value');
    invalid(q(rule('a', 'between', '2024-01-01')), 'query.rules[0].value must be a date range');
    invalid(q(rule('a', 'between', { preset: 'nextWeek' })), 'query.rules[0].value.preset');
    invalid(q(rule('a', 'notBetween', { from: '2024-01-01' })), 'query.rules[0].value.to');
    invalid(q(rule('a', 'between', { from: 'x', to: '2024-01-01' })), 'query.rules[0].value.from');
    invalid(q(rule('a', '=', { preset: 'someday' })), 'query.rules[0].value.preset');
  });

  it('rejects absurd nesting', () => {
    let query: unknown = { combinator: 'and', rules: [] };
    for (let i = 0; i < 100; i++) query = { combinator: 'and', rules: [query] };
    invalid(query, 'nest at most');
  });
});

describe('unsupported operators', () => {
  const unsupported = (query: unknown, ...fragments: string[]) => {
    const err = compileError(query);
    expect(err.status).toBe(422);
    expect(err.code).toBe('unsupported_operator');
    for (const f of fragments) expect(err.message).toContain(f);
    expect(err.toBody()).toEqual({ ok: false, error: 'unsupported_operator', message: err.message });
  };

  it('known but unimplemented operators', () => {
    unsupported(q({ operator: 'relatedTo', blueprint: 'team', value: 'x', direction: 'upstream' }), '"relatedTo"', 'query.rules[0].operator');
    unsupported(q(rule('a', '=', 1), rule('a', 'matchAny', [1])), '"matchAny"', 'query.rules[1].operator');
    unsupported(q({ combinator: 'or', rules: [rule('a', 'isExpired')] }), '"isExpired"', 'query.rules[0].rules[0].operator');
  });

  it('unknown operators', () => {
    unsupported(q(rule('a', 'like', 'x%')), '"like"', 'query.rules[0].operator');
    unsupported(q(rule('a', '==', 'x')), '"=="', 'query.rules[0].operator');
  });

  it('property-schema rules, {context} values and unknown meta-properties', () => {
    unsupported(q({ propertySchema: { type: 'string' }, operator: '=', value: 'x' }), 'query.rules[0]', 'property-schema');
    unsupported(q({ propertySchema: { type: 'string' } }), 'query.rules[0]', 'property-schema');
    unsupported(q(rule('$team', 'containsAny', { context: 'user', property: '$team' })), 'query.rules[0].value', '{context}');
    unsupported(q(rule('$team', 'in', ['a', { context: 'user', property: '$team' }])), 'query.rules[0].value', '{context}');
    unsupported(q(rule('$scorecard', '=', 'Gold')), '"$scorecard"', 'query.rules[0].property');
  });

  it('allowedOperators restricts a search identifier or relation', () => {
    const opts = { path: 'identifier', allowedOperators: ['=', 'in', 'containsAny', 'contains'], allowedOperatorsContext: 'a search identifier' };
    expect(compileQuery(q(rule('language', '=', 'go'), rule('$team', 'containsAny', ['a'])), ctx, opts)(ent({ properties: { language: 'go' }, team: ['a'] }))).toBe(true);
    const err = errorOf(() => compileQuery(q(rule('language', 'beginsWith', 'g')), ctx, opts));
    expect(err.code).toBe('unsupported_operator');
    expect(err.message).toContain('identifier.rules[0].operator');
    expect(err.message).toContain('a search identifier');
    const bad = errorOf(() => compileQuery({ combinator: 'and' }, ctx, opts));
    expect(bad.message).toContain('identifier.rules');
  });
});

describe('queryBlueprints and queryIdentifiers', () => {
  it('null when unrestricted', () => {
    expect(queryBlueprints(q())).toBeNull();
    expect(queryBlueprints(q(rule('$identifier', '=', 'a')))).toBeNull();
    expect(queryBlueprints({ combinator: 'or', rules: [rule('$blueprint', '=', 'a'), rule('$identifier', '=', 'b')] })).toBeNull();
    expect(queryBlueprints(q(rule('$blueprint', '!=', 'a')))).toBeNull();
    expect(queryBlueprints(q(rule('$blueprint', 'contains', 'a')))).toBeNull();
    expect(queryBlueprints(null)).toBeNull();
  });

  it('collects = and in, and intersects several rules', () => {
    expect(queryBlueprints(q(rule('$blueprint', '=', 'service')))).toEqual(['service']);
    expect(queryBlueprints(q(rule('$blueprint', 'in', ['a', 'b', 'a'])))).toEqual(['a', 'b']);
    expect(queryBlueprints(q(rule('$blueprint', 'in', ['a', 'b', 'c']), rule('$blueprint', 'in', ['c', 'a'])))).toEqual(['a', 'c']);
    expect(queryBlueprints(q(rule('$blueprint', '=', 'a'), rule('$blueprint', '=', 'b')))).toEqual([]);
    expect(queryBlueprints(q(rule('$blueprint', 'in', [])))).toEqual([]);
  });

  it('descends into and groups and single-rule groups, not or groups', () => {
    expect(queryBlueprints(q({ combinator: 'and', rules: [rule('$blueprint', '=', 'a')] }))).toEqual(['a']);
    expect(queryBlueprints({ combinator: 'or', rules: [rule('$blueprint', '=', 'a')] })).toEqual(['a']);
    expect(queryBlueprints(q({ combinator: 'or', rules: [rule('$blueprint', '=', 'a'), rule('$blueprint', '=', 'b')] }))).toBeNull();
  });

  it('queryIdentifiers works the same way on $identifier', () => {
    expect(queryIdentifiers(q(rule('$identifier', 'in', ['x', 'y']), rule('$blueprint', '=', 'service')))).toEqual(['x', 'y']);
    expect(queryIdentifiers(q(rule('$identifier', '=', 'x')))).toEqual(['x']);
    expect(queryIdentifiers(q(rule('$blueprint', '=', 'service')))).toBeNull();
  });
});

describe('parseInstant', () => {
  it('parses ISO dates and date-times, UTC by default', () => {
    expect(parseInstant('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseInstant('2024-03-01T10:00')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseInstant('2024-03-01T10:00:00')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseInstant('2024-03-01T10:00:00.5Z')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 500));
    expect(parseInstant('2024-03-01T10:00:00.123456Z')).toBe(Date.UTC(2024, 2, 1, 10, 0, 0, 123));
    expect(parseInstant('2024-03-01T10:00:00-0230')).toBe(Date.UTC(2024, 2, 1, 12, 30));
    expect(parseInstant('2024-03-01T10:00:00+01')).toBe(Date.UTC(2024, 2, 1, 9));
  });

  it('rejects the rest', () => {
    expect(parseInstant('2024-02-29T23:59:59.999Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(parseInstant('2000-02-29T00:00:00.000Z')).toBe(Date.UTC(2000, 1, 29));
    for (const s of [
      '2023-02-29T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2024-04-31T00:00:00.000Z',
      '2024-01-00T00:00:00.000Z',
      '2024-00-10T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-01-01T10:60:00.000Z',
      '2024-01-01T10:00:60.000Z',
      '2024-01-01T1a:00:00.000Z',
    ]) {
      expect(parseInstant(s), s).toBeNaN();
    }
    for (const s of ['', 'today', '2024-02-30', '2024-13-01', '2024-01-01T24:00:00Z', '2024-01-01T10:60Z', '1710000000', '2024/01/01']) {
      expect(parseInstant(s), s).toBeNaN();
    }
  });
});
