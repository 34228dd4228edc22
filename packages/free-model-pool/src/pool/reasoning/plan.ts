import { classifyFailure } from '../../failures/index.js';
import type { EffortSetting, ModelHealth, PoolModel, ReasoningEffort } from '../../types.js';
import { ClassifiedAttemptError } from '../attempt-error.js';
import { InvalidAnswerError, type ThinkingFilterOptions } from '../answer/index.js';
import type { AttemptNote } from '../run-types.js';
import { effortFor } from './effort.js';

/** A 400 about the `reasoning` parameter (an unknown argument, mandatory reasoning, an effort not accepted). */
const ABOUT_REASONING = /reasoning|effort|thinking/i;

/**
 * A provider refused the `reasoning` parameter: the same model is asked again without it, once,
 * and its record remembers not to send it (model-outcome.ts).
 */
export class ReasoningRejectedError extends ClassifiedAttemptError {
  readonly reasoningRejected = true;
  constructor(failure: ClassifiedAttemptError['failure'], cause: unknown) {
    // A bad request, whoever refused it: it says nothing about the model's health (no cooldown).
    super({ ...failure, reason: 'bad_request', message: `refused the reasoning parameter: ${failure.message}` }, { cause });
  }
  static isRejection(e: unknown): e is ReasoningRejectedError {
    return ClassifiedAttemptError.isInstance(e) && (e as { reasoningRejected?: unknown }).reasoningRejected === true;
  }
}

/**
 * How much one request asks its models to think, attempt by attempt: the effort the caller (or the
 * tier's setting) wants, fitted to what each model's catalog entry accepts, never sent to a model
 * that refused it before, and one level lower after an attempt whose thinking spent the output
 * budget (and for a model whose record says it overthinks).
 */
export class ReasoningPlan {
  private stepsDown = 0;

  constructor(
    private readonly wanted: EffortSetting | undefined,
    private readonly model: (modelId: string) => PoolModel | undefined,
    private readonly health: (modelId: string) => ModelHealth | undefined,
  ) {}

  /** The effort for an attempt to `modelId` (noted for the trail), or undefined to send no `reasoning` parameter. */
  begin(modelId: string, note: AttemptNote): ReasoningEffort | undefined {
    const effort = this.effortFor(modelId);
    if (effort) note.effort = effort;
    return effort;
  }

  /** The effort for an attempt to `modelId`, or undefined to send no `reasoning` parameter. */
  effortFor(modelId: string): ReasoningEffort | undefined {
    const h = this.health(modelId);
    if (h?.reasoningRejected) return undefined;
    return effortFor(this.model(modelId)?.reasoning, this.wanted, this.stepsDown + (h?.effortDown ?? 0));
  }

  /** How a stream from `modelId` is filtered: plain text held only where thinking may hide in it. */
  filterFor(modelId: string): ThinkingFilterOptions {
    return {
      holdPlainText: this.model(modelId)?.reasoning !== undefined,
      ...(this.health(modelId)?.thinksWithoutOpener ? { thinksWithoutOpener: true } : {}),
    };
  }

  /**
   * What an attempt's error means for reasoning: a 400 about the `reasoning` parameter, when one was
   * sent, becomes a ReasoningRejectedError (noted: the model is asked again without it); a refusal
   * because the thinking spent the budget makes the request's next attempt think less (noted: the
   * model is asked for less from now on). Returns the error to throw.
   */
  review(error: unknown, note: AttemptNote): unknown {
    if (InvalidAnswerError.isRefusal(error) && error.refusal === 'thinking_spent_budget') {
      this.stepsDown++;
      note.overthought = true;
    }
    if (note.effort === undefined || ClassifiedAttemptError.isInstance(error)) return error;
    const failure = classifyFailure(error);
    // A 400 whatever it was filed under: OpenRouter's own refusal reads as a bad request, a provider's relayed one as its error.
    if ((failure.status === 400 || failure.status === 422) && ABOUT_REASONING.test(failure.message)) {
      note.reasoningRejected = true;
      return new ReasoningRejectedError(failure, error);
    }
    return error;
  }
}
