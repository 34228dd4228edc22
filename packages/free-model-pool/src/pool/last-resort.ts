import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { OpenRouterProvider } from '@openrouter/ai-sdk-provider';
import { streamText, type LanguageModel } from 'ai';
import { DailyLimitError, DailyReserveError, PoolAbortedError, PoolConfigError, PoolExhaustedError, type FreeModelPoolError } from '../errors.js';
import { classifyFailure, redactError } from '../failures/index.js';
import type { Attempt, FailureReason, PoolOutcome, Tier, TokenUsage } from '../types.js';
import { toTokenUsage } from './calls/common.js';
import type { PoolStream, TextRequest } from './requests.js';
import type { AttemptFn } from './run-types.js';
import { emitEvent, type PoolRuntime } from './runtime.js';
import { timedAttempt } from './timed-attempt.js';
import { ThinkingFilter } from './answer/index.js';
import { StreamSink } from './stream-sink.js';

/**
 * A model on the caller's own machine (any OpenAI-compatible server: Ollama's `/v1`, LM Studio,
 * llama.cpp's server, vLLM), called only after the free pool gave up. It has no free-tier
 * accounting: no pacer, no daily count, no cooldown.
 */
export interface LastResortSettings {
  /** Base URL of the OpenAI-compatible API, e.g. `http://127.0.0.1:11434/v1` (the SDK appends `/chat/completions`). */
  baseURL: string;
  /** The model id that server knows, e.g. `llama3.2`. */
  model: string;
  /** Sent as a bearer token when set (most local servers need none). */
  apiKey?: string;
  /** Timeout of the one last-resort call, ms (default DEFAULT_LAST_RESORT_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Local models are slow on a laptop: two minutes for one answer. */
export const DEFAULT_LAST_RESORT_TIMEOUT_MS = 120_000;

/** The trail's model id of a last-resort call. */
export const lastResortId = (model: string) => `last-resort:${model}`;

/**
 * Which pool errors hand the request over: the free tier cannot answer (the day's cap, every
 * candidate failed or no slot within the wait) or the reply reserve refused a background call.
 * An abort, a wrong key, or a request that is itself wrong does not.
 */
export function handsOver(error: unknown): error is FreeModelPoolError {
  return PoolExhaustedError.isInstance(error) || DailyLimitError.isInstance(error) || DailyReserveError.isInstance(error);
}

export class LastResort {
  readonly settings: Required<Omit<LastResortSettings, 'apiKey'>> & { apiKey?: string };
  private readonly model: LanguageModel;

  constructor(
    settings: LastResortSettings,
    private readonly rt: PoolRuntime,
  ) {
    let url: URL | undefined;
    try {
      url = new URL(settings.baseURL);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new PoolConfigError('lastResort.baseURL', `lastResort.baseURL must be an http(s) URL such as http://127.0.0.1:11434/v1, got ${JSON.stringify(settings.baseURL)}`);
    }
    if (typeof settings.model !== 'string' || settings.model.trim() === '') {
      throw new PoolConfigError('lastResort.model', 'lastResort.model must name the model the local server serves, e.g. "llama3.2"');
    }
    const timeoutMs = settings.timeoutMs ?? DEFAULT_LAST_RESORT_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new PoolConfigError('lastResort.timeoutMs', `lastResort.timeoutMs must be a positive number of ms, got ${timeoutMs}`);
    }
    this.settings = { baseURL: settings.baseURL.replace(/\/+$/, ''), model: settings.model.trim(), timeoutMs, apiKey: settings.apiKey };
    const provider = createOpenAICompatible({ name: 'last-resort', baseURL: this.settings.baseURL, apiKey: settings.apiKey, includeUsage: true, supportsStructuredOutputs: true });
    this.model = provider.chatModel(this.settings.model);
  }

  /**
   * Stands in for the OpenRouter provider in the pool's own attempt functions (text, object, image),
   * so a last-resort call sends the same prompt, options and output handling as a pooled one.
   */
  get client(): OpenRouterProvider {
    const model = this.model;
    return { chat: () => model } as unknown as OpenRouterProvider;
  }

  /**
   * One call to the local model after the pool gave up with `poolError`. Success: an outcome whose
   * trail is the pool's followed by the `last-resort:<model>` line, and a `lastResort` report.
   * Failure: the pool's error, rethrown with that line appended and the local failure in its message.
   */
  async run<T>(tier: Tier, attemptFn: AttemptFn<T>, poolError: FreeModelPoolError, signal?: AbortSignal): Promise<PoolOutcome<T>> {
    const id = lastResortId(this.settings.model);
    const sentAt = this.rt.now();
    const { result, error, timedOut } = await timedAttempt(attemptFn, this.settings.model, signal, this.settings.timeoutMs);
    const durationMs = this.rt.now() - sentAt;
    if (result) {
      const line: Attempt = { model: id, lastResort: true, outcome: 'success', waitedMs: 0, durationMs };
      return this.succeed(tier, poolError, line, result.value, result.usage);
    }
    if (signal?.aborted) {
      throw redactError(
        new PoolAbortedError(`The request to the ${tier} pool was aborted by the caller during its last-resort call.`, {
          reason: 'aborted',
          tier,
          attempts: [...poolError.attempts],
          cause: error,
        }),
        this.rt.secrets,
      );
    }
    const failure = timedOut
      ? { reason: 'timeout' as const, message: `no answer within ${this.settings.timeoutMs} ms` }
      : classifyFailure(error, { now: this.rt.now(), secrets: this.rt.secrets });
    throw this.fail(tier, poolError, failure, durationMs);
  }

