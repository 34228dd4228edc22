import type { IAgentRuntime, ModelTypeName } from '@elizaos/core';
import type { FreeModelPool, PoolOutcome, Tier, TokenUsage } from '@freepool/free-model-pool';
import { emitModelUsed } from '../events.js';
import { requirePool } from '../pool-entry.js';
import { logFailed, logServed } from '../logging.js';

/**
 * The one path every pooled (non-streaming) handler takes: get this runtime's pool, call it, log
 * one line, emit MODEL_USED. Errors are logged and rethrown as the engine made them, so callers keep
 * the attempt trail and can branch on the error class.
 */
export async function pooledCall<T>(
  runtime: IAgentRuntime,
  modelType: ModelTypeName,
  tier: Tier,
  prompt: string,
  call: (pool: FreeModelPool) => Promise<PoolOutcome<T>>,
  usageOf: (value: T) => TokenUsage | undefined,
): Promise<T> {
  const { entry, pool } = await requirePool(runtime, modelType);
  let outcome: PoolOutcome<T>;
  try {
    outcome = await call(pool);
  } catch (error) {
    logFailed(runtime, modelType, tier, error, entry.settings.apiKey);
    throw error;
  }
  logServed(runtime, modelType, outcome, entry.settings.apiKey);
  await emitModelUsed(runtime, modelType, prompt, outcome.usage ?? usageOf(outcome.value));
  return outcome.value;
}
