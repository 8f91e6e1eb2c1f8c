/**
 * The keys a search query pins down through top-level ANDed `=`/`in` rules, so the store can narrow
 * its scan by index before the compiled predicate decides (docs/port-api.md §10.1).
 */
const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);


/**
 * The values a query restricts `property` to through `=` (a string) or `in` rules that are ANDed at
 * the top level (descending into nested `and` groups, and into single-rule groups of either
 * combinator). Several such rules intersect. `null` means "not restricted". The order is that of
 * the first restricting rule; duplicates are removed. Meant for narrowing a scan: the compiled
 * predicate must still be evaluated on what the narrowed scan returns.
 */
export function queryRestriction(query: unknown, property: string): string[] | null {
  let result: string[] | null = null;
  const visit = (q: unknown) => {
    if (!isPlainObject(q) || !Array.isArray(q.rules)) return;
    const conjunctive = q.combinator === 'and' || q.rules.length === 1;
    if (!conjunctive) return;
    for (const r of q.rules) {
      if (!isPlainObject(r)) continue;
      if (!('property' in r) && !('operator' in r) && ('combinator' in r || 'rules' in r)) {
        visit(r);
        continue;
      }
      if (r.property !== property) continue;
      let ids: string[] | null = null;
      if (r.operator === '=' && typeof r.value === 'string') ids = [r.value];
      else if (r.operator === 'in' && Array.isArray(r.value)) ids = r.value.filter((x): x is string => typeof x === 'string');
      if (ids === null) continue;
      const unique = [...new Set(ids)];
      if (result === null) result = unique;
      else {
        const keep = new Set(unique);
        result = result.filter((b) => keep.has(b));
      }
    }
  };
  visit(query);
  return result;
}

/**
 * The blueprints a query is restricted to by top-level ANDed `$blueprint` `=`/`in` rules (see
 * `queryRestriction`); `null` = all blueprints. Used for `matchingBlueprints` in the cross-blueprint
 * search response (§10.1); the caller intersects it with the blueprints that exist.
 */
export function queryBlueprints(query: unknown): string[] | null {
  return queryRestriction(query, '$blueprint');
}

/** The identifiers a query is restricted to by top-level ANDed `$identifier` `=`/`in` rules; `null` = any. */
export function queryIdentifiers(query: unknown): string[] | null {
  return queryRestriction(query, '$identifier');
}
