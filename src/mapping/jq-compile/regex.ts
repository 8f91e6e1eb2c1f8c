/**
 * jq's regular expressions (Oniguruma, Perl syntax, UTF-8) for the subset whose meaning JavaScript's `u`-mode
 * RegExp can reproduce exactly: literals, `.`, classes, `\d \w \s` (Unicode, as Oniguruma reads them), groups
 * (plain, `(?:…)`, `(?<name>…)`), lookahead, alternation, greedy and lazy quantifiers, `^ $ \A \z \Z`.
 * Case-insensitive matching is reproduced only on ASCII text, since Oniguruma also folds `ß` to `ss`.
 * Everything else (backreferences, lookbehind, possessive quantifiers, POSIX brackets, `\b`, inline options,
 * flags other than `g` and `i`) is declined.
 */
import { Decline } from './decline.ts';
import type { Json } from './values.ts';
import { Unsupported, isAscii, kindOf, typeError } from './values.ts';

const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
// Unicode White_Space, which is what Oniguruma's \s matches (JavaScript's \s adds U+FEFF and lacks U+0085).
const SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPECIAL = new Set('^$\\.*+?()[]{}|/'.split(''));

export interface Regex {
  re: RegExp;
  /** With the `d` flag, when the pattern has groups: jq reports where each group matched. */
  withIndices: RegExp | undefined;
  /** Name of each capture group, in order (null when unnamed). */
  names: Array<string | null>;
  global: boolean;
  ignoreCase: boolean;
  /** The pattern is ASCII (needed for case-insensitive matching). */
  ascii: boolean;
}

function lit(c: string): string {
  return SPECIAL.has(c) ? `\\${c}` : c;
}

