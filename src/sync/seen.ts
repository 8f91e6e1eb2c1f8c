/**
 * The seen set (§4.7): keys of every entity that passed the selector in this resync, plus, per
 * (blueprint, relation name), the plain relation values seen entities point at. That index is all
 * related-entity protection needs (§4.9 step 8), and deduplicated values keep memory far below one
 * reduced entity per key. No raw item and no entity body is kept.
 */
import { keyOf, plainRelationValues } from './entity-values.ts';

/**
 * What reconciliation and upserts need of a seen set. `SeenSet` keeps it in memory; a resumable
 * resync keeps it in durable storage (e.g. a Durable Object's SQLite) so it survives invocations.
 * Adding a key twice is harmless: it is a set.
 */
export interface SeenKeys {
  add(blueprint: string, identifier: string, relations?: Record<string, unknown>): void;
  has(blueprint: string, identifier: string): boolean;
  readonly size: number;
  relationValues(): Iterable<[string, string, ReadonlySet<string>]>;
}

export class SeenSet implements SeenKeys {
  private readonly keys = new Set<string>();
  /** blueprint → relation name → target identifiers. */
  private readonly relations = new Map<string, Map<string, Set<string>>>();

  /** Record a seen entity under the identifier Port resolved (or the plain mapped one). */
  add(blueprint: string, identifier: string, relations?: Record<string, unknown>): void {
    this.keys.add(keyOf(blueprint, identifier));
    if (!relations) return;
    for (const [name, value] of Object.entries(relations)) {
      const values = plainRelationValues(value);
      if (values.length === 0) continue;
      let byName = this.relations.get(blueprint);
      if (!byName) this.relations.set(blueprint, (byName = new Map()));
      let set = byName.get(name);
      if (!set) byName.set(name, (set = new Set()));
      for (const v of values) set.add(v);
    }
  }

  has(blueprint: string, identifier: string): boolean {
    return this.keys.has(keyOf(blueprint, identifier));
  }

  get size(): number {
    return this.keys.size;
  }

  /** `[blueprint, relationName, values]` for every relation a seen entity set to a plain identifier. */
  *relationValues(): Iterable<[string, string, ReadonlySet<string>]> {
    for (const [blueprint, byName] of this.relations) for (const [name, values] of byName) yield [blueprint, name, values];
  }
}
