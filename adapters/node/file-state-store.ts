import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateStore } from '../../src/state/index.ts';

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
 * const state = createFileStateStore('.tide/state/my-integration');
 * await state.set('watermark', { at: '2024-01-01T00:00:00Z' });
 */
export function createFileStateStore(dir: string): StateStore {
  mkdirSync(dir, { recursive: true });
  const fileOf = (key: string): string => join(dir, fileName(key));

  const readEntry = async (file: string): Promise<{ key: string; value: unknown } | undefined> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as { key: string; value: unknown };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  return {
    async get<T>(key: string) {
      const entry = await readEntry(fileOf(key));
      return entry && entry.key === key ? (entry.value as T) : undefined;
    },
    async set(key, value) {
      if (value === undefined) throw new TypeError(`state "${key}": undefined cannot be stored; use delete()`);
      const file = fileOf(key);
      const tmp = join(dir, `.${randomUUID()}.tmp`);
      await writeFile(tmp, JSON.stringify({ key, value }));
      await rename(tmp, file);
    },
    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
    async keys(prefix = '') {
      const names = (await readdir(dir)).filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.'));
      const keys = await Promise.all(
        names.map(async (n) => (n.startsWith(HASHED) ? (await readEntry(join(dir, n)))?.key : decodeName(n.slice(0, -SUFFIX.length)))),
      );
      return keys.filter((k): k is string => k !== undefined && k.startsWith(prefix)).sort();
    },
  };
}

function fileName(key: string): string {
  const encoded = encodeName(key);
  return encoded.length <= MAX_NAME ? `${encoded}${SUFFIX}` : `${HASHED}${createHash('sha256').update(key).digest('hex')}${SUFFIX}`;
}

// Only lowercase letters, digits, `_` and `-` stay as they are: no hidden files, no separators, and
// no two keys that differ only in case on a case-insensitive file system. (A plain key that starts
// with `h-` is read through its file like a hashed one; the key inside the file is authoritative.)
function encodeName(key: string): string {
  let out = '';
  for (const ch of key) {
    if (/^[a-z0-9_-]$/.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
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
