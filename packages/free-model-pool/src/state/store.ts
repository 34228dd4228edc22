import type { AccountWindowState, DailyState, ModelHealth } from '../types.js';

/**
 * Where the pool keeps what it has learned: per-model health, the account window, the daily
 * counter. Reads and writes are synchronous so the pool can reserve capacity without races inside
 * one process; a persistent store (a later issue) keeps an in-memory copy, loads it at start and
 * writes changes behind, so this interface is the whole seam.
 */
export interface PoolStore {
  getModelHealth(modelId: string): ModelHealth | undefined;
  setModelHealth(modelId: string, health: ModelHealth): void;
  /** All models with recorded health, for status displays. */
  listModelHealth(): Array<[string, ModelHealth]>;
  getAccountWindow(): AccountWindowState | undefined;
  setAccountWindow(state: AccountWindowState): void;
  getDaily(): DailyState | undefined;
  setDaily(state: DailyState): void;
  /** Forget models marked removed (after a catalog refresh). */
  clearRemoved(): void;
}
