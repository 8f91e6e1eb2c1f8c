import type { FieldProgram, ResourcePlan } from './compile.ts';
import { PRELUDE, aloneProgram, wrapField } from './compile.ts';
import type { JqEngine } from './jq-engine.ts';
import { JqRunError, firstLine } from './jq-engine.ts';

/** What one field gave for one item: its first output, no output, or an error before the first output. */
export type FieldOutcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'none' }
  | { kind: 'error'; stage: 'compile' | 'runtime'; message: string };

/** One item's selector outcome and, when the mapping ran for it, one outcome per slot. */
export interface Row {
  selector: FieldOutcome;
  fields?: FieldOutcome[];
}

/** The engine plus the env record (already JSON) every program sees as `env`/`$ENV`. */
export interface EvalContext {
  engine: JqEngine;
  envJson: string;
}

/** JSON text of one raw item; `Date`s become ISO-8601 strings through their `toJSON` (§3.3 rule 6). */
export function itemJson(item: unknown): string {
  try {
    // Without a replacer JSON.stringify is several times faster; it throws only on a BigInt (or a cycle).
    return JSON.stringify(item) ?? 'null';
  } catch {
    return JSON.stringify(item, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value)) ?? 'null';
  }
}

function inputText(ctx: EvalContext, items: readonly string[]): string {
  return `{"env":${ctx.envJson},"items":[${items.join(',')}]}`;
}

/** jq's text for an error value, as jq itself prints it after `jq: error (at …)`. */
function errorText(value: unknown): string {
  return typeof value === 'string' ? value : `(not a string): ${JSON.stringify(value)}`;
}

function decode(encoded: unknown): FieldOutcome {
  if (!Array.isArray(encoded) || encoded.length === 0) return { kind: 'none' };
  const [tag, value] = encoded[0] as [number, unknown];
  return tag === 0 ? { kind: 'value', value } : { kind: 'error', stage: 'runtime', message: errorText(value) };
}

function compileOutcome(program: FieldProgram): FieldOutcome {
  return { kind: 'error', stage: 'compile', message: firstLine(program.compileError ?? '') };
}

/** The reference semantics, one engine call: used for isolated fields and when a batch call cannot complete. */
async function evaluateAlone(ctx: EvalContext, program: FieldProgram, item: string): Promise<FieldOutcome> {
  if (program.compileError !== undefined) return compileOutcome(program);
  try {
    const out = await ctx.engine.run(aloneProgram(program.text), inputText(ctx, [item]));
    return out.length === 0 ? { kind: 'none' } : { kind: 'value', value: out[0] };
  } catch (error) {
    if (!(error instanceof JqRunError)) throw error;
    return { kind: 'error', stage: error.stage, message: firstLine(error.message) };
  }
}

/** The single output of a batch program, if it is an array of one entry per item. */
async function runBatch(ctx: EvalContext, program: string, items: readonly string[]): Promise<unknown[] | undefined> {
  try {
    const out = await ctx.engine.run(program, inputText(ctx, items));
    const rows = out[0];
    return out.length === 1 && Array.isArray(rows) && rows.length === items.length ? rows : undefined;
  } catch (error) {
    // `halt`, `halt_error` and the like end the whole jq run; the caller narrows down per item.
    if (error instanceof JqRunError) return undefined;
    throw error;
  }
}

/**
 * One program's first output for every item, in one engine call (`itemsToParse` uses this). Falls back to item
 * by item only when the batch call cannot complete.
 */
export async function evaluateColumn(ctx: EvalContext, program: FieldProgram, items: readonly string[]): Promise<FieldOutcome[]> {
  if (program.compileError !== undefined) return items.map(() => compileOutcome(program));
  if (!program.isolated) {
    const rows = await runBatch(ctx, `${PRELUDE}.items | map(${wrapField(program.text)})`, items);
    if (rows) return rows.map(decode);
  }
  const out: FieldOutcome[] = [];
  for (const item of items) out.push(await evaluateAlone(ctx, program, item));
  return out;
}

function decodeRow(plan: ResourcePlan, encoded: unknown): Row {
  if (Array.isArray(encoded)) {
    // Fast path: `[selectorValue, value…]`, every one a first output without an error before it.
    const row: Row = { selector: { kind: 'value', value: encoded[0] } };
    if (encoded.length > 1) {
      const slots = plan.slots;
      const fields: FieldOutcome[] = new Array(slots.length);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        fields[i] = slot.compileError !== undefined ? compileOutcome(slot) : { kind: 'value', value: encoded[i + 1] };
      }
      row.fields = fields;
    }
    return row;
  }
  // Per-field isolation: `{"r": [selector, field…]}`, each `[]`, `[[0, value]]` or `[[1, error]]`.
  const cells = (encoded as { r: unknown[] }).r;
  const row: Row = { selector: decode(cells[0]) };
  if (cells.length > 1) {
    row.fields = plan.slots.map((slot, i) => (slot.compileError !== undefined ? compileOutcome(slot) : decode(cells[i + 1])));
  }
  return row;
}

async function aloneRow(ctx: EvalContext, plan: ResourcePlan, item: string, parseAll: boolean): Promise<Row> {
  const selector = await evaluateAlone(ctx, plan.selector, item);
  if (!parseAll && !(selector.kind === 'value' && selector.value === true)) return { selector };
  const fields: FieldOutcome[] = [];
  for (const slot of plan.slots) fields.push(await evaluateAlone(ctx, slot, item));
  return { selector, fields };
}

/**
 * Evaluate the selector and every mapping field for every item: one engine call for the whole batch, with
 * per-field isolation inside jq. Only if that call cannot complete (a field calling `halt_error`, say) does it
 * retry item by item, and then field by field for the items that still fail.
 */
export async function evaluateRows(
  ctx: EvalContext,
  plan: ResourcePlan,
  items: readonly string[],
  parseAll: boolean,
): Promise<Row[]> {
  if (plan.selector.compileError !== undefined) return items.map(() => ({ selector: compileOutcome(plan.selector) }));
  const program = parseAll ? plan.batchProgram.parseAll : plan.batchProgram.resync;
  let rows: Row[];
  const whole = items.length > 0 ? await runBatch(ctx, program, items) : [];
  if (whole) {
    rows = whole.map((encoded) => decodeRow(plan, encoded));
  } else {
    rows = [];
    for (const item of items) {
      const one = await runBatch(ctx, program, [item]);
      rows.push(one ? decodeRow(plan, one[0]) : await aloneRow(ctx, plan, item, parseAll));
    }
  }
  await fillIsolated(ctx, plan, items, rows, parseAll);
  return rows;
}

/** Isolated programs (never seen in practice, but possible) are evaluated on their own for the rows that need them. */
async function fillIsolated(ctx: EvalContext, plan: ResourcePlan, items: readonly string[], rows: Row[], parseAll: boolean): Promise<void> {
  if (plan.selector.isolated) {
    for (const [i, row] of rows.entries()) {
      row.selector = await evaluateAlone(ctx, plan.selector, items[i]!);
      const passed = row.selector.kind === 'value' && row.selector.value === true;
      if (!parseAll && !passed) delete row.fields;
    }
  }
  for (const [s, slot] of plan.slots.entries()) {
    if (!slot.isolated) continue;
    for (const [i, row] of rows.entries()) {
      if (row.fields) row.fields[s] = await evaluateAlone(ctx, slot, items[i]!);
    }
  }
}
