export type { PoolStore } from './store.js';
export { MemoryStore } from './memory-store.js';
