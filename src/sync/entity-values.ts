/**
 * Small pure helpers over mapped entity values: search-query detection (§3.7, §4.5), the plain
 * identifiers a relation points at (§4.9 step 1), and the dependency order used by the failed-upsert
 * retry and by one-at-a-time deletion.
 */
import { entityKey, normaliseIdentifier } from '../mapping/index.ts';

/** A mapped value that is a Port search query `{combinator, rules}`. */
export function isSearchQuery(value: unknown): value is { combinator: unknown; rules: unknown[] } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'rules' in value && Array.isArray((value as { rules: unknown }).rules);
}

/** A search query, or a list containing one. */
export function isOrHoldsSearch(value: unknown): boolean {
  return isSearchQuery(value) || (Array.isArray(value) && value.some(isSearchQuery));
}

/** True when the entity's identifier, team or any relation value is search-based; such entities bypass the diff (§4.5). */
export function hasSearchValue(entity: { identifier: unknown; team?: unknown; relations?: Record<string, unknown> }): boolean {
  if (isSearchQuery(entity.identifier) || isOrHoldsSearch(entity.team)) return true;
  for (const value of Object.values(entity.relations ?? {})) if (isOrHoldsSearch(value)) return true;
  return false;
}

/** The key of `(identifier, blueprint)` as `entityKey` builds it. */
export function keyOf(blueprint: string, identifier: string): string {
  return entityKey({ identifier, blueprint });
}

/**
 * Plain identifiers a relation value points at. Search queries count only through an exact
 * `$identifier` `=` rule (at any depth), as Ocean's dependency order does; anything else is ignored.
 */
export function relationTargets(value: unknown, out: string[] = []): string[] {
  if (value === null || value === undefined) return out;
  if (typeof value === 'string' || typeof value === 'number') {
    out.push(normaliseIdentifier(value));
  } else if (Array.isArray(value)) {
    for (const v of value) relationTargets(v, out);
  } else if (isSearchQuery(value)) {
    for (const rule of value.rules) {
      if (isSearchQuery(rule)) relationTargets(rule, out);
      else if (isRecord(rule) && rule.property === '$identifier' && rule.operator === '=' && (typeof rule.value === 'string' || typeof rule.value === 'number')) {
        out.push(normaliseIdentifier(rule.value));
      }
    }
  }
  return out;
}

/** Plain relation values only: search-query relations become `null` in reduced entities (§3.7). */
export function plainRelationValues(value: unknown): string[] {
  if (typeof value === 'string' || typeof value === 'number') return [normaliseIdentifier(value)];
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string' || typeof v === 'number').map(normaliseIdentifier);
  return [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Order items so that, when `a` depends on `b` (one of a's relation targets is b's identifier),
 * `targetsFirst` puts b before a, and otherwise a before b. Stable: independent items keep their
 * input order; items on a cycle keep their input order too (§4.9 step 1).
 */
export function dependencyOrder<T>(
  items: readonly T[],
  identifierOf: (item: T) => string | undefined,
  targetsOf: (item: T) => string[],
  direction: 'targetsFirst' | 'referrersFirst',
): T[] {
  const byId = new Map<string, number[]>();
  items.forEach((item, i) => {
    const id = identifierOf(item);
    if (id === undefined) return;
    const list = byId.get(id);
    if (list) list.push(i);
    else byId.set(id, [i]);
  });
  // edges[i] = the items that must come after i.
  const edges: number[][] = items.map(() => []);
  const indegree = items.map(() => 0);
  items.forEach((item, a) => {
    const seen = new Set<number>();
    for (const target of targetsOf(item)) {
      for (const b of byId.get(target) ?? []) {
        if (b === a || seen.has(b)) continue;
        seen.add(b);
        const [first, then] = direction === 'targetsFirst' ? [b, a] : [a, b];
        edges[first].push(then);
        indegree[then] += 1;
      }
    }
  });
  const done = items.map(() => false);
  const ready = new MinHeap();
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  const out: T[] = [];
  let cursor = 0; // lowest index that may still be unplaced, for breaking cycles in input order
  while (out.length < items.length) {
    let next = ready.pop();
    if (next === undefined) {
      while (done[cursor]) cursor++;
      next = cursor;
    }
    if (done[next]) continue;
    done[next] = true;
    out.push(items[next]);
    for (const then of edges[next]) if (--indegree[then] === 0 && !done[then]) ready.push(then);
  }
  return out;
}

/** A min-heap of indexes: the next ready item is always the earliest in input order. */
class MinHeap {
  private readonly data: number[] = [];
  push(value: number): void {
    const d = this.data;
    d.push(value);
    for (let i = d.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (d[parent] <= d[i]) break;
      [d[parent], d[i]] = [d[i], d[parent]];
      i = parent;
    }
  }
  pop(): number | undefined {
    const d = this.data;
    if (d.length === 0) return undefined;
    const top = d[0];
    const last = d.pop() as number;
    if (d.length > 0) {
      d[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < d.length && d[l] < d[m]) m = l;
        if (r < d.length && d[r] < d[m]) m = r;
        if (m === i) break;
        [d[m], d[i]] = [d[i], d[m]];
        i = m;
      }
    }
    return top;
  }
}
