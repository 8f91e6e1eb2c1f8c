/**
 * Turns a parsed jq program into nested JavaScript closures (no `eval`: workerd forbids code generation). Anything
 * outside the supported subset throws {@link Decline} with the construct's name.
 *
 * Output order follows jq exactly where a construct has several outputs: for `a OP b` the right operand is the
 * outer loop; object construction iterates keys before values, entries left to right; `and`/`or` the left side
 * first. `try` catches only errors raised inside its body, never those of what consumes its outputs.
 */
import type { Ast, Pattern } from './ast.ts';
import { BUILTINS } from './builtins.ts';
import { Decline } from './decline.ts';
import type { Emit, Frame, Node } from './node.ts';
import { isSingle, single, stream } from './node.ts';
import { add, divide, index, modulo, multiply, negate, slice, subtract, valuesOf } from './ops.ts';
import { applyFormat, FORMATS } from './formats.ts';
import type { Json } from './values.ts';
import { JqError, Unsupported, compare, equals, setKey, truthy, typeError } from './values.ts';

/** Variable name → frame slot, for the names in scope. */
export type Scope = ReadonlyMap<string, number>;

const BINARY: Record<string, (a: Json, b: Json) => Json> = {
  '+': add,
  '-': subtract,
  '*': multiply,
  '/': divide,
  '%': modulo,
  '==': (a, b) => equals(a, b),
  '!=': (a, b) => !equals(a, b),
  '<': (a, b) => compare(a, b) < 0,
  '<=': (a, b) => compare(a, b) <= 0,
  '>': (a, b) => compare(a, b) > 0,
  '>=': (a, b) => compare(a, b) >= 0,
};

export class Compiler {
  /** Slot 0 is `$ENV` (and `env`). */
  slots = 1;

