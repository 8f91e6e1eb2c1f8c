import { loadJq, JqError } from 'jq-wasm';
import type { Jq } from 'jq-wasm';
import type { JqCompilation } from './jq-compile/index.ts';
import { compileJq } from './jq-compile/index.ts';

/**
 * The one seam between the mapping core and a jq implementation. The mapper calls `run` once per batch (never
 * once per field) and `compileError` once per distinct program, so an engine with a high fixed cost per call
 * stays fast. Any implementation must have real jq 1.8 semantics.
 */
export interface JqEngine {
  /** Implementation label for logs, e.g. `jq-wasm jq-1.8.2`. */
  readonly name: string;
  /**
   * Run `program` on `input` (JSON text holding exactly one value) and return every output.
   * Throws {@link JqRunError} on a compile or runtime error that escapes the program.
   */
  run(program: string, input: string): Promise<unknown[]>;
  /** jq's compile error for `program` (its full message), or undefined when it compiles. Never runs it. */
  compileError(program: string): Promise<string | undefined>;
  /**
   * Optional: `program` (which compiles) as a JavaScript closure with jq's semantics, or the construct that made it
   * decline. The mapper runs compiled programs itself and sends only the rest, and any item a compiled program
   * cannot finish, to `run`.
   */
  compile?(program: string): JqCompilation;
}

/** A jq failure that escaped the program. `stage` tells a compile error from a runtime error. */
export class JqRunError extends Error {
  override readonly name = 'JqRunError';
  constructor(
    message: string,
    readonly stage: 'compile' | 'runtime',
  ) {
    super(message);
  }
}

/** First line of a jq message, without the `jq: error (at …): ` prefix that says nothing to a mapping author. */
export function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.replace(/^jq: error(?: \(at [^)]*\))?: /, '').replace(/^jq: error: /, '');
}

/** What a program that made jq-wasm abort gets as its error (jq-wasm says only `Aborted()`). */
export const JQ_WASM_ABORTED = 'jq-wasm aborted (the program ran out of memory or stack)';

/**
 * A {@link JqEngine} backed by jq-wasm 3 (real jq 1.8.2 compiled to WebAssembly). Loads the wasm once; the
 * package's export conditions pick the right build for Node, workerd and browsers.
 *
 * A program that exhausts jq-wasm's memory or stack does not raise a jq error: the module aborts and keeps what the
 * run allocated, and a few such runs leave the instance unable to run anything. So an aborted instance is never used
 * again: the program that aborted gets a runtime {@link JqRunError}, and the next call runs on a fresh instance
 * (loading one takes about 10-20 ms).
 *
 * @example
 * const engine = await createJqWasmEngine();
 * await engine.run('.a', '{"a":1}') // [1]
 */
export async function createJqWasmEngine(): Promise<JqEngine> {
  let jq: Jq = await loadJq();
  let replacement: Promise<Jq> | undefined;

  /** The instance to run on: the replacement of an aborted one once it has loaded. */
  const current = async (): Promise<Jq> => {
    if (replacement) {
      // A failed load is retried by the next call rather than remembered.
      const pending = replacement;
      jq = await pending.catch((error: unknown) => {
        if (replacement === pending) replacement = undefined;
        throw error;
      });
      if (replacement === pending) replacement = undefined;
    }
    return jq;
  };

  /** Runs `call` on the current instance; anything but a jq error means the instance aborted. */
  const onInstance = async <T>(call: (instance: Jq) => T): Promise<T> => {
    const instance = await current();
    try {
      return call(instance);
    } catch (error) {
      if (error instanceof JqError) throw error;
      if (instance === jq) replacement ??= loadJq();
      throw new JqRunError(JQ_WASM_ABORTED, 'runtime');
    }
  };

  return {
    name: `jq-wasm ${jq.version}`,
    async run(program, input) {
      try {
        // -c: compact output is markedly cheaper for jq to print and for us to parse.
        return await onInstance((instance) => instance.json(input, program, ['-c']));
      } catch (error) {
        if (error instanceof JqError) {
          throw new JqRunError(error.stderr || error.message, error.exitCode === 3 ? 'compile' : 'runtime');
        }
        throw error;
      }
    },
    async compileError(program) {
      // Empty input text means zero inputs: jq compiles the program and never runs it. Compiling can abort too (jq
      // folds constants such as `"x" * 1e9`): the program then cannot be compiled, and says why.
      const result = await onInstance((instance) => instance.raw('', program)).catch((error: unknown) => {
        if (error instanceof JqRunError) return { exitCode: 3, stderr: error.message };
        throw error;
      });
      return result.exitCode === 0 ? undefined : result.stderr || `jq exited with code ${result.exitCode}`;
    },
  };
}

/**
 * The default engine: programs in Tide's compiled subset of jq run as JavaScript closures (compiled once, cached);
 * every other program, and every item a compiled program leaves to jq, runs on `fallback` (jq-wasm).
 *
 * @example
 * const engine = createCompilingJqEngine(await createJqWasmEngine());
 * engine.compile?.('.name // "x"') // { ok: true, program }
 */
export function createCompilingJqEngine(fallback: JqEngine): JqEngine {
  return {
    name: `compiled jq + ${fallback.name}`,
    run: (program, input) => fallback.run(program, input),
    compileError: (program) => fallback.compileError(program),
    compile: compileJq,
  };
}
