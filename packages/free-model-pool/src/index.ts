// Public API of @freepool/free-model-pool.
export * from './types.js';
export * from './errors.js';
export * from './settings.js';
export * from './state/index.js';
export * from './failures/index.js';
export * from './limits/index.js';
export * from './catalog/index.js';

export { FreeModelPool, type FreeModelPoolOptions } from './pool/free-model-pool.js';
export { poolStatus, type ModelStatus, type PoolStatus } from './pool/pool-status.js';
export type {
  BaseRequest,
  TextRequest,
  TextResult,
  ObjectOutput,
  ObjectRequest,
  ObjectResult,
  ImageRequest,
  PoolStream,
  PoolEvent,
  PoolEventListener,
} from './pool/requests.js';
export { runPooled, type AttemptFn, type AttemptResult, type RunOptions } from './pool/run-loop.js';
export { countsAsFreeCall, type PoolRuntime } from './pool/runtime.js';
export {
  selectCandidates,
  CONTEXT_OUTPUT_MARGIN_TOKENS,
  DEMOTE_SUCCESS_RATE,
  type CandidateInput,
  type CandidateSelection,
} from './pool/candidates.js';
export { exhaustedMessage, describeAttempt } from './pool/trail-message.js';
export { estimateTokens, CHARS_PER_TOKEN } from './pool/request-needs.js';
export { isModelId, MODEL_ID_PATTERN, resolvePolicy, validatePoolDefinition } from './pool/pool-validation.js';
export { ClassifiedAttemptError } from './pool/attempt-error.js';
export { throwIfErrorFinish, KEEP_RESPONSE_BODY } from './pool/calls/common.js';
export { stripCodeFences, parseLenientJson } from './pool/calls/object-output.js';
export { createOpenRouterClient, attributionHeaders, normalizeBaseURL } from './openrouter/client.js';
export { parseImageUrl, passThroughImageUrls, DEFAULT_IMAGE_MEDIA_TYPE, type ImageInput } from './openrouter/image-input.js';
export { fetchKeyStatus, type KeyStatus } from './openrouter/key-status.js';
