import { describe, expect, it } from 'vitest';
import { compileQuery, isEmptyValue, metaValue, presetRange } from './search.ts';
import { clockReads, ctx, ent, match, onValue, q, rule } from './search.test-support.ts';
import type { Json } from './types.ts';

describe('combinators', () => {
  const e = ent();
  const t = rule('$identifier', '=', 'svc-a');
  const f = rule('$identifier', '=', 'other');

  it('and over [] is true, or over [] is false', () => {
    expect(compileQuery({ combinator: 'and', rules: [] }, ctx)(e)).toBe(true);
    expect(compileQuery({ combinator: 'or', rules: [] }, ctx)(e)).toBe(false);
  });

  it('and / or over one, two and many rules', () => {
    for (const [rules, and, or] of [
      [[t], true, true],
      [[f], false, false],
      [[t, t], true, true],
      [[t, f], false, true],
      [[f, f], false, false],
      [[t, t, t, t], true, true],
      [[t, t, f, t], false, true],
      [[f, f, f, f], false, false],
      [[f, f, f, t], false, true],
    ] as const) {
      expect(compileQuery({ combinator: 'and', rules }, ctx)(e)).toBe(and);
      expect(compileQuery({ combinator: 'or', rules }, ctx)(e)).toBe(or);
    }
  });

  it('nests groups', () => {
    const query = {
      combinator: 'and',
      rules: [
        t,
        { combinator: 'or', rules: [f, { combinator: 'and', rules: [t, rule('$blueprint', '=', 'service')] }] },
      ],
    };
    expect(compileQuery(query, ctx)(e)).toBe(true);
    expect(compileQuery(query, ctx)(ent({ blueprint: 'team' }))).toBe(false);
    expect(compileQuery({ combinator: 'or', rules: [f, { combinator: 'and', rules: [] }] }, ctx)(e)).toBe(true);
    expect(compileQuery({ combinator: 'and', rules: [t, { combinator: 'or', rules: [] }] }, ctx)(e)).toBe(false);
  });

  it('evaluates the Tide skip-unchanged query', () => {
    const query = q(
      rule('$identifier', 'in', ['svc-a', 'svc-b']),
      rule('$blueprint', '=', 'service'),
      rule('$datasource', 'contains', 'port-ocean/jira/'),
      rule('$datasource', 'contains', '/my-jira/exporter'),
    );
    const pred = compileQuery(query, ctx);
    expect(pred(ent())).toBe(true);
    expect(pred(ent({ identifier: 'svc-c' }))).toBe(false);
    expect(pred(ent({ blueprint: 'team' }))).toBe(false);
    expect(pred(ent({ datasource: 'port-ocean/github/0.1.0/my-jira/exporter' }))).toBe(false);
    expect(pred(ent({ datasource: 'port-ocean/jira/0.1.0/my-jira/gitops' }))).toBe(false);
    expect(pred(ent({ datasource: null }))).toBe(false);
  });
});

