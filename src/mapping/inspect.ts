/**
 * Per-item outcomes of a batch, for debuggers (`tide map`, the playground; docs/behaviour.md §8.2): the selector's
 * outcome, every leaf's outcome whatever the selector said, and the entities a resync sends. It costs what mapping
 * costs: the batch is evaluated as a resync evaluates it (compiled programs in JavaScript, the rest in one jq call),
 * and the items whose selector did not pass are evaluated once more, together, with a `true` selector, so that their
 * fields can be shown too. Never one engine call per item.
 */
import type { ResourcePlan } from './compile.ts';
import { buildBatchProgram, type FieldProgram, type LeafRef } from './compile.ts';
import type { MappedEntity, MapBatchResult, SelectorError } from './assemble.ts';
import type { EvalContext, FieldOutcome, Row } from './evaluate.ts';
import { evaluateRowsFast } from './fast-path.ts';

/** One evaluated item of a batch. */
export interface ItemOutcome {
  /** The selector's outcome; the item maps only when it is the value `true` (§3.4). */
  selector: FieldOutcome;
  /** Set when the selector's outcome was not a boolean, as the batch reports it. */
  selectorError?: SelectorError;
  /** One outcome per leaf of the mapping (`leaves[i]`), evaluated even when the selector did not pass. */
  leaves: FieldOutcome[];
  /** The entities a resync sends for this item, in mapping order. */
  entities: MappedEntity[];
}

const probes = new WeakMap<ResourcePlan, ResourcePlan>();

/** The plan with a `true` selector in place of the resource's: every slot for every item. */
function probeOf(plan: ResourcePlan, truth: FieldProgram): ResourcePlan {
  let probe = probes.get(plan);
  if (!probe) {
    probe = {
      ...plan,
      selector: truth,
      selectorProgram: truth.text,
      batchProgram: { resync: buildBatchProgram(truth, plan.slots, false), parseAll: buildBatchProgram(truth, plan.slots, true) },
    };
    probes.set(plan, probe);
  }
  return probe;
}

/**
 * Per-item outcomes of `rows` (evaluated in resync mode, and assembled into `result`): items without fields get them
 * from one more batched evaluation. `truth` is the checked program `true`.
 */
export async function itemOutcomes(
  ctx: EvalContext,
  plan: ResourcePlan,
  truth: FieldProgram,
  items: readonly unknown[],
  rows: Row[],
  result: MapBatchResult,
): Promise<ItemOutcome[]> {
  const missing: number[] = [];
  rows.forEach((row, i) => {
    if (!row.fields) missing.push(i);
  });
  const fields: Array<FieldOutcome[] | undefined> = rows.map((row) => row.fields);
  if (missing.length > 0) {
    const probed = await evaluateRowsFast(ctx, probeOf(plan, truth), missing.map((i) => items[i]), true);
    missing.forEach((i, j) => (fields[i] = probed[j]!.fields));
  }
  const entities: MappedEntity[][] = rows.map(() => []);
  for (const e of result.entities) entities[e.itemIndex]!.push(e);
  const selectorErrors = new Map(result.selectorErrors.map((e) => [e.itemIndex, e]));
  const none: FieldOutcome = { kind: 'none' };
  return rows.map((row, i) => {
    const outcome: ItemOutcome = {
      selector: row.selector,
      leaves: plan.leaves.map((leaf: LeafRef) => fields[i]?.[leaf.slot] ?? none),
      entities: entities[i]!,
    };
    const error = selectorErrors.get(i);
    if (error) outcome.selectorError = error;
    return outcome;
  });
}
