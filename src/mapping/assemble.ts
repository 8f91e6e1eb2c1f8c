import type { SearchQuery as PortSearchQuery } from '../port/types.ts';
import type { LeafRef, ResourcePlan, Template } from './compile.ts';
import { isMissingValueText } from './entity-key.ts';
import type { FieldOutcome, Row } from './evaluate.ts';

/**
 * An entity body as mapped: only the keys the mapping defines (§3.6). `identifier` and `blueprint`, which make
 * its key and its URL, are checked here, once; the other values are whatever jq produced, for Port to judge
 * (a refusal is a per-entity failure, §4.11).
 */
export interface Entity {
  /** A plain identifier (a number becomes its decimal string, as in the entity key, §1), or a search query (§3.7). */
  identifier: string | PortSearchQuery;
  blueprint: string;
  title?: unknown;
  icon?: unknown;
  team?: unknown;
  /** Absent when the mapping maps no property. */
  properties?: Record<string, unknown>;
  /** Absent when the mapping maps no relation. */
  relations?: Record<string, unknown>;
}

/** Entities whose identifier or blueprint had a type Port cannot take, merged per field, type and batch. */
export interface InvalidEntity {
  path: 'identifier' | 'blueprint';
  program: string;
  /** What the value was, e.g. `an array`, `a search query without combinator "and" or "or"`. */
  got: string;
  count: number;
  firstItemIndex: number;
}

/** One produced entity and where it came from. */
export interface MappedEntity {
  entity: Entity;
  /** False only in parse-all mode, for items whose selector returned `false`. */
  selectorPassed: boolean;
  /** Index of the item in the evaluated batch. */
  itemIndex: number;
  /** Index in `mappings` (0 when `mappings` is one object). */
  mappingIndex: number;
  /** Misconfiguration paths of this entity's `null` leaves. */
  nullPaths: string[];
}

/** A per-item selector failure: it blocks deletions for the resync (§3.4). */
export interface SelectorError {
  itemIndex: number;
  program: string;
  reason: 'not-boolean' | 'no-output' | 'compile-error' | 'runtime-error';
  message: string;
}

/** A field that failed, once per path per batch, with jq's error (first line) and how many items hit it. */
export interface FieldError {
  path: string;
  configPath: string;
  program: string;
  reason: 'no-output' | 'compile-error' | 'runtime-error';
  error: string;
  count: number;
  firstItemIndex: number;
}

/** A leaf that evaluated to `null`, merged across the batch (§3.6). */
export interface Misconfiguration {
  path: string;
  program: string;
  severity: 'ERROR' | 'WARNING';
  count: number;
}

/** Required properties and relations of a blueprint, as `schema.required` and relations' `required` say. */
export interface RequiredFields {
  properties: Iterable<string>;
  relations: Iterable<string>;
}

/** Looks up what a blueprint requires; undefined (or a throw) when unknown, which makes every leaf a WARNING. */
export type RequiredFieldsLookup = (blueprint: string) => RequiredFields | undefined | Promise<RequiredFields | undefined>;

/** The result of evaluating one batch of (already expanded) items. */
export interface MapBatchResult {
  entities: MappedEntity[];
  itemCount: number;
  selectorErrors: SelectorError[];
  /**
   * Entities dropped, and how many (item, mapping) pairs were mapped. A falsy identifier or blueprint drops an
   * entity (§3.6); so does one of a type Port cannot take, which `invalid` details.
   */
  dropped: { count: number; of: number };
  invalid: InvalidEntity[];
  misconfigurations: Misconfiguration[];
  fieldErrors: FieldError[];
}

/** Ocean's falsy: `null`, `false`, `0`, `""`, `[]`, `{}`. */
export function isFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

