/// <reference lib="deno.unstable" />
import type { StateStore } from '../../src/index.ts';

/** Options of {@link createKvStateStore}. */
export interface KvStateStoreOptions {
  /** Key parts every entry of this store sits under (default `['tide']`); one prefix per integration. */
  prefix?: Deno.KvKeyPart[];
}

/** A StateStore that owns its Deno KV handle. */
export interface ClosableStateStore extends StateStore {
  close(): void;
}

/**
 * Values are JSON text split into chunks below Deno KV's 64 KiB per-value limit: a V8-serialised
 * string takes up to 2 bytes per UTF-16 unit.
 */
const CHUNK_CHARS = 30_000;
/** Chunks written per atomic operation (well under its 800 KiB total). */
const CHUNKS_PER_COMMIT = 8;
/** Deno KV refuses keys over 2 KiB; leave room for the prefix, a chunk id and the tuple encoding. */
const MAX_KEY_BYTES = 1_500;
const COMMIT_ATTEMPTS = 10;

/** `{ json }` for a value that fits one entry; else `{ chunks, id }`, its text at `[…, 'chunk', key, id, i]`. */
type Head = { json: string } | { chunks: number; id: string };

/**
 * A StateStore over Deno KV (`Deno.openKv()`, needs `--unstable-kv` or `"unstable": ["kv"]`). Each key is
 * one string part under `prefix` (so `/`, `:` and unicode need no encoding); values are stored as JSON
 * text, copied in and out like every other store, and split into chunks when large. A value's chunks are
 * written first under a fresh id and made visible by one atomic switch of its head entry, so a reader or
 * a crash never sees half a value. Keys are listed in JavaScript string order, as the other stores do
 * (Deno KV itself orders strings by UTF-8 bytes).
 *
 * @example
 * const kv = await Deno.openKv('.tide/state.kv');
 * const state = createKvStateStore(kv, { prefix: ['tide', 'my-integration'] });
 */
export function createKvStateStore(kv: Deno.Kv, options: KvStateStoreOptions = {}): StateStore {
  const prefix = options.prefix ?? ['tide'];
  const headKey = (key: string): Deno.KvKey => [...prefix, 'head', checkKey(key)];
  const chunkKey = (key: string, id: string, i: number): Deno.KvKey => [...prefix, 'chunk', key, id, i];

  /** The value's JSON text, or undefined when a chunk is gone (a concurrent write replaced the value). */
  const readJson = async (key: string, head: Head): Promise<string | undefined> => {
    if ('json' in head) return head.json;
    let json = '';
    // getMany reads at most 10 keys at a time.
    for (let i = 0; i < head.chunks; i += 10) {
      const keys = Array.from({ length: Math.min(10, head.chunks - i) }, (_, j) => chunkKey(key, head.id, i + j));
      for (const part of await kv.getMany<string[]>(keys)) {
        if (typeof part.value !== 'string') return undefined;
        json += part.value;
      }
    }
    return json;
  };
  const removeChunks = async (key: string, head: Head | null): Promise<void> => {
    if (!head || 'json' in head) return;
    for (let i = 0; i < head.chunks; i += CHUNKS_PER_COMMIT) {
      const op = kv.atomic();
      for (let j = i; j < Math.min(i + CHUNKS_PER_COMMIT, head.chunks); j++) op.delete(chunkKey(key, head.id, j));
      await op.commit();
    }
  };

  return {
    async get<T>(key: string) {
      for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
        const head = await kv.get<Head>(headKey(key));
        if (head.value === null) return undefined;
        const json = await readJson(key, head.value);
        if (json !== undefined) return JSON.parse(json) as T;
      }
      throw new Error(`state "${key}": a chunk of the stored value is missing`);
    },

    async set(key, value) {
      if (value === undefined) throw new TypeError(`state "${key}": undefined cannot be stored; use delete()`);
      const json = JSON.stringify(value);
      const hk = headKey(key);
      let next: Head = { json };
      if (json.length > CHUNK_CHARS) {
        const id = crypto.randomUUID();
        const count = Math.ceil(json.length / CHUNK_CHARS);
        for (let i = 0; i < count; i += CHUNKS_PER_COMMIT) {
          const op = kv.atomic();
          for (let j = i; j < Math.min(i + CHUNKS_PER_COMMIT, count); j++) op.set(chunkKey(key, id, j), json.slice(j * CHUNK_CHARS, (j + 1) * CHUNK_CHARS));
          const res = await op.commit();
          if (!res.ok) throw new Error(`state "${key}": writing the value failed`);
        }
        next = { chunks: count, id };
      }
      // Switch the head only if nobody else switched it since we read it; then drop the old chunks.
      for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
        const previous = await kv.get<Head>(hk);
        const res = await kv.atomic().check(previous).set(hk, next).commit();
        if (res.ok) {
          await removeChunks(key, previous.value);
          return;
        }
      }
      await removeChunks(key, next);
      throw new Error(`state "${key}": too many concurrent writers`);
    },

    async delete(key) {
      const hk = headKey(key);
      for (let attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
        const previous = await kv.get<Head>(hk);
        if (previous.value === null) return;
        const res = await kv.atomic().check(previous).delete(hk).commit();
        if (res.ok) {
          await removeChunks(key, previous.value);
          return;
        }
      }
      throw new Error(`state "${key}": too many concurrent writers`);
    },

    async keys(keyPrefix = '') {
      // Keys sharing a string prefix are contiguous in any lexicographic order: list from the prefix on
      // and stop at the first key past it.
      const base: Deno.KvKey = [...prefix, 'head'];
      const out: string[] = [];
      const selector = keyPrefix === '' ? { prefix: base } : { prefix: base, start: [...base, keyPrefix] };
      for await (const entry of kv.list<Head>(selector)) {
        const key = entry.key[entry.key.length - 1];
        if (typeof key !== 'string') continue;
        if (!key.startsWith(keyPrefix)) break;
        out.push(key);
      }
      return out.sort();
    },
  };
}

/**
 * Open Deno KV at `path` (default: Deno's own location for the script; `':memory:'` for none) and
 * return a StateStore over it that closes the handle with `close()`.
 */
export async function openKvStateStore(path?: string, options: KvStateStoreOptions = {}): Promise<ClosableStateStore> {
  const kv = await Deno.openKv(path);
  return Object.assign(createKvStateStore(kv, options), { close: () => kv.close() });
}

function checkKey(key: string): string {
  if (typeof key !== 'string') throw new TypeError(`state key must be a string, got ${typeof key}`);
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES)
    throw new TypeError(`state key "${key.slice(0, 40)}…" is longer than ${MAX_KEY_BYTES} bytes, the most Deno KV allows`);
  return key;
}
