import { describe, expect, it } from 'vitest';
import { CompactStringSet, SeenSet } from './seen.ts';

describe('CompactStringSet', () => {
  it('has exactly what was added, across growth of its table and arena', () => {
    const set = new CompactStringSet();
    const reference = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const value = `engineering-${i}-${'x'.repeat(i % 40)}`;
      set.add(value);
      reference.add(value);
      if (i % 3 === 0) set.add(value); // duplicates are no-ops
    }
    expect(set.size).toBe(reference.size);
    for (const value of reference) expect(set.has(value)).toBe(true);
    for (let i = 0; i < 2_000; i++) expect(set.has(`engineering-${i}-${'x'.repeat((i % 40) + 1)}`)).toBe(false);
  });

  it('tells apart strings that differ only beyond one byte per code unit, and the empty string', () => {
    const set = new CompactStringSet();
    for (const value of ['', 'é', 'a\u0100', 'a\u0000', '\uD800', '\uFFFD', '😀']) set.add(value);
    expect(set.size).toBe(7);
    for (const value of ['', 'é', 'a\u0100', 'a\u0000', '\uD800', '\uFFFD', '😀']) expect(set.has(value)).toBe(true);
    for (const value of ['a', 'a\u0001', '\u0100', 'e', '\uD83D', 'ä']) expect(set.has(value)).toBe(false);
  });
});

describe('SeenSet', () => {
  it('keys by (blueprint, identifier) and counts each key once', () => {
    const seen = new SeenSet();
    seen.add('svc', 'a');
    seen.add('svc', 'a');
    seen.add('team', 'a');
    seen.add('svc', 'b', { owner: 't1', tags: ['x', 'y'], search: { combinator: 'and', rules: [] } });
    expect(seen.size).toBe(3);
    expect(seen.has('svc', 'a')).toBe(true);
    expect(seen.has('team', 'a')).toBe(true);
    expect(seen.has('team', 'b')).toBe(false);
    expect(seen.has('other', 'a')).toBe(false);
    expect([...seen.relationValues()].map(([bp, name, values]) => [bp, name, [...values]])).toEqual([
      ['svc', 'owner', ['t1']],
      ['svc', 'tags', ['x', 'y']],
    ]);
  });

  it('treats a numeric identifier as its decimal string, as entity keys do', () => {
    const seen = new SeenSet();
    seen.add('svc', 42 as unknown as string);
    expect(seen.has('svc', '42')).toBe(true);
    expect(seen.has('svc', 42 as unknown as string)).toBe(true);
  });
});
