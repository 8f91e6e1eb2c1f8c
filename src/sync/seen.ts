/**
 * The seen set (§4.7): keys of every entity that passed the selector in this resync, plus, per
 * (blueprint, relation name), the plain relation values seen entities point at. That index is all
 * related-entity protection needs (§4.9 step 8), and deduplicated values keep memory far below one
 * reduced entity per key. No raw item and no entity body is kept.
 */
import { normaliseIdentifier } from '../mapping/index.ts';
import { plainRelationValues } from './entity-values.ts';

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
  /**
   * Whether Port already had this entity when this resync first wrote it (a bulk result's `created:
   * false`, an update on the single route, or an owned entity the skip-unchanged lookup found). Only the
   * first answer per key counts: a later write of an entity this resync created answers `created: false`
   * too. Adds the key if absent. Feeds `ownedAtStart` (§4.9 step 7).
   */
  noteExisted(blueprint: string, identifier: string, existed: boolean): void;
  /** True when the first answer noted for this key was "it existed". */
  existed(blueprint: string, identifier: string): boolean;
  /** Keys noted as existing. */
  readonly existedCount: number;
}

/** The flag of a key whose first noted answer was "created by this resync" / "existed before it". */
const CREATED = 1;
const EXISTED = 2;

/**
 * A set of strings packed into typed arrays (off the JS heap) instead of a `Set<string>`.
 *
 * Why: the seen set is the only structure of a resync that grows with the catalog. As a `Set` of
 * `JSON.stringify([blueprint, identifier])` keys it cost ~110 bytes of V8 heap per entity (string
 * object + hash-table entry), ~22 MB at 200k entities, and V8 sizes the old generation as a multiple
 * of the live heap, so resident memory grew by ~3× that (measured: heapTotal 117 → 166 MB over a 200k
 * resync while the live heap grew 18 → 40 MB). Here a string whose UTF-16 code units all fit in a byte
 * (every Port identifier in practice) costs its length + 4 bytes in an arena plus 8 bytes per table slot
 * (load ≤ 0.5), and lives in ArrayBuffers the GC neither scans nor multiplies. Any other string goes to
 * an ordinary `Set`, so membership is exact for every string (no encoding, no lossy conversion).
 */
export class CompactStringSet {
  /** Entries: 4-byte little-endian length, then one byte per UTF-16 code unit. */
  private arena = new Uint8Array(16 * 1024);
  private used = 0;
  /** Open addressing (linear probing): arena offset + 1 of the entry, 0 = empty. */
  private slots = new Int32Array(256);
  /** The hash of the entry in the same slot, to skip most byte comparisons. */
  private hashes = new Int32Array(256);
  /** A small flag per entry (0 until `setFlag`), one byte per slot. */
  private flags = new Uint8Array(256);
  private narrowCount = 0;
  private readonly wide = new Set<string>();
  private readonly wideFlags = new Map<string, number>();

  get size(): number {
    return this.narrowCount + this.wide.size;
  }

  add(value: string): void {
    this.slotOf(value, true);
  }

  /** Set `flag` on `value` (added if absent) unless it already has one; returns the flag it had (0: none). */
  setFlag(value: string, flag: number): number {
    const slot = this.slotOf(value, true);
    const had = slot === undefined ? (this.wideFlags.get(value) ?? 0) : this.flags[slot]!;
    if (had !== 0) return had;
    if (slot === undefined) this.wideFlags.set(value, flag);
    else this.flags[slot] = flag;
    return 0;
  }

  /** The flag of `value` (0: none, or absent). */
  flagOf(value: string): number {
    const hash = narrowHash(value);
    if (hash === undefined) return this.wideFlags.get(value) ?? 0;
    const slot = this.find(value, hash);
    return this.slots[slot] === 0 ? 0 : this.flags[slot]!;
  }

  /** The slot of `value`, adding it when `add` (undefined for a wide string, kept in the plain set). */
  private slotOf(value: string, add: boolean): number | undefined {
    const hash = narrowHash(value);
    if (hash === undefined) {
      if (add) this.wide.add(value);
      return undefined;
    }
    let slot = this.find(value, hash);
    if (this.slots[slot] !== 0 || !add) return slot;
    if ((this.narrowCount + 1) * 2 > this.slots.length) {
      this.rehash(this.slots.length * 2);
      slot = this.find(value, hash);
    }
    const length = value.length;
    this.reserve(4 + length);
    const arena = this.arena;
    const at = this.used;
    arena[at] = length & 0xff;
    arena[at + 1] = (length >>> 8) & 0xff;
    arena[at + 2] = (length >>> 16) & 0xff;
    arena[at + 3] = (length >>> 24) & 0xff;
    for (let i = 0; i < length; i++) arena[at + 4 + i] = value.charCodeAt(i);
    this.used = at + 4 + length;
    this.slots[slot] = at + 1;
    this.hashes[slot] = hash;
    this.narrowCount += 1;
    return slot;
  }