describe('property resolution', () => {
  const e = ent({
    identifier: 'id-1',
    title: 'T',
    icon: 'Go',
    team: ['platform', 'infra'],
    properties: { language: 'go', deps: 'a property wins over a relation' },
    relations: { owner: 'team-x', deps: ['svc-b'] },
  });

  it('reads every meta-property', () => {
    expect(metaValue(e, '$identifier')).toBe('id-1');
    expect(metaValue(e, '$title')).toBe('T');
    expect(metaValue(e, '$icon')).toBe('Go');
    expect(metaValue(e, '$blueprint')).toBe('service');
    expect(metaValue(e, '$team')).toEqual(['platform', 'infra']);
    expect(metaValue(e, '$createdAt')).toBe('2024-03-01T10:00:00.000Z');
    expect(metaValue(e, '$updatedAt')).toBe('2024-03-30T10:00:00.000Z');
    expect(metaValue(e, '$createdBy')).toBe('client-1');
    expect(metaValue(e, '$updatedBy')).toBe('client-2');
    expect(metaValue(e, '$datasource')).toBe('port-ocean/jira/0.1.0/my-jira/exporter');
    expect(metaValue(e, 'language')).toBeUndefined();
    for (const [p, v] of [
      ['$identifier', 'id-1'],
      ['$title', 'T'],
      ['$icon', 'Go'],
      ['$blueprint', 'service'],
      ['$team', 'infra'],
      ['$createdAt', '2024-03-01T10:00:00.000Z'],
      ['$updatedAt', '2024-03-30T10:00:00.000Z'],
      ['$createdBy', 'client-1'],
      ['$updatedBy', 'client-2'],
      ['$datasource', 'port-ocean/jira/0.1.0/my-jira/exporter'],
    ]) {
      expect(match(e, p!, '=', v), p).toBe(true);
      expect(match(e, p!, '=', 'nope'), p).toBe(false);
    }
  });

  it('reads properties, then relations, else null', () => {
    expect(match(e, 'language', '=', 'go')).toBe(true);
    expect(match(e, 'owner', '=', 'team-x')).toBe(true);
    expect(match(e, 'deps', '=', 'a property wins over a relation')).toBe(true);
    expect(match(e, 'unknown', '=', null)).toBe(true);
    expect(match(e, 'unknown', 'isEmpty')).toBe(true);
    expect(match(ent({ title: null }), '$title', '=', null)).toBe(true);
    expect(match(ent({ datasource: null }), '$datasource', 'isEmpty')).toBe(true);
  });

  it('reads unset relations as the public form does', () => {
    const bare = ent({ relations: {} });
    expect(match(bare, 'owner', '=', null)).toBe(true); // single → null
    expect(match(bare, 'deps', '=', null)).toBe(false); // many → []
    expect(match(bare, 'deps', 'isEmpty')).toBe(true);
    expect(match(ent({ relations: { deps: null } }), 'deps', 'isEmpty')).toBe(true);
    expect(match(ent({ relations: { deps: 'svc-b' } }), 'deps', 'in', ['svc-b'])).toBe(true);
    expect(match(ent({ relations: { deps: 'svc-b' } }), 'deps', '=', 'svc-b')).toBe(true);
    // a blueprint the context does not know: stored values as they are
    expect(match(ent({ blueprint: 'ghost', relations: { owner: 'x' } }), 'owner', '=', 'x')).toBe(true);
    expect(match(ent({ blueprint: 'ghost' }), 'owner', '=', null)).toBe(true);
  });

  it('does not read inherited object keys', () => {
    expect(match(ent(), 'constructor', '=', null)).toBe(true);
    expect(match(ent(), '__proto__', 'isEmpty')).toBe(true);
    expect(match(ent(), 'toString', 'isNotEmpty')).toBe(false);
  });
});

describe('= and !=', () => {
  it('strict JSON equality on scalars', () => {
    expect(onValue('go', '=', 'go')).toBe(true);
    expect(onValue('go', '=', 'Go')).toBe(false); // case-sensitive
    expect(onValue(1, '=', 1)).toBe(true);
    expect(onValue(1, '=', '1')).toBe(false);
    expect(onValue('1', '=', 1)).toBe(false);
    expect(onValue(true, '=', true)).toBe(true);
    expect(onValue(true, '=', 'true')).toBe(false);
    expect(onValue(false, '=', false)).toBe(true);
    expect(onValue(0, '=', false)).toBe(false);
    expect(onValue(null, '=', null)).toBe(true);
    expect(onValue(undefined, '=', null)).toBe(true);
    expect(onValue('', '=', null)).toBe(false);
    expect(onValue(undefined, '=', 'go')).toBe(false);
  });

  it('against an array value: true if the array contains it', () => {
    expect(onValue(['a', 'b'], '=', 'b')).toBe(true);
    expect(onValue(['a', 'b'], '=', 'c')).toBe(false);
    expect(onValue([1, 2], '=', 2)).toBe(true);
    expect(onValue([1, 2], '=', '2')).toBe(false);
    expect(onValue([null], '=', null)).toBe(true);
    expect(onValue([], '=', null)).toBe(false);
    expect(match(ent({ team: ['platform'] }), '$team', '=', 'platform')).toBe(true);
  });

  it('array rule values compare deeply', () => {
    expect(onValue(['a', 'b'], '=', ['a', 'b'])).toBe(true);
    expect(onValue(['a', 'b'], '=', ['b', 'a'])).toBe(false);
    expect(onValue([['a'], ['b']], '=', ['b'])).toBe(true);
    expect(onValue('a', '=', ['a'])).toBe(false);
  });

  it('date-times compare as instants', () => {
    expect(onValue('2024-03-01T10:00:00.000Z', '=', '2024-03-01T10:00:00Z')).toBe(true);
    expect(onValue('2024-03-01T11:00:00+01:00', '=', '2024-03-01T10:00:00Z')).toBe(true);
    expect(onValue('2024-03-01T10:00:01Z', '=', '2024-03-01T10:00:00Z')).toBe(false);
    expect(onValue('not a date', '=', '2024-03-01T10:00:00Z')).toBe(false);
    expect(match(ent(), '$createdAt', '=', '2024-03-01T10:00:00Z')).toBe(true);
    expect(match(ent(), '$createdAt', '!=', '2024-03-01T10:00:00Z')).toBe(false);
  });

  it('!= is the complement of =, including on missing values', () => {
    expect(onValue('go', '!=', 'go')).toBe(false);
    expect(onValue('go', '!=', 'rust')).toBe(true);
    expect(onValue(1, '!=', '1')).toBe(true);
    expect(onValue(undefined, '!=', 'go')).toBe(true);
    expect(onValue(null, '!=', null)).toBe(false);
    expect(onValue('x', '!=', null)).toBe(true);
    expect(onValue(['a', 'b'], '!=', 'a')).toBe(false);
    expect(onValue(['a', 'b'], '!=', 'c')).toBe(true);
  });
});

