/**
 * jq 1.8 builtins Tide compiles: types and selectors, paths into values, collections (map, select, sort_by, group_by,
 * unique, min/max, add, any/all, first/last, limit, range, to_entries, …). String, regex and date builtins are in
 * builtins-text.ts. Each follows jq 1.8.2's definition (src/builtin.jq or its C function), including which inputs
 * raise errors; cases whose result is not certain go to jq through {@link Unsupported}.
 */
import type { Builtin } from './builtin-kit.ts';
import { fn0, fn1, selector } from './builtin-kit.ts';
import { TEXT_BUILTINS } from './builtins-text.ts';
import type { Frame, Node } from './node.ts';
import { collect, isSingle, single, stream } from './node.ts';
import { add, index, negate, raise, valuesOf } from './ops.ts';
import type { Json } from './values.ts';
import { Unsupported, codePointLength, compare, equals, isObject, kindOf, setKey, sortedKeys, truthy, typeError } from './values.ts';

const encoder = new TextEncoder();

function length(x: Json): Json {
  if (x === null) return 0;
  switch (typeof x) {
    case 'string':
      return codePointLength(x);
    case 'number':
      return Math.abs(x);
    case 'boolean':
      throw typeError(`boolean (${x}) has no length`);
  }
  return Array.isArray(x) ? x.length : Object.keys(x as object).length;
}

function keys(x: Json, sorted: boolean): Json {
  if (Array.isArray(x)) return x.map((_, i) => i);
  if (isObject(x)) return sorted ? sortedKeys(x) : Object.keys(x);
  throw typeError(`${kindOf(x)} has no keys`);
}

function has(x: Json, k: Json): Json {
  if (x === null) return false;
  if (isObject(x) && typeof k === 'string') return Object.hasOwn(x, k);
  if (Array.isArray(x) && typeof k === 'number') {
    if (!Number.isInteger(k)) throw new Unsupported('has() with a fractional index');
    return k >= 0 && k < x.length;
  }
  throw typeError(`Cannot check whether ${kindOf(x)} has a ${kindOf(k)} key`);
}

/** jq kinds for `contains`: `true` and `false` are different kinds there. */
function containsKind(v: Json): string {
  return typeof v === 'boolean' ? String(v) : kindOf(v);
}

function containsDeep(a: Json, b: Json): boolean {
  if (containsKind(a) !== containsKind(b)) return false;
  if (isObject(a)) {
    const o = b as Record<string, Json>;
    return Object.keys(o).every((k) => Object.hasOwn(a, k) && containsDeep(a[k], o[k]));
  }
  if (Array.isArray(a)) return (b as Json[]).every((y) => a.some((x) => containsDeep(x, y)));
  if (typeof a === 'string') return a.includes(b as string);
  return equals(a, b);
}

function contains(a: Json, b: Json): Json {
  if (containsKind(a) !== containsKind(b)) throw typeError(`${kindOf(a)} and ${kindOf(b)} cannot have their containment checked`);
  return containsDeep(a, b);
}

function numeric(op: (n: number) => number): Builtin {
  return fn0((x) => {
    if (typeof x !== 'number') throw typeError(`${kindOf(x)} number required`);
    const r = op(x);
    // NaN (sqrt of a negative) sorts below every number in jq; Tide leaves it to jq.
    if (!Number.isFinite(r)) throw new Unsupported('non-finite result');
    return r;
  });
}

function requireArray(x: Json, what: string): Json[] {
  if (!Array.isArray(x)) throw typeError(`${kindOf(x)} cannot be ${what}, as it is not an array`);
  return x;
}

/** Indices of `items` in jq's order of their keys: a stable sort. */
function sortedOrder(keysOf: Json[]): number[] {
  return keysOf.map((_, i) => i).sort((i, j) => compare(keysOf[i], keysOf[j]) || i - j);
}

/** Runs of equal keys in sorted order (`group_by`, `unique_by`, `unique`). */
function groups(items: Json[], keysOf: Json[]): Json[][] {
  const out: Json[][] = [];
  let last: Json = undefined;
  for (const i of sortedOrder(keysOf)) {
    if (out.length > 0 && compare(keysOf[i], last) === 0) out[out.length - 1]!.push(items[i]);
    else out.push([items[i]]);
    last = keysOf[i];
  }
  return out;
}

