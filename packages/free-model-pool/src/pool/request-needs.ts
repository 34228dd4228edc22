import { PoolConfigError } from '../errors.js';
import { REASONING_EFFORTS, TIERS, type RequestNeeds, type Tier } from '../types.js';
import { isEffortSetting } from './pool-validation.js';
import type { BaseRequest } from './requests.js';

/** Characters per token for the rough prompt estimate (English text averages about four). */
export const CHARS_PER_TOKEN = 4;

export function estimateTokens(...texts: Array<string | undefined>): number {
  const chars = texts.reduce((n, t) => n + (t?.length ?? 0), 0);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Rejects malformed requests before any call, naming the field and what was expected. */
export function validateRequest(request: BaseRequest & { prompt?: unknown }): void {
  if (!request || typeof request !== 'object') throw new PoolConfigError('request', 'the request must be an object');
  if (!TIERS.includes(request.tier as Tier)) {
    throw new PoolConfigError('tier', `tier must be one of ${TIERS.join(', ')}, got ${JSON.stringify(request.tier)}`);
  }
  if (typeof request.prompt !== 'string') {
    throw new PoolConfigError('prompt', `prompt must be a string, got ${request.prompt === null ? 'null' : typeof request.prompt}`);
  }
  // An empty prompt would spend a free call on an answer to nothing.
  if (request.prompt.trim() === '') throw new PoolConfigError('prompt', 'prompt must not be empty: there is nothing to answer');
  if (request.deadlineMs !== undefined && !(Number.isFinite(request.deadlineMs) && request.deadlineMs > 0)) {
    throw new PoolConfigError('deadlineMs', `deadlineMs must be a positive number of milliseconds, got ${request.deadlineMs}`);
  }
  // Caught here rather than by the SDK inside the first attempt, where it would already have spent a
  // pacer slot and a unit of the day's count.
  if (request.maxOutputTokens !== undefined && !(Number.isInteger(request.maxOutputTokens) && request.maxOutputTokens > 0)) {
    throw new PoolConfigError('maxOutputTokens', `maxOutputTokens must be a whole number of tokens above 0, got ${request.maxOutputTokens}`);
  }
  if (request.reasoningEffort !== undefined && !isEffortSetting(request.reasoningEffort)) {
    throw new PoolConfigError(
      'reasoningEffort',
      `reasoningEffort must be one of ${REASONING_EFFORTS.join(', ')} or "default", got ${JSON.stringify(request.reasoningEffort)}`,
    );
  }
  for (const key of ['temperature', 'frequencyPenalty', 'presencePenalty'] as const) {
    const v = request[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) {
      throw new PoolConfigError(key, `${key} must be a number, got ${typeof v === 'number' ? v : JSON.stringify(v)}`);
    }
  }
}

/** What the request needs from a model: what its type implies, plus the caller's extras. */
export function needsFor(request: BaseRequest & { prompt: string }, implied: RequestNeeds = {}): RequestNeeds {
  return {
    promptTokens: estimateTokens(request.system, request.prompt),
    ...implied,
    ...request.needs,
  };
}
