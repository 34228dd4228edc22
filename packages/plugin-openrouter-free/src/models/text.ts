import type { GenerateTextParams, IAgentRuntime } from '@elizaos/core';
import type { CallPriority, TextRequest, Tier } from '@freepool/free-model-pool';
import type { ServedBy } from '../model-types.js';
import { pooledHandler, type CallContext } from './pooled-handler.js';

/** The engine's text request from ElizaOS's params: the character's system prompt rides along. */
export function toTextRequest(
  runtime: IAgentRuntime,
  modelType: string,
  tier: Tier,
  params: GenerateTextParams,
  priority?: CallPriority,
  extra: Pick<TextRequest, 'reasoningEffort' | 'needs'> = {},
): TextRequest {
  if (!params || typeof params.prompt !== 'string' || params.prompt.trim() === '') {
    throw new TypeError(`${modelType} needs params.prompt: a non-empty string`);
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
    ...extra,
  };
}

/** Text model types: a string, or a stream when the params ask for one. */
export const textHandler = pooledHandler({
  request: (runtime, params: GenerateTextParams, { modelType, tier, priority, reasoningEffort, needs }: CallContext<ServedBy<'text'>>) =>
    toTextRequest(runtime, modelType, tier, params, priority, { reasoningEffort, ...(needs ? { needs } : {}) }),
  call: (pool, request) => pool.generateText(request),
  answer: (result) => result.text,
  usage: (result) => result.usage,
  stream: (params) => (params?.stream ? (pool, request) => pool.streamText(request) : undefined),
});
