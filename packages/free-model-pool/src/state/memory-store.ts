import type { AccountWindowState, DailyState, ModelHealth } from '../types.js';
import type { PoolStore } from './store.js';

/**
 * The default store: everything in process memory, gone at exit. Values are copied in and out so a
 * caller mutating what it read cannot change the stored state behind the store's back.
 */
export class MemoryStore implements PoolStore {
  private readonly health = new Map<string, ModelHealth>();
  private accountWindow: AccountWindowState | undefined;
  private daily: DailyState | undefined;

  getModelHealth(modelId: string): ModelHealth | undefined {
    const h = this.health.get(modelId);
    return h ? copyHealth(h) : undefined;
  }

  setModelHealth(modelId: string, health: ModelHealth): void {
    this.health.set(modelId, copyHealth(health));
  }

  listModelHealth(): Array<[string, ModelHealth]> {
    return [...this.health.entries()].map(([id, h]) => [id, copyHealth(h)]);
  }

  getAccountWindow(): AccountWindowState | undefined {
    return this.accountWindow ? { ...this.accountWindow, sentAt: [...this.accountWindow.sentAt] } : undefined;
  }

  setAccountWindow(state: AccountWindowState): void {
    this.accountWindow = { ...state, sentAt: [...state.sentAt] };
  }

  getDaily(): DailyState | undefined {
    return this.daily ? { ...this.daily } : undefined;
  }

  setDaily(state: DailyState): void {
    this.daily = { ...state };
  }

  clearRemoved(): void {
    for (const [id, h] of this.health) if (h.removed) this.health.delete(id);
  }
}

function copyHealth(h: ModelHealth): ModelHealth {
  return h.recentCalls ? { ...h, recentCalls: [...h.recentCalls] } : { ...h };
}
