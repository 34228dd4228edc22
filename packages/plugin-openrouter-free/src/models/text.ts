import { ModelType, type GenerateTextParams, type IAgentRuntime, type ModelTypeName, type TextStreamResult } from '@elizaos/core';
import type { CallPriority, TextRequest, Tier, TokenUsage } from '@freepool/free-model-pool';
import { emitModelUsed } from '../events.js';
import { afterPoolGaveUp } from '../fallback/after-pool.js';
import { callPriority } from '../fallback/call-priority.js';
import { guardedStream } from '../fallback/guarded-stream.js';
import { ensurePoolEntry, requirePool } from '../pool-entry.js';
import { logFailed, logServed } from '../logging.js';
import { MODEL_TIERS } from '../model-tiers.js';
import { pooledCall } from './pooled-call.js';

/** The engine's text request from ElizaOS's params: the character's system prompt rides along. */
export function toTextRequest(runtime: IAgentRuntime, tier: Tier, params: GenerateTextParams, priority?: CallPriority): TextRequest {
  if (!params || typeof params.prompt !== 'string' || params.prompt.trim() === '') {
    throw new TypeError('TEXT_SMALL/TEXT_LARGE need params.prompt: a non-empty string');
  }
  return {
    tier,
    prompt: params.prompt,
    system: runtime.character?.system || undefined,
    temperature: params.temperature,
    maxOutputTokens: params.maxTokens,
    stopSequences: params.stopSequences?.length ? params.stopSequences : undefined,
    frequencyPenalty: params.frequencyPenalty,
    presencePenalty: params.presencePenalty,
    ...(priority ? { priority } : {}),
  };
}

function handleText(modelType: typeof ModelType.TEXT_SMALL | typeof ModelType.TEXT_LARGE) {
  const tier = MODEL_TIERS[modelType];
  return async (runtime: IAgentRuntime, params: GenerateTextParams): Promise<string | TextStreamResult> => {
    const { settings } = await ensurePoolEntry(runtime);
    const priority = callPriority(modelType, settings.priorityOverrides);
    const request = toTextRequest(runtime, tier, params, priority);
    const fallBack = (error: unknown) => afterPoolGaveUp(runtime, modelType, params as Record<string, unknown>, error, settings, priority);
    if (params.stream) {
      // A call that cannot start (no OPENROUTER_API_KEY) takes the same way out as one that failed.
      const started = await streamText(runtime, modelType, request).catch((error: unknown) => ({ error }));
      if ('error' in started) return (await fallBack(started.error)) as string | TextStreamResult;
      return guardedStream(started, fallBack);
    }
    try {
      const result = await pooledCall(runtime, modelType, tier, request.prompt, (pool) => pool.generateText(request), (r) => r.usage);
      return result.text;
    } catch (error) {
      return (await fallBack(error)) as string | TextStreamResult;
    }
  };
}

/**
 * Streams from one model: the engine moves to the next model only before the first chunk. The log
 * line and MODEL_USED follow once the stream settles. Every promise gets a handler here, so a
 * caller that only reads `textStream` does not leave an unhandled rejection behind.
 */
async function streamText(runtime: IAgentRuntime, modelType: ModelTypeName, request: TextRequest): Promise<TextStreamResult> {
  const { entry, pool } = await requirePool(runtime, modelType);
  const apiKey = entry.settings.apiKey;
  const stream = pool.streamText(request);
  const usage = stream.usage.then(toElizaUsage);
  for (const p of [stream.text, stream.finishReason, usage]) p.catch(() => undefined);
  stream.outcome.then(
    async (outcome) => {
      logServed(runtime, modelType, outcome, apiKey);
      await emitModelUsed(runtime, modelType, request.prompt, outcome.usage ?? (await stream.usage.catch(() => undefined)));
    },
    (error: unknown) => logFailed(runtime, modelType, request.tier, error, apiKey),
  ).catch(() => undefined);
  return { textStream: stream.textStream, text: stream.text, usage, finishReason: stream.finishReason };
}

function toElizaUsage(usage: TokenUsage | undefined) {
  if (!usage) return undefined;
  const promptTokens = usage.inputTokens ?? 0;
  const completionTokens = usage.outputTokens ?? 0;
  return { promptTokens, completionTokens, totalTokens: usage.totalTokens ?? promptTokens + completionTokens };
}

export const handleTextSmall = handleText(ModelType.TEXT_SMALL);
export const handleTextLarge = handleText(ModelType.TEXT_LARGE);