/** Translate an Oniguruma pattern to a JavaScript source, or throw {@link Decline}. */
export function translate(pattern: string): { source: string; names: Array<string | null> } {
  const chars = Array.from(pattern);
  let i = 0;
  const names: Array<string | null> = [];

  const quantifier = (): string | undefined => {
    const c = chars[i];
    let q: string | undefined;
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      i++;
    } else if (c === '{') {
      const rest = chars.slice(i).join('');
      const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
      if (!m) throw new Decline('regex `{` that is not a plain quantifier');
      if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) throw new Decline('regex quantifier bounds');
      q = m[0];
      i += m[0].length;
    }
    if (q === undefined) return undefined;
    if (chars[i] === '?') {
      q += '?';
      i++;
    } else if (chars[i] === '+') {
      throw new Decline('possessive regex quantifier');
    }
    if (chars[i] === '*' || chars[i] === '+' || chars[i] === '?' || chars[i] === '{') throw new Decline('stacked regex quantifiers');
    return q;
  };

  const escape = (inClass: boolean): string => {
    const c = chars[i++];
    if (c === undefined) throw new Decline('regex ending in `\\`');
    switch (c) {
      case 'd':
        return '\\p{Nd}';
      case 'w':
        return inClass ? WORD : `[${WORD}]`;
      case 's':
        return inClass ? SPACE : `[${SPACE}]`;
      case 'D':
      case 'W':
      case 'S':
        if (inClass) throw new Decline(`regex \\${c} inside a class`);
        return c === 'D' ? '\\P{Nd}' : c === 'W' ? `[^${WORD}]` : `[^${SPACE}]`;
      case 't':
        return '\\t';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 'f':
        return '\\f';
      case 'A':
      case 'z':
      case 'Z':
        if (inClass) throw new Decline(`regex \\${c} inside a class`);
        return c === 'A' ? '^' : c === 'z' ? '$' : '(?=\\n?$)';
    }
    if (/[\p{L}\p{N}]/u.test(c)) throw new Decline(`regex escape \\${c}`);
    // `\` before any other character means that character; `u` mode accepts it only as a code point escape.
    return `\\u{${c.codePointAt(0)!.toString(16)}}`;
  };

  const klass = (): string => {
    // Just after `[`.
    let out = '[';
    if (chars[i] === '^') {
      out += '^';
      i++;
    }
    if (chars[i] === ']') throw new Decline('regex class starting with `]`');
    let items = 0;
    while (true) {
      const c = chars[i];
      if (c === undefined) throw new Decline('unterminated regex class');
      if (c === ']') {
        i++;
        if (items === 0) throw new Decline('empty regex class');
        return `${out}]`;
      }
      if (c === '[') throw new Decline('nested regex class or POSIX bracket');
      if (c === '&' && chars[i + 1] === '&') throw new Decline('regex class intersection');
      const single = (): { text: string; code?: number } => {
        const d = chars[i];
        if (d === '\\') {
          i++;
          const e = chars[i];
          if (e !== undefined && /[^\p{L}\p{N}]/u.test(e)) {
            i++;
            return { text: `\\u{${e.codePointAt(0)!.toString(16)}}`, code: e.codePointAt(0)! };
          }
          i--;
          i++;
          const text = escape(true);
          const known: Record<string, number> = { '\\t': 9, '\\n': 10, '\\r': 13, '\\f': 12 };
          return { text, code: known[text] };
        }
        i++;
        return { text: `\\u{${d!.codePointAt(0)!.toString(16)}}`, code: d!.codePointAt(0)! };
      };
      const from = single();
      if (chars[i] === '-' && chars[i + 1] !== ']' && chars[i + 1] !== undefined) {
        i++;
        if (chars[i] === '[') throw new Decline('nested regex class');
        const to = single();
        if (from.code === undefined || to.code === undefined || to.code < from.code) throw new Decline('regex class range');
        out += `${from.text}-${to.text}`;
      } else {
        out += from.text;
      }
      items++;
    }
  };

  const sequence = (depth: number): string => {
    let out = '';
    while (i < chars.length) {
      const c = chars[i]!;
      if (c === '|') {
        i++;
        out += '|';
        continue;
      }
      if (c === ')') {
        if (depth === 0) throw new Decline('unbalanced `)` in regex');
        return out;
      }
      let atom: string;
      let quantifiable = true;
      if (c === '(') {
        i++;
        let open = '(';
        if (chars[i] === '?') {
          const rest = chars.slice(i, i + 2).join('');
          if (rest === '?:') {
            open = '(?:';
            i += 2;
          } else if (rest === '?=' || rest === '?!') {
            open = `(${rest}`;
            i += 2;
            quantifiable = false;
          } else if (rest === '?<' && /[A-Za-z_]/.test(chars[i + 2] ?? '')) {
            const m = /^\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(chars.slice(i).join(''));
            if (!m) throw new Decline('regex group name');
            if (names.includes(m[1]!)) throw new Decline('regex group name used twice');
            names.push(m[1]!);
            open = `(?<${m[1]}>`;
            i += m[0].length;
          } else {
            throw new Decline('regex group option');
          }
        } else {
          names.push(null);
        }
        const inner = sequence(depth + 1);
        if (chars[i] !== ')') throw new Decline('unbalanced `(` in regex');
        i++;
        atom = `${open}${inner})`;
      } else if (c === '[') {
        i++;
        atom = klass();
      } else if (c === '.') {
        i++;
        atom = '[^\\n]';
      } else if (c === '^') {
        i++;
        atom = '^';
        quantifiable = false;
      } else if (c === '$') {
        i++;
        atom = '(?=\\n?$)';
        quantifiable = false;
      } else if (c === '\\') {
        i++;
        const anchor = chars[i] === 'A' || chars[i] === 'z' || chars[i] === 'Z';
        atom = escape(false);
        quantifiable = !anchor;
      } else if (c === '*' || c === '+' || c === '?' || c === '{') {
        throw new Decline('regex quantifier without an operand');
      } else {
        i++;
        atom = c === ']' || c === '}' ? `\\${c}` : lit(c);
      }
      const q = quantifier();
      if (q !== undefined && !quantifiable) throw new Decline('quantified regex anchor or lookahead');
      out += atom + (q ?? '');
    }
    if (depth > 0) throw new Decline('unbalanced `(` in regex');
    return out;
  };

  const source = sequence(0);
  return { source, names };
}

const cache = new Map<string, Regex>();

/** A compiled regex for `pattern` and jq's `flags` (null or a string). Throws {@link Decline} or a jq error. */
export function regex(pattern: Json, flags: Json): Regex {
  if (typeof pattern !== 'string') throw typeError(`${kindOf(pattern)} (${String(pattern)}) cannot be matched, as it is not a string`);
  if (flags !== null && typeof flags !== 'string') throw typeError(`${kindOf(flags)} is not a string`);
  const key = `${flags ?? ''}\u0000${pattern}`;
  let r = cache.get(key);
  if (r) return r;
  let global = false;
  let ignoreCase = false;
  for (const f of flags ?? '') {
    if (f === 'g') global = true;
    else if (f === 'i') ignoreCase = true;
    else if ('xnpsl'.includes(f)) throw new Decline(`regex flag ${f}`);
    else throw new Unsupported('invalid regex flag');
  }
  const { source, names } = translate(pattern);
  let re: RegExp;
  try {
    re = new RegExp(source, ignoreCase ? 'giu' : 'gu');
  } catch {
    throw new Decline('regex JavaScript cannot express');
  }
  const withIndices = names.length > 0 ? new RegExp(source, ignoreCase ? 'giud' : 'gud') : undefined;
  r = { re, withIndices, names, global, ignoreCase, ascii: isAscii(pattern) };
  if (cache.size >= 512) cache.delete(cache.keys().next().value!);
  cache.set(key, r);
  return r;
}

/** Like {@link regex}, but a pattern Tide cannot reproduce sends the item to jq instead of declining. */
export function runtimeRegex(pattern: Json, flags: Json): Regex {
  try {
    return regex(pattern, flags);
  } catch (e) {
    if (e instanceof Decline) throw new Unsupported(e.construct);
    throw e;
  }
}

