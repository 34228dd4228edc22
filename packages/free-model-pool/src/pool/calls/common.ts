import type { LanguageModelUsage } from 'ai';
import type { ReasoningEffort, TokenUsage } from '../../types.js';
import type { RawAnswer } from '../answer/index.js';
import { ClassifiedAttemptError } from '../attempt-error.js';
import type { BaseRequest } from '../requests.js';
import { classifyResponseBody } from '../../failures/index.js';

/**
 * Options every AI SDK call of the pool shares. `maxRetries: 0` because the pool decides what to
 * retry: the SDK's own retries would send the same request to the same rate-limited model, and
 * every one of those calls counts against the free daily quota.
 */
/** generateText keeps the response body only on request; the pool reads errors next to partial content in it. */
export const KEEP_RESPONSE_BODY = { responseBody: true } as const;

export function sharedCallOptions(request: BaseRequest, abortSignal: AbortSignal) {
  return {
    instructions: request.system,
    temperature: request.temperature,
    maxOutputTokens: request.maxOutputTokens,
    stopSequences: request.stopSequences,
    frequencyPenalty: request.frequencyPenalty,
    presencePenalty: request.presencePenalty,
    maxRetries: 0,
    abortSignal,
  };
}

export function toTokenUsage(usage: LanguageModelUsage | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  return { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens };
}

/**
 * OpenRouter can end a 200 response with `finish_reason: "error"` and the provider's error next to
 * partial content. That is a failed attempt, not an answer: classify the body when we have it.
 */
export function throwIfErrorFinish(
  result: { finishReason?: string; rawFinishReason?: string; response: { body?: unknown } },
  modelId: string,
): void {
  // ai@7 maps OpenRouter's "error" to the unified reason "other"; the raw reason keeps "error".
  if (result.finishReason !== 'error' && result.rawFinishReason !== 'error') return;
  const body = result.response.body;
  const fromBody = body !== undefined ? classifyResponseBody(200, body) : undefined;
  throw new ClassifiedAttemptError(
    fromBody ?? { reason: 'server_error', status: 200, message: `${modelId} ended its answer with finish_reason "error"` },
  );
}

/**
 * `providerOptions` for OpenRouter: the reasoning effort (when one is sent), merged with any other
 * OpenRouter options of the call (`provider` routing for structured output).
 */
export function openrouterOptions(effort: ReasoningEffort | undefined, extra: Record<string, unknown> = {}) {
  const openrouter = { ...extra, ...(effort ? { reasoning: { effort } } : {}) };
  return Object.keys(openrouter).length > 0 ? { providerOptions: { openrouter: openrouter as Record<string, never> } } : {};
}

/** What answer hygiene reads from a generateText result: the text, the reasoning field, the finish, the token counts. */
export function rawAnswer(result: {
  text: string;
  reasoningText?: string;
  finishReason?: string;
  usage?: LanguageModelUsage;
}): RawAnswer {
  return {
    text: result.text,
    ...(result.reasoningText ? { reasoningText: result.reasoningText } : {}),
    ...(result.finishReason ? { finishReason: result.finishReason } : {}),
    ...(result.usage?.outputTokens !== undefined ? { outputTokens: result.usage.outputTokens } : {}),
    ...(result.usage?.outputTokenDetails?.reasoningTokens !== undefined ? { reasoningTokens: result.usage.outputTokenDetails.reasoningTokens } : {}),
  };
}
