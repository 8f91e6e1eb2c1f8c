/**
 * jq 1.8 builtins on strings Tide compiles: conversions (`tostring`, `tojson`, `tonumber`), tests and trims, `split`,
 * `join`, case, `index`/`indices`, regular expressions (`test`, `match`, `capture`, `scan`, `split/2`, `sub`, `gsub`)
 * and ISO-8601 dates.
 */
import type { Ast } from './ast.ts';
import type { Builtin } from './builtin-kit.ts';
import { fn0, fn1 } from './builtin-kit.ts';
import type { Compiler, Scope } from './compiler.ts';
import { fromIso8601, toIso8601 } from './dates.ts';
import type { Frame } from './node.ts';
import { single, stream } from './node.ts';
import { add, splitString, valuesOf } from './ops.ts';
import type { Regex } from './regex.ts';
import { matchObject, matches, regex, runtimeRegex, spanCaptures, spans, testMatch } from './regex.ts';
import type { Json } from './values.ts';
import { Unsupported, codePoints, equals, isAscii, kindOf, toJsonText, toStringValue, typeError } from './values.ts';

function bothStrings(name: string, a: Json, b: Json): [string, string] {
  if (typeof a !== 'string' || typeof b !== 'string') throw typeError(`${name}() requires string inputs`);
  return [a, b];
}

function toNumber(x: Json): Json {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    const n = Number(x);
    // Only canonical text: jq keeps a literal's digits (`"1.0" | tonumber | tostring` is "1.0").
    if (Number.isFinite(n) && String(n) === x) return n;
    // Text with letters other than `e` cannot be a number, unless it spells nan or infinity (jq accepts those).
    if (x === '' || (/[^0-9+\-.eE]/.test(x) && !/nan|inf/i.test(x))) throw typeError(`${kindOf(x)} cannot be parsed as a number`);
    throw new Unsupported('number text jq parses itself');
  }
  throw typeError(`${kindOf(x)} cannot be parsed as a number`);
}

const WHITESPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const LEADING = new RegExp(`^${WHITESPACE}+`);
const TRAILING = new RegExp(`${WHITESPACE}+$`);

function trim(which: 'both' | 'left' | 'right'): Builtin {
  return fn0((x) => {
    if (typeof x !== 'string') throw typeError(`${kindOf(x)} cannot be trimmed`);
    let s = x;
    if (which !== 'right') s = s.replace(LEADING, '');
    if (which !== 'left') s = s.replace(TRAILING, '');
    return s;
  });
}

function join(x: Json, sep: Json): Json {
  let acc: Json = null;
  for (const v of valuesOf(x)) {
    const prefix = acc === null ? '' : add(acc, sep);
    const piece = typeof v === 'boolean' || typeof v === 'number' ? toStringValue(v) : v === null ? '' : v;
    acc = add(prefix, piece);
  }
  return acc === null ? '' : acc;
}

/** Code-point positions of every (overlapping) occurrence of `needle`. */
function stringIndices(s: string, needle: string): number[] {
  if (needle === '') throw new Unsupported('indices of the empty string');
  const out: number[] = [];
  const astral = /[\ud800-\udfff]/.test(s);
  for (let i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) out.push(astral ? Array.from(s.slice(0, i)).length : i);
  return out;
}

function indices(x: Json, i: Json): Json {
  if (x === null) {
    if (typeof i === 'string' || typeof i === 'number') return null;
    throw new Unsupported(`indices of ${kindOf(i)} on null`);
  }
  if (typeof x === 'string' && typeof i === 'string') return stringIndices(x, i);
  if (Array.isArray(x)) {
    const needle = Array.isArray(i) ? i : [i];
    if (needle.length === 0) throw new Unsupported('indices of an empty array');
    const out: number[] = [];
    for (let p = 0; p + needle.length <= x.length; p++) if (needle.every((n, j) => equals(x[p + j], n))) out.push(p);
    return out;
  }
  throw new Unsupported(`indices on ${kindOf(x)}`);
}

type One = (x: Json, f: Frame) => Json;

/** The text of a string literal without interpolation. */
function literalText(a: Ast): string | undefined {
  return a.k === 'string' && a.parts.every((p) => typeof p === 'string') ? (a.parts as string[]).join('') : undefined;
}