describe('in and notIn', () => {
  it('scalar membership', () => {
    expect(onValue('a', 'in', ['a', 'b'])).toBe(true);
    expect(onValue('c', 'in', ['a', 'b'])).toBe(false);
    expect(onValue(1, 'in', [1, 2])).toBe(true);
    expect(onValue(1, 'in', ['1'])).toBe(false);
    expect(onValue(true, 'in', [true])).toBe(true);
    expect(onValue('a', 'in', [])).toBe(false);
    expect(onValue(undefined, 'in', ['a'])).toBe(false);
    expect(onValue(undefined, 'in', [null])).toBe(true);
    expect(onValue(null, 'in', ['a', null])).toBe(true);
  });

  it('array values intersect', () => {
    expect(onValue(['x', 'b'], 'in', ['a', 'b'])).toBe(true);
    expect(onValue(['x', 'y'], 'in', ['a', 'b'])).toBe(false);
    expect(onValue([], 'in', ['a'])).toBe(false);
    expect(match(ent({ team: ['infra', 'platform'] }), '$team', 'in', ['platform'])).toBe(true);
  });

  it('notIn is the complement', () => {
    expect(onValue('a', 'notIn', ['a', 'b'])).toBe(false);
    expect(onValue('c', 'notIn', ['a', 'b'])).toBe(true);
    expect(onValue('c', 'notIn', [])).toBe(true);
    expect(onValue(undefined, 'notIn', ['a'])).toBe(true);
    expect(onValue(['x', 'b'], 'notIn', ['a', 'b'])).toBe(false);
    expect(onValue(['x', 'y'], 'notIn', ['a', 'b'])).toBe(true);
  });

  it('handles 50 identifiers', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `svc-${i}`);
    const pred = compileQuery(q(rule('$identifier', 'in', ids)), ctx);
    expect(pred(ent({ identifier: 'svc-49' }))).toBe(true);
    expect(pred(ent({ identifier: 'svc-50' }))).toBe(false);
  });
});

describe('contains, doesNotContains, containsAny', () => {
  it('substring of strings', () => {
    expect(onValue('port-ocean/jira/1', 'contains', 'ocean/jira')).toBe(true);
    expect(onValue('port-ocean/jira/1', 'contains', 'Jira')).toBe(false);
    expect(onValue('abc', 'contains', '')).toBe(true);
    expect(onValue(undefined, 'contains', 'a')).toBe(false);
    expect(onValue(12, 'contains', '1')).toBe(false);
    expect(onValue({ a: 'x' }, 'contains', 'x')).toBe(false);
  });

  it('element equality on arrays', () => {
    expect(onValue(['platform', 'infra'], 'contains', 'infra')).toBe(true);
    expect(onValue(['platform', 'infra'], 'contains', 'plat')).toBe(false);
    expect(onValue([1, 2], 'contains', 2)).toBe(true);
    expect(onValue([1, 2], 'contains', '2')).toBe(false);
    expect(match(ent({ team: ['platform'] }), '$team', 'contains', 'platform')).toBe(true);
  });

  it('an array rule value means any of', () => {
    expect(onValue('abcdef', 'contains', ['zz', 'cd'])).toBe(true);
    expect(onValue('abcdef', 'contains', ['zz', 'yy'])).toBe(false);
    expect(onValue(['a', 'b'], 'contains', ['z', 'b'])).toBe(true);
    expect(onValue('abc', 'contains', [])).toBe(false);
  });

  it('doesNotContains is the complement (both spellings)', () => {
    expect(onValue('abc', 'doesNotContains', 'b')).toBe(false);
    expect(onValue('abc', 'doesNotContains', 'z')).toBe(true);
    expect(onValue(undefined, 'doesNotContains', 'z')).toBe(true);
    expect(onValue(['a'], 'doesNotContains', 'a')).toBe(false);
    expect(onValue('abc', 'doesNotContains', ['z', 'c'])).toBe(false);
    expect(onValue('abc', 'doesNotContain', 'b')).toBe(false);
    expect(onValue('abc', 'doesNotContain', 'z')).toBe(true);
  });

  it('containsAny: substring of a string, or element of an array', () => {
    expect(onValue('my-service-prod', 'containsAny', ['staging', 'prod'])).toBe(true);
    expect(onValue('my-service-dev', 'containsAny', ['staging', 'prod'])).toBe(false);
    expect(onValue(['platform', 'infra'], 'containsAny', ['infra', 'x'])).toBe(true);
    expect(onValue(['platform', 'infra'], 'containsAny', ['inf'])).toBe(false);
    expect(onValue(undefined, 'containsAny', ['a'])).toBe(false);
    expect(onValue('a', 'containsAny', [])).toBe(false);
    expect(match(ent({ team: ['a', 'b'] }), '$team', 'containsAny', ['b', 'c'])).toBe(true);
  });
});

