import { PoolAbortedError, StreamInterruptedError } from '../errors.js';
import { classifyFailure, redactError } from '../failures/index.js';
import type { ClassifiedFailure, PoolOutcome, RequestNeeds, TokenUsage } from '../types.js';
import { ClassifiedAttemptError } from './attempt-error.js';
import { toTokenUsage } from './calls/common.js';
import type { ReasoningPlan } from './reasoning/plan.js';
import { applyFailure, noteAnswerTime } from './model-outcome.js';
import type { PoolStream, TextRequest } from './requests.js';
import { runPooled } from './run-loop.js';
import { emitEvent, type PoolRuntime } from './runtime.js';
import { closeQuietly, isErrorFinish, isMissingFinish, streamAttempt, streamFailure, type Part, type StreamModelFactory } from './stream-attempt.js';
import { StreamSink } from './stream-sink.js';

export type { StreamModelFactory } from './stream-attempt.js';

class StreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`no stream chunk within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * `streamText` over the pool. Fails over only before the first text chunk; once text has been
 * emitted, a failure (an error part, a finish with reason "error", an end without a finish reason,
 * a reset connection, an idle timeout) ends the stream with a `StreamInterruptedError`
 * (text/outcome reject, textStream throws) and the answer is never continued by another model, so
 * two models' output is never joined. A `length` finish (max tokens reached) is a normal end.
 */
export function pooledStream(rt: PoolRuntime, makeModel: StreamModelFactory, request: TextRequest, needs: RequestNeeds, plan: ReasoningPlan): PoolStream {
  const sink = new StreamSink();
  const { channel } = sink;

  const pump = async () => {
    const started = await runPooled(rt, request.tier, needs, streamAttempt(makeModel, request, rt, plan), {
      signal: request.abortSignal,
      deadlineMs: request.deadlineMs,
      attemptTimeoutMs: rt.policy.firstChunkTimeoutMs,
      reportSuccess: false,
      priority: request.priority,
    });
    const modelId = started.attempts[started.attempts.length - 1]!.model;
    const { parts, controller, guard, sentAt, release, filter } = started.value;
    let reasoning = started.value.reasoning;
    let full = started.value.first;
    channel.push(full);
    let served = started.model;
    let reason: string | undefined;
    let tokens: TokenUsage | undefined;
    const idleMs = rt.policy.attemptTimeoutMs;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(new StreamTimeoutError(idleMs)), idleMs);
    };
    const broken = async (error: unknown): Promise<never> => {
      clearTimeout(idle);
      release();
      controller.abort(error);
      await closeQuietly(parts);
      if (request.abortSignal?.aborted) {
        const aborted = redactError(
          new PoolAbortedError(`The stream from ${modelId} was aborted by the caller.`, {
            reason: 'aborted',
            tier: request.tier,
            attempts: started.attempts,
            cause: error,
          }),
          rt.secrets,
        );
        emitEvent(rt, { type: 'failure', tier: request.tier, error: aborted });
        throw aborted;
      }
      const failure: ClassifiedFailure = ClassifiedAttemptError.isInstance(error)
        ? error.failure
        : controller.signal.reason instanceof StreamTimeoutError
          ? { reason: 'timeout', message: controller.signal.reason.message }
          : classifyFailure(error, { now: rt.now(), callerSignal: request.abortSignal, secrets: rt.secrets });
      applyFailure(rt, modelId, failure, { sentAt, endedAt: rt.now() });
      const how =
        failure.reason === 'truncated'
          ? 'was cut off: it ended without a finish reason'
          : `broke after it had started answering (${failure.reason}${failure.status !== undefined ? `, ${failure.status}` : ''})`;
      const err = new StreamInterruptedError(
        `The answer from ${modelId} ${how}: ${failure.message}. ` +
          `The caller received ${full.length} characters; the partial answer was not continued by another model.`,
        {
          reason: failure.reason,
          tier: request.tier,
          attempts: started.attempts,
          status: failure.status,
          cause: error,
          model: modelId,
          receivedChars: full.length,
        },
      );
      redactError(err, rt.secrets);
      emitEvent(rt, { type: 'failure', tier: request.tier, error: err });
      throw err;
    };
    const answer = (text: string) => {
      if (text === '') return;
      full += text;
      channel.push(text);
    };
    arm();
    for (let pending = started.value.finish; ; pending = undefined) {
      let part: Part;
      if (pending) part = pending;
      else {
        let step: IteratorResult<Part>;
        try {
          step = await parts.next();
        } catch (e) {
          return broken(controller.signal.aborted ? controller.signal.reason : e);
        }
        if (step.done) {
          // An iteration that ends without its finish part: the body ended early.
          if (reason === undefined) return broken(streamFailure(undefined, modelId, guard));
          break;
        }
        part = step.value;
      }
      arm();
      if (part.type === 'text-delta' && part.text !== '') {
        answer(filter.push(part.text));
      } else if (part.type === 'reasoning-delta') {
        reasoning += part.text;
      } else if (part.type === 'error' || isErrorFinish(part)) {
        return broken(streamFailure(part, modelId, guard));
      } else if (part.type === 'abort') {
        return broken(controller.signal.reason ?? new DOMException('aborted', 'AbortError'));
      } else if (part.type === 'finish-step') {
        if (part.response?.modelId) served = part.response.modelId;
      } else if (part.type === 'finish') {
        if (guard.bodyError !== undefined || isMissingFinish(part)) return broken(streamFailure(part, modelId, guard));
        answer(filter.end());
        reason = part.finishReason;
        tokens = toTokenUsage(part.totalUsage);
      }
    }
    clearTimeout(idle);
    release();
    noteAnswerTime(rt, modelId, rt.now() - sentAt, rt.now());
    const thinking = [reasoning.trim(), filter.thinking].filter((t) => t !== '').join('\n\n');
    const done: PoolOutcome<string> = {
      ...started,
      value: full,
      model: served,
      ...(tokens ? { usage: tokens } : {}),
      ...(thinking ? { reasoning: thinking } : {}),
    };
    sink.finish({ text: full, usage: tokens, finishReason: reason, outcome: done });
    emitEvent(rt, { type: 'success', outcome: done });
  };
  pump().catch((e: unknown) => sink.fail(e));
  return sink.stream();
}
