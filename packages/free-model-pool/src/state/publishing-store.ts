import type { ModelHealth } from '../types.js';
import type { PoolStore } from './store.js';

/** The local store, with every health change also handed to the link for publishing. */
export class PublishingStore implements PoolStore {
  constructor(
    private readonly inner: PoolStore,
    private readonly onHealth: (modelId: string, health: ModelHealth) => void,
  ) {}
  getModelHealth(modelId: string): ModelHealth | undefined {
    return this.inner.getModelHealth(modelId);
  }
  setModelHealth(modelId: string, health: ModelHealth): void {
    this.inner.setModelHealth(modelId, health);
    this.onHealth(modelId, health);
  }
  listModelHealth(): Array<[string, ModelHealth]> {
    return this.inner.listModelHealth();
  }
  clearRemoved(): void {
    this.inner.clearRemoved();
  }
}