describe('beginsWith, endsWith and negations', () => {
  it('prefix and suffix', () => {
    expect(onValue('port-ocean/jira', 'beginsWith', 'port-')).toBe(true);
    expect(onValue('port-ocean/jira', 'beginsWith', 'ocean')).toBe(false);
    expect(onValue('port-ocean/jira', 'endsWith', '/jira')).toBe(true);
    expect(onValue('port-ocean/jira', 'endsWith', 'port')).toBe(false);
    expect(onValue(undefined, 'beginsWith', 'a')).toBe(false);
    expect(onValue(123, 'beginsWith', '1')).toBe(false);
    expect(onValue(['xa', 'ab'], 'beginsWith', 'a')).toBe(true);
    expect(onValue(['xa', 'yb'], 'endsWith', 'a')).toBe(true);
    expect(onValue(['xa', 'yb'], 'endsWith', 'c')).toBe(false);
  });

  it('negations are complements (both spellings)', () => {
    expect(onValue('abc', 'doesNotBeginsWith', 'a')).toBe(false);
    expect(onValue('abc', 'doesNotBeginsWith', 'b')).toBe(true);
    expect(onValue('abc', 'doesNotEndsWith', 'c')).toBe(false);
    expect(onValue('abc', 'doesNotEndsWith', 'b')).toBe(true);
    expect(onValue(undefined, 'doesNotBeginsWith', 'a')).toBe(true);
    expect(onValue(undefined, 'doesNotEndsWith', 'a')).toBe(true);
    expect(onValue('abc', 'doesNotBeginWith', 'a')).toBe(false);
    expect(onValue('abc', 'doesNotEndWith', 'x')).toBe(true);
  });
});

describe('> >= < <=', () => {
  it('numbers', () => {
    expect(onValue(5, '>', 4)).toBe(true);
    expect(onValue(5, '>', 5)).toBe(false);
    expect(onValue(5, '>=', 5)).toBe(true);
    expect(onValue(4, '>=', 5)).toBe(false);
    expect(onValue(4, '<', 5)).toBe(true);
    expect(onValue(5, '<', 5)).toBe(false);
    expect(onValue(5, '<=', 5)).toBe(true);
    expect(onValue(6, '<=', 5)).toBe(false);
    expect(onValue(-1.5, '<', 0)).toBe(true);
  });

  it('type mismatches and missing values never match', () => {
    expect(onValue('5', '>', 4)).toBe(false);
    expect(onValue(undefined, '<', 4)).toBe(false);
    expect(onValue(null, '<=', 4)).toBe(false);
    expect(onValue([5], '>', 4)).toBe(false);
    expect(onValue(5, '>', '2024-01-01T00:00:00Z')).toBe(false);
    expect(onValue('garbage', '>', '2024-01-01T00:00:00Z')).toBe(false);
  });

  it('date-times compare as instants', () => {
    const e = ent(); // createdAt 2024-03-01T10:00:00.000Z
    expect(match(e, '$createdAt', '>', '2024-03-01T09:59:59Z')).toBe(true);
    expect(match(e, '$createdAt', '>', '2024-03-01T10:00:00Z')).toBe(false);
    expect(match(e, '$createdAt', '>=', '2024-03-01T10:00:00Z')).toBe(true);
    expect(match(e, '$createdAt', '<', '2024-03-01T11:00:00+01:00')).toBe(false);
    expect(match(e, '$createdAt', '<=', '2024-03-01T11:00:00+01:00')).toBe(true);
    expect(match(e, '$createdAt', '<', '2024-03-02')).toBe(true);
    expect(match(e, '$createdAt', '>', '2024-03-01')).toBe(true);
    expect(onValue('2024-03-01T10:00:00+02:00', '<', '2024-03-01T09:00:00Z')).toBe(true);
  });
});

