/**
 * The checkpoint store and seen-set contracts (src/testing/) against the in-memory implementations;
 * adapters/cloudflare/test/sql-resync-stores.contract.test.ts runs them on the Durable Object's SQLite.
 */
import { describe, it } from 'vitest';
import { testCheckpointStore } from '../testing/checkpoint-store-contract.ts';
import { testSeenKeys } from '../testing/seen-keys-contract.ts';
import { createMemoryCheckpointStore } from './checkpoint.ts';
import { SeenSet } from './seen.ts';

describe('ResyncCheckpointStore contract: memory, with copies (tests, resumable runs in one process)', () => {
  testCheckpointStore('memory', () => ({ store: createMemoryCheckpointStore() }), { test: it, snapshots: true });
});

describe('ResyncCheckpointStore contract: memory, keeping the object (the one-go resync)', () => {
  testCheckpointStore('memory-object', () => ({ store: createMemoryCheckpointStore({ copies: false }) }), { test: it });
});

describe('SeenKeys contract: SeenSet (memory)', () => {
  testSeenKeys('seen-set', () => ({ seen: new SeenSet() }), { test: it });
});