function describe(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why `value` is not a search query Port takes (`{combinator: "and" | "or", rules: [{property, operator, value?} | query]}`). */
function searchQueryProblem(value: Record<string, unknown>): string | undefined {
  if (value.combinator !== 'and' && value.combinator !== 'or') return 'a search query without combinator "and" or "or"';
  if (!Array.isArray(value.rules)) return 'a search query without a rules list';
  for (const rule of value.rules) {
    if (!isPlainObject(rule)) return 'a search query with a rule that is not an object';
    if ('combinator' in rule) {
      const nested = searchQueryProblem(rule);
      if (nested) return nested;
    } else if (typeof rule.property !== 'string' || typeof rule.operator !== 'string') {
      return 'a search query with a rule whose property or operator is not a string';
    }
  }
  return undefined;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'an object';
  return typeof value === 'boolean' ? 'a boolean' : `a ${typeof value}`;
}

/** The key fields as Port takes them, or what was wrong with one. Falsy values were dropped before. */
function keyFields(raw: { identifier: unknown; blueprint: unknown }): { identifier: string | PortSearchQuery; blueprint: string } | { path: 'identifier' | 'blueprint'; got: string } {
  let identifier: string | PortSearchQuery;
  if (typeof raw.identifier === 'string') identifier = raw.identifier;
  else if (typeof raw.identifier === 'number' && Number.isFinite(raw.identifier)) identifier = String(raw.identifier);
  else if (isPlainObject(raw.identifier)) {
    const problem = searchQueryProblem(raw.identifier);
    if (problem) return { path: 'identifier', got: problem };
    identifier = raw.identifier as unknown as PortSearchQuery;
  } else return { path: 'identifier', got: typeName(raw.identifier) };
  if (typeof raw.blueprint === 'string') return { identifier, blueprint: raw.blueprint };
  if (typeof raw.blueprint === 'number' && Number.isFinite(raw.blueprint)) return { identifier, blueprint: String(raw.blueprint) };
  return { path: 'blueprint', got: typeName(raw.blueprint) };
}

function selectorError(plan: ResourcePlan, itemIndex: number, outcome: FieldOutcome, location: string): SelectorError {
  const where = `(${location}: ${plan.selectorProgram})`;
  const base = { itemIndex, program: plan.selectorProgram };
  if (outcome.kind === 'value') {
    return { ...base, reason: 'not-boolean', message: `selector must return a boolean, got ${describe(outcome.value)} ${where}` };
  }
  if (outcome.kind === 'none') return { ...base, reason: 'no-output', message: `selector produced no output ${where}` };
  const reason = outcome.stage === 'compile' ? 'compile-error' : 'runtime-error';
  return { ...base, reason, message: `selector failed: ${outcome.message} ${where}` };
}

function build(t: Template, fields: FieldOutcome[], onLeaf: (leaf: LeafRef, outcome: FieldOutcome, value: unknown) => void): unknown {
  switch (t.t) {
    case 'leaf': {
      const outcome = fields[t.leaf.slot] ?? { kind: 'none' };
      const value = outcome.kind === 'value' ? outcome.value : null;
      onLeaf(t.leaf, outcome, value);
      return value;
    }
    case 'const':
      return t.value;
    case 'array':
      return t.items.map((i) => build(i, fields, onLeaf));
    case 'object':
      return buildObject(t.entries, fields, onLeaf);
  }
}

/** An object from its entries' templates; a plain loop, since this runs for every entity of every batch. */
function buildObject(entries: Array<[string, Template]>, fields: FieldOutcome[], onLeaf: (leaf: LeafRef, outcome: FieldOutcome, value: unknown) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const value = build(v, fields, onLeaf);
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return out;
}

/**
 * Turn evaluated rows into entities and the batch's reports: selector errors, dropped count, field errors and
 * misconfigurations with their severity.
 */
export async function assemble(
  plan: ResourcePlan,
  rows: Row[],
  opts: { parseAll: boolean; selectorLocation: string; requiredFields?: RequiredFieldsLookup },
): Promise<MapBatchResult> {
  const entities: MappedEntity[] = [];
  const selectorErrors: SelectorError[] = [];
  const fieldErrors = new Map<string, FieldError>();
  const nulls = new Map<string, { leaf: LeafRef; count: number }>();
  const invalid = new Map<string, InvalidEntity>();
  let dropped = 0;
  let considered = 0;
  // One leaf callback for the batch (not one per entity): it records into the current entity's state.
  let nullPaths: string[] = [];
  let current = 0;
  const onLeaf = (leaf: LeafRef, outcome: FieldOutcome, value: unknown): void => {
    if (outcome.kind !== 'value') {
      const known = fieldErrors.get(leaf.path);
      if (known) known.count += 1;
      else fieldErrors.set(leaf.path, fieldError(leaf, outcome, current));
    }
    if (value === null) {
      nullPaths.push(leaf.path);
      const known = nulls.get(leaf.path);
      if (known) known.count += 1;
      else nulls.set(leaf.path, { leaf, count: 1 });
    }
  };

  for (const [itemIndex, row] of rows.entries()) {
    const sel = row.selector;
    if (sel.kind !== 'value' || typeof sel.value !== 'boolean') {
      selectorErrors.push(selectorError(plan, itemIndex, sel, opts.selectorLocation));
      continue;
    }
    if (!row.fields || (!sel.value && !opts.parseAll)) continue;
    const fields = row.fields;
    for (const mapping of plan.mappings) {
      considered += 1;
      nullPaths = [];
      current = itemIndex;
      const body = buildObject(mapping.entity, fields, onLeaf);
      if (isFalsy(body.identifier) || isFalsy(body.blueprint) || isMissingValueText(body.identifier, programOf(mapping.entity, 'identifier'))) {
        dropped += 1;
        continue;
      }
      const key = keyFields(body as { identifier: unknown; blueprint: unknown });
      if ('path' in key) {
        dropped += 1;
        const id = `${key.path}\u0000${key.got}`;
        const known = invalid.get(id);
        if (known) known.count += 1;
        else invalid.set(id, { path: key.path, program: programOf(mapping.entity, key.path), got: key.got, count: 1, firstItemIndex: itemIndex });
        continue;
      }
      const entity = { ...body, ...key } as Entity;
      entities.push({ entity, selectorPassed: sel.value, itemIndex, mappingIndex: mapping.index, nullPaths });
    }
  }

  return {
    entities,
    itemCount: rows.length,
    selectorErrors,
    dropped: { count: dropped, of: considered },
    invalid: [...invalid.values()],
    misconfigurations: await severities(plan, inMappingOrder(plan, [...nulls.values()], (n) => n.leaf.path), opts.requiredFields),
    fieldErrors: inMappingOrder(plan, [...fieldErrors.values()], (f) => f.path),
  };
}

/** The program behind a top-level field, for messages. */
function programOf(entity: ResourcePlan['mappings'][number]['entity'], field: string): string {
  const template = entity.find(([k]) => k === field)?.[1];
  return template?.t === 'leaf' ? template.leaf.program : 'a search query';
}

/** Reports read best in the order the mapping declares its fields. */
function inMappingOrder<T>(plan: ResourcePlan, entries: T[], pathOf: (entry: T) => string): T[] {
  const order = new Map(plan.leaves.map((leaf, i) => [leaf.path, i]));
  return entries.sort((a, b) => (order.get(pathOf(a)) ?? 0) - (order.get(pathOf(b)) ?? 0));
}

function fieldError(leaf: LeafRef, outcome: Exclude<FieldOutcome, { kind: 'value' }>, itemIndex: number): FieldError {
  const base = { path: leaf.path, configPath: leaf.configPath, program: leaf.program, count: 1, firstItemIndex: itemIndex };
  if (outcome.kind === 'none') return { ...base, reason: 'no-output', error: 'the program produced no output' };
  return { ...base, reason: outcome.stage === 'compile' ? 'compile-error' : 'runtime-error', error: outcome.message };
}

async function severities(
  plan: ResourcePlan,
  nulls: Array<{ leaf: LeafRef; count: number }>,
  lookup: RequiredFieldsLookup | undefined,
): Promise<Misconfiguration[]> {
  const required = new Map<number, { properties: Set<string>; relations: Set<string> } | undefined>();
  for (const mapping of plan.mappings) {
    let fields: RequiredFields | undefined;
    if (lookup && mapping.blueprintLiteral !== undefined && nulls.some((n) => n.leaf.mappingIndex === mapping.index)) {
      try {
        fields = await lookup(mapping.blueprintLiteral);
      } catch {
        fields = undefined; // a failed blueprint fetch makes everything a WARNING (§3.6)
      }
    }
    required.set(mapping.index, fields && { properties: new Set(fields.properties), relations: new Set(fields.relations) });
  }
  return nulls.map(({ leaf, count }) => {
    const req = required.get(leaf.mappingIndex);
    const group = leaf.group === 'properties' ? req?.properties : leaf.group === 'relations' ? req?.relations : undefined;
    const isRequired = leaf.name !== undefined && group?.has(leaf.name) === true;
    return { path: leaf.path, program: leaf.program, severity: isRequired ? 'ERROR' : 'WARNING', count };
  });
}
