/**
 * The shape of compiled code. Every node can stream its outputs to a callback (`each`); a node that always gives
 * exactly one output or raises an error also has `one`, which returns it directly. Most mapping programs are built
 * of such nodes only, so they run as plain nested function calls.
 */
import type { Json } from './values.ts';

/** Variable slots of one evaluation; slot 0 holds `$ENV`. */
export type Frame = Json[];

/** Receives one output; returning true stops the producer (as `first`, `limit` and `isempty` need). */
export type Emit = (v: Json) => boolean;

export interface Node {
  one?: (x: Json, f: Frame) => Json;
  each: (x: Json, f: Frame, emit: Emit) => boolean;
}

export type SingleNode = Node & { one: (x: Json, f: Frame) => Json };

export function single(one: (x: Json, f: Frame) => Json): SingleNode {
  return { one, each: (x, f, emit) => emit(one(x, f)) };
}

export function stream(each: (x: Json, f: Frame, emit: Emit) => boolean): Node {
  return { each };
}

export function isSingle(n: Node): n is SingleNode {
  return n.one !== undefined;
}

/** Every output of `n` on `x`, in order. */
export function collect(n: Node, x: Json, f: Frame): Json[] {
  if (n.one) return [n.one(x, f)];
  const out: Json[] = [];
  n.each(x, f, (v) => {
    out.push(v);
    return false;
  });
  return out;
}
