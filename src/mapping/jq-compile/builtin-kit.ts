/** Shapes shared by the builtin tables: how a builtin compiles, and helpers for the common arities. */
import type { Ast } from './ast.ts';
import type { Compiler, Scope } from './compiler.ts';
import type { Frame, Node } from './node.ts';
import { single, stream } from './node.ts';
import type { Json } from './values.ts';

export type Builtin = (c: Compiler, args: Ast[], scope: Scope) => Node;

/** A builtin of its input only. */
export function fn0(impl: (x: Json) => Json): Builtin {
  return () => single((x) => impl(x));
}

/** A builtin with one `$value` argument (which must have exactly one output). */
export function fn1(name: string, impl: (x: Json, a: Json) => Json): Builtin {
  return (c, args, scope) => {
    const [a] = c.singleArgs(name, args, scope) as [(x: Json, f: Frame) => Json];
    return single((x, f) => impl(x, a(x, f)));
  };
}

/** A builtin with two `$value` arguments. */
export function fn2(name: string, impl: (x: Json, a: Json, b: Json) => Json): Builtin {
  return (c, args, scope) => {
    const [a, b] = c.singleArgs(name, args, scope) as [(x: Json, f: Frame) => Json, (x: Json, f: Frame) => Json];
    return single((x, f) => {
      const bv = b(x, f);
      return impl(x, a(x, f), bv);
    });
  };
}

/** `select(pred)` for a fixed predicate: `values`, `strings`, … */
export function selector(pred: (x: Json) => boolean): Builtin {
  return () => stream((x, _f, emit) => (pred(x) ? emit(x) : false));
}