/**
 * `map([f])`: every element's outputs of `f`, collected, as the key jq sorts and groups by. When `f` has exactly one
 * output the one-element arrays compare like their element, so the element is the key.
 */
function keyed(name: string, sortLike: (items: Json[], keysOf: Json[]) => Json): Builtin {
  return (c, args, scope) => {
    const f = c.compile(args[0]!, scope);
    const one = f.one;
    return single((x, fr) => {
      const items = valuesOf(x);
      const keysOf = one ? items.map((v) => one(v, fr)) : items.map((v) => collect(f, v, fr));
      if (!Array.isArray(x)) throw typeError(`${kindOf(x)} cannot be sorted, as it is not an array`);
      return sortLike(items, keysOf);
    });
  };
}

function minMax(items: Json[], keysOf: Json[], min: boolean): Json {
  if (items.length === 0) return null;
  let best = 0;
  for (let i = 1; i < items.length; i++) {
    const c = compare(keysOf[i], keysOf[best]);
    if (min ? c < 0 : c >= 0) best = i;
  }
  return items[best];
}

function flatten(x: Json, depth: number): Json[] {
  const out: Json[] = [];
  for (const v of valuesOf(x)) {
    if (Array.isArray(v) && depth !== 0) out.push(...flatten(v, depth - 1));
    else out.push(v);
  }
  return out;
}

function toEntries(x: Json): Json {
  if (Array.isArray(x)) return x.map((value, key) => ({ key, value }));
  if (isObject(x)) return Object.keys(x).map((key) => ({ key, value: x[key] }));
  throw typeError(`${kindOf(x)} has no keys`);
}

/** `map({(.key // .Key // .name // .Name): …}) | add // {}`: single-key objects merged in order, i.e. one object. */
function fromEntries(x: Json): Json {
  const out: Record<string, Json> = {};
  for (const e of valuesOf(x)) {
    let key: Json = null;
    for (const name of ['key', 'Key', 'name', 'Name']) {
      key = index(e, name);
      if (truthy(key)) break;
    }
    if (typeof key !== 'string') throw typeError('Object keys must be strings');
    if (!isObject(e)) throw typeError(`Cannot check whether ${kindOf(e)} has a string key`);
    setKey(out, key, Object.hasOwn(e, 'value') ? e.value : index(e, 'Value'));
  }
  return out;
}

/** `any(gen; cond)` / `all(gen; cond)`: stop at the first decisive condition output. */
function quantifier(any: boolean, gen: Node, cond: Node): Node {
  return single((x, f) => {
    let decided = false;
    gen.each(x, f, (v) =>
      cond.each(v, f, (c) => {
        if (truthy(c) === any) decided = true;
        return decided;
      }),
    );
    return decided === any;
  });
}

/** `first(g)` / `last(g)`: the first or last output of `g`, or none. */
function oneOutput(gen: Node, first: boolean): Node {
  if (isSingle(gen)) return gen;
  return stream((x, f, emit) => {
    let got: { v: Json } | undefined;
    gen.each(x, f, (v) => ((got = { v }), first));
    return got ? emit(got.v) : false;
  });
}

const ITERATE: Node = stream((x, _f, emit) => {
  for (const v of valuesOf(x)) if (emit(v)) return true;
  return false;
});
const IDENTITY: Node = single((x) => x);

function limitCount(n: Json): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new Unsupported('limit with a non-integer count');
  if (n < 0) throw typeError("limit doesn't support negative count");
  return n;
}

const MAX_RANGE = 10_000_000;

function range(from: Json, to: Json, emit: (v: Json) => boolean): boolean {
  if (typeof from !== 'number' || typeof to !== 'number') throw typeError('Range bounds must be numeric');
  if (to - from > MAX_RANGE) throw new Unsupported('very long range');
  for (let i = from; i < to; i++) if (emit(i)) return true;
  return false;
}

