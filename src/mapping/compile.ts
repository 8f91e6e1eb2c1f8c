import type { EntityMapping, ResourceConfig } from './app-config.ts';
import type { CompiledJq } from './jq-compile/index.ts';
import { inputKeys } from './jq-compile/index.ts';
import type { JqEngine } from './jq-engine.ts';
import { normaliseQuotes, stringLiteralValue } from './normalise.ts';

/** One distinct JQ program, as checked once per mapper. */
export interface FieldProgram {
  /** Normalised text: what jq runs, and the cache key. */
  text: string;
  /** jq's compile error for the program on its own; the field is then `null` without running. */
  compileError?: string;
  /**
   * Compiles alone but not inside the batch wrapper (a trailing `# …\` comment swallowing the wrapper's next
   * line, in jq 1.8). Such a field is evaluated on its own, item by item.
   */
  isolated: boolean;
  /** The program as a JavaScript closure, when the engine compiles it (see `JqEngine.compile`). */
  compiled?: CompiledJq;
  /** The top-level keys of its input the program can read; undefined when it may read the whole input. */
  reads?: string[];
}

/** Where a leaf sits: Ocean's dotted path (`properties.url`, `identifier.rules.0.value`) and the config path. */
export interface LeafRef {
  slot: number;
  path: string;
  configPath: string;
  program: string;
  mappingIndex: number;
  /** `properties`/`relations` and the mapped name, for severity; otherwise the entity key (`identifier`…). */
  group: string;
  name?: string;
}

type LeafOwner = Pick<LeafRef, 'mappingIndex' | 'group' | 'name'>;

/** How to rebuild a mapped value from the evaluated slots. */
export type Template =
  | { t: 'leaf'; leaf: LeafRef }
  | { t: 'const'; value: unknown }
  | { t: 'object'; entries: Array<[string, Template]> }
  | { t: 'array'; items: Template[] };

/** One object of `mappings` (index 0 when `mappings` is a single object). */
export interface MappingPlan {
  index: number;
  entity: Array<[string, Template]>;
  /** The blueprint when its program is a string literal, so required fields can be known. */
  blueprintLiteral?: string;
}

/** Everything needed to evaluate a resource's batches: distinct programs and how they rebuild entities. */
export interface ResourcePlan {
  selector: FieldProgram;
  selectorProgram: string;
  /** Distinct field programs; `slots[i]` is position `i + 1` of each item's result row (0 is the selector). */
  slots: FieldProgram[];
  leaves: LeafRef[];
  mappings: MappingPlan[];
  /**
   * One jq program per mode: per item, a fast path (`[selector, value…]`) and, for the items where it fails, the
   * selector then every slot with per-field isolation (`{"r": [outcome…]}`).
   */
  batchProgram: { resync: string; parseAll: string };
}

/** Binds `env`/`$ENV` to the env record sent with the input; the record is `{}` when env access is off. */
export const PRELUDE = '.env as $__tide_env | def env: $__tide_env; $__tide_env as $ENV | ';

/**
 * First output wins as `[[0, value]]`; none gives `[]`, an error before it `[[1, error]]`. The blank line keeps a
 * trailing comment in the field from eating the closing parenthesis: jq 1.8 continues a comment that ends in
 * `\` onto the next line, so that next line is left empty.
 */
export function wrapField(text: string): string {
  // first(…) costs a label/break per item and field; a plain path or literal has at most one output anyway.
  if (SINGLE_OUTPUT.test(text)) return `[try ((${text}\n\n) | [0, .]) catch [1, .]]`;
  return `[first(try ((${text}\n\n) | [0, .]) catch [1, .])]`;
}

