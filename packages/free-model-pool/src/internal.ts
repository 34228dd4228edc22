// `@freepool/free-model-pool/internal`: the engine's building blocks, for this repository's plugin,
// scripts and tests. Not part of the public API (`./index.ts`); names here may change at any time.
export * from './failures/index.js';
export * from './limits/index.js';

export { runPooled, type AttemptFn } from './pool/run-loop.js';
export { countsAsFreeCall, type PoolRuntime } from './pool/runtime.js';
export { selectCandidates } from './pool/candidates.js';
export { poolStatus } from './pool/pool-status.js';
export { exhaustedMessage, describeAttempt, describeTrail } from './pool/trail-message.js';
export { resolvePolicy, validatePoolDefinition } from './pool/pool-validation.js';
export { ClassifiedAttemptError } from './pool/attempt-error.js';
export { handsOver } from './pool/last-resort.js';
export { deferred, TextChannel } from './pool/text-channel.js';
export { throwIfErrorFinish, KEEP_RESPONSE_BODY } from './pool/calls/common.js';
export { stripCodeFences, parseLenientJson } from './pool/calls/object-output.js';
export { normalizeBaseURL } from './openrouter/client.js';
export { parseImageUrl, passThroughImageUrls, type ImageInput } from './openrouter/image-input.js';

// Catalog internals: the classifier's rules, size reading, the specialists' signs and the ranking.
export { CLASSIFY_RULES, SCORE_WEIGHTS, hasImageInput, expiresAt, readSize, modelSize, effectiveSizeB, type ModelSize } from './catalog/index.js';
export { SPECIALIST_SIGNS, specialistsLast, type SpecialistSigns, type Rankable } from './catalog/index.js';
export { toPoolModel, modelReasoning } from './catalog/build.js';

// Answer hygiene and reasoning effort.
export { splitThinking, judgeAnswer, ThinkingFilter, InvalidAnswerError, THINK_TAGS, THINKING_SHARE_LIMIT, STREAM_HOLD_CHARS } from './pool/answer/index.js';
export { effortFor, lowerEffort } from './pool/reasoning/effort.js';
