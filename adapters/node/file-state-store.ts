import { mkdirSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { StateStore } from '../../src/index.ts';
import { createFolderStateStore } from '../../src/runtime/index.ts';

/**
 * The core's on-disk StateStore (one JSON file per key, crash-safe writes) on node:fs.
 *
 * @example
 * const state = createFileStateStore('.tide/state/my-integration');
 */
export function createFileStateStore(dir: string): StateStore {
  return createFolderStateStore(
    {
      makeDir: (path) => void mkdirSync(path, { recursive: true }),
      read: (path) => readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error))),
      write: (path, text) => writeFile(path, text),
      rename,
      remove: (path) => rm(path, { force: true }),
      list: (path) => readdir(path),
    },
    dir,
  );
}
