import { describe, it } from 'vitest';
import { testStateStore } from '../testing/state-store-contract.ts';
import { createMemoryStateStore } from './index.ts';

describe('StateStore contract', () => {
  testStateStore('memory', () => ({ store: createMemoryStateStore() }), { test: it });
});