export interface Capture {
  offset: number;
  length: number;
  string: string | null;
  name: string | null;
}

export interface Match {
  offset: number;
  length: number;
  string: string;
  captures: Capture[];
  /** Code-unit bounds, for slicing. */
  start: number;
  end: number;
}

/** Code-point offset of code-unit position `pos`. */
function cp(s: string, pos: number, astral: boolean): number {
  if (!astral) return pos;
  let n = 0;
  for (let i = 0; i < pos; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Every match jq's `_match_impl` reports (one unless global), with jq's offsets, captures and quirks. */
export function matches(input: Json, r: Regex, global = r.global): Match[] {
  const text = checkInput(input, r);
  const ascii = isAscii(text);
  const astral = /[\ud800-\udfff]/.test(text);
  const out: Match[] = [];
  const re = r.withIndices ?? r.re;
  let start = 0;
  while (start <= text.length) {
    re.lastIndex = start;
    const m = re.exec(text) as (RegExpExecArray & { indices?: Array<[number, number] | undefined> }) | null;
    if (!m) break;
    const b = m.index;
    const e = b + m[0].length;
    const offset = cp(text, b, astral);
    if (b === e) {
      // jq advances one byte past an empty match; on non-ASCII text that splits a character.
      if (global && !ascii) throw new Unsupported('empty regex match on non-ASCII text');
      // jq reports every capture of an empty match as empty, at the match's offset.
      const captures = r.names.map((name): Capture => ({ offset, length: 0, string: '', name }));
      out.push({ offset, length: 0, string: '', captures, start: b, end: e });
      if (!global) break;
      start = e + 1;
      continue;
    }
    const captures = r.names.map((name, g): Capture => {
      const span = m.indices?.[g + 1];
      if (!span) return { offset: -1, length: 0, string: null, name };
      const group = text.slice(span[0], span[1]);
      return { offset: cp(text, span[0], astral), length: astral ? Array.from(group).length : group.length, string: group, name };
    });
    out.push({ offset, length: cp(text, e, astral) - offset, string: m[0], captures, start: b, end: e });
    if (!global) break;
    start = e;
  }
  return out;
}

/** A match as `capture`, `scan`, `split` and `sub` need it: bounds in code units and each group's text. */
export interface Span {
  start: number;
  end: number;
  /** Each group's text; null when the group did not take part (jq reports "" for all groups of an empty match). */
  groups: Array<string | null>;
}

function checkInput(input: Json, r: Regex): string {
  if (typeof input !== 'string') throw typeError(`${kindOf(input)} cannot be matched, as it is not a string`);
  if (r.ignoreCase && !(r.ascii && isAscii(input))) throw new Unsupported('case-insensitive match on non-ASCII text');
  return input;
}

/** The matches jq's `_match_impl` finds, without offsets in code points (cheaper than {@link matches}). */
export function spans(input: Json, r: Regex, global = r.global): Span[] {
  const s = checkInput(input, r);
  const out: Span[] = [];
  const re = r.re;
  const groups = r.names.length;
  let ascii: boolean | undefined;
  let start = 0;
  while (start <= s.length) {
    re.lastIndex = start;
    const m = re.exec(s);
    if (!m) break;
    const b = m.index;
    const e = b + m[0].length;
    if (b === e) {
      if (global && !(ascii ??= isAscii(s))) throw new Unsupported('empty regex match on non-ASCII text');
      out.push({ start: b, end: e, groups: new Array<string>(groups).fill('') });
      if (!global) break;
      start = e + 1;
      continue;
    }
    const g: Array<string | null> = new Array(groups);
    for (let i = 0; i < groups; i++) g[i] = m[i + 1] ?? null;
    out.push({ start: b, end: e, groups: g });
    if (!global) break;
    start = e;
  }
  return out;
}

/** The object of named captures of a span. */
export function spanCaptures(r: Regex, span: Span): Record<string, Json> {
  const o: Record<string, Json> = {};
  r.names.forEach((name, i) => {
    if (name !== null) o[name] = span.groups[i];
  });
  return o;
}

/** `test`: whether there is a match, without building match objects. */
export function testMatch(input: Json, r: Regex): boolean {
  const s = checkInput(input, r);
  r.re.lastIndex = 0;
  return r.re.test(s);
}

/** jq's match object, with jq's key order. */
export function matchObject(m: Match): Json {
  return {
    offset: m.offset,
    length: m.length,
    string: m.string,
    captures: m.captures.map((c) =>
      c.string === null ? { offset: -1, string: null, length: 0, name: c.name } : c.length === 0 ? { offset: c.offset, string: '', length: 0, name: c.name } : { offset: c.offset, length: c.length, string: c.string, name: c.name },
    ),
  };
}


