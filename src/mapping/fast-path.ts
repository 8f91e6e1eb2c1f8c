/**
 * Evaluation with compiled programs. Programs the engine compiled run in JavaScript on each item; the rest go to
 * jq-wasm in one batch call, with each item cut down to the keys those programs read when that is known. An item
 * a compiled program cannot finish (a jq error, whose text must be jq's, or a case left to jq) is re-run on jq for
 * that program, batched per program. Without compiled programs this is exactly `evaluateRows`.
 *
 * Each outcome equals evaluating the field alone with `first(FIELD)` (§3.2, §3.3), as the batch path guarantees.
 */
import type { FieldProgram, ResourcePlan } from './compile.ts';
import { buildBatchProgram } from './compile.ts';
import type { EvalContext, FieldOutcome, Row } from './evaluate.ts';
import { evaluateColumn, evaluateRows, itemJson } from './evaluate.ts';
import { NO_OUTPUT, cloneJson } from './jq-compile/index.ts';
import { firstLine } from './jq-engine.ts';

const TRUE_SELECTOR: FieldProgram = { text: 'true', isolated: false };

let lastEnv: { json: string; value: unknown } | undefined;

function envValue(json: string): unknown {
  if (lastEnv?.json !== json) lastEnv = { json, value: JSON.parse(json) };
  return lastEnv.value;
}

/** Deepest nesting a compiled program is given; jq limits the depth of what it parses, so deeper items go to jq. */
const MAX_DEPTH = 256;

const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: () => boolean }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/**
 * Whether `v` is exactly what jq would see after `JSON.stringify`: plain objects and arrays, finite numbers other
 * than -0, well-formed strings. Anything else (Dates, BigInts, class instances, lone surrogates) is not.
 */
function isPlainJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
      return wellFormed(v);
    case 'number':
      return Number.isFinite(v) && !(v === 0 && 1 / v < 0);
    case 'boolean':
      return true;
    case 'object': {
      if (v === null) return true;
      if (depth > MAX_DEPTH) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlainJson(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
      const keys = Object.keys(v);
      if (Object.getOwnPropertyNames(v).length !== keys.length) return false;
      for (const k of keys) if (!wellFormed(k) || !isPlainJson((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/** The item as compiled programs see it, or undefined when only jq can see it faithfully. */
function nativeValue(item: unknown): unknown {
  if (isPlainJson(item, 0)) return item;
  const parsed: unknown = JSON.parse(itemJson(item));
  return isPlainJson(parsed, 0) ? parsed : undefined;
}

/** A plain JSON value's text, cut down to `keys` when they are known and the value is an object. */
function projectedJson(value: unknown, keys: readonly string[] | undefined): string {
  if (keys === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const o = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of keys) if (Object.hasOwn(o, k)) parts.push(`${JSON.stringify(k)}:${JSON.stringify(o[k])}`);
  return `{${parts.join(',')}}`;
}

/** Union of the keys several programs read; undefined when any may read the whole input. */
function readsOf(programs: readonly FieldProgram[]): string[] | undefined {
  const keys = new Set<string>();
  for (const p of programs) {
    if (p.reads === undefined) return undefined;
    for (const k of p.reads) keys.add(k);
  }
  return [...keys];
}

/** Runs a compiled program: its outcome, or undefined when jq must decide. */
function runCompiled(program: FieldProgram, value: unknown, env: unknown): FieldOutcome | undefined {
  try {
    const out = program.compiled!.first(value, env);
    return out === NO_OUTPUT ? { kind: 'none' } : { kind: 'value', value: cloneJson(out) };
  } catch {
    return undefined;
  }
}

function compileOutcome(program: FieldProgram): FieldOutcome {
  return { kind: 'error', stage: 'compile', message: firstLine(program.compileError ?? '') };
}

/** One program over some items on jq, each projected to what it reads (items only jq can read go whole). */
async function onJq(ctx: EvalContext, program: FieldProgram, items: readonly unknown[], values: readonly unknown[], which: readonly number[]): Promise<FieldOutcome[]> {
  const keys = readsOf([program]);
  return evaluateColumn(
    ctx,
    program,
    which.map((i) => (values[i] === undefined ? itemJson(items[i]) : projectedJson(values[i], keys))),
  );
}

const slowPlans = new WeakMap<ResourcePlan, { sub: ResourcePlan; keys: string[] | undefined }>();

/** The plan of the programs that run on jq (the same for every batch of a plan): no selector, parse-all. */
function slowPlan(plan: ResourcePlan, slow: number[]): { sub: ResourcePlan; keys: string[] | undefined } {
  let entry = slowPlans.get(plan);
  if (!entry) {
    const slowSlots = slow.map((s) => plan.slots[s]!);
    const program = buildBatchProgram(TRUE_SELECTOR, slowSlots, true);
    entry = { sub: { ...plan, selector: TRUE_SELECTOR, slots: slowSlots, batchProgram: { resync: program, parseAll: program } }, keys: readsOf(slowSlots) };
    slowPlans.set(plan, entry);
  }
  return entry;
}

/** `itemsToParse` and other single programs: compiled per item, the rest in one jq call. */
export async function evaluateColumnFast(ctx: EvalContext, program: FieldProgram, items: readonly unknown[]): Promise<FieldOutcome[]> {
  const values = items.map(nativeValue);
  if (!program.compiled || program.compileError !== undefined) {
    return onJq(ctx, program, items, values, items.map((_, i) => i));
  }
  const env = envValue(ctx.envJson);
  const out: FieldOutcome[] = new Array(items.length);
  const pending: number[] = [];
  for (let i = 0; i < items.length; i++) {
    const value = values[i];
    const outcome = value === undefined ? undefined : runCompiled(program, value, env);
    if (outcome) out[i] = outcome;
    else pending.push(i);
  }
  if (pending.length > 0) {
    const rest = await onJq(ctx, program, items, values, pending);
    pending.forEach((i, j) => (out[i] = rest[j]!));
  }
  return out;
}

/**
 * The selector and every field for every item, like `evaluateRows`, with compiled programs run in JavaScript.
 * Fields are computed for the items that need them: a `true` selector, or any boolean one in parse-all mode.
 */
export async function evaluateRowsFast(ctx: EvalContext, plan: ResourcePlan, items: readonly unknown[], parseAll: boolean): Promise<Row[]> {
  const { selector, slots } = plan;
  const anyCompiled = selector.compiled !== undefined || slots.some((s) => s.compiled !== undefined);
  if (!anyCompiled || selector.compileError !== undefined || items.length === 0) {
    return evaluateRows(ctx, plan, items.map(itemJson), parseAll);
  }
  const env = envValue(ctx.envJson);
  const n = items.length;
  const rows: Row[] = new Array(n);
  const values: unknown[] = new Array(n);
  const native: number[] = [];
  const foreign: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = nativeValue(items[i]);
    if (v === undefined) foreign.push(i);
    else {
      values[i] = v;
      native.push(i);
    }
  }

  // Items only jq can read faithfully take the reference path together.
  if (foreign.length > 0) {
    const foreignRows = await evaluateRows(ctx, plan, foreign.map((i) => itemJson(items[i])), parseAll);
    foreign.forEach((i, j) => (rows[i] = foreignRows[j]!));
  }

  // The selector.
  const selectorPending: number[] = [];
  for (const i of native) {
    const outcome = selector.compiled ? runCompiled(selector, values[i], env) : undefined;
    if (outcome) rows[i] = { selector: outcome };
    else selectorPending.push(i);
  }
  if (selectorPending.length > 0) {
    const outcomes = await onJq(ctx, selector, items, values, selectorPending);
    selectorPending.forEach((i, j) => (rows[i] = { selector: outcomes[j]! }));
  }

  // Fields, for the items that need them.
  const needed = native.filter((i) => {
    const s = rows[i]!.selector;
    return s.kind === 'value' && (parseAll ? typeof s.value === 'boolean' : s.value === true);
  });
  if (needed.length === 0) return rows;
  const slow: number[] = [];
  const retry = new Map<number, number[]>();
  for (const i of needed) rows[i]!.fields = new Array(slots.length);
  for (const [s, slot] of slots.entries()) {
    if (slot.compileError !== undefined) {
      const outcome = compileOutcome(slot);
      for (const i of needed) rows[i]!.fields![s] = outcome;
    } else if (!slot.compiled) {
      slow.push(s);
    } else {
      for (const i of needed) {
        const outcome = runCompiled(slot, values[i], env);
        if (outcome) rows[i]!.fields![s] = outcome;
        else {
          const list = retry.get(s);
          if (list) list.push(i);
          else retry.set(s, [i]);
        }
      }
    }
  }

  // Programs that run on jq: one batch call for all of them, with per-field isolation inside jq.
  if (slow.length > 0) {
    const { sub, keys } = slowPlan(plan, slow);
    const subRows = await evaluateRows(ctx, sub, needed.map((i) => projectedJson(values[i], keys)), true);
    needed.forEach((i, j) => slow.forEach((s, k) => (rows[i]!.fields![s] = subRows[j]!.fields![k]!)));
  }
  for (const [s, which] of retry) {
    const outcomes = await onJq(ctx, slots[s]!, items, values, which);
    which.forEach((i, j) => (rows[i]!.fields![s] = outcomes[j]!));
  }
  return rows;
}
