import type { ModelHealth } from '../types.js';
import type { PoolStore } from './store.js';

/**
 * The default store of model health: in process memory, gone at exit. Values are copied in and out so a
 * caller mutating what it read cannot change the stored state behind the store's back.
 */
export class MemoryStore implements PoolStore {
  private readonly health = new Map<string, ModelHealth>();

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

  clearRemoved(): void {
    for (const [id, h] of this.health) if (h.removed) this.health.delete(id);
  }
}

function copyHealth(h: ModelHealth): ModelHealth {
  return h.recentCalls ? { ...h, recentCalls: [...h.recentCalls] } : { ...h };
}
