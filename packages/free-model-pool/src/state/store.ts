import type { ModelHealth } from '../types.js';

/**
 * Where the pool keeps what it has learned about each model: cooldowns, removals, latency, learned
 * capacity. Reads and writes are synchronous so the run loop can decide without races inside one
 * process; a persistent store keeps an in-memory copy, loads it at start and writes changes behind.
 * The account's limits are not here: they are the account's (account/account.ts).
 */
export interface PoolStore {
  getModelHealth(modelId: string): ModelHealth | undefined;
  setModelHealth(modelId: string, health: ModelHealth): void;
  /** All models with recorded health, for status displays. */
  listModelHealth(): Array<[string, ModelHealth]>;
  /** Forget models marked removed (after a catalog refresh). */
  clearRemoved(): void;
}