  has(value: string): boolean {
    const hash = narrowHash(value);
    if (hash === undefined) return this.wide.has(value);
    return this.slots[this.find(value, hash)] !== 0;
  }

  /** The slot holding `value`, or the empty slot where it would go. */
  private find(value: string, hash: number): number {
    const { slots, hashes, arena } = this;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === 0) return slot;
      if (hashes[slot] !== hash) continue;
      const at = entry - 1;
      const length = arena[at]! | (arena[at + 1]! << 8) | (arena[at + 2]! << 16) | (arena[at + 3]! << 24);
      if (length !== value.length) continue;
      let i = 0;
      while (i < length && arena[at + 4 + i] === value.charCodeAt(i)) i++;
      if (i === length) return slot;
    }
  }

  private rehash(capacity: number): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    const oldFlags = this.flags;
    const slots = new Int32Array(capacity);
    const hashes = new Int32Array(capacity);
    const flags = new Uint8Array(capacity);
    const mask = capacity - 1;
    for (let s = 0; s < oldSlots.length; s++) {
      const entry = oldSlots[s]!;
      if (entry === 0) continue;
      let slot = oldHashes[s]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
      hashes[slot] = oldHashes[s]!;
      flags[slot] = oldFlags[s]!;
    }
    this.slots = slots;
    this.hashes = hashes;
    this.flags = flags;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.arena.length) return;
    let capacity = this.arena.length * 2;
    while (capacity < this.used + bytes) capacity *= 2;
    const arena = new Uint8Array(capacity);
    arena.set(this.arena.subarray(0, this.used));
    this.arena = arena;
  }
}

/** FNV-1a over the code units, or undefined when one does not fit in a byte (such strings are kept as is). */
function narrowHash(value: string): number | undefined {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit > 0xff) return undefined;
    hash = Math.imul(hash ^ unit, 0x01000193);
  }
  return hash;
}

export class SeenSet implements SeenKeys {
  /**
   * blueprint → identifiers. Same membership as one set of `keyOf(blueprint, identifier)` keys (that
   * key is injective over pairs), without building a key string per entity; see CompactStringSet.
   */
  private readonly keys = new Map<string, CompactStringSet>();
  private count = 0;
  private existing = 0;
  /** blueprint → relation name → target identifiers. */
  private readonly relations = new Map<string, Map<string, Set<string>>>();

  /** Record a seen entity under the identifier Port resolved (or the plain mapped one). */
  add(blueprint: string, identifier: string, relations?: Record<string, unknown>): void {
    const ids = this.idsOf(blueprint);
    const before = ids.size;
    ids.add(normaliseIdentifier(identifier));
    this.count += ids.size - before;
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
    return this.keys.get(normaliseIdentifier(blueprint))?.has(normaliseIdentifier(identifier)) ?? false;
  }

  get size(): number {
    return this.count;
  }

  noteExisted(blueprint: string, identifier: string, existed: boolean): void {
    const ids = this.idsOf(blueprint);
    const before = ids.size;
    const had = ids.setFlag(normaliseIdentifier(identifier), existed ? EXISTED : CREATED);
    this.count += ids.size - before;
    if (had === 0 && existed) this.existing += 1;
  }

  existed(blueprint: string, identifier: string): boolean {
    return this.keys.get(normaliseIdentifier(blueprint))?.flagOf(normaliseIdentifier(identifier)) === EXISTED;
  }

  get existedCount(): number {
    return this.existing;
  }

  /** The identifiers of a blueprint, normalised as `keyOf` does (a numeric identifier at run time is its decimal string). */
  private idsOf(blueprint: string): CompactStringSet {
    const bp = normaliseIdentifier(blueprint);
    let ids = this.keys.get(bp);
    if (!ids) this.keys.set(bp, (ids = new CompactStringSet()));
    return ids;
  }

  /** `[blueprint, relationName, values]` for every relation a seen entity set to a plain identifier. */
  *relationValues(): Iterable<[string, string, ReadonlySet<string>]> {
    for (const [blueprint, byName] of this.relations) for (const [name, values] of byName) yield [blueprint, name, values];
  }
}
