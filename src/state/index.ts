export { createMemoryStateStore, type StateStore } from './store.ts';
