import type { CallPriority, ReasoningEffort, TokenUsage } from '../types.js';

/** What one successful attempt hands back to the loop. */
export interface AttemptResult<T> {
  value: T;
  /** The model id the response reported (OpenRouter may name a concrete variant). */
  servedBy?: string;
  usage?: TokenUsage;
  /** The model's thinking, kept out of the value's text (answer hygiene); on the outcome for a program that asks. */
  reasoning?: string;
  /** The reasoning effort the attempt sent, when it sent one. */
  effort?: ReasoningEffort;
}

/** One call to one model. `signal` fires on the caller's abort or this attempt's timeout. */
export type AttemptFn<T> = (modelId: string, signal: AbortSignal) => Promise<AttemptResult<T>>;

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
