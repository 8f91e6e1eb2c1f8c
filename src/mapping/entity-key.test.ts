import { describe, expect, it } from 'vitest';
import { canonicalJson, entityKey, normaliseIdentifier } from './entity-key.ts';

describe('entity keys (§1)', () => {
  it('uses a string identifier as is and a number as its decimal string', () => {
    expect(normaliseIdentifier('web')).toBe('web');
    expect(normaliseIdentifier(42)).toBe('42');
    expect(normaliseIdentifier(1.5)).toBe('1.5');
    expect(entityKey({ identifier: 42, blueprint: 'service' })).toBe(entityKey({ identifier: '42', blueprint: 'service' }));
  });

  it('turns a search-query identifier into canonical JSON with sorted keys', () => {
    const a = { rules: [{ value: 'x', property: '$identifier', operator: '=' }], combinator: 'and' };
    const b = { combinator: 'and', rules: [{ operator: '=', property: '$identifier', value: 'x' }] };
    expect(normaliseIdentifier(a)).toBe('{"combinator":"and","rules":[{"operator":"=","property":"$identifier","value":"x"}]}');
    expect(entityKey({ identifier: a, blueprint: 'svc' })).toBe(entityKey({ identifier: b, blueprint: 'svc' }));
  });

  it('separates blueprints and never confuses identifier with blueprint', () => {
    expect(entityKey({ identifier: 'a', blueprint: 'b' })).not.toBe(entityKey({ identifier: 'a', blueprint: 'c' }));
    expect(entityKey({ identifier: 'a', blueprint: 'b' })).not.toBe(entityKey({ identifier: 'b', blueprint: 'a' }));
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
});