/** `.`, `.a.b`, `.a[0]`, `.["k"]`, a plain string literal, a number, true/false/null: exactly one output or an error. */
const SINGLE_OUTPUT =
  /^\s*(?:\.(?:[A-Za-z_]\w*)?(?:\.[A-Za-z_]\w*|\.?\[(?:-?\d+|"(?:[^"\\(]|\\[^(])*")\])*|"(?:[^"\\]|\\[^(])*"|-?\d+(?:\.\d+)?|true|false|null)\s*$/;

/** The field on its own, exactly `first(FIELD)` with the env prelude: the reference semantics. */
export function aloneProgram(text: string): string {
  return `${PRELUDE}.items[0] | first((${text}\n\n))`;
}

/** Compile checks, cached by normalised text for the life of the mapper. */
export class ProgramCache {
  private readonly programs = new Map<string, Promise<FieldProgram>>();
  constructor(private readonly engine: () => Promise<JqEngine>) {}

  get(source: string): Promise<FieldProgram> {
    const text = normaliseQuotes(source);
    let entry = this.programs.get(text);
    if (!entry) {
      entry = this.check(text);
      this.programs.set(text, entry);
      // Only jq's verdict is worth keeping; an engine that failed to load must be retried next time.
      entry.catch(() => this.programs.delete(text));
    }
    return entry;
  }

  private async check(text: string): Promise<FieldProgram> {
    const engine = await this.engine();
    const compileError = await engine.compileError(text);
    if (compileError !== undefined) return { text, compileError, isolated: false };
    const wrapped = await engine.compileError(`${PRELUDE}.items | map(${wrapField(text)})`);
    const program: FieldProgram = { text, isolated: wrapped !== undefined, reads: inputKeys(text) };
    const compiled = program.isolated ? undefined : engine.compile?.(text);
    if (compiled?.ok) program.compiled = compiled.program;
    return program;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Collects leaves, giving each distinct program one slot. */
class LeafCollector {
  readonly sources: string[] = [];
  readonly leaves: LeafRef[] = [];
  private readonly slotOf = new Map<string, number>();

  leaf(program: string, path: string, configPath: string, owner: LeafOwner): Template {
    const key = normaliseQuotes(program);
    let slot = this.slotOf.get(key);
    if (slot === undefined) {
      slot = this.sources.length;
      this.sources.push(program);
      this.slotOf.set(key, slot);
    }
    const leaf = { slot, path, program, configPath, ...owner };
    this.leaves.push(leaf);
    return { t: 'leaf', leaf };
  }

  /** Every string at any depth is a program; objects and lists keep their shape (§3.2). */
  walk(value: unknown, path: string, configPath: string, owner: LeafOwner): Template {
    if (typeof value === 'string') return this.leaf(value, path, configPath, owner);
    if (Array.isArray(value)) {
      return { t: 'array', items: value.map((v, i) => this.walk(v, `${path}.${i}`, `${configPath}[${i}]`, owner)) };
    }
    if (isRecord(value)) {
      return {
        t: 'object',
        entries: Object.entries(value).map(([k, v]) => [k, this.walk(v, `${path}.${k}`, `${configPath}.${k}`, owner)]),
      };
    }
    return { t: 'const', value };
  }
}

const ENTITY_KEYS = ['identifier', 'title', 'icon', 'blueprint', 'team'] as const;

function planMapping(collector: LeafCollector, mapping: EntityMapping, index: number, list: boolean, base: string): MappingPlan {
  const prefix = list ? `mappings[${index}].` : '';
  const configBase = `${base}.port.entity.${list ? `mappings[${index}]` : 'mappings'}`;
  const entity: Array<[string, Template]> = [];
  for (const key of ENTITY_KEYS) {
    const value = mapping[key];
    if (value !== undefined) {
      entity.push([key, collector.walk(value, `${prefix}${key}`, `${configBase}.${key}`, { mappingIndex: index, group: key })]);
    }
  }
  for (const group of ['properties', 'relations'] as const) {
    const entries = Object.entries(mapping[group] ?? {}).map(([name, value]): [string, Template] => [
      name,
      collector.walk(value, `${prefix}${group}.${name}`, `${configBase}.${group}.${name}`, { mappingIndex: index, group, name }),
    ]);
    // The body holds only the keys the mapping defines (§3.6): a group without names is left out.
    if (entries.length > 0) entity.push([group, { t: 'object', entries }]);
  }
  return { index, entity, blueprintLiteral: stringLiteralValue(mapping.blueprint) };
}

/** The field's first output, or nothing: a plain path or literal has at most one output, so it skips `first`. */
function firstOutput(text: string): string {
  return SINGLE_OUTPUT.test(text) ? `(${text}\n\n)` : `first(${text}\n\n)`;
}

/** Whether a program takes part in the batch at all (otherwise its place holds `null` and JS fills it in). */
function inBatch(program: FieldProgram): boolean {
  return program.compileError === undefined && !program.isolated;
}

/**
 * The per-field isolation program for one item: `[selector, field…]`, each an encoded outcome (see
 * {@link wrapField}), or `[selector]` alone when the selector does not pass in resync mode.
 */
function isolatedRow(selector: FieldProgram, slots: FieldProgram[], parseAll: boolean): string {
  const sel = inBatch(selector) ? wrapField(selector.text) : '[]';
  const fields = slots.map((s) => (inBatch(s) ? wrapField(s.text) : 'null'));
  // An isolated selector is decided outside jq, so every item must carry its fields.
  const condition = parseAll || selector.isolated ? 'true' : '$__tide_s == [[0, true]]';
  return `${sel} as $__tide_s | if ${condition} then [$__tide_s` + fields.map((f) => `,\n${f}`).join('') + `] else [$__tide_s] end`;
}

/**
 * The fast path for one item: `[selectorValue, value…]` (plain values, no per-field `try`), or
 * `[selectorValue]` when the selector is not `true` in resync mode. It only stands when the selector and every
 * field gave a first output without an error before it; otherwise it raises, and the item takes the isolation
 * program, whose rows are wrapped as `{"r": row}` so the two can be told apart.
 *
 * Exactness: each field runs as `first(FIELD)` (or is a plain path/literal, which has at most one output), so the
 * array holds one value per field that produced one; `length` equal to 1 + fields means none was missing. An error
 * before a field's first output aborts the construction; errors after it cannot happen because `first` stops the
 * field there.
 */
function fastRow(selector: FieldProgram, slots: FieldProgram[], parseAll: boolean): string {
  const fields = slots.map((s) => (inBatch(s) ? firstOutput(s.text) : 'null'));
  const width = fields.length + 1;
  const all = (head: string): string =>
    `[${head}` + fields.map((f) => `,\n${f}`).join('') + `] | if length == ${width} then . else error end`;
  // The selector's place holds a placeholder when JS decides it.
  if (!inBatch(selector)) return all('null');
  const head = `${firstOutput(selector.text)} as $__tide_v | `;
  if (parseAll) return `${head}${all('$__tide_v')}`;
  return `${head}if $__tide_v == true then ${all('true')} else [$__tide_v] end`;
}

/** The batch program of a selector and slots; also used for the subset of a plan's programs that run on jq. */
export function buildBatchProgram(selector: FieldProgram, slots: FieldProgram[], parseAll: boolean): string {
  // `first(FAST, error)`: a selector with no output leaves FAST empty, which must also fall back. The handler's
  // input is the error, so the item is bound first.
  return (
    `${PRELUDE}.items | map(. as $__tide_i | try first((${fastRow(selector, slots, parseAll)}), error) ` +
    `catch ($__tide_i | {r: (${isolatedRow(selector, slots, parseAll)})}))`
  );
}

/** Every distinct program of a resource as written: selector, `itemsToParse`, then the mapping's leaves in order. */
export function resourcePrograms(resource: ResourceConfig): string[] {
  const collector = new LeafCollector();
  const raw = resource.port.entity.mappings;
  const list = Array.isArray(raw);
  (list ? raw : [raw]).forEach((m, i) => planMapping(collector, m, i, list, ''));
  const itemsToParse = resource.port.itemsToParse === undefined ? [] : [resource.port.itemsToParse];
  return [...new Set([resource.selector.query, ...itemsToParse, ...collector.sources])];
}

/**
 * Plan a resource once: every distinct program (selector and all mapping leaves, search queries included)
 * is normalised and compile-checked, and the batch programs are built.
 */
export async function planResource(cache: ProgramCache, resource: ResourceConfig, resourceIndex?: number): Promise<ResourcePlan> {
  const base = resourceIndex === undefined ? `resources[kind=${resource.kind}]` : `resources[${resourceIndex}]`;
  const collector = new LeafCollector();
  const raw = resource.port.entity.mappings;
  const list = Array.isArray(raw);
  const mappings = (list ? raw : [raw]).map((m, i) => planMapping(collector, m, i, list, base));
  const [selector, ...slots] = await Promise.all([
    cache.get(resource.selector.query),
    ...collector.sources.map((s) => cache.get(s)),
  ]);
  return {
    selector: selector!,
    selectorProgram: resource.selector.query,
    slots,
    leaves: collector.leaves,
    mappings,
    batchProgram: {
      resync: buildBatchProgram(selector!, slots, false),
      parseAll: buildBatchProgram(selector!, slots, true),
    },
  };
}
