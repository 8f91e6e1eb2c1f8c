/**
 * A parser for jq 1.8 programs with jq's precedence (loosest first): `|`, `,`, `//`, assignments, `or`, `and`,
 * comparisons, `+ -`, `* / %`, postfix `?`; `try`/`catch` bodies and `-` operands bind as jq's grammar says;
 * the bodies of `as` bindings, `label` and `def` extend to the end of the enclosing expression. Only programs jq-wasm has
 * already compiled reach this parser, so it needs to get valid programs right, not to report syntax errors.
 */
import type { Ast, Pattern } from './ast.ts';
import { Decline } from './decline.ts';
import type { Token } from './lexer.ts';
import { tokenize } from './lexer.ts';
import { AS_BINDING, BINARY, NEG_OPERAND, OBJECT_VALUE, POSTFIX_TRY, combine } from './precedence.ts';

const IDENTITY: Ast = { k: 'identity' };

/** Parse a whole program. Throws {@link Decline} for syntax Tide does not compile (`def`, `?//`, modules, …). */
export function parseJq(src: string): Ast {
  const parser = new Parser(tokenize(src));
  const ast = parser.exp(1);
  parser.expectEof();
  return ast;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private isOp(v: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.t === 'op' && t.v === v;
  }

  private isKw(v: string): boolean {
    const t = this.peek();
    return t.t === 'kw' && t.v === v;
  }

  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new Decline(`syntax near ${describe(this.peek())}`);
    this.pos++;
  }

  private expectKw(v: string): void {
    if (!this.isKw(v)) throw new Decline(`syntax near ${describe(this.peek())}`);
    this.pos++;
  }

  expectEof(): void {
    if (this.peek().t !== 'eof') throw new Decline(`syntax near ${describe(this.peek())}`);
  }

  /** Binary operators of binding power `min` and tighter. */
  exp(min: number): Ast {
    let left = this.prefix();
    while (true) {
      const t = this.peek();
      if (t.t === 'op' && t.v === '?') {
        if (POSTFIX_TRY < min) break;
        this.pos++;
        left = { k: 'try', body: left, handler: null };
        continue;
      }
      if (t.t === 'op' && t.v === '?//') throw new Decline('`?//` destructuring alternatives');
      if (t.t === 'kw' && t.v === 'as') {
        if (AS_BINDING < min) break;
        this.pos++;
        const patterns = [this.pattern()];
        if (this.isOp('?//')) throw new Decline('`?//` destructuring alternatives');
        this.expectOp('|');
        left = { k: 'as', source: left, patterns, body: this.exp(1) };
        continue;
      }
      const name = t.t === 'op' || (t.t === 'kw' && (t.v === 'and' || t.v === 'or')) ? t.v : undefined;
      const info = name === undefined ? undefined : BINARY[name];
      if (!info || info.bp < min) break;
      this.pos++;
      // Left-associative: the right side takes only tighter operators, but an `as` binding after `,` belongs to
      // the right side (`1, 2 as $x | …` is `1, (2 as $x | …)`).
      const right = this.exp(info.assoc === 'right' ? info.bp : info.assoc === 'left' ? info.bp + 0.5 : info.bp + 1);
      left = combine(name!, left, right);
    }
    return left;
  }

  /** A term with its postfix suffixes, or a construct that starts with a keyword or `-`. */
  private prefix(): Ast {
    const t = this.peek();
    if (t.t === 'op' && t.v === '-') {
      this.pos++;
      return { k: 'neg', expr: this.exp(NEG_OPERAND) };
    }
    if (t.t === 'kw') {
      switch (t.v) {
        case 'def':
          throw new Decline('`def`');
        case 'label': {
          this.pos++;
          const v = this.next();
          if (v.t !== 'var') throw new Decline('`label`');
          this.expectOp('|');
          return { k: 'label', name: v.v, body: this.exp(1) };
        }
        case 'import':
        case 'include':
        case 'module':
          throw new Decline('modules');
      }
    }
    return this.postfix();
  }

  private postfix(): Ast {
    let term = this.primary();
    while (true) {
      const t = this.peek();
      if (t.t === 'field') {
        this.pos++;
        term = { k: 'index', target: term, key: { k: 'literal', value: t.v }, opt: this.optional() };
      } else if (t.t === 'op' && t.v === '.' && this.peek(1).t === 'str_start') {
        this.pos++;
        term = { k: 'index', target: term, key: this.string('text'), opt: this.optional() };
      } else if (t.t === 'op' && t.v === '.' && this.isOp('[', 1)) {
        this.pos++;
        term = this.bracket(term);
      } else if (t.t === 'op' && t.v === '[') {
        term = this.bracket(term);
      } else {
        return term;
      }
    }
  }

  /** `[]`, `[e]`, `[e:e]`, `[e:]`, `[:e]` after a term, each optionally followed by `?`. */
  private bracket(target: Ast): Ast {
    this.expectOp('[');
    if (this.isOp(']')) {
      this.pos++;
      return { k: 'iterate', target, opt: this.optional() };
    }
    if (this.isOp(':')) {
      this.pos++;
      const to = this.exp(1);
      this.expectOp(']');
      return { k: 'slice', target, from: null, to, opt: this.optional() };
    }
    const key = this.exp(1);
    if (this.isOp(':')) {
      this.pos++;
      const to = this.isOp(']') ? null : this.exp(1);
      this.expectOp(']');
      return { k: 'slice', target, from: key, to, opt: this.optional() };
    }
    this.expectOp(']');
    return { k: 'index', target, key, opt: this.optional() };
  }

  private optional(): boolean {
    if (this.isOp('?')) {
      this.pos++;
      return true;
    }
    return false;
  }

  private primary(): Ast {
    const t = this.next();
    switch (t.t) {
      case 'field':
        return { k: 'index', target: IDENTITY, key: { k: 'literal', value: t.v }, opt: this.optional() };
      case 'num':
        return { k: 'number', text: t.v };
      case 'str_start':
        this.pos--;
        return this.string('text');
      case 'format':
        if (this.peek().t === 'str_start') return this.string(t.v);
        return { k: 'format', name: t.v };
      case 'var':
        return { k: 'var', name: t.v };
      case 'ident':
        if (t.v === 'true' || t.v === 'false') return { k: 'literal', value: t.v === 'true' };
        if (t.v === 'null') return { k: 'literal', value: null };
        return { k: 'call', name: t.v, args: this.isOp('(') ? this.args() : [] };
      case 'kw':
        return this.keywordTerm(t.v);
      case 'op':
        switch (t.v) {
          case '.':
            if (this.peek().t === 'str_start') {
              return { k: 'index', target: IDENTITY, key: this.string('text'), opt: this.optional() };
            }
            return IDENTITY;
          case '..':
            return { k: 'recurse' };
          case '(': {
            const e = this.exp(1);
            this.expectOp(')');
            return e;
          }
          case '[': {
            if (this.isOp(']')) {
              this.pos++;
              return { k: 'array', body: null };
            }
            const body = this.exp(1);
            this.expectOp(']');
            return { k: 'array', body };
          }
          case '{':
            return this.object();
        }
    }
    throw new Decline(`syntax near ${describe(t)}`);
  }

  private keywordTerm(kw: string): Ast {
    switch (kw) {
      case 'if': {
        const cond = this.exp(1);
        this.expectKw('then');
        const then = this.exp(1);
        return { k: 'if', cond, then, else: this.elseBody() };
      }
      case 'try': {
        // `try` and `catch` bodies bind tighter than every binary operator and postfix `?`.
        const body = this.prefix();
        let handler: Ast | null = null;
        if (this.isKw('catch')) {
          this.pos++;
          handler = this.prefix();
        }
        return { k: 'try', body, handler };
      }
      case 'reduce': {
        const { source, pattern, init, update } = this.loopHead();
        this.expectOp(')');
        return { k: 'reduce', source, pattern, init, update };
      }
      case 'foreach': {
        const { source, pattern, init, update } = this.loopHead();
        let extract: Ast | null = null;
        if (this.isOp(';')) {
          this.pos++;
          extract = this.exp(1);
        }
        this.expectOp(')');
        return { k: 'foreach', source, pattern, init, update, extract };
      }
      case 'break': {
        const v = this.next();
        if (v.t !== 'var') throw new Decline('`break`');
        return { k: 'break', name: v.v };
      }
    }
    throw new Decline(`keyword \`${kw}\``);
  }

  /** `SOURCE as PATTERN (INIT; UPDATE` of `reduce` and `foreach`, after the keyword. */
  private loopHead(): { source: Ast; pattern: Pattern; init: Ast; update: Ast } {
    const source = this.postfix();
    this.expectKw('as');
    const pattern = this.pattern();
    this.expectOp('(');
    const init = this.exp(1);
    this.expectOp(';');
    return { source, pattern, init, update: this.exp(1) };
  }

  private elseBody(): Ast | null {
    if (this.isKw('elif')) {
      this.pos++;
      const cond = this.exp(1);
      this.expectKw('then');
      const then = this.exp(1);
      return { k: 'if', cond, then, else: this.elseBody() };
    }
    if (this.isKw('else')) {
      this.pos++;
      const e = this.exp(1);
      this.expectKw('end');
      return e;
    }
    this.expectKw('end');
    return null;
  }

  private args(): Ast[] {
    this.expectOp('(');
    const args = [this.exp(1)];
    while (this.isOp(';')) {
      this.pos++;
      args.push(this.exp(1));
    }
    this.expectOp(')');
    return args;
  }

  /** A string literal from its start token: text runs and `\(…)` parts. */
  private string(format: string): Ast {
    if (this.next().t !== 'str_start') throw new Decline('syntax');
    const parts: Array<string | Ast> = [];
    while (true) {
      const t = this.next();
      if (t.t === 'str_end') break;
      if (t.t === 'str_text') parts.push(t.v);
      else if (t.t === 'interp_start') {
        parts.push(this.exp(1));
        if (this.next().t !== 'interp_end') throw new Decline('syntax in string interpolation');
      } else throw new Decline('syntax in string');
    }
    return { k: 'string', format, parts };
  }

  private object(): Ast {
    const entries: Array<{ key: Ast; value: Ast | null }> = [];
    if (this.isOp('}')) {
      this.pos++;
      return { k: 'object', entries };
    }
    while (true) {
      const t = this.peek();
      let key: Ast;
      let value: Ast | null;
      if (t.t === 'var') {
        this.pos++;
        if (this.isOp(':')) {
          key = { k: 'var', name: t.v };
          this.pos++;
          value = this.objectValue();
        } else {
          key = { k: 'literal', value: t.v };
          value = { k: 'var', name: t.v };
        }
      } else if (t.t === 'ident' || t.t === 'kw') {
        this.pos++;
        key = { k: 'literal', value: t.v };
        if (this.isOp(':')) {
          this.pos++;
          value = this.objectValue();
        } else {
          value = { k: 'index', target: IDENTITY, key, opt: false };
        }
      } else if (t.t === 'str_start' || (t.t === 'format' && this.peek(1).t === 'str_start')) {
        if (t.t === 'format') this.pos++;
        key = this.string(t.t === 'format' ? t.v : 'text');
        if (this.isOp(':')) {
          this.pos++;
          value = this.objectValue();
        } else {
          value = null;
        }
      } else if (t.t === 'op' && t.v === '(') {
        this.pos++;
        key = this.exp(1);
        this.expectOp(')');
        this.expectOp(':');
        value = this.objectValue();
      } else {
        throw new Decline(`object key ${describe(t)}`);
      }
      entries.push({ key, value });
      if (this.isOp(',')) {
        this.pos++;
        continue;
      }
      this.expectOp('}');
      return { k: 'object', entries };
    }
  }

  /** An object value: any expression but `,`, with `|` chaining values. */
  private objectValue(): Ast {
    const left = this.exp(OBJECT_VALUE);
    if (this.isOp('|')) {
      this.pos++;
      return { k: 'pipe', left, right: this.objectValue() };
    }
    return left;
  }

  private pattern(): Pattern {
    const t = this.next();
    if (t.t === 'var') return { p: 'var', name: t.v };
    if (t.t === 'op' && t.v === '[') {
      const items = [this.pattern()];
      while (this.isOp(',')) {
        this.pos++;
        items.push(this.pattern());
      }
      this.expectOp(']');
      return { p: 'array', items };
    }
    if (t.t === 'op' && t.v === '{') {
      const entries: Array<{ key: Ast; bind: string | null; pattern: Pattern | null }> = [];
      while (true) {
        const e = this.next();
        if (e.t === 'var') {
          let pattern: Pattern | null = null;
          if (this.isOp(':')) {
            this.pos++;
            pattern = this.pattern();
          }
          entries.push({ key: { k: 'literal', value: e.v }, bind: e.v, pattern });
        } else if (e.t === 'ident' || e.t === 'kw') {
          this.expectOp(':');
          entries.push({ key: { k: 'literal', value: e.v }, bind: null, pattern: this.pattern() });
        } else if (e.t === 'str_start') {
          this.pos--;
          const key = this.string('text');
          this.expectOp(':');
          entries.push({ key, bind: null, pattern: this.pattern() });
        } else if (e.t === 'op' && e.v === '(') {
          const key = this.exp(1);
          this.expectOp(')');
          this.expectOp(':');
          entries.push({ key, bind: null, pattern: this.pattern() });
        } else {
          throw new Decline('destructuring pattern');
        }
        if (this.isOp(',')) {
          this.pos++;
          continue;
        }
        this.expectOp('}');
        return { p: 'object', entries };
      }
    }
    throw new Decline('destructuring pattern');
  }
}

function describe(t: Token): string {
  return 'v' in t ? `\`${t.v}\`` : t.t;
}