/** A regex known at compile time when its pattern and flags are literals; otherwise compiled per call. */
function regexArg(c: Compiler, name: string, re: Ast, flags: Ast | null, scope: Scope, extraFlags = ''): (x: Json, f: Frame) => Regex {
  const [pattern, mode] = c.singleArgs(name, flags ? [re, flags] : [re], scope) as [One, One | undefined];
  const withExtra = (m: Json): Json => (extraFlags ? (m === null ? extraFlags : typeof m === 'string' ? m + extraFlags : m) : m);
  const text = literalText(re);
  const fixedFlags = flags === null || (flags.k === 'literal' && flags.value === null) ? null : literalText(flags);
  if (text !== undefined && fixedFlags !== undefined) {
    const fixed = regex(text, withExtra(fixedFlags));
    return () => fixed;
  }
  return (x, f) => {
    const m = mode ? mode(x, f) : null;
    return runtimeRegex(pattern(x, f), withExtra(m));
  };
}

/** `test($val)`, `match($val)`, `capture($val)`: a string, or `[re]` / `[re, flags]`. */
function regexValue(x: Json, val: Json, extra = ''): Regex {
  const flag = (m: Json): Json => (extra ? (m === null ? extra : typeof m === 'string' ? m + extra : m) : m);
  if (typeof val === 'string') return runtimeRegex(val, flag(null));
  if (Array.isArray(val) && val.length > 0) return runtimeRegex(val[0], flag(val.length > 1 ? val[1] : null));
  throw typeError(`${kindOf(val)} not a string or array`);
}

/** Builds a one-argument regex builtin: a literal string argument is compiled once. */
function regex1(name: string, run: (x: Json, r: Regex) => Json, extra = ''): Builtin {
  return (c, args, scope) => {
    const a = args[0]!;
    if (literalText(a) !== undefined) return regex2(name, run, extra)(c, [a], scope);
    const [val] = c.singleArgs(name, args, scope) as [One];
    return single((x, f) => run(x, regexValue(x, val(x, f), extra)));
  };
}

function regex2(name: string, run: (x: Json, r: Regex) => Json, extra = ''): Builtin {
  return (c, args, scope) => {
    const r = regexArg(c, name, args[0]!, args[1] ?? null, scope, extra);
    return single((x, f) => run(x, r(x, f)));
  };
}

/** Generators over matches (`match`, `capture`, `scan`): one output per match. */
function regexStream(name: string, each: (x: Json, r: Regex) => Json[], extra = ''): Builtin {
  return (c, args, scope) => {
    const a = args[0]!;
    let r: (x: Json, f: Frame) => Regex;
    if (args.length === 1 && literalText(a) === undefined) {
      const [val] = c.singleArgs(name, args, scope) as [One];
      r = (x, f) => regexValue(x, val(x, f), extra);
    } else {
      r = regexArg(c, name, a, args[1] ?? null, scope, extra);
    }
    return stream((x, f, emit) => {
      for (const v of each(x, r(x, f))) if (emit(v)) return true;
      return false;
    });
  };
}

function scan(x: Json, r: Regex): Json[] {
  const s = x as string;
  return spans(x, r).map((m) => (r.names.length > 0 ? m.groups : s.slice(m.start, m.end)));
}

function splitRegex(x: Json, r: Regex): Json {
  const s = x as string;
  const out: string[] = [];
  let prev = 0;
  for (const m of spans(x, r)) {
    out.push(s.slice(prev, m.start));
    prev = m.end;
  }
  out.push(s.slice(prev));
  return out;
}

/** `sub`/`gsub`: the replacement runs on each match's named captures and must give exactly one output. */
function substitute(c: Compiler, args: Ast[], scope: Scope, global: boolean): ReturnType<Builtin> {
  const r = regexArg(c, global ? 'gsub' : 'sub', args[0]!, args[2] ?? null, scope, global ? 'g' : '');
  const [replacement] = c.singleArgs('sub', [args[1]!], scope) as [One];
  return single((x, f) => {
    const re = r(x, f);
    const found = spans(x, re);
    if (found.length === 0) return x;
    const s = x as string;
    let out = '';
    let prev = 0;
    for (const m of found) {
      const insert = replacement(spanCaptures(re, m), f);
      // jq adds the gap and the insert as values: a null insert adds nothing, a non-string is an error.
      if (insert !== null && typeof insert !== 'string') throw typeError(`string and ${kindOf(insert)} cannot be added`);
      out += s.slice(prev, m.start) + (insert ?? '');
      prev = m.end;
    }
    return out + s.slice(prev);
  });
}

