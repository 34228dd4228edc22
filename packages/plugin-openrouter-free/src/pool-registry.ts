import type { IAgentRuntime } from '@elizaos/core';
import type { FreeModelPool } from '@freepool/free-model-pool';
import type { PluginSettings } from './config.js';

/** What the plugin keeps per agent runtime. */
export interface PoolEntry {
  settings: PluginSettings;
  /** Undefined when OPENROUTER_API_KEY is not set: handlers then fail with a message naming it. */
  pool?: FreeModelPool;
  /** Ids that answered 404 in this process; kept out of refreshed pools until the catalog changes. */
  gone: Set<string>;
  /** The background catalog refresh in flight, if any (one at a time). */
  healing?: Promise<void>;
  /** When the last refresh after a 404 started, to avoid refetching the catalog on every 404. */
  lastHealAt?: number;
  /** Settles when the state saved by an earlier run is loaded; handlers wait for it before calling. */
  stateLoaded?: Promise<void>;
  /** Writes the pool state to the agent's database now; set when the state is persisted. */
  flushState?: () => Promise<void>;
  /** Where the state shared by every agent on the key lives (no password), when it is shared. */
  sharedState?: { where: string; kind: 'postgres' | 'pglite' };
}

/** One pool per runtime: agents in one process keep separate health, settings and keys. */
const entries = new WeakMap<IAgentRuntime, PoolEntry>();

export function setPoolEntry(runtime: IAgentRuntime, entry: PoolEntry): void {
  entries.set(runtime, entry);
}

export function getPoolEntry(runtime: IAgentRuntime): PoolEntry | undefined {
  return entries.get(runtime);
}
