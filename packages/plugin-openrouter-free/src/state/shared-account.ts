import { createHash } from 'node:crypto';
import { MemoryStore, type AccountWindowState, type DailyState, type ModelHealth, type PoolStore } from '@freepool/free-model-pool';

/**
 * OpenRouter's per-minute and daily free-model limits belong to the account, not to an agent: two
 * runtimes on the same key in one process must pace and count together, or each spends calls the
 * other already used (and both pay a 429 to learn the daily cap). So the account window and the
 * daily counter live in one in-memory copy per (base URL, key); model health stays per runtime.
 * Writes go through to the runtime's own store as well, so a persistent store still sees them.
 *
 * This is the floor. With a database (OPENROUTER_STATE_URL, or the agent's own), the shared ledger
 * (`shared-state.ts`) takes slots and daily units for every process on the key and shares model
 * health too; this copy is then the local fallback the pool uses while that database is away.
 */

/** Account state by a hash of base URL and key (the key itself is not kept as a map key). */
const accounts = new Map<string, MemoryStore>();

export function shareAccountLimits(inner: PoolStore, baseURL: string, apiKey: string): PoolStore {
  const id = createHash('sha256').update(`${baseURL}\n${apiKey}`).digest('hex');
  let account = accounts.get(id);
  if (!account) {
    account = new MemoryStore();
    accounts.set(id, account);
  }
  return new SharedAccountStore(inner, account);
}

class SharedAccountStore implements PoolStore {
  constructor(
    private readonly inner: PoolStore,
    private readonly account: MemoryStore,
  ) {}

  getModelHealth(modelId: string): ModelHealth | undefined {
    return this.inner.getModelHealth(modelId);
  }
  setModelHealth(modelId: string, health: ModelHealth): void {
    this.inner.setModelHealth(modelId, health);
  }
  listModelHealth(): Array<[string, ModelHealth]> {
    return this.inner.listModelHealth();
  }
  clearRemoved(): void {
    this.inner.clearRemoved();
  }

  // The first runtime of an account starts from what its own store holds (e.g. loaded from disk).
  getAccountWindow(): AccountWindowState | undefined {
    return this.account.getAccountWindow() ?? this.inner.getAccountWindow();
  }
  setAccountWindow(state: AccountWindowState): void {
    this.account.setAccountWindow(state);
    this.inner.setAccountWindow(state);
  }
  getDaily(): DailyState | undefined {
    return this.account.getDaily() ?? this.inner.getDaily();
  }
  setDaily(state: DailyState): void {
    this.account.setDaily(state);
    this.inner.setDaily(state);
  }
}
