import type { ResourceConfig } from './app-config.ts';
import type { ProgramCache } from './compile.ts';
import type { EvalContext } from './evaluate.ts';
import { evaluateColumnFast } from './fast-path.ts';
import { normaliseQuotes } from './normalise.ts';

/** Expanded items are evaluated and upserted in chunks of at most this many (§3.5). */
export const EXPANDED_BATCH_SIZE = 200;

/** A raw item whose `itemsToParse` result was not an array: skipped with a warning, never a kind error. */
export interface ItemsToParseSkip {
  itemIndex: number;
  program: string;
  message: string;
}

/** A path into JSON: object keys and array indices. */
export type JsonPath = Array<string | number>;

/** Split at `|` outside strings (with their `\(…)` interpolations) and brackets. */
function splitTopLevelPipes(text: string): string[] {
  const parts: string[] = [];
  const stack: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (top === '"') {
      if (c === '\\' && text[i + 1] === '(') {
        stack.push('interp');
        i++;
      } else if (c === '\\') i++;
      else if (c === '"') stack.pop();
      continue;
    }
    if (c === '"') stack.push('"');
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') stack.pop();
    else if (c === '|' && stack.length === 0 && text[i + 1] !== '=') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Index of the `)` closing the `(` at `open`, or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

const LEADING_PATH = /^(?:\.[A-Za-z_]\w*|\.\[(?:-?\d+|"(?:[^"\\]|\\.)*")\])(?:\.[A-Za-z_]\w*|\.?\[(?:-?\d+|"(?:[^"\\]|\\.)*")\])*/;
const COMPONENT = /\.?([A-Za-z_]\w*)|\.?\[(-?\d+|"(?:[^"\\]|\\.)*")\]/g;

function toPath(expression: string): JsonPath {
  const path: JsonPath = [];
  for (const m of expression.matchAll(COMPONENT)) {
    if (m[1] !== undefined) path.push(m[1]);
    else path.push(m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : Number(m[2]));
  }
  return path;
}

function leadingPath(text: string): JsonPath | undefined {
  for (const part of splitTopLevelPipes(text)) {
    const segment = part.trim();
    // Bindings and variables only set up context; the path that matters comes after them.
    if (segment === '.' || segment === '' || segment.startsWith('$') || /^\.\s+as\s+\$/.test(segment)) continue;
    if (segment.startsWith('(')) {
      const close = closingParen(segment, 0);
      if (close < 0) return undefined;
      return leadingPath(segment.slice(1, close));
    }
    const match = LEADING_PATH.exec(segment);
    return match ? toPath(match[0]) : undefined;
  }
  return undefined;
}

/**
 * The source array's path, removed from each expanded parent copy when `itemsToParseTopLevelTransform` is on:
 * the program's leading path expression (`.spec.files` for `.spec.files | map(…)`, `.files` for `.files // []`).
 * Undefined when there is none; Tide then keeps the parent whole.
 */
export function deriveTopLevelPath(program: string): JsonPath | undefined {
  return leadingPath(normaliseQuotes(program).trim());
}

/** A copy of `value` without `path`, copying only the containers on the path; unchanged when the path is absent. */
export function withoutPath(value: unknown, path: JsonPath): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return value;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    if (typeof head !== 'number') return value;
    const index = head < 0 ? value.length + head : head;
    if (index < 0 || index >= value.length) return value;
    const copy = value.slice();
    if (rest.length === 0) copy.splice(index, 1);
    else copy[index] = withoutPath(copy[index], rest);
    return copy;
  }
  if (typeof head !== 'string' || !Object.hasOwn(value, head)) return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  if (rest.length === 0) delete copy[head];
  else copy[head] = withoutPath(copy[head], rest);
  return copy;
}

/**
 * Expand raw items through `itemsToParse` (one engine call for all of them): each array element `e` gives a
 * shallow copy of its parent with `[itemsToParseName]: e`. Items without `itemsToParse` pass through unchanged.
 * `origins[i]` is the index of the raw item that `items[i]` came from.
 */
export async function expandItems(
  ctx: EvalContext,
  cache: ProgramCache,
  resource: ResourceConfig,
  rawItems: readonly unknown[],
): Promise<{ items: unknown[]; skipped: ItemsToParseSkip[]; origins: number[] }> {
  const { itemsToParse, itemsToParseName, itemsToParseTopLevelTransform } = resource.port;
  if (itemsToParse === undefined) return { items: [...rawItems], skipped: [], origins: rawItems.map((_, i) => i) };
  const program = await cache.get(itemsToParse);
  const outcomes = await evaluateColumnFast(ctx, program, rawItems);
  const removed = itemsToParseTopLevelTransform ? deriveTopLevelPath(itemsToParse) : undefined;
  const items: unknown[] = [];
  const origins: number[] = [];
  const skipped: ItemsToParseSkip[] = [];
  for (const [itemIndex, outcome] of outcomes.entries()) {
    if (outcome.kind !== 'value' || !Array.isArray(outcome.value)) {
      const got =
        outcome.kind === 'value'
          ? `got ${outcome.value === null ? 'null' : typeof outcome.value}`
          : outcome.kind === 'none'
            ? 'got no output'
            : `failed: ${outcome.message}`;
      skipped.push({ itemIndex, program: itemsToParse, message: `itemsToParse must return an array, ${got}; item skipped` });
      continue;
    }
    const raw = rawItems[itemIndex];
    const parent = removed ? withoutPath(raw, removed) : raw;
    const base = parent !== null && typeof parent === 'object' && !Array.isArray(parent) ? parent : {};
    for (const element of outcome.value) {
      items.push({ ...base, [itemsToParseName]: element });
      origins.push(itemIndex);
    }
  }
  return { items, skipped, origins };
}

/** Split items into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size = EXPANDED_BATCH_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
