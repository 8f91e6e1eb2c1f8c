/**
 * jq's lexer (src/lexer.l in jq 1.8), for the programs Tide compiles. Strings come out as jq's token stream:
 * start, decoded text runs, interpolation start/end, end. Anything unusual (module syntax, comments continued with a
 * backslash, lone surrogates) is declined rather than guessed.
 */
import { Decline } from './decline.ts';

export type Token =
  | { t: 'ident'; v: string }
  | { t: 'field'; v: string }
  | { t: 'var'; v: string }
  | { t: 'num'; v: string }
  | { t: 'format'; v: string }
  | { t: 'kw'; v: string }
  | { t: 'op'; v: string }
  | { t: 'str_start' }
  | { t: 'str_text'; v: string }
  | { t: 'interp_start' }
  | { t: 'interp_end' }
  | { t: 'str_end' }
  | { t: 'eof' };

const KEYWORDS = new Set([
  'as', 'def', 'if', 'then', 'elif', 'else', 'end', 'and', 'or', 'reduce', 'foreach', 'try', 'catch', 'label',
  'import', 'include', 'module', 'break',
]);

const OPS = ['?//', '//=', '!=', '==', '//', '|=', '+=', '-=', '*=', '/=', '%=', '<=', '>=', '..'];
const SINGLE = new Set(['.', '?', '=', ';', ',', ':', '|', '+', '-', '*', '/', '%', '$', '<', '>', '[', ']', '{', '}', '(', ')']);

const NUMBER = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const IDENT = /[a-zA-Z_][a-zA-Z_0-9]*/y;
const ESCAPE: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function tokenize(src: string): Token[] {
  if (/[\ud800-\udfff]/.test(src) && !wellFormed(src)) throw new Decline('program text with a lone surrogate');
  const out: Token[] = [];
  // Each entry is an open interpolation: how many `(` inside it are still open.
  const interps: number[] = [];
  let i = 0;
  const n = src.length;

  const readString = (): void => {
    // Just after the opening quote (or after an interpolation's closing paren).
    let text = '';
    while (i < n) {
      const c = src[i]!;
      if (c === '"') {
        if (text) out.push({ t: 'str_text', v: text });
        out.push({ t: 'str_end' });
        i++;
        return;
      }
      if (c === '\\') {
        const e = src[i + 1];
        if (e === '(') {
          if (text) out.push({ t: 'str_text', v: text });
          out.push({ t: 'interp_start' });
          interps.push(0);
          i += 2;
          return;
        }
        if (e === 'u') {
          const hex = src.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Decline('string escape');
          text += String.fromCharCode(parseInt(hex, 16));
          i += 6;
          continue;
        }
        const decoded = e === undefined ? undefined : ESCAPE[e];
        if (decoded === undefined) throw new Decline('string escape');
        text += decoded;
        i += 2;
        continue;
      }
      text += c;
      i++;
    }
    throw new Decline('unterminated string');
  };

  while (true) {
    if (i >= n) {
      if (interps.length > 0) throw new Decline('unterminated string');
      out.push({ t: 'eof' });
      return checkSurrogates(out);
    }
    const c = src[i]!;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      const end = src.indexOf('\n', i);
      const comment = src.slice(i, end < 0 ? n : end);
      // jq 1.8 continues a comment ending in a backslash onto the next line, and treats CR specially.
      if (comment.includes('\\') || comment.includes('\r')) throw new Decline('comment with a backslash');
      i = end < 0 ? n : end;
      continue;
    }
    if (c === '"') {
      out.push({ t: 'str_start' });
      i++;
      readString();
      continue;
    }
    if (c === '$') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      if (!m) throw new Decline('`$` without a name');
      if (src.startsWith('::', i + 1 + m[0].length)) throw new Decline('module syntax');
      if (m[0] === '__loc__') throw new Decline('`$__loc__`');
      out.push({ t: 'var', v: m[0] });
      i += 1 + m[0].length;
      continue;
    }
    if (c === '@') {
      const m = /[a-zA-Z0-9_]+/y;
      m.lastIndex = i + 1;
      const r = m.exec(src);
      if (!r) throw new Decline('`@` without a format name');
      out.push({ t: 'format', v: r[0] });
      i += 1 + r[0].length;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(src);
    if (num && !(c === '.' && src[i + 1] === '.')) {
      // `.5` is a number; `.foo` is a field (longest match, as flex does).
      if (c !== '.' || /[0-9]/.test(src[i + 1] ?? '')) {
        out.push({ t: 'num', v: num[0] });
        i += num[0].length;
        continue;
      }
    }
    if (c === '.' && /[a-zA-Z_]/.test(src[i + 1] ?? '')) {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src)!;
      out.push({ t: 'field', v: m[0] });
      i += 1 + m[0].length;
      continue;
    }
    if (/[a-zA-Z_]/.test(c)) {
      IDENT.lastIndex = i;
      const m = IDENT.exec(src)!;
      if (src.startsWith('::', i + m[0].length)) throw new Decline('module syntax');
      out.push(KEYWORDS.has(m[0]) ? { t: 'kw', v: m[0] } : { t: 'ident', v: m[0] });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op });
      i += op.length;
      continue;
    }
    if (SINGLE.has(c)) {
      if (interps.length > 0) {
        const top = interps.length - 1;
        if (c === '(') interps[top]!++;
        else if (c === ')') {
          if (interps[top] === 0) {
            interps.pop();
            out.push({ t: 'interp_end' });
            i++;
            readString();
            continue;
          }
          interps[top]!--;
        }
      }
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    throw new Decline(`character ${JSON.stringify(c)}`);
  }
}

function wellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** `\uXXXX` escapes may pair up across a text run; a lone surrogate would become U+FFFD in jq. */
function checkSurrogates(tokens: Token[]): Token[] {
  for (const tok of tokens) if (tok.t === 'str_text' && !wellFormed(tok.v)) throw new Decline('string with a lone surrogate');
  return tokens;
}
