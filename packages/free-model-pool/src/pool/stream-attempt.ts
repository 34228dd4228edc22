import { streamText, type LanguageModel, type TextStreamPart, type ToolSet } from 'ai';
import { StreamBodyGuard } from '../openrouter/stream-body-guard.js';
import { ClassifiedAttemptError, invalidOutput } from './attempt-error.js';
import { noAnswer, ThinkingFilter } from './answer/index.js';
import { openrouterOptions, sharedCallOptions } from './calls/common.js';
import type { ReasoningPlan } from './reasoning/plan.js';
import type { TextRequest } from './requests.js';
import type { AttemptFn } from './run-types.js';
import type { PoolRuntime } from './runtime.js';

// One streaming attempt, up to its first chunk of the answer; stream.ts pumps the rest.

export type Part = TextStreamPart<ToolSet>;

/** A chat model for one attempt, fetching through the given `fetch`. */
export type StreamModelFactory = (modelId: string, fetch: typeof globalThis.fetch) => LanguageModel;

/** A stream that produced its first chunk of the answer: the rest is read by the pump. */
export interface StartedStream {
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

/** ai@7 reports OpenRouter's finish_reason "error" as "other", keeping "error" as the raw reason. */
export function isErrorFinish(part: Part): boolean {
  return part.type === 'finish' && (part.finishReason === 'error' || part.rawFinishReason === 'error');
}

/**
 * A finish the server never sent. OpenRouter ends every complete answer with a chunk that carries
 * a finish reason (`stop`, `length`, …); when the body just ends, the provider still reports a
 * finish, with no raw reason. That answer was cut off.
 */
export function isMissingFinish(part: Part): boolean {
  return part.type === 'finish' && !part.rawFinishReason && part.finishReason !== 'length' && part.finishReason !== 'stop';
}

/** What a broken stream failed with, as something the classifier understands. */
export function streamFailure(part: Part | undefined, modelId: string, guard: StreamBodyGuard): unknown {
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
export function streamAttempt(makeModel: StreamModelFactory, request: TextRequest, rt: PoolRuntime, plan: ReasoningPlan): AttemptFn<StartedStream> {
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
        // No answer: empty, or only thinking (the same refusal as a whole answer's).
        return giveUp(noAnswer([reasoning, filter.thinking].join('\n').trim(), part.finishReason, modelId));
      }
    }
  };
}

/** Ends the stream's iteration; a stream that already failed may reject here, which changes nothing. */
export function closeQuietly(parts: AsyncIterator<Part>): Promise<void> {
  try {
    return Promise.resolve(parts.return?.()).then(
      () => {},
      () => {},
    );
  } catch {
    return Promise.resolve();
  }
}

