/**
 * Tide's jq-to-JavaScript compiler. {@link compileJq} turns a program into a closure when every construct is in the
 * supported subset, and otherwise names the construct that made it decline; declined programs keep running on
 * jq-wasm. A compiled program computes a first output with jq 1.8's exact semantics or throws, and any throw means
 * "ask jq" for that item, so jq's own error texts are what users see.
 *
 * @example
 * const c = compileJq('.name // "unknown"');
 * if (c.ok) c.program.first({ name: 'web' }, {}) // 'web'
 */
import { Compiler } from './compiler.ts';
import { Decline } from './decline.ts';
import type { Emit } from './node.ts';
import { parseJq } from './parser.ts';
import type { Json } from './values.ts';

export { inputKeys } from './free-keys.ts';
export { cloneJson } from './values.ts';

/** What a compiled program's `first` returns when the program has no output. */
export const NO_OUTPUT: unique symbol = Symbol('no output');

export interface CompiledJq {
  /**
   * The program's first output on `input` (a plain JSON value), with `env` as `$ENV`/`env`, or {@link NO_OUTPUT}.
   * Throws when the program raises an error before its first output or meets a case it leaves to jq.
   */
  first(input: Json, env: Json): Json | typeof NO_OUTPUT;
}

export type JqCompilation = { ok: true; program: CompiledJq } | { ok: false; construct: string };

function build(text: string): JqCompilation {
  try {
    const compiler = new Compiler();
    const node = compiler.compile(parseJq(text), new Map());
    // One frame per program: evaluation is synchronous and a program never runs inside itself.
    const frame = new Array<Json>(compiler.slots).fill(null);
    const one = node.one;
    if (one) {
      return {
        ok: true,
        program: {
          first(input, env) {
            frame[0] = env;
            return one(input, frame);
          },
        },
      };
    }
    return {
      ok: true,
      program: {
        first(input, env) {
          frame[0] = env;
          let out: Json | typeof NO_OUTPUT = NO_OUTPUT;
          const take: Emit = (v) => {
            out = v;
            return true;
          };
          node.each(input, frame, take);
          return out;
        },
      },
    };
  } catch (e) {
    if (e instanceof Decline) return { ok: false, construct: e.construct };
    throw e;
  }
}

const CACHE_SIZE = 2000;
const cache = new Map<string, JqCompilation>();

/**
 * Compile `text` (already quote-normalised) once; results are kept in a bounded cache shared by every mapper, so a
 * program is compiled once however many resources, batches or mappers use it.
 */
export function compileJq(text: string): JqCompilation {
  let c = cache.get(text);
  if (c) return c;
  c = build(text);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, c);
  return c;
}
