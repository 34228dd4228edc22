import { generateText } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { invalidOutput } from '../attempt-error.js';
import type { AttemptFn } from '../run-loop.js';
import type { TextRequest, TextResult } from '../requests.js';
import { KEEP_RESPONSE_BODY, sharedCallOptions, throwIfErrorFinish, toTokenUsage } from './common.js';

/** One text attempt against one model. Empty text is a failure: the caller cannot use it. */
export function textAttempt(client: OpenRouterProvider, request: TextRequest): AttemptFn<TextResult> {
  return async (modelId, signal) => {
    const result = await generateText({
      model: client.chat(modelId),
      prompt: request.prompt,
      ...sharedCallOptions(request, signal),
      include: KEEP_RESPONSE_BODY,
    });
    throwIfErrorFinish(result, modelId);
    if (result.text.trim() === '') throw invalidOutput(`${modelId} returned empty text (finish reason ${result.finishReason})`);
    const usage = toTokenUsage(result.usage);
    return {
      value: { text: result.text, finishReason: result.finishReason, usage },
      servedBy: result.response.modelId,
      usage,
    };
  };
}
