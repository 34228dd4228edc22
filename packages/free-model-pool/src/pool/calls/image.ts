import { generateText } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { classifyFailure } from '../../failures/index.js';
import { describeImageUrl, imageMessageContent, passThroughImageUrls, type ImageInput } from '../../openrouter/image-input.js';
import { ClassifiedAttemptError, invalidOutput } from '../attempt-error.js';
import type { AttemptFn } from '../run-loop.js';
import type { ImageRequest, TextResult } from '../requests.js';
import { KEEP_RESPONSE_BODY, sharedCallOptions, throwIfErrorFinish, toTokenUsage } from './common.js';

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

/** One image-description attempt. `image` was validated before the run loop started. */
export function imageAttempt(client: OpenRouterProvider, request: ImageRequest, image: ImageInput): AttemptFn<TextResult> {
  return async (modelId, signal) => {
    const result = await generateText({
      model: client.chat(modelId),
      messages: [{ role: 'user', content: imageMessageContent(request.prompt, image) }],
      // Keep every image URL as a URL for OpenRouter to fetch (see passThroughImageUrls).
      experimental_download: passThroughImageUrls,
      ...sharedCallOptions(request, signal),
      include: KEEP_RESPONSE_BODY,
    }).catch((error: unknown) => {
      throw aboutTheImage(error, image);
    });
    throwIfErrorFinish(result, modelId);
    if (result.text.trim() === '') throw invalidOutput(`${modelId} returned an empty image description`);
    const usage = toTokenUsage(result.usage);
    return {
      value: { text: result.text, finishReason: result.finishReason, usage },
      servedBy: result.response.modelId,
      usage,
    };
  };
}