  /** A stream that hands over to the local model when the pool's stream fails before its first chunk. */
  stream(pooled: PoolStream, request: TextRequest): PoolStream {
    const sink = new StreamSink();
    const { channel, text, usage, finishReason, outcome } = sink;
    for (const p of [pooled.text, pooled.usage, pooled.finishReason, pooled.outcome]) p.catch(() => undefined);

    const pump = async () => {
      let started = false;
      try {
        for await (const chunk of pooled.textStream) {
          started = true;
          channel.push(chunk);
        }
      } catch (e) {
        if (started || !handsOver(e) || request.abortSignal?.aborted) throw e;
        return this.streamLocal(request, e, sink);
      }
      channel.end();
      text.resolve(await pooled.text);
      usage.resolve(await pooled.usage);
      finishReason.resolve(await pooled.finishReason);
      outcome.resolve(await pooled.outcome);
    };
    pump().catch((e: unknown) => sink.fail(e));
    return sink.stream();
  }

  private async streamLocal(
    request: TextRequest,
    poolError: FreeModelPoolError,
    sink: StreamSink,
  ): Promise<void> {
    const { channel } = sink;
    const sentAt = this.rt.now();
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    const abortSignal = request.abortSignal ? AbortSignal.any([request.abortSignal, timeout]) : timeout;
    const result = streamText({
      model: this.model,
      prompt: request.prompt,
      instructions: request.system,
      temperature: request.temperature,
      maxOutputTokens: request.maxOutputTokens,
      stopSequences: request.stopSequences,
      maxRetries: 0,
      abortSignal,
      onError: () => {},
    });
    let full = '';
    let reason: string | undefined;
    let tokens: TokenUsage | undefined;
    // A local reasoning model (deepseek-r1 on Ollama) thinks in its text: the same hygiene as the pool's.
    const filter = new ThinkingFilter();
    const answer = (text: string) => {
      if (text === '') return;
      full += text;
      channel.push(text);
    };
    try {
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta' && part.text !== '') {
          answer(filter.push(part.text));
        } else if (part.type === 'error') {
          throw part.error;
        } else if (part.type === 'finish') {
          answer(filter.end());
          reason = part.finishReason;
          tokens = toTokenUsage(part.totalUsage);
        }
      }
      if (full === '') throw new Error(`${this.settings.model} returned no ${filter.thinking ? 'answer, only its thinking' : 'text'}`);
    } catch (e) {
      if (request.abortSignal?.aborted) throw e;
      const failure = timeout.aborted
        ? { reason: 'timeout' as const, message: `no answer within ${this.settings.timeoutMs} ms` }
        : classifyFailure(e, { now: this.rt.now(), secrets: this.rt.secrets });
      if (full) failure.message = `${failure.message} after ${full.length} characters`;
      throw this.fail(request.tier, poolError, failure, this.rt.now() - sentAt);
    }
    const line: Attempt = { model: lastResortId(this.settings.model), lastResort: true, outcome: 'success', waitedMs: 0, durationMs: this.rt.now() - sentAt };
    const done = this.succeed(request.tier, poolError, line, full, tokens);
    sink.finish({ text: full, usage: tokens, finishReason: reason, outcome: done });
  }

  private succeed<T>(tier: Tier, poolError: FreeModelPoolError, line: Attempt, value: T, usage: TokenUsage | undefined): PoolOutcome<T> {
    emitEvent(this.rt, { type: 'attempt', tier, attempt: line });
    const attempts = [...poolError.attempts, line];
    const outcome: PoolOutcome<T> = {
      value,
      model: line.model,
      tier,
      attempts,
      waitedMs: attempts.reduce((sum, a) => sum + a.waitedMs, 0),
      ...(usage ? { usage } : {}),
      lastResort: { model: this.settings.model, baseURL: this.settings.baseURL, reason: poolError.reason },
    };
    emitEvent(this.rt, { type: 'success', outcome });
    return outcome;
  }

  private fail(
    tier: Tier,
    poolError: FreeModelPoolError,
    failure: { reason: FailureReason; message: string; status?: number },
    durationMs: number,
  ): FreeModelPoolError {
    const why = failure.message;
    const line: Attempt = {
      model: lastResortId(this.settings.model),
      lastResort: true,
      outcome: 'failed',
      reason: failure.reason,
      message: why,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      waitedMs: 0,
      durationMs,
    };
    emitEvent(this.rt, { type: 'attempt', tier, attempt: line });
    poolError.attempts.push(line);
    poolError.message = `${poolError.message} The last resort (${this.settings.model} at ${this.settings.baseURL}) failed too: ${why}.`;
    return redactError(poolError, this.rt.secrets);
  }
}