export const TEXT_BUILTINS: Record<string, Builtin> = {
  'tostring/0': fn0(toStringValue),
  'tojson/0': fn0(toJsonText),
  'tonumber/0': fn0(toNumber),
  'ascii_downcase/0': fn0((x) => {
    if (typeof x !== 'string') throw typeError('explode input must be a string');
    return isAscii(x) ? x.toLowerCase() : x.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }),
  'ascii_upcase/0': fn0((x) => {
    if (typeof x !== 'string') throw typeError('explode input must be a string');
    return isAscii(x) ? x.toUpperCase() : x.replace(/[a-z]+/g, (m) => m.toUpperCase());
  }),
  'explode/0': fn0((x) => {
    if (typeof x !== 'string') throw typeError('explode input must be a string');
    return codePoints(x).map((ch) => ch.codePointAt(0)!);
  }),
  'trim/0': trim('both'),
  'ltrim/0': trim('left'),
  'rtrim/0': trim('right'),
  'startswith/1': fn1('startswith', (x, a) => {
    const [s, p] = bothStrings('startswith', x, a);
    return s.startsWith(p);
  }),
  'endswith/1': fn1('endswith', (x, a) => {
    const [s, p] = bothStrings('endswith', x, a);
    return s.endsWith(p);
  }),
  'ltrimstr/1': fn1('ltrimstr', (x, a) => {
    const [s, p] = bothStrings('startswith', x, a);
    return s.startsWith(p) ? s.slice(p.length) : s;
  }),
  'rtrimstr/1': fn1('rtrimstr', (x, a) => {
    const [s, p] = bothStrings('endswith', x, a);
    return s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  }),
  'trimstr/1': fn1('trimstr', (x, a) => {
    let [s, p] = bothStrings('startswith', x, a);
    if (s.startsWith(p)) s = s.slice(p.length);
    return s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  }),
  'split/1': fn1('split', (x, sep) => {
    if (typeof x !== 'string' || typeof sep !== 'string') throw typeError('split input and separator must be strings');
    return splitString(x, sep);
  }),
  'join/1': fn1('join', join),
  'index/1': fn1('index', (x, i) => {
    const all = indices(x, i);
    return Array.isArray(all) ? (all[0] ?? null) : all;
  }),
  'rindex/1': fn1('rindex', (x, i) => {
    const all = indices(x, i);
    return Array.isArray(all) ? (all[all.length - 1] ?? null) : all;
  }),
  'indices/1': fn1('indices', indices),
  'test/1': regex1('test', testMatch),
  'test/2': regex2('test', testMatch),
  'match/1': regexStream('match', (x, r) => matches(x, r).map(matchObject)),
  'match/2': regexStream('match', (x, r) => matches(x, r).map(matchObject)),
  'capture/1': regexStream('capture', (x, r) => spans(x, r).map((m) => spanCaptures(r, m))),
  'capture/2': regexStream('capture', (x, r) => spans(x, r).map((m) => spanCaptures(r, m))),
  'scan/1': regexStream('scan', scan, 'g'),
  'scan/2': regexStream('scan', scan, 'g'),
  'split/2': regex2('split', splitRegex, 'g'),
  'sub/2': (c, args, scope) => substitute(c, args, scope, false),
  'sub/3': (c, args, scope) => substitute(c, args, scope, false),
  'gsub/2': (c, args, scope) => substitute(c, args, scope, true),
  'gsub/3': (c, args, scope) => substitute(c, args, scope, true),
  'fromdateiso8601/0': fn0(fromIso8601),
  'fromdate/0': fn0(fromIso8601),
  'todateiso8601/0': fn0(toIso8601),
  'todate/0': fn0(toIso8601),
};

