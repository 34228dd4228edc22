import type { AccountWindowState, DailyState, ModelHealth } from '../types.js';
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
  getAccountWindow(): AccountWindowState | undefined {
    return this.inner.getAccountWindow();
  }
  setAccountWindow(state: AccountWindowState): void {
    this.inner.setAccountWindow(state);
  }
  getDaily(): DailyState | undefined {
    return this.inner.getDaily();
  }
  setDaily(state: DailyState): void {
    this.inner.setDaily(state);
  }
  clearRemoved(): void {
    this.inner.clearRemoved();
  }
}
