/**
 * Replayed deliveries (docs/behaviour.md §6.1): a route that names each delivery (`deliveryId`, GitHub's
 * `X-GitHub-Delivery`) has every verified delivery remembered for 24 hours, at most 10,000 of them, in the
 * integration's StateStore, so a delivery seen again (a replay of a signed request, a vendor's retry of one
 * already applied) is answered `200 {"status":"duplicate"}` and applied once. A delivery is remembered once it
 * has been applied, and held while it waits in the queue: one that was never applied (dropped at shutdown,
 * failed) can be delivered again.
 */
import type { StateStore } from '../state/index.ts';

/** How long a delivery id is remembered. */
export const DELIVERY_TTL_MS = 24 * 60 * 60 * 1000;
/** How many delivery ids are remembered at most; the oldest go first. */
export const MAX_DELIVERIES = 10_000;
const PREFIX = 'live/deliveries/';

/** Where delivery ids are remembered: the StateStore of the integration, or a Durable Object's. */
export interface DeliveryLedger {
  /** True the first time `key` is claimed (it is now held); false while it is held or remembered. */
  claim(key: string): Promise<boolean>;
  /** The delivery was applied: remember it. */
  commit(key: string): Promise<void>;
  /** It was not: let it be delivered again. */
  release(key: string): Promise<void>;
}

/** The ledger key of one delivery of one path (hashed: the id comes from a header). */
export async function deliveryKey(path: string, id: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${path}\n${id}`)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface DeliveryLedgerOptions {
  ttlMs?: number;
  max?: number;
  now?: () => number;
  /** Remember a delivery as soon as it is claimed (a durable queue holds it from there on: Workers). */
  commitOnClaim?: boolean;
}

/**
 * A ledger over a StateStore: one entry per delivery (`live/deliveries/<hash>` → when), read once into
 * memory, so a claim costs one write and the bounds are kept without listing the store again.
 *
 * @example
 * const ledger = createDeliveryLedger(state);
 * if (!(await ledger.claim(await deliveryKey('/webhook', deliveryId)))) return duplicate();
 */
export function createDeliveryLedger(store: StateStore, o: DeliveryLedgerOptions = {}): DeliveryLedger {
  const ttlMs = o.ttlMs ?? DELIVERY_TTL_MS;
  const max = o.max ?? MAX_DELIVERIES;
  const now = o.now ?? Date.now;
  const held = new Set<string>();
  let loaded: Promise<Map<string, number>> | undefined;

  // Oldest first, as Map keeps insertion order.
  const load = (): Promise<Map<string, number>> =>
    (loaded ??= (async () => {
      const entries: Array<[string, number]> = [];
      for (const key of await store.keys(PREFIX)) {
        const at = await store.get<number>(key);
        if (typeof at === 'number') entries.push([key.slice(PREFIX.length), at]);
      }
      return new Map(entries.sort((a, b) => a[1] - b[1]));
    })());

  async function remember(key: string): Promise<void> {
    const seen = await load();
    seen.delete(key);
    seen.set(key, now());
    await store.set(PREFIX + key, now());
    for (const [old, at] of seen) {
      if (seen.size <= max && now() - at < ttlMs) break;
      seen.delete(old);
      await store.delete(PREFIX + old);
    }
  }

  return {
    async claim(key) {
      const seen = await load();
      const at = seen.get(key);
      if (held.has(key) || (at !== undefined && now() - at < ttlMs)) return false;
      held.add(key);
      if (o.commitOnClaim) {
        await remember(key);
        held.delete(key);
      }
      return true;
    },
    async commit(key) {
      held.delete(key);
      await remember(key);
    },
    async release(key) {
      held.delete(key);
      const seen = await load();
      if (seen.delete(key)) await store.delete(PREFIX + key);
    },
  };
}
