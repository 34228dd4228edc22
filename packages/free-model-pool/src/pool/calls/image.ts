import { generateText } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { classifyFailure } from '../../failures/index.js';
import { describeImageUrl, imageMessageContent, passThroughImageUrls, type ImageInput } from '../../openrouter/image-input.js';
import { ClassifiedAttemptError } from '../attempt-error.js';
import type { ReasoningPlan } from '../reasoning/plan.js';
import type { AttemptFn } from '../run-loop.js';
import type { ImageRequest, TextResult } from '../requests.js';
import { KEEP_RESPONSE_BODY, openrouterOptions, sharedCallOptions, textAnswer, throwIfErrorFinish } from './common.js';

/**
 * A refusal of the request itself is, for an image request, almost always about the image (not an
 * image, not found, unreachable, on a private network): the error then names it, so the user knows
 * which one to fix, whatever words the provider used.
 */
function aboutTheImage(error: unknown, image: ImageInput): unknown {
  const failure = classifyFailure(error);
  if (failure.reason !== 'bad_request' && failure.reason !== 'request_rejected') return error;
  return new ClassifiedAttemptError(
    { ...failure, message: `the image at ${describeImageUrl(image.url)} could not be used: ${failure.message}` },
    { cause: error },
  );
}

/** One image-description attempt. `image` was validated before the run loop started. Answer hygiene as for text. */
export function imageAttempt(client: OpenRouterProvider, request: ImageRequest, image: ImageInput, plan: ReasoningPlan): AttemptFn<TextResult> {
  return async (modelId, signal, note) => {
    const effort = plan.begin(modelId, note);
    try {
      const result = await generateText({
        model: client.chat(modelId),
        messages: [{ role: 'user', content: imageMessageContent(request.prompt, image) }],
        // Keep every image URL as a URL for OpenRouter to fetch (see passThroughImageUrls).
        experimental_download: passThroughImageUrls,
        ...sharedCallOptions(request, signal),
        ...openrouterOptions(effort),
        include: KEEP_RESPONSE_BODY,
      }).catch((error: unknown) => {
        throw aboutTheImage(error, image);
      });
      throwIfErrorFinish(result, modelId);
      return textAnswer(result, modelId, note, 'image description');
    } catch (error) {
      throw plan.review(error, note);
    }
  };
}
