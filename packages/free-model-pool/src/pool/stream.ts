import { streamText, type LanguageModel, type TextStreamPart, type ToolSet } from 'ai';
import { PoolAbortedError, StreamInterruptedError } from '../errors.js';
import { classifyFailure, redactError } from '../failures/index.js';
import { StreamBodyGuard } from '../openrouter/stream-body-guard.js';
import type { ClassifiedFailure, PoolOutcome, RequestNeeds, TokenUsage } from '../types.js';
import { ClassifiedAttemptError, invalidOutput } from './attempt-error.js';
import { judgeAnswer, ThinkingFilter } from './answer/index.js';
import { openrouterOptions, sharedCallOptions, toTokenUsage } from './calls/common.js';
import type { ReasoningPlan } from './reasoning/plan.js';
import { applyFailure, noteAnswerTime } from './model-outcome.js';
import type { PoolStream, TextRequest } from './requests.js';
import { runPooled, type AttemptFn } from './run-loop.js';
import { emitEvent, type PoolRuntime } from './runtime.js';
import { StreamSink } from './stream-sink.js';

type Part = TextStreamPart<ToolSet>;

/** A chat model for one attempt, fetching through the given `fetch`. */
export type StreamModelFactory = (modelId: string, fetch: typeof globalThis.fetch) => LanguageModel;

/** A stream that produced its first chunk of the answer: the rest is read by the pump. */
interface StartedStream {
  first: string;
  parts: AsyncIterator<Part>;
  /** Keeps thinking out of the rest of the text (answer hygiene), as it kept it out of `first`. */
  filter: ThinkingFilter;
  /** The reasoning the provider sent in its own field so far. */
  reasoning: string;
  /** The finish part, when the stream ended before its answer was released (held plain text). */
  finish?: Part;
  controller: AbortController;
  guard: StreamBodyGuard;
  sentAt: number;
  /** Unlinks the stream from the caller's signal; called once the stream has ended either way. */
  release: () => void;
}

