import type { IAgentRuntime } from '@elizaos/core';
import { MemoryStore, type AccountWindowState, type DailyState, type ModelHealth, type PoolStore } from '@freepool/free-model-pool';
import { z } from 'zod';

/** Cache key of a runtime's pool state; per base URL, so the simulator's state never mixes with OpenRouter's. */
export function poolStateCacheKey(baseURL: string): string {
  return `openrouter-free:pool-state:${baseURL}`;
}

/** How long after a change the state is written to the agent's database; changes in between share one write. */
export const PERSIST_DELAY_MS = 500;

const healthSchema = z.object({
  cooldownUntil: z.number(),
  consecutiveFailures: z.number(),
  removed: z.boolean(),
  lastReason: z.string().optional(),
  latencyMs: z.number().optional(),
  successRate: z.number().optional(),
  updatedAt: z.number(),
});

const persistedSchema = z.object({
  version: z.literal(1),
  health: z.array(z.tuple([z.string(), healthSchema])),
  accountWindow: z.object({ limit: z.number(), sentAt: z.array(z.number()), blockedUntil: z.number() }).optional(),
  daily: z
    .object({ limit: z.number().optional(), remaining: z.number().optional(), resetAt: z.number().optional(), exhaustedUntil: z.number() })
    .optional(),
});

type PersistedPoolState = z.infer<typeof persistedSchema>;

/**
 * The pool's state kept in the agent's database cache (`runtime.getCache`/`setCache`), so a restart
 * does not forget that a model is cooling down, how many calls the account made this minute, or that
 * the daily cap is reached, and spend the user's quota finding out again.
 *
 * Reads and writes go to an in-memory copy (the engine's store interface is synchronous); a change
 * schedules one write behind it. A 404 removal is not restored: the engine's rule is that a removed
 * model comes back after a restart or a catalog refresh.
 */
export class RuntimeCacheStore implements PoolStore {
  private readonly memory = new MemoryStore();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly runtime: IAgentRuntime,
    private readonly key: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** Opens the store and loads what an earlier run saved; an unreadable or corrupt entry starts fresh with a warning. */
  static async open(runtime: IAgentRuntime, key: string, warn: (message: string) => void): Promise<RuntimeCacheStore> {
    const store = new RuntimeCacheStore(runtime, key, warn);
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    let raw: unknown;
    try {
      raw = await this.runtime.getCache<unknown>(this.key);
    } catch (error) {
      this.warn(`could not read the saved pool state (${errorText(error)}); starting with a fresh one`);
      return;
    }
    if (raw === undefined || raw === null) return;
    const parsed = persistedSchema.safeParse(raw);
    if (!parsed.success) {
      this.warn(`the saved pool state under cache key "${this.key}" is not in the expected shape; starting with a fresh one`);
      return;
    }
    for (const [id, health] of parsed.data.health) {
      if (health.removed) continue;
      this.memory.setModelHealth(id, health as ModelHealth);
    }
    if (parsed.data.accountWindow) this.memory.setAccountWindow(parsed.data.accountWindow);
    if (parsed.data.daily) this.memory.setDaily(parsed.data.daily);
  }

  getModelHealth(modelId: string): ModelHealth | undefined {
    return this.memory.getModelHealth(modelId);
  }
  setModelHealth(modelId: string, health: ModelHealth): void {
    this.memory.setModelHealth(modelId, health);
    this.schedule();
  }
  listModelHealth(): Array<[string, ModelHealth]> {
    return this.memory.listModelHealth();
  }
  getAccountWindow(): AccountWindowState | undefined {
    return this.memory.getAccountWindow();
  }
  setAccountWindow(state: AccountWindowState): void {
    this.memory.setAccountWindow(state);
    this.schedule();
  }
  getDaily(): DailyState | undefined {
    return this.memory.getDaily();
  }
  setDaily(state: DailyState): void {
    this.memory.setDaily(state);
    this.schedule();
  }
  clearRemoved(): void {
    this.memory.clearRemoved();
    this.schedule();
  }

  /** Writes the current state now (and waits for it); used at shutdown and by tests. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const snapshot = this.snapshot();
    // Writes are chained so an older snapshot never lands after a newer one.
    this.writing = this.writing.then(async () => {
      try {
        await this.runtime.setCache(this.key, snapshot);
      } catch (error) {
        this.warn(`could not save the pool state (${errorText(error)}); it stays in memory`);
      }
    });
    return this.writing;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), PERSIST_DELAY_MS);
    // A pending write must not keep the process alive on its own.
    this.timer.unref?.();
  }

  private snapshot(): PersistedPoolState {
    const accountWindow = this.memory.getAccountWindow();
    const daily = this.memory.getDaily();
    return {
      version: 1,
      health: this.memory.listModelHealth(),
      ...(accountWindow ? { accountWindow } : {}),
      ...(daily ? { daily } : {}),
    };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
