/**
 * Where an integration keeps what must survive between runs (watermarks, resumable resync checkpoints,
 * vendor tokens). One interface, an implementation per runtime (memory here; disk on Node, Durable
 * Object storage on Workers, Deno KV on Deno), all checked by one contract suite.
 */
export interface StateStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set<T = unknown>(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, in lexicographic order. */
  keys(prefix?: string): Promise<string[]>;
}

const inMemory = new WeakSet<StateStore>();

/** Whether `store` keeps nothing past the process (what it holds, incremental cursors for one, is lost on a restart). */
export function isMemoryStateStore(store: StateStore): boolean {
  return inMemory.has(store);
}

/** A StateStore in memory: values are deep-copied in and out, as a real store would serialise them. */
export function createMemoryStateStore(): StateStore {
  const data = new Map<string, string>();
  const store: StateStore = {
    async get<T>(key: string) {
      const raw = data.get(key);
      return raw === undefined ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value) {
      if (value === undefined) throw new TypeError(`state "${key}": undefined cannot be stored; use delete()`);
      data.set(key, JSON.stringify(value));
    },
    async delete(key) {
      data.delete(key);
    },
    async keys(prefix = '') {
      return [...data.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
  };
  inMemory.add(store);
  return store;
}
