import type { IAgentRuntime, TextStreamResult } from '@elizaos/core';
import type { CallPriority, EffortSetting, FreeModelPool, PoolOutcome, PoolStream, RequestNeeds, Tier, TokenUsage } from '@freepool/free-model-pool';
import { afterPoolGaveUp } from '../fallback/after-pool.js';
import { callPriority } from '../fallback/call-priority.js';
import { guardedStream } from '../fallback/guarded-stream.js';
import { effortGroupOf, prefersReasoning, tierOf, type ServedModelType } from '../model-types.js';
import { ensurePoolEntry } from '../pool-entry.js';
import { pooledCall, pooledStream } from './pooled-call.js';

/** What one handler call knows before it builds its request. */
export interface CallContext<T extends ServedModelType = ServedModelType> {
  modelType: T;
  tier: Tier;
  priority: CallPriority;
  /** How much a reasoning model is asked to think for this type (OPENROUTER_REASONING_EFFORT). */
  reasoningEffort: EffortSetting;
  /** What the type needs beyond its params: the reasoning types prefer reasoning models. */
  needs?: RequestNeeds;
}

/**
 * What differs between the model types: how ElizaOS's params become the engine's request (bad input
 * throws here, before any call), which pool call serves it, and what the caller gets back.
 */
export interface HandlerSpec<T extends ServedModelType, P, Req extends { prompt: string }, V, R> {
  request(runtime: IAgentRuntime, params: P, ctx: CallContext<T>): Req;
  call(pool: FreeModelPool, request: Req): Promise<PoolOutcome<V>>;
  answer(value: V): R;
  usage(value: V): TokenUsage | undefined;
  /** What a next handler gets when the free tier gives up (default: the params as given). */
  handOver?(params: P, request: Req): Record<string, unknown>;
  /** When the params ask for a stream: the pool's stream instead of `call`. */
  stream?(params: P): ((pool: FreeModelPool, request: Req) => PoolStream) | undefined;
}

/**
 * The one shape of every pooled model handler: the runtime's pool entry, the call's priority, the
 * request, the pooled call (or stream), and, when the free tier gives up, the after-pool fallback
 * (the next handler, the notice, or the error).
 */
export function pooledHandler<T extends ServedModelType, P, Req extends { prompt: string }, V, R>(spec: HandlerSpec<T, P, Req, V, R>) {
  return (modelType: T) =>
    async (runtime: IAgentRuntime, params: P): Promise<R | string | TextStreamResult> => {
      const entry = await ensurePoolEntry(runtime);
      const priority = callPriority(modelType, entry.settings.priorityOverrides);
      const request = spec.request(runtime, params, {
        modelType,
        tier: tierOf(modelType),
        priority,
        reasoningEffort: entry.settings.reasoningEffort[effortGroupOf(modelType)],
        ...(prefersReasoning(modelType) ? { needs: { reasoning: true } } : {}),
      });
      const fallBack = (error: unknown) =>
        afterPoolGaveUp(runtime, modelType, spec.handOver?.(params, request) ?? (params as Record<string, unknown>), error, entry.settings, priority);
      const open = spec.stream?.(params);
      if (open) {
        // A stream that cannot start (no OPENROUTER_API_KEY) takes the same way out as a call that failed.
        const started = await pooledStream(runtime, entry, modelType, request.prompt, (pool) => open(pool, request)).catch((error: unknown) => ({ error }));
        if ('error' in started) return (await fallBack(started.error)) as R;
        return guardedStream(started, fallBack);
      }
      try {
        return spec.answer(await pooledCall(runtime, entry, modelType, request.prompt, (pool) => spec.call(pool, request), spec.usage));
      } catch (error) {
        return (await fallBack(error)) as R;
      }
    };
}