describe('between, notBetween and date =', () => {
  const at = (iso: string) => ent({ updatedAt: iso });

  it('{from, to} is inclusive', () => {
    const v = { from: '2024-03-01T00:00:00Z', to: '2024-03-10T00:00:00Z' };
    expect(match(at('2024-03-01T00:00:00.000Z'), '$updatedAt', 'between', v)).toBe(true);
    expect(match(at('2024-03-10T00:00:00.000Z'), '$updatedAt', 'between', v)).toBe(true);
    expect(match(at('2024-03-05T12:00:00.000Z'), '$updatedAt', 'between', v)).toBe(true);
    expect(match(at('2024-02-29T23:59:59.999Z'), '$updatedAt', 'between', v)).toBe(false);
    expect(match(at('2024-03-10T00:00:00.001Z'), '$updatedAt', 'between', v)).toBe(false);
  });

  it('a date-only to covers its whole day', () => {
    const v = { from: '2024-03-01', to: '2024-03-10' };
    expect(match(at('2024-03-10T23:59:59.999Z'), '$updatedAt', 'between', v)).toBe(true);
    expect(match(at('2024-03-11T00:00:00.000Z'), '$updatedAt', 'between', v)).toBe(false);
    expect(match(at('2024-03-01T00:00:00.000Z'), '$updatedAt', 'between', v)).toBe(true);
  });

  it('numeric {from, to}', () => {
    expect(onValue(5, 'between', { from: 1, to: 5 })).toBe(true);
    expect(onValue(6, 'between', { from: 1, to: 5 })).toBe(false);
    expect(onValue('5', 'between', { from: 1, to: 5 })).toBe(false);
  });

  it('non-dates and missing values are outside every range', () => {
    const v = { from: '2024-03-01T00:00:00Z', to: '2024-03-10T00:00:00Z' };
    expect(onValue(undefined, 'between', v)).toBe(false);
    expect(onValue('soon', 'between', v)).toBe(false);
    expect(onValue(12, 'between', v)).toBe(false);
    expect(onValue(undefined, 'notBetween', v)).toBe(true);
  });

  it('notBetween is the complement', () => {
    const v = { from: '2024-03-01T00:00:00Z', to: '2024-03-10T00:00:00Z' };
    expect(match(at('2024-03-05T00:00:00.000Z'), '$updatedAt', 'notBetween', v)).toBe(false);
    expect(match(at('2024-03-11T00:00:00.000Z'), '$updatedAt', 'notBetween', v)).toBe(true);
    expect(match(at('2024-03-01T00:00:00.000Z'), '$updatedAt', 'notBetween', v)).toBe(false);
  });

  it('= and != take a range too', () => {
    const v = { from: '2024-03-01T00:00:00Z', to: '2024-03-10T00:00:00Z' };
    expect(match(at('2024-03-05T00:00:00.000Z'), '$updatedAt', '=', v)).toBe(true);
    expect(match(at('2024-04-05T00:00:00.000Z'), '$updatedAt', '=', v)).toBe(false);
    expect(match(at('2024-04-05T00:00:00.000Z'), '$updatedAt', '!=', v)).toBe(true);
    expect(match(at('2024-03-31T00:00:00.000Z'), '$updatedAt', '=', { preset: 'today' })).toBe(true);
  });

  describe('presets from the clock (now = 2024-03-31T12:00:00Z)', () => {
    const cases: Array<[string, string, boolean]> = [
      ['today', '2024-03-31T00:00:00.000Z', true],
      ['today', '2024-03-31T23:59:59.999Z', true],
      ['today', '2024-03-30T23:59:59.999Z', false],
      ['today', '2024-04-01T00:00:00.000Z', false],
      ['tomorrow', '2024-04-01T00:00:00.000Z', true],
      ['tomorrow', '2024-04-01T23:59:59.999Z', true],
      ['tomorrow', '2024-03-31T23:59:59.999Z', false],
      ['tomorrow', '2024-04-02T00:00:00.000Z', false],
      ['yesterday', '2024-03-30T00:00:00.000Z', true],
      ['yesterday', '2024-03-30T23:59:59.999Z', true],
      ['yesterday', '2024-03-31T00:00:00.000Z', false],
      ['yesterday', '2024-03-29T23:59:59.999Z', false],
      ['lastWeek', '2024-03-24T12:00:00.000Z', true],
      ['lastWeek', '2024-03-31T12:00:00.000Z', true],
      ['lastWeek', '2024-03-24T11:59:59.999Z', false],
      ['lastWeek', '2024-03-31T12:00:00.001Z', false],
      ['last2Weeks', '2024-03-17T12:00:00.000Z', true],
      ['last2Weeks', '2024-03-17T11:59:59.999Z', false],
      // lastMonth from 2024-03-31 clamps to 2024-02-29 (leap year)
      ['lastMonth', '2024-02-29T12:00:00.000Z', true],
      ['lastMonth', '2024-02-29T11:59:59.999Z', false],
      ['last3Months', '2023-12-31T12:00:00.000Z', true],
      ['last3Months', '2023-12-31T11:59:59.999Z', false],
      ['last6Months', '2023-09-30T12:00:00.000Z', true],
      ['last6Months', '2023-09-30T11:59:59.999Z', false],
      ['last12Months', '2023-03-31T12:00:00.000Z', true],
      ['last12Months', '2023-03-31T11:59:59.999Z', false],
      ['last12Months', '2024-04-01T00:00:00.000Z', false],
    ];
    for (const [preset, iso, expected] of cases) {
      it(`${preset} ${expected ? 'includes' : 'excludes'} ${iso}`, () => {
        expect(match(at(iso), '$updatedAt', 'between', { preset })).toBe(expected);
        expect(match(at(iso), '$updatedAt', 'notBetween', { preset })).toBe(!expected);
      });
    }

    it('reads the clock once per compilation, and only when a preset is used', () => {
      clockReads.count = 0;
      compileQuery(q(rule('$updatedAt', 'between', { preset: 'today' }), rule('$createdAt', 'between', { preset: 'lastWeek' })), ctx);
      expect(clockReads.count).toBe(1);
      clockReads.count = 0;
      compileQuery(q(rule('$updatedAt', 'between', { from: '2024-01-01', to: '2024-01-02' })), ctx);
      expect(clockReads.count).toBe(0);
    });

    it('computes ranges in UTC', () => {
      expect(presetRange('today', new Date('2024-01-01T23:30:00-05:00'))).toEqual({
        from: Date.parse('2024-01-02T00:00:00Z'),
        to: Date.parse('2024-01-02T23:59:59.999Z'),
      });
      expect(presetRange('lastMonth', new Date('2023-03-31T00:00:00Z')).from).toBe(Date.parse('2023-02-28T00:00:00Z'));
      expect(presetRange('last3Months', new Date('2024-01-15T00:00:00Z')).from).toBe(Date.parse('2023-10-15T00:00:00Z'));
    });
  });
});

describe('isEmpty and isNotEmpty', () => {
  it('null, missing, "", [] and {} are empty', () => {
    for (const v of [null, undefined, '', [], {}] as Array<Json | undefined>) {
      expect(onValue(v, 'isEmpty')).toBe(true);
      expect(onValue(v, 'isNotEmpty')).toBe(false);
    }
    for (const v of [0, false, ' ', 'a', [null], { a: null }] as Json[]) {
      expect(onValue(v, 'isEmpty')).toBe(false);
      expect(onValue(v, 'isNotEmpty')).toBe(true);
    }
    expect(isEmptyValue({})).toBe(true);
  });

  it('on meta-properties', () => {
    expect(match(ent({ team: [] }), '$team', 'isEmpty')).toBe(true);
    expect(match(ent({ team: ['a'] }), '$team', 'isNotEmpty')).toBe(true);
    expect(match(ent({ icon: null }), '$icon', 'isEmpty')).toBe(true);
    expect(match(ent({ title: '' }), '$title', 'isEmpty')).toBe(true);
  });

  it('ignores a value', () => {
    expect(onValue('x', 'isEmpty', 'whatever')).toBe(false);
  });
});
