import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { testStateStore } from 'port-tide/testing';
import { createFileStateStore } from './file-state-store.ts';

describe('StateStore contract', () => {
  testStateStore(
    'node file store',
    () => {
      const root = mkdtempSync(join(tmpdir(), 'tide-state-contract-'));
      const dir = join(root, 'state');
      return {
        store: createFileStateStore(dir),
        reopen: () => createFileStateStore(dir),
        dispose: () => rmSync(root, { recursive: true, force: true }),
      };
    },
    { test: it, persistent: true },
  );
});
