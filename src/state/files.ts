import type { StateStore } from './store.ts';

/** The file calls {@link createFolderStateStore} needs; node:fs on Node (Deno's file API would do as well). */
export interface StateFiles {
  /** Create `dir` and its parents; synchronous, so the store is usable once built. */
  makeDir(dir: string): void;
  /** A file's text, or `undefined` when there is none. */
  read(path: string): Promise<string | undefined>;
  write(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Remove a file; nothing happens when there is none. */
  remove(path: string): Promise<void>;
  list(dir: string): Promise<string[]>;
}

const SUFFIX = '.json';
const HASHED = 'h-';
/** Encoded names longer than this are hashed: file names are limited to 255 bytes. */
const MAX_NAME = 200;

/**
 * A StateStore on disk: one JSON file per key (`{ key, value }`) under `dir`, written to a temporary
 * file and renamed over the old one, so a crash mid-write leaves the previous value intact. Values
 * survive restarts; keys are URI-encoded into file names (hashed when too long, the key kept inside).
 *
 * @example
 * const state = createFolderStateStore(nodeStateFiles, '.tide/state/my-integration');
 * await state.set('watermark', { at: '2024-01-01T00:00:00Z' });
 */
export function createFolderStateStore(files: StateFiles, dir: string): StateStore {
  files.makeDir(dir);
  const fileOf = async (key: string): Promise<string> => `${dir}/${await fileName(key)}`;

  const readEntry = async (file: string): Promise<{ key: string; value: unknown } | undefined> => {
    const text = await files.read(file);
    return text === undefined ? undefined : (JSON.parse(text) as { key: string; value: unknown });
  };

  return {
    async get<T>(key: string) {
      const entry = await readEntry(await fileOf(key));
      return entry && entry.key === key ? (entry.value as T) : undefined;
    },
    async set(key, value) {
      if (value === undefined) throw new TypeError(`state "${key}": undefined cannot be stored; use delete()`);
      const file = await fileOf(key);
      const tmp = `${dir}/.${crypto.randomUUID()}.tmp`;
      await files.write(tmp, JSON.stringify({ key, value }));
      await files.rename(tmp, file);
    },
    async delete(key) {
      await files.remove(await fileOf(key));
    },
    async keys(prefix = '') {
      const names = (await files.list(dir)).filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.'));
      const keys = await Promise.all(names.map(async (n) => (n.startsWith(HASHED) ? (await readEntry(`${dir}/${n}`))?.key : decodeName(n.slice(0, -SUFFIX.length)))));
      return keys.filter((k): k is string => k !== undefined && k.startsWith(prefix)).sort();
    },
  };
}

async function fileName(key: string): Promise<string> {
  const encoded = encodeName(key);
  if (encoded.length <= MAX_NAME) return `${encoded}${SUFFIX}`;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  return `${HASHED}${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}${SUFFIX}`;
}

// Only lowercase letters, digits, `_` and `-` stay as they are: no hidden files, no separators, and
// no two keys that differ only in case on a case-insensitive file system. (A plain key that starts
// with `h-` is read through its file like a hashed one; the key inside the file is authoritative.)
function encodeName(key: string): string {
  let out = '';
  for (const ch of key) {
    if (/^[a-z0-9_-]$/.test(ch)) out += ch;
    else for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function decodeName(name: string): string | undefined {
  try {
    return decodeURIComponent(name);
  } catch {
    return undefined;
  }
}
