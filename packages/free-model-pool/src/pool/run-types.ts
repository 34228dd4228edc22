import type { CallPriority, ReasoningEffort, TokenUsage } from '../types.js';

/** What one successful attempt hands back to the loop. */
export interface AttemptResult<T> {
  value: T;
  /** The model id the response reported (OpenRouter may name a concrete variant). */
  servedBy?: string;
  usage?: TokenUsage;
  /** The model's thinking, kept out of the value's text (answer hygiene); on the outcome for a program that asks. */
  reasoning?: string;
  /** A stream's first chunk: the answer goes on after it (its total time is noted when it ends). */
  partial?: true;
}

/**
 * What an attempt tells the loop about itself, success or failure: the reasoning effort it sent (for
 * the trail), and what it learned about the model (for its record, model-outcome.ts `applyNote`).
 */
export interface AttemptNote {
  effort?: ReasoningEffort;
  /** The provider refused the `reasoning` parameter: not sent to this model again; asked again without it once. */
  reasoningRejected?: true;
  /** The model's thinking spent the output budget: it is asked for one effort level less from now on. */
  overthought?: true;
  /** The model closed its thinking with a tag it never opened: its streams are held until that tag. */
  thinksWithoutOpener?: true;
}

/** One call to one model. `signal` fires on the caller's abort or this attempt's timeout; `note` is filled in by the attempt. */
export type AttemptFn<T> = (modelId: string, signal: AbortSignal, note: AttemptNote) => Promise<AttemptResult<T>>;

export interface RunOptions {
  /** The caller's abort signal: stops at once, no further call. */
  signal?: AbortSignal;
  /** Overrides policy.requestDeadlineMs. */
  deadlineMs?: number;
  /** Overrides policy.attemptTimeoutMs (streams use firstChunkTimeoutMs: the attempt ends at the first chunk). */
  attemptTimeoutMs?: number;
  /**
   * Emit the `success` event when an attempt succeeds (default true). A stream's attempt succeeds
   * at its first chunk; it reports its own success once the answer is complete.
   */
  reportSuccess?: boolean;
  /** The request's priority: `background` is refused once the day's remaining free calls reach the reserve (DailyQuota). */
  priority?: CallPriority;
}
