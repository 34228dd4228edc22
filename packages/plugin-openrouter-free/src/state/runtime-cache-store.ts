import type { IAgentRuntime } from '@elizaos/core';
import { MemoryStore, type ModelHealth, type PoolStore } from '@freepool/free-model-pool';
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
  recentCalls: z.array(z.number()).optional(),
  capacityPerWindow: z.number().optional(),
  capacityLearnedAt: z.number().optional(),
  capacityStated: z.number().optional(),
  probedAt: z.number().optional(),
  firstTokenMs: z.number().optional(),
  latencyAt: z.number().optional(),
  capacityBeforeFailures: z.object({ capacityPerWindow: z.number().optional(), capacityLearnedAt: z.number().optional() }).optional(),
  reasoningRejected: z.literal(true).optional(),
  effortDown: z.number().optional(),
  thinksWithoutOpener: z.literal(true).optional(),
  updatedAt: z.number(),
});

const persistedSchema = z.object({
  version: z.literal(1),
  // Entries an earlier release wrote also hold the account's window and day; they are read past:
  // the account lives in the shared state (or, for this process only, in memory).
  health: z.array(z.tuple([z.string(), healthSchema])),
});

type PersistedPoolState = z.infer<typeof persistedSchema>;

/**
 * The models' health kept in the agent's database cache (`runtime.getCache`/`setCache`), so a restart
 * does not forget that a model is cooling down and spend the user's quota finding out again. (The
 * account's window and day are kept by the account: in the shared state when there is a database.)
 *
 * Reads and writes go to an in-memory copy (the engine's store interface is synchronous); a change
 * schedules one write behind it. A 404 removal is not restored: the engine's rule is that a removed
 * model comes back after a restart or a catalog refresh.
 */
export class RuntimeCacheStore implements PoolStore {
  private readonly memory = new MemoryStore();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  /** Settles once the saved state was read (or found missing); writes wait for it, so they never replace it unread. */
  private readonly loaded: Promise<void>;

  private constructor(
    private readonly runtime: IAgentRuntime,
    private readonly key: string,
    private readonly warn: (message: string) => void,
  ) {
    this.loaded = this.loadWhenReady();
  }

  /**
   * Opens the store and loads what an earlier run saved; an unreadable or corrupt entry starts fresh
   * with a warning. Under the ElizaOS server, plugins start together and this plugin's init can run
   * before @elizaos/plugin-sql has registered the database: then the saved state is loaded as soon as
   * the runtime has finished initializing, and filled in wherever the pool has not learned anything newer.
   */
  static async open(runtime: IAgentRuntime, key: string, warn: (message: string) => void): Promise<RuntimeCacheStore> {
    const store = new RuntimeCacheStore(runtime, key, warn);
    if (hasDatabase(runtime)) await store.loaded;
    return store;
  }

  /** Settles once the saved state is in memory (at once when the database was ready at open). */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  private async loadWhenReady(): Promise<void> {
    if (!hasDatabase(this.runtime)) await this.runtime.initPromise;
    await this.load();
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
    // Only fill in what this run has not learned yet: anything recorded since start-up is newer.
    for (const [id, health] of parsed.data.health) {
      if (health.removed || this.memory.getModelHealth(id)) continue;
      this.memory.setModelHealth(id, health as ModelHealth);
    }
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
  clearRemoved(): void {
    this.memory.clearRemoved();
    this.schedule();
  }

  /** Writes the current state now (and waits for it); used at shutdown and by tests. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Writes are chained so an older snapshot never lands after a newer one, and wait for the load.
    this.writing = this.writing.then(async () => {
      try {
        await this.loaded;
        await this.runtime.setCache(this.key, this.snapshot());
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
    return { version: 1, health: this.memory.listModelHealth() };
  }
}

/** The database adapter is registered (IAgentRuntime does not declare the field, AgentRuntime has it). */
function hasDatabase(runtime: IAgentRuntime): boolean {
  return Boolean((runtime as { adapter?: unknown }).adapter);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
