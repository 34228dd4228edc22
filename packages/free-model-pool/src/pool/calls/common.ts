import type { LanguageModelUsage } from 'ai';
import type { ReasoningEffort, TokenUsage } from '../../types.js';
import { judgeAnswer, type RawAnswer } from '../answer/index.js';
import { ClassifiedAttemptError } from '../attempt-error.js';
import type { BaseRequest, TextResult } from '../requests.js';
import type { AttemptNote, AttemptResult } from '../run-types.js';
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

/**
 * A text or image-description answer after answer hygiene: the text alone, the thinking kept as
 * `reasoning`, a length cut flagged; an empty or thinking-only answer throws `invalid_output`.
 * A model seen closing a think tag it never opened is noted, so its streams are held back.
 */
export function textAnswer(
  result: Parameters<typeof rawAnswer>[0] & { response: { modelId?: string } },
  modelId: string,
  note: AttemptNote,
  what = 'text',
): AttemptResult<TextResult> {
  const answer = judgeAnswer(rawAnswer(result), modelId, what);
  if (answer.withoutOpener) note.thinksWithoutOpener = true;
  const usage = toTokenUsage(result.usage);
  const extras = { ...(answer.reasoning ? { reasoning: answer.reasoning } : {}), ...(answer.cutByLength ? { cutByLength: true as const } : {}) };
  return {
    value: { text: answer.text, finishReason: result.finishReason, usage, ...extras },
    servedBy: result.response.modelId,
    usage,
    ...(answer.reasoning ? { reasoning: answer.reasoning } : {}),
  };
}
