import { Service, type IAgentRuntime } from '@elizaos/core';
import { getPoolEntry } from '../pool-registry.js';

/**
 * Writes the pool state to the agent's database when the agent stops. The state is otherwise
 * written a moment after each change; an agent stopped within that moment (right after a 429, say)
 * would forget the cooldown and call the model again after a restart. ElizaOS calls `stop()` on
 * every service from `runtime.stop()`, which the ElizaOS server runs for each agent on SIGINT and
 * SIGTERM; a plugin installs no signal handler of its own, which would change how the host exits.
 */
export class PoolStateFlushService extends Service {
  static override serviceType = 'openrouter-free-pool-state';
  override capabilityDescription = 'Saves the free-model pool state (cooldowns, account counters) when the agent stops';

  static override async start(runtime: IAgentRuntime): Promise<PoolStateFlushService> {
    return new PoolStateFlushService(runtime);
  }

  override async stop(): Promise<void> {
    await getPoolEntry(this.runtime)?.flushState?.();
  }
}