  compile(ast: Ast, scope: Scope): Node {
    switch (ast.k) {
      case 'identity':
        return single((x) => x);
      case 'literal': {
        const v = ast.value;
        return single(() => v);
      }
      case 'number': {
        const v = Number(ast.text);
        // jq keeps the literal's digits: `1.0` prints as `1.0`, `100000000000000000001` keeps every digit.
        if (String(v) !== ast.text) throw new Decline(`number literal ${ast.text}`);
        return single(() => v);
      }
      case 'string':
        return this.string(ast.format, ast.parts, scope);
      case 'format': {
        const name = formatName(ast.name);
        return single((x) => applyFormat(name, x));
      }
      case 'index':
        return this.index(ast.target, ast.key, ast.opt, scope);
      case 'slice':
        return this.slice(ast, scope);
      case 'iterate': {
        const target = this.compile(ast.target, scope);
        const opt = ast.opt;
        const spread = (t: Json, emit: Emit): boolean =>
          optionalStep(opt, valuesOf, t, undefined, (items) => {
            const list = items as Json[];
            for (let i = 0; i < list.length; i++) if (emit(list[i])) return true;
            return false;
          });
        if (isSingle(target)) return stream((x, f, emit) => spread(target.one(x, f), emit));
        return stream((x, f, emit) => target.each(x, f, (t) => spread(t, emit)));
      }
      case 'pipe': {
        const left = this.compile(ast.left, scope);
        const right = this.compile(ast.right, scope);
        if (isSingle(left) && isSingle(right)) {
          const l = left.one;
          const r = right.one;
          return single((x, f) => r(l(x, f), f));
        }
        if (isSingle(left)) return stream((x, f, emit) => right.each(left.one(x, f), f, emit));
        if (isSingle(right)) return stream((x, f, emit) => left.each(x, f, (v) => emit(right.one(v, f))));
        return stream((x, f, emit) => left.each(x, f, (v) => right.each(v, f, emit)));
      }
      case 'comma': {
        const left = this.compile(ast.left, scope);
        const right = this.compile(ast.right, scope);
        return stream((x, f, emit) => left.each(x, f, emit) || right.each(x, f, emit));
      }
      case 'neg': {
        const e = this.compile(ast.expr, scope);
        if (isSingle(e)) return single((x, f) => negate(e.one(x, f)));
        return stream((x, f, emit) => e.each(x, f, (v) => emit(negate(v))));
      }
      case 'binary':
        return this.binary(BINARY[ast.op]!, this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'and':
      case 'or':
        return this.logic(ast.k, this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'alt':
        return this.alternative(this.compile(ast.left, scope), this.compile(ast.right, scope));
      case 'if':
        return this.conditional(ast.cond, ast.then, ast.else, scope);
      case 'try':
        return this.tryCatch(ast.body, ast.handler, scope);
      case 'reduce':
        return this.reduce(ast, scope);
      case 'as':
        return this.binding(ast, scope);
      case 'call':
        return this.call(ast.name, ast.args, scope);
      case 'var':
        return this.variable(ast.name, scope);
      case 'array': {
        if (ast.body === null) return single(() => []);
        const body = this.compile(ast.body, scope);
        if (isSingle(body)) return single((x, f) => [body.one(x, f)]);
        return single((x, f) => {
          const out: Json[] = [];
          body.each(x, f, (v) => {
            out.push(v);
            return false;
          });
          return out;
        });
      }
      case 'object':
        return this.object(ast.entries, scope);
      case 'recurse':
        throw new Decline('`..`');
      case 'assign':
        throw new Decline(`\`${ast.op}\` assignment`);
      case 'foreach':
        throw new Decline('`foreach`');
      case 'label':
        throw new Decline('`label`');
      case 'break':
        throw new Decline('`break`');
      case 'def':
        throw new Decline('`def`');
    }
  }

  /** A node for each argument, requiring exactly one output each (cartesian products of builtin arguments are left to jq). */
  singleArgs(name: string, args: Ast[], scope: Scope): Array<(x: Json, f: Frame) => Json> {
    return args.map((a) => {
      const n = this.compile(a, scope);
      if (!isSingle(n)) throw new Decline(`\`${name}\` with an argument that may give several or no outputs`);
      return n.one;
    });
  }

  /** Binds the slots of a new variable and returns the scope it is visible in. */
  declare(scope: Scope, name: string): [Scope, number] {
    const slot = this.slots++;
    const next = new Map(scope);
    next.set(name, slot);
    return [next, slot];
  }

  private variable(name: string, scope: Scope): Node {
    const slot = scope.get(name) ?? (name === 'ENV' ? 0 : undefined);
    if (slot === undefined) throw new Decline(`variable $${name}`);
    return single((_x, f) => f[slot]);
  }

  private call(name: string, args: Ast[], scope: Scope): Node {
    const builtin = BUILTINS[`${name}/${args.length}`];
    if (!builtin) throw new Decline(`builtin ${name}/${args.length}`);
    return builtin(this, args, scope);
  }

  private string(format: string, parts: Array<string | Ast>, scope: Scope): Node {
    const name = formatName(format);
    const compiled = parts.map((p) => (typeof p === 'string' ? p : this.compile(p, scope)));
    if (compiled.every((p) => typeof p === 'string' || isSingle(p))) {
      const ones = compiled.map((p) => (typeof p === 'string' ? p : p.one!));
      if (ones.length === 1 && typeof ones[0] === 'string') {
        const s = ones[0];
        return single(() => s);
      }
      return single((x, f) => {
        let s = '';
        for (const p of ones) s += typeof p === 'string' ? p : applyFormat(name, p(x, f));
        return s;
      });
    }
    // jq builds `"a\(x)b"` as `("a" + (x|@fmt)) + "b"`, so later interpolations are the outer loops.
    let acc: Node = single(() => '');
    for (const p of compiled) {
      const part: Node =
        typeof p === 'string' ? single(() => p) : isSingle(p) ? single((x, f) => applyFormat(name, p.one!(x, f))) : stream((x, f, emit) => p.each(x, f, (v) => emit(applyFormat(name, v))));
      acc = this.binary(add, acc, part);
    }
    return acc;
  }

  private index(targetAst: Ast, keyAst: Ast, opt: boolean, scope: Scope): Node {
    const target = this.compile(targetAst, scope);
    const key = this.compile(keyAst, scope);
    if (!opt && isSingle(target) && isSingle(key)) {
      const t = target.one;
      if (keyAst.k === 'literal' && typeof keyAst.value === 'string') {
        const k = keyAst.value;
        return single((x, f) => index(t(x, f), k));
      }
      const kk = key.one;
      return single((x, f) => index(t(x, f), kk(x, f)));
    }
    const step = (t: Json, k: Json, emit: Emit): boolean => optionalStep(opt, index, t, k, emit);
    if (isSingle(key)) {
      const kk = key.one;
      if (isSingle(target)) return stream((x, f, emit) => step(target.one(x, f), kk(x, f), emit));
      return stream((x, f, emit) => {
        const k = kk(x, f);
        return target.each(x, f, (t) => step(t, k, emit));
      });
    }
    // The key is evaluated before the target, so it is the outer loop; `?` covers the indexing step only.
    return stream((x, f, emit) => key.each(x, f, (k) => target.each(x, f, (t) => step(t, k, emit))));
  }

  private slice(ast: Extract<Ast, { k: 'slice' }>, scope: Scope): Node {
    const target = this.compile(ast.target, scope);
    const from = ast.from ? this.compile(ast.from, scope) : single(() => null);
    const to = ast.to ? this.compile(ast.to, scope) : single(() => null);
    const opt = ast.opt;
    if (!opt && isSingle(target) && isSingle(from) && isSingle(to)) {
      return single((x, f) => {
        const b = to.one(x, f);
        return slice(target.one(x, f), from.one(x, f), b);
      });
    }
    return stream((x, f, emit) =>
      from.each(x, f, (a) =>
        to.each(x, f, (b) =>
          target.each(x, f, (t) => optionalStep(opt, (bounds: [Json, Json]) => slice(t, bounds[0], bounds[1]), [a, b], undefined, emit)),
        ),
      ),
    );
  }

  binary(op: (a: Json, b: Json) => Json, left: Node, right: Node): Node {
    if (isSingle(left) && isSingle(right)) {
      const l = left.one;
      const r = right.one;
      return single((x, f) => {
        const b = r(x, f);
        return op(l(x, f), b);
      });
    }
    return stream((x, f, emit) => right.each(x, f, (b) => left.each(x, f, (a) => emit(op(a, b)))));
  }

  private logic(kind: 'and' | 'or', left: Node, right: Node): Node {
    const short = kind === 'or';
    if (isSingle(left) && isSingle(right)) {
      return single((x, f) => (truthy(left.one(x, f)) === short ? short : truthy(right.one(x, f))));
    }
    return stream((x, f, emit) =>
      left.each(x, f, (a) => (truthy(a) === short ? emit(short) : right.each(x, f, (b) => emit(truthy(b))))),
    );
  }

  private alternative(left: Node, right: Node): Node {
    if (isSingle(left) && isSingle(right)) {
      return single((x, f) => {
        const v = left.one(x, f);
        return truthy(v) ? v : right.one(x, f);
      });
    }
    return stream((x, f, emit) => {
      let any = false;
      const stopped = left.each(x, f, (v) => {
        if (!truthy(v)) return false;
        any = true;
        return emit(v);
      });
      if (stopped) return true;
      return any ? false : right.each(x, f, emit);
    });
  }

  private conditional(condAst: Ast, thenAst: Ast, elseAst: Ast | null, scope: Scope): Node {
    const cond = this.compile(condAst, scope);
    const then = this.compile(thenAst, scope);
    const otherwise = elseAst ? this.compile(elseAst, scope) : single((x) => x);
    if (isSingle(cond) && isSingle(then) && isSingle(otherwise)) {
      return single((x, f) => (truthy(cond.one(x, f)) ? then.one(x, f) : otherwise.one(x, f)));
    }
    return stream((x, f, emit) => cond.each(x, f, (c) => (truthy(c) ? then.each(x, f, emit) : otherwise.each(x, f, emit))));
  }

  private tryCatch(bodyAst: Ast, handlerAst: Ast | null, scope: Scope): Node {
    const body = this.compile(bodyAst, scope);
    const handler = handlerAst ? this.compile(handlerAst, scope) : null;
    // A handler that ignores its input can run on any error; one that reads the message needs jq's exact text.
    const constant = handlerAst !== null && isConstant(handlerAst);
    return stream((x, f, emit) => {
      let escaped: unknown;
      try {
        return body.each(x, f, (v) => {
          try {
            return emit(v);
          } catch (e) {
            escaped = e;
            throw e;
          }
        });
      } catch (e) {
        if (e === escaped || !(e instanceof JqError)) throw e;
        if (!handler) return false;
        if (!e.exact && !constant) throw new Unsupported('catch reading a built-in error message');
        return handler.each(e.value, f, emit);
      }
    });
  }

  private reduce(ast: Extract<Ast, { k: 'reduce' }>, scope: Scope): Node {
    const source = this.compile(ast.source, scope);
    const init = this.compile(ast.init, scope);
    if (!isSingle(init)) throw new Decline('`reduce` with an initial value that may give several or no outputs');
    const [inner, bind] = this.pattern(ast.pattern, scope);
    const update = this.compile(ast.update, inner);
    return single((x, f) => {
      let acc = init.one(x, f);
      source.each(x, f, (v) => {
        bind(v, f);
        // The last output of the update is the new state; none makes it null (jq 1.8).
        let next: Json = null;
        update.each(acc, f, (u) => {
          next = u;
          return false;
        });
        acc = next;
        return false;
      });
      return acc;
    });
  }

  private binding(ast: Extract<Ast, { k: 'as' }>, scope: Scope): Node {
    if (ast.patterns.length !== 1) throw new Decline('`?//` destructuring alternatives');
    const source = this.compile(ast.source, scope);
    const [inner, bind] = this.pattern(ast.patterns[0]!, scope);
    const body = this.compile(ast.body, inner);
    if (isSingle(source) && isSingle(body)) {
      return single((x, f) => {
        bind(source.one(x, f), f);
        return body.one(x, f);
      });
    }
    return stream((x, f, emit) =>
      source.each(x, f, (v) => {
        bind(v, f);
        return body.each(x, f, emit);
      }),
    );
  }

  /** Compiles a destructuring pattern: the scope of its body and a function that fills its slots from a value. */
  pattern(p: Pattern, scope: Scope): [Scope, (v: Json, f: Frame) => void] {
    const seen = new Set<string>();
    let inner = scope;
    const build = (q: Pattern): ((v: Json, f: Frame) => void) => {
      const declare = (name: string): number => {
        if (seen.has(name)) throw new Decline('a pattern binding one variable twice');
        seen.add(name);
        const [next, slot] = this.declare(inner, name);
        inner = next;
        return slot;
      };
      if (q.p === 'var') {
        const slot = declare(q.name);
        return (v, f) => {
          f[slot] = v;
        };
      }
      if (q.p === 'array') {
        const items = q.items.map(build);
        return (v, f) => items.forEach((bind, i) => bind(index(v, i), f));
      }
      const entries = q.entries.map((e) => {
        if (e.key.k !== 'literal' || typeof e.key.value !== 'string') {
          if (!(e.key.k === 'string' && e.key.parts.length <= 1 && e.key.parts.every((x) => typeof x === 'string'))) {
            throw new Decline('a computed key in a destructuring pattern');
          }
        }
        const key = e.key.k === 'literal' ? (e.key.value as string) : ((e.key as { parts: string[] }).parts[0] ?? '');
        const slot = e.bind === null ? -1 : declare(e.bind);
        const sub = e.pattern ? build(e.pattern) : null;
        return { key, slot, sub };
      });
      return (v, f) => {
        for (const e of entries) {
          const value = index(v, e.key);
          if (e.slot >= 0) f[e.slot] = value;
          if (e.sub) e.sub(value, f);
        }
      };
    };
    const bind = build(p);
    return [inner, bind];
  }

  private object(entries: Array<{ key: Ast; value: Ast | null }>, scope: Scope): Node {
    const parts = entries.map((e) => ({ key: this.compile(e.key, scope), value: e.value === null ? null : this.compile(e.value, scope) }));
    if (parts.every((p) => isSingle(p.key) && (p.value === null || isSingle(p.value)))) {
      const ones = parts.map((p) => ({ key: p.key.one!, value: p.value === null ? null : p.value.one! }));
      return single((x, f) => {
        const o: Record<string, Json> = {};
        for (const p of ones) {
          const k = p.key(x, f);
          if (typeof k !== 'string') throw typeError('Object keys must be strings');
          setKey(o, k, p.value === null ? index(x, k) : p.value(x, f));
        }
        return o;
      });
    }
    // Keys before values, entries left to right: each later generator is an inner loop.
    const build = (i: number, acc: Array<[string, Json]>, x: Json, f: Frame, emit: Emit): boolean => {
      if (i === parts.length) {
        const o: Record<string, Json> = {};
        for (const [k, v] of acc) setKey(o, k, v);
        return emit(o);
      }
      const p = parts[i]!;
      return p.key.each(x, f, (k) => {
        if (typeof k !== 'string') throw typeError('Object keys must be strings');
        if (p.value === null) return build(i + 1, [...acc, [k, index(x, k)]], x, f, emit);
        return p.value.each(x, f, (v) => build(i + 1, [...acc, [k, v]], x, f, emit));
      });
    };
    return stream((x, f, emit) => build(0, [], x, f, emit));
  }
}

/** One indexing step (`.[k]`, `.[a:b]`, `.[]`) on `a` and `b`: with `?`, a jq error there gives no output instead. */
function optionalStep<A, B>(opt: boolean, step: (a: A, b: B) => Json, a: A, b: B, emit: Emit): boolean {
  if (!opt) return emit(step(a, b));
  let v: Json;
  try {
    v = step(a, b);
  } catch (e) {
    if (e instanceof JqError) return false;
    throw e;
  }
  return emit(v);
}

function formatName(name: string): string {
  if (!FORMATS.has(name)) throw new Decline(`format @${name}`);
  return name;
}

/** A handler whose result does not depend on its input. */
function isConstant(ast: Ast): boolean {
  switch (ast.k) {
    case 'literal':
    case 'number':
      return true;
    case 'string':
      return ast.parts.every((p) => typeof p === 'string');
    case 'array':
      return ast.body === null || isConstant(ast.body);
    case 'neg':
      return isConstant(ast.expr);
    default:
      return false;
  }
}
