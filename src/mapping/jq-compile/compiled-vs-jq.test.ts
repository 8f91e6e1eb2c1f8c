/**
 * Differential test of the jq compiler against jq-wasm (jq 1.8.2): random programs over the compiled subset, on
 * random and adversarial inputs. For every (program, input) the compiled closure must give jq's first output, or no
 * output when jq has none, or raise when jq raises; it may also leave the item to jq (which the mapper then asks).
 *
 * CI runs a fixed seed. A longer run: `TIDE_JQ_FUZZ_SEED=7 TIDE_JQ_FUZZ_PROGRAMS=20000 npm run test:jq-fuzz`.
 */
import { loadJq } from 'jq-wasm';
import type { Jq } from 'jq-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRELUDE, wrapField } from '../compile.ts';
import { createRandom, ProgramGenerator, randomItem } from './fuzz.test-support.ts';
import { compileJq, NO_OUTPUT } from './index.ts';
import { JqError } from './values.ts';

const SEED = Number(process.env.TIDE_JQ_FUZZ_SEED ?? 20260501);
const PROGRAMS = Number(process.env.TIDE_JQ_FUZZ_PROGRAMS ?? 1000);
const INPUTS = Number(process.env.TIDE_JQ_FUZZ_INPUTS ?? 24);
/** Programs per jq-wasm call: each call evaluates a group of programs on every input. */
const GROUP = 40;
const ENV = { REGION: 'eu', HOME: '/home/tide' };

type Outcome = { kind: 'value'; value: unknown } | { kind: 'none' } | { kind: 'error' };

let jq: Jq;
beforeAll(async () => {
  jq = await loadJq();
});

/** JSON text with -0 made visible, and key order kept: what a consumer of the mapped value would see. */
function exact(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '-0 (negative zero)' : x));
}

function decode(cell: unknown): Outcome {
  const list = cell as Array<[number, unknown]>;
  if (list.length === 0) return { kind: 'none' };
  return list[0]![0] === 0 ? { kind: 'value', value: list[0]![1] } : { kind: 'error' };
}

/**
 * jq-wasm cannot recover from running out of memory (a generated `"abc" * 1e300`, say): every later call fails.
 * After any failure the instance is checked and replaced when broken, so one such program cannot poison the rest.
 */
async function healthy(): Promise<void> {
  try {
    const probe = jq.raw('null', '.');
    if (probe.exitCode === 0 && probe.stdout.trim() === 'null') return;
  } catch {
    // An aborted instance throws on every call.
  }
  jq = await loadJq();
}

/** `first(PROGRAM)` on one input, as the mapper evaluates a field alone. */
async function alone(program: string, item: string): Promise<Outcome> {
  try {
    const out = jq.json(`{"env":${JSON.stringify(ENV)},"items":[${item}]}`, `${PRELUDE}.items[0] | first((${program}\n\n))`, ['-c']);
    return out.length === 0 ? { kind: 'none' } : { kind: 'value', value: out[0] };
  } catch {
    await healthy();
    return { kind: 'error' };
  }
}

/**
 * jq's outcome of each program on each input, `[program][input]`, or undefined for a program jq does not compile
 * (which never reaches the compiler in Tide). Groups of programs share one jq-wasm call; a group that fails is
 * split until the program that made it fail runs alone.
 */
