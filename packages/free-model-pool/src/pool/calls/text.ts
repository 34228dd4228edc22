import { generateText } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import type { ReasoningPlan } from '../reasoning/plan.js';
import type { AttemptFn } from '../run-loop.js';
import type { TextRequest, TextResult } from '../requests.js';
import { KEEP_RESPONSE_BODY, openrouterOptions, sharedCallOptions, textAnswer, throwIfErrorFinish } from './common.js';

/**
 * One text attempt against one model. The answer goes through answer hygiene: thinking left in the
 * text is taken out (and kept as `reasoning`), and an answer that is empty, only thinking, or cut off
 * while thinking is `invalid_output`, so the pool moves on.
 */
export function textAttempt(client: OpenRouterProvider, request: TextRequest, plan: ReasoningPlan): AttemptFn<TextResult> {
  return async (modelId, signal, note) => {
    const effort = plan.begin(modelId, note);
    try {
      const result = await generateText({
        model: client.chat(modelId),
        prompt: request.prompt,
        ...sharedCallOptions(request, signal),
        ...openrouterOptions(effort),
        include: KEEP_RESPONSE_BODY,
      });
      throwIfErrorFinish(result, modelId);
      return textAnswer(result, modelId, note);
    } catch (error) {
      throw plan.review(error, note);
    }
  };
}
