import { describe, expect, it } from 'vitest';
import { normaliseQuotes, stringLiteralValue } from './normalise.ts';

describe('normaliseQuotes (§3.3 rule 1)', () => {
  it.each([
    [".org + '/' + .repo", '.org + "/" + .repo'],
    ["'svc'", '"svc"'],
    [".a == 'x'", '.a == "x"'],
    ['"it\'s"', '"it\'s"'],
    ["'\"svc\"'", "'\"svc\"'"],
    ["test('^a')", "test('^a')"],
    ["'", '"'],
    ["\t'a b'\n", '\t"a b"\n'],
    ['.a', '.a'],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseQuotes(input)).toBe(expected);
  });

  it('keeps whitespace and touches no double quote', () => {
    const program = "  .x  |  'a'  +  \"b\"  ";
    expect(normaliseQuotes(program)).toBe('  .x  |  "a"  +  "b"  ');
  });
});

describe('stringLiteralValue', () => {
  it('reads plain string literals only', () => {
    expect(stringLiteralValue('"service"')).toBe('service');
    expect(stringLiteralValue(" 'service' ")).toBe('service');
    expect(stringLiteralValue('"a\\"b"')).toBe('a"b');
    expect(stringLiteralValue('"svc-\\(.id)"')).toBeUndefined();
    expect(stringLiteralValue('.blueprint')).toBeUndefined();
    expect(stringLiteralValue('"a" + "b"')).toBeUndefined();
  });
});
