export { createMemoryStateStore, isMemoryStateStore, type StateStore } from './store.ts';
