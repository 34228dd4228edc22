import { streamText, type TextStreamPart, type ToolSet } from 'ai';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { FreeModelPoolError, PoolAbortedError } from '../errors.js';
import { classifyFailure, redactSecrets } from '../failures/index.js';
import { recordFailure } from '../limits/index.js';
import type { ClassifiedFailure, PoolOutcome, RequestNeeds, TokenUsage } from '../types.js';
import { ClassifiedAttemptError, invalidOutput } from './attempt-error.js';
import { sharedCallOptions, toTokenUsage } from './calls/common.js';
import type { PoolStream, TextRequest } from './requests.js';
import { runPooled, type AttemptFn } from './run-loop.js';
import type { PoolRuntime } from './runtime.js';
import { deferred, TextChannel } from './text-channel.js';

type Part = TextStreamPart<ToolSet>;

/** A stream that produced its first text chunk: the rest is read by the pump. */
interface StartedStream {
  first: string;
  parts: AsyncIterator<Part>;
  controller: AbortController;
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

/** An `error` part, or a `finish` with reason "error", as something the classifier understands. */
function streamFailure(part: Part, modelId: string): unknown {
  if (part.type === 'error') return part.error;
  return new ClassifiedAttemptError({ reason: 'server_error', status: 200, message: `${modelId} ended its stream with finish_reason "error"` });
}

/**
 * One streaming attempt, which counts as answered at its first non-empty text delta. Before that,
 * an error part, a finish with reason "error", or an end without text fails the attempt and the
 * run loop moves on; ai@7's `textStream` would hide those (it just ends), so `fullStream` is read.
 */
function streamAttempt(client: OpenRouterProvider, request: TextRequest): AttemptFn<StartedStream> {
  return async (modelId, signal) => {
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
    const result = streamText({
      model: client.chat(modelId),
      prompt: request.prompt,
      ...sharedCallOptions(request, controller.signal),
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
      await parts.return?.().catch(() => {});
      throw error;
    };
    for (;;) {
      let step: IteratorResult<Part>;
      try {
        step = await parts.next();
      } catch (e) {
        return giveUp(e);
      }
      if (step.done) return giveUp(invalidOutput(`${modelId} ended its stream without any text`));
      const part = step.value;
      if (part.type === 'text-delta' && part.text !== '') {
        unlinkAttempt(); // the first-chunk timeout no longer applies; the caller link stays
        return { value: { first: part.text, parts, controller, release } };
      }
      if (part.type === 'error' || isErrorFinish(part)) {
        return giveUp(streamFailure(part, modelId));
      }
      if (part.type === 'abort') return giveUp(signal.reason ?? new DOMException('aborted', 'AbortError'));
      if (part.type === 'finish') return giveUp(invalidOutput(`${modelId} finished its stream without any text (${part.finishReason})`));
    }
  };
}

/**
 * `streamText` over the pool. Fails over only before the first text chunk; once text has been
 * emitted, a failure ends the stream with an error (text/outcome reject, textStream throws) and the
 * answer is never continued by another model, so two models' output is never joined.
 */
export function pooledStream(rt: PoolRuntime, client: OpenRouterProvider, request: TextRequest, needs: RequestNeeds): PoolStream {
  const channel = new TextChannel();
  const text = deferred<string>();
  const usage = deferred<TokenUsage | undefined>();
  const finishReason = deferred<string | undefined>();
  const outcome = deferred<PoolOutcome<string>>();
  const failAll = (error: unknown) => {
    channel.fail(error);
    for (const d of [text, usage, finishReason, outcome]) d.reject(error);
  };

  const pump = async () => {
    const started = await runPooled(rt, request.tier, needs, streamAttempt(client, request), {
      signal: request.abortSignal,
      deadlineMs: request.deadlineMs,
      attemptTimeoutMs: rt.policy.firstChunkTimeoutMs,
    });
    const modelId = started.attempts[started.attempts.length - 1]!.model;
    const { parts, controller, release } = started.value;
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
    const broken = (error: unknown): never => {
      clearTimeout(idle);
      release();
      controller.abort(error);
      void parts.return?.().catch(() => {});
      if (request.abortSignal?.aborted) {
        throw new PoolAbortedError(`The stream from ${modelId} was aborted by the caller.`, {
          reason: 'aborted',
          tier: request.tier,
          attempts: started.attempts,
          cause: error,
        });
      }
      const failure: ClassifiedFailure = ClassifiedAttemptError.isInstance(error)
        ? error.failure
        : controller.signal.reason instanceof StreamTimeoutError
          ? { reason: 'timeout', message: controller.signal.reason.message }
          : classifyFailure(error, { now: rt.now(), callerSignal: request.abortSignal, secrets: rt.secrets });
      const now = rt.now();
      rt.store.setModelHealth(modelId, recordFailure(rt.store.getModelHealth(modelId), failure, now, rt.ladder));
      const err = new FreeModelPoolError(
        redactSecrets(
          `The stream from ${modelId} broke after it had started answering (${failure.reason}` +
            `${failure.status !== undefined ? `, ${failure.status}` : ''}): ${failure.message}. ` +
            'The partial answer was not continued by another model.',
          rt.secrets,
        ),
        { reason: failure.reason, tier: request.tier, attempts: started.attempts, status: failure.status, cause: error },
      );
      try {
        rt.onEvent?.({ type: 'failure', tier: request.tier, error: err });
      } catch {
        // A broken listener must not break the stream's error path.
      }
      throw err;
    };
    arm();
    for (;;) {
      let step: IteratorResult<Part>;
      try {
        step = await parts.next();
      } catch (e) {
        broken(controller.signal.aborted ? controller.signal.reason : e);
        return;
      }
      if (step.done) break;
      arm();
      const part = step.value;
      if (part.type === 'text-delta' && part.text !== '') {
        full += part.text;
        channel.push(part.text);
      } else if (part.type === 'error' || isErrorFinish(part)) {
        broken(streamFailure(part, modelId));
      } else if (part.type === 'abort') {
        broken(controller.signal.reason ?? new DOMException('aborted', 'AbortError'));
      } else if (part.type === 'finish-step') {
        if (part.response?.modelId) served = part.response.modelId;
      } else if (part.type === 'finish') {
        reason = part.finishReason;
        tokens = toTokenUsage(part.totalUsage);
      }
    }
    clearTimeout(idle);
    release();
    channel.end();
    text.resolve(full);
    usage.resolve(tokens);
    finishReason.resolve(reason);
    outcome.resolve({ ...started, value: full, model: served, ...(tokens ? { usage: tokens } : {}) });
  };
  pump().catch(failAll);

  return {
    textStream: channel,
    text: text.promise,
    usage: usage.promise,
    finishReason: finishReason.promise,
    outcome: outcome.promise,
  };
}
