import type { IAgentRuntime, TextStreamResult } from '@elizaos/core';
import type { FreeModelPool, PoolOutcome, PoolStream, TokenUsage } from '@freepool/free-model-pool';
import { emitModelUsed } from '../events.js';
import { logFailed, logServed } from '../logging.js';
import { tierOf, type ServedModelType } from '../model-types.js';
import { readyPool } from '../pool-entry.js';
import type { PoolEntry } from '../pool-registry.js';

/**
 * The one path every pooled (non-streaming) call takes: the entry's pool, the call, one log line,
 * MODEL_USED. Errors are logged and rethrown as the engine made them, so callers keep the attempt
 * trail and can branch on the error class.
 */
export async function pooledCall<T>(
  runtime: IAgentRuntime,
  entry: PoolEntry,
  modelType: ServedModelType,
  prompt: string,
  call: (pool: FreeModelPool) => Promise<PoolOutcome<T>>,
  usageOf: (value: T) => TokenUsage | undefined,
): Promise<T> {
  const pool = await readyPool(entry, modelType);
  let outcome: PoolOutcome<T>;
  try {
    outcome = await call(pool);
  } catch (error) {
    logFailed(runtime, modelType, tierOf(modelType), error, entry.settings.apiKey);
    throw error;
  }
  logServed(runtime, modelType, outcome, entry.settings.apiKey);
  await emitModelUsed(runtime, modelType, prompt, outcome.usage ?? usageOf(outcome.value));
  return outcome.value;
}

/**
 * The same for a stream, which moves to the next model only before its first chunk: the log line
 * and MODEL_USED follow once it settles. Every promise gets a handler here, so a caller that only
 * reads `textStream` does not leave an unhandled rejection behind.
 */
export async function pooledStream(
  runtime: IAgentRuntime,
  entry: PoolEntry,
  modelType: ServedModelType,
  prompt: string,
  open: (pool: FreeModelPool) => PoolStream,
): Promise<TextStreamResult> {
  const pool = await readyPool(entry, modelType);
  const apiKey = entry.settings.apiKey;
  const stream = open(pool);
  const usage = stream.usage.then(toElizaUsage);
  for (const p of [stream.text, stream.finishReason, usage]) p.catch(() => undefined);
  stream.outcome.then(
    async (outcome) => {
      logServed(runtime, modelType, outcome, apiKey);
      await emitModelUsed(runtime, modelType, prompt, outcome.usage ?? (await stream.usage.catch(() => undefined)));
    },
    (error: unknown) => logFailed(runtime, modelType, tierOf(modelType), error, apiKey),
  ).catch(() => undefined);
  return { textStream: stream.textStream, text: stream.text, usage, finishReason: stream.finishReason };
}

function toElizaUsage(usage: TokenUsage | undefined) {
  if (!usage) return undefined;
  const promptTokens = usage.inputTokens ?? 0;
  const completionTokens = usage.outputTokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: usage.totalTokens ?? promptTokens + completionTokens };
}