async function reference(programs: string[], inputs: string[]): Promise<Array<Outcome[] | undefined>> {
  const input = `{"env":${JSON.stringify(ENV)},"items":[${inputs.join(',')}]}`;
  const run = (group: string[]): Outcome[][] => {
    const body = group.map((p) => wrapField(p)).join(',\n');
    const out = jq.json(input, `${PRELUDE}.items | map([${body}])`, ['-c']) as unknown[][][];
    return group.map((_, p) => out[0]!.map((row) => decode(row[p])));
  };
  const evaluate = async (group: string[]): Promise<Array<Outcome[] | undefined>> => {
    try {
      return run(group);
    } catch {
      await healthy();
    }
    if (group.length > 1) {
      const half = Math.ceil(group.length / 2);
      return [...(await evaluate(group.slice(0, half))), ...(await evaluate(group.slice(half)))];
    }
    const program = group[0]!;
    let compiles = false;
    try {
      compiles = jq.raw('', program).exitCode === 0;
    } catch {
      await healthy();
    }
    if (!compiles) return [undefined];
    // The program ends the jq run on some input: one input at a time.
    const row: Outcome[] = [];
    for (const item of inputs) row.push(await alone(program, item));
    return [row];
  };
  const result: Array<Outcome[] | undefined> = [];
  for (let i = 0; i < programs.length; i += GROUP) result.push(...(await evaluate(programs.slice(i, i + GROUP))));
  return result;
}

describe('compiled jq agrees with jq-wasm (jq 1.8.2)', () => {
  it(`on ${PROGRAMS} random programs × ${INPUTS} inputs (seed ${SEED})`, async () => {
    const random = createRandom(SEED);
    const generator = new ProgramGenerator(random);
    // Inputs as the mapper gives them: parsed JSON, re-serialised for jq.
    const values = Array.from({ length: INPUTS }, () => JSON.parse(JSON.stringify(JSON.parse(randomItem(random)))) as unknown);
    const inputs = values.map((v) => JSON.stringify(v));

    const programs = [...new Set(Array.from({ length: PROGRAMS }, () => generator.program()))];
    const ref = await reference(programs, inputs);

    let compiledPrograms = 0;
    let cases = 0;
    let leftToJq = 0;
    const kinds = { value: 0, none: 0, error: 0 };
    const declined = new Map<string, number>();
    const failures: string[] = [];
    let valid = 0;
    programs.forEach((program, p) => {
      // Programs jq itself rejects never reach the compiler in Tide.
      if (ref[p] === undefined) return;
      valid++;
      const compiled = compileJq(program);
      if (!compiled.ok) {
        declined.set(compiled.construct, (declined.get(compiled.construct) ?? 0) + 1);
        return;
      }
      compiledPrograms++;
      values.forEach((value, i) => {
        cases++;
        const expected = ref[p]![i]!;
        kinds[expected.kind]++;
        let got: Outcome;
        try {
          const out = compiled.program.first(value, ENV);
          got = out === NO_OUTPUT ? { kind: 'none' } : { kind: 'value', value: out };
        } catch (e) {
          if (!(e instanceof JqError)) {
            // Left to jq (Unsupported), or a JavaScript limit: the mapper re-runs the item on jq-wasm.
            leftToJq++;
            return;
          }
          got = { kind: 'error' };
        }
        const same = got.kind === expected.kind && (got.kind !== 'value' || exact(got.value) === exact((expected as { value: unknown }).value));
        if (!same && process.env.TIDE_JQ_FUZZ_DUMP) console.info(JSON.stringify({ program, input: inputs[i], }));
        if (!same && failures.length < 20) {
          failures.push(`program ${JSON.stringify(program)} on input ${inputs[i]}: compiled ${exact(got)}, jq ${exact(expected)}`);
        }
      });
    });

    if (process.env.TIDE_JQ_FUZZ_VERBOSE) {
      console.info({ programs: programs.length, valid, compiledPrograms, cases, kinds, leftToJq, declined: [...declined].sort((a, b) => b[1] - a[1]) });
    }
    expect(failures).toEqual([]);
    // The generator targets the compiled subset: most programs must compile, most cases must run compiled.
    expect({ compiledShare: compiledPrograms / valid > 0.9, declined: [...declined] }).toMatchObject({ compiledShare: true });
    expect(leftToJq / cases).toBeLessThan(0.1);
    expect(cases).toBeGreaterThan(PROGRAMS * INPUTS * 0.5);
  }, Math.max(30_000, PROGRAMS * 40));
});