export const BUILTINS: Record<string, Builtin> = {
  ...TEXT_BUILTINS,
  'empty/0': () => stream(() => false),
  'error/0': () => single((x) => raise(x)),
  'error/1': (c, args, scope) => {
    const msg = c.compile(args[0]!, scope);
    return stream((x, f) => msg.each(x, f, (v) => raise(v)));
  },
  'not/0': fn0((x) => !truthy(x)),
  'length/0': fn0(length),
  'utf8bytelength/0': fn0((x) => {
    if (typeof x !== 'string') throw typeError(`${kindOf(x)} only strings have UTF-8 byte length`);
    return encoder.encode(x).length;
  }),
  'type/0': fn0(kindOf),
  'env/0': () => single((_x, f) => f[0]),
  'keys/0': fn0((x) => keys(x, true)),
  'keys_unsorted/0': fn0((x) => keys(x, false)),
  'has/1': fn1('has', has),
  'in/1': fn1('in', (x, xs) => has(xs, x)),
  'contains/1': fn1('contains', contains),
  'inside/1': fn1('inside', (x, xs) => contains(xs, x)),
  'getpath/1': fn1('getpath', (x, p) => {
    if (!Array.isArray(p)) throw typeError('Path must be specified as an array');
    let v = x;
    for (const k of p) v = v === null && (typeof k === 'string' || typeof k === 'number') ? null : index(v, k);
    return v;
  }),
  'first/0': fn0((x) => index(x, 0)),
  'last/0': fn0((x) => index(x, -1)),
  'nth/1': fn1('nth', (x, n) => index(x, n)),
  'floor/0': numeric(Math.floor),
  'ceil/0': numeric(Math.ceil),
  'round/0': numeric((n) => Math.sign(n) * Math.round(Math.abs(n))),
  'trunc/0': numeric(Math.trunc),
  'fabs/0': numeric(Math.abs),
  'sqrt/0': numeric(Math.sqrt),
  'abs/0': fn0((x) => (compare(x, 0) < 0 ? negate(x) : x)),
  'toboolean/0': fn0((x) => {
    if (typeof x === 'boolean') return x;
    if (x === 'true' || x === 'false') return x === 'true';
    throw typeError(`${kindOf(x)} cannot be parsed as a boolean`);
  }),
  'values/0': selector((x) => x !== null),
  'nulls/0': selector((x) => x === null),
  'booleans/0': selector((x) => typeof x === 'boolean'),
  'numbers/0': selector((x) => typeof x === 'number'),
  'strings/0': selector((x) => typeof x === 'string'),
  'arrays/0': selector((x) => Array.isArray(x)),
  'objects/0': selector(isObject),
  'iterables/0': selector((x) => x !== null && typeof x === 'object'),
  'scalars/0': selector((x) => x === null || typeof x !== 'object'),
  'select/1': (c, args, scope) => {
    const cond = c.compile(args[0]!, scope);
    if (isSingle(cond)) return stream((x, f, emit) => (truthy(cond.one(x, f)) ? emit(x) : false));
    return stream((x, f, emit) => cond.each(x, f, (v) => (truthy(v) ? emit(x) : false)));
  },
  'map/1': (c, args, scope) => {
    const fn = c.compile(args[0]!, scope);
    if (isSingle(fn)) return single((x, f) => valuesOf(x).map((v) => fn.one(v, f)));
    return single((x, f) => {
      const out: Json[] = [];
      for (const v of valuesOf(x)) fn.each(v, f, (r) => (out.push(r), false));
      return out;
    });
  },
  'map_values/1': (c, args, scope) => {
    const fn = c.compile(args[0]!, scope);
    const first = (v: Json, f: Frame): { v: Json } | undefined => {
      let out: { v: Json } | undefined;
      fn.each(v, f, (r) => ((out = { v: r }), true));
      return out;
    };
    return single((x, f) => {
      if (Array.isArray(x)) return x.map((v) => first(v, f)).filter((r) => r !== undefined).map((r) => r!.v);
      if (!isObject(x)) throw typeError(`Cannot iterate over ${kindOf(x)}`);
      const out: Record<string, Json> = {};
      for (const k of Object.keys(x)) {
        const r = first(x[k], f);
        if (r) setKey(out, k, r.v);
      }
      return out;
    });
  },
  'add/0': fn0((x) => valuesOf(x).reduce<Json>((acc, v) => add(acc, v), null)),
  'add/1': (c, args, scope) => {
    const gen = c.compile(args[0]!, scope);
    return single((x, f) => {
      let acc: Json = null;
      gen.each(x, f, (v) => ((acc = add(acc, v)), false));
      return acc;
    });
  },
  'any/0': () => quantifier(true, ITERATE, IDENTITY),
  'all/0': () => quantifier(false, ITERATE, IDENTITY),
  'any/1': (c, args, scope) => quantifier(true, ITERATE, c.compile(args[0]!, scope)),
  'all/1': (c, args, scope) => quantifier(false, ITERATE, c.compile(args[0]!, scope)),
  'any/2': (c, args, scope) => quantifier(true, c.compile(args[0]!, scope), c.compile(args[1]!, scope)),
  'all/2': (c, args, scope) => quantifier(false, c.compile(args[0]!, scope), c.compile(args[1]!, scope)),
  'isempty/1': (c, args, scope) => {
    const gen = c.compile(args[0]!, scope);
    return single((x, f) => !gen.each(x, f, () => true));
  },
  'first/1': (c, args, scope) => oneOutput(c.compile(args[0]!, scope), true),
  'last/1': (c, args, scope) => oneOutput(c.compile(args[0]!, scope), false),
  'limit/2': (c, args, scope) => {
    const [n] = c.singleArgs('limit', args.slice(0, 1), scope) as [(x: Json, f: Frame) => Json];
    const gen = c.compile(args[1]!, scope);
    return stream((x, f, emit) => {
      const count = limitCount(n(x, f));
      if (count === 0) return false;
      let seen = 0;
      let stopped = false;
      gen.each(x, f, (v) => {
        seen++;
        if (emit(v)) return (stopped = true);
        return seen >= count;
      });
      return stopped;
    });
  },
  'range/1': (c, args, scope) => {
    const [to] = c.singleArgs('range', args, scope) as [(x: Json, f: Frame) => Json];
    return stream((x, f, emit) => range(0, to(x, f), emit));
  },
  'range/2': (c, args, scope) => {
    const [from, to] = c.singleArgs('range', args, scope) as [(x: Json, f: Frame) => Json, (x: Json, f: Frame) => Json];
    return stream((x, f, emit) => {
      const b = to(x, f);
      return range(from(x, f), b, emit);
    });
  },
  'sort/0': fn0((x) => {
    const items = requireArray(x, 'sorted');
    return sortedOrder(items).map((i) => items[i]);
  }),
  'sort_by/1': keyed('sort_by', (items, keysOf) => sortedOrder(keysOf).map((i) => items[i])),
  'group_by/1': keyed('group_by', groups),
  'unique_by/1': keyed('unique_by', (items, keysOf) => groups(items, keysOf).map((g) => g[0])),
  'unique/0': fn0((x) => {
    const items = requireArray(x, 'sorted');
    const out: Json[] = [];
    for (const i of sortedOrder(items)) if (out.length === 0 || compare(items[i], out[out.length - 1]) !== 0) out.push(items[i]);
    return out;
  }),
  'min/0': fn0((x) => {
    if (!Array.isArray(x)) throw typeError(`${kindOf(x)} cannot be iterated over`);
    return minMax(x, x, true);
  }),
  'max/0': fn0((x) => {
    if (!Array.isArray(x)) throw typeError(`${kindOf(x)} cannot be iterated over`);
    return minMax(x, x, false);
  }),
  'min_by/1': keyed('min_by', (items, keysOf) => minMax(items, keysOf, true)),
  'max_by/1': keyed('max_by', (items, keysOf) => minMax(items, keysOf, false)),
  'reverse/0': fn0((x) => {
    if (x === null) return [];
    if (!Array.isArray(x)) throw new Unsupported(`reverse of ${kindOf(x)}`);
    return x.slice().reverse();
  }),
  'flatten/0': fn0((x) => flatten(x, -1)),
  'flatten/1': fn1('flatten', (x, d) => {
    if (typeof d !== 'number') throw new Unsupported('flatten with a non-numeric depth');
    if (d < 0) throw typeError('flatten depth must not be negative');
    return flatten(x, d);
  }),
  'to_entries/0': fn0(toEntries),
  'from_entries/0': fn0(fromEntries),
  'with_entries/1': (c, args, scope) => {
    const fn = c.compile(args[0]!, scope);
    return single((x, f) => {
      const mapped: Json[] = [];
      for (const e of toEntries(x) as Json[]) fn.each(e, f, (r) => (mapped.push(r), false));
      return fromEntries(mapped);
    });
  },
};

