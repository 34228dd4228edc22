import { generateText } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { judgeAnswer } from '../answer/index.js';
import type { ReasoningPlan } from '../reasoning/plan.js';
import type { AttemptFn } from '../run-loop.js';
import type { TextRequest, TextResult } from '../requests.js';
import { KEEP_RESPONSE_BODY, openrouterOptions, rawAnswer, sharedCallOptions, throwIfErrorFinish, toTokenUsage } from './common.js';

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
      const answer = judgeAnswer(rawAnswer(result), modelId);
      if (answer.withoutOpener) note.thinksWithoutOpener = true;
      const usage = toTokenUsage(result.usage);
      return {
        value: { text: answer.text, finishReason: result.finishReason, usage, ...cleanExtras(answer) },
        servedBy: result.response.modelId,
        usage,
        ...(answer.reasoning ? { reasoning: answer.reasoning } : {}),
      };
    } catch (error) {
      throw plan.review(error, note);
    }
  };
}

/** The reasoning and the length flag of a judged answer, for a result's value. */
export function cleanExtras(answer: { reasoning?: string; cutByLength?: true }): { reasoning?: string; cutByLength?: true } {
  return { ...(answer.reasoning ? { reasoning: answer.reasoning } : {}), ...(answer.cutByLength ? { cutByLength: true as const } : {}) };
}