class StreamTimeoutError extends Error {
  constructor(ms: number) {
    super(`no stream chunk within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** ai@7 reports OpenRouter's finish_reason "error" as "other", keeping "error" as the raw reason. */
function isErrorFinish(part: Part): boolean {
  return part.type === 'finish' && (part.finishReason === 'error' || part.rawFinishReason === 'error');
}

/**
 * A finish the server never sent. OpenRouter ends every complete answer with a chunk that carries
 * a finish reason (`stop`, `length`, …); when the body just ends, the provider still reports a
 * finish, with no raw reason. That answer was cut off.
 */
function isMissingFinish(part: Part): boolean {
  return part.type === 'finish' && !part.rawFinishReason && part.finishReason !== 'length' && part.finishReason !== 'stop';
}

/** What a broken stream failed with, as something the classifier understands. */
function streamFailure(part: Part | undefined, modelId: string, guard: StreamBodyGuard): unknown {
  if (part?.type === 'error') return part.error;
  if (part && isErrorFinish(part)) {
    return new ClassifiedAttemptError({ reason: 'server_error', status: 200, message: `${modelId} ended its stream with finish_reason "error"` });
  }
  // The body failed (a reset connection, a body cut short): that is the cause, not the missing finish.
  if (guard.bodyError !== undefined) return guard.bodyError;
  return new ClassifiedAttemptError({
    reason: 'truncated',
    status: 200,
    message: `${modelId} ended its stream without a finish reason or [DONE]`,
  });
}

/**
 * One streaming attempt, which counts as answered at its first chunk of the answer: text deltas go
 * through the ThinkingFilter, so a leading think block (or thinking before an orphan closing tag) is
 * kept out and the caller's first chunk is the answer's. Before that, an error part, a finish with
 * reason "error", a missing finish, an end without an answer (empty, or only thinking) fails the
 * attempt and the run loop moves on; ai@7's `textStream` would hide those (it just ends), so
 * `fullStream` is read.
 */
function streamAttempt(makeModel: StreamModelFactory, request: TextRequest, rt: PoolRuntime, plan: ReasoningPlan): AttemptFn<StartedStream> {
  return async (modelId, signal, note) => {
    // Our own controller, so the pump can also stop the stream on an idle timeout after the run loop
    // has let go. It follows the attempt's signal (caller abort / first-chunk timeout) until the first
    // chunk, and the caller's own signal until the stream ends; both links are removed again, because
    // a caller may reuse one long-lived signal for every request (a listener left behind would keep
    // this whole stream in memory).
    const controller = new AbortController();
    const caller = request.abortSignal;
    const forward = () => controller.abort(signal.reason);
    const forwardCaller = () => controller.abort(caller!.reason);
    const unlinkAttempt = () => signal.removeEventListener('abort', forward);
    const release = () => {
      unlinkAttempt();
      caller?.removeEventListener('abort', forwardCaller);
    };
    const guard = new StreamBodyGuard();
    const sentAt = rt.now();
    const effort = plan.begin(modelId, note);
    const result = streamText({
      model: makeModel(modelId, guard.fetch),
      prompt: request.prompt,
      ...sharedCallOptions(request, controller.signal),
      ...openrouterOptions(effort),
      onError: () => {}, // errors are read from fullStream; the default handler would only log them
    });
    const parts = result.fullStream[Symbol.asyncIterator]();
    // Linked only now (still before the first await), so a synchronous throw above leaves nothing behind.
    if (signal.aborted) forward();
    else signal.addEventListener('abort', forward, { once: true });
    if (caller?.aborted) forwardCaller();
    else caller?.addEventListener('abort', forwardCaller, { once: true });
    const giveUp = async (error: unknown): Promise<never> => {
      release();
      controller.abort(error);
      await closeQuietly(parts);
      throw plan.review(error, note);
    };
    const filter = new ThinkingFilter(plan.filterFor(modelId));
    let reasoning = '';
    const started = (first: string, finish?: Part) => {
      unlinkAttempt(); // the first-chunk timeout no longer applies; the caller link stays
      if (filter.sawOrphanCloser) note.thinksWithoutOpener = true;
      return { value: { first, parts, filter, reasoning, controller, guard, sentAt, release, ...(finish ? { finish } : {}) }, partial: true as const };
    };
    for (;;) {
      let step: IteratorResult<Part>;
      try {
        step = await parts.next();
      } catch (e) {
        return giveUp(e);
      }
      if (step.done) return giveUp(guard.bodyError ?? invalidOutput(`${modelId} ended its stream without any text`));
      const part = step.value;
      if (part.type === 'reasoning-delta') reasoning += part.text;
      else if (part.type === 'text-delta' && part.text !== '') {
        const first = filter.push(part.text);
        if (first !== '') return started(first);
      } else if (part.type === 'error' || isErrorFinish(part)) return giveUp(streamFailure(part, modelId, guard));
      else if (part.type === 'abort') return giveUp(signal.reason ?? new DOMException('aborted', 'AbortError'));
      else if (part.type === 'finish') {
        if (guard.bodyError !== undefined || isMissingFinish(part)) return giveUp(streamFailure(part, modelId, guard));
        const held = filter.end();
        if (held !== '') return started(held, part);
        // No answer: empty, or only thinking (the same judgement as a whole answer).
        try {
          judgeAnswer({ text: '', reasoningText: [reasoning, filter.thinking].join('\n'), finishReason: part.finishReason }, modelId);
        } catch (e) {
          return giveUp(e);
        }
        return giveUp(invalidOutput(`${modelId} finished its stream without any text (${part.finishReason})`));
      }
    }
  };
}

/** Ends the stream's iteration; a stream that already failed may reject here, which changes nothing. */
function closeQuietly(parts: AsyncIterator<Part>): Promise<void> {
  try {
    return Promise.resolve(parts.return?.()).then(
      () => {},
      () => {},
    );
  } catch {
    return Promise.resolve();
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
