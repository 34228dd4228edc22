import type { ClassifiedFailure, FailurePolicy, FailureReason } from '../types.js';

/**
 * What a failure does to the model that got it:
 * - `remove`: out of the pool until it is replaced (a catalog refresh);
 * - `cool`: up the cooldown ladder (limits/cooldown-ladder.ts);
 * - `cool_briefly`: the ladder's first rung, whatever the streak (a bad answer is a short-lived judgement);
 * - `note`: only its last reason changes; it is fine for other requests;
 * - `forget`: nothing about the model: the call never reached it (an account refusal) or says nothing
 *   about it (the request, the key, the caller), so the call leaves its learned-capacity window;
 * - `keep`: nothing at all (a timeout the request's deadline cut short);
 * - `demote`: no answer token within the attempt's timeout: the model is slow, so it goes after the
 *   fast models for a while (limits/model-latency.ts) instead of being cooled for every request.
 */
export type ModelEffect = 'remove' | 'cool' | 'cool_briefly' | 'note' | 'forget' | 'keep' | 'demote';

/** Everything the pool does about one kind of failure. */
export interface ReasonPolicy {
  /**
   * What the run loop does next: `rotate`, `wait` (same model after the account window), `stop_free`,
   * `confirm` (one other model tells the request's fault from the model's, then stop; pool/request-fault.ts), `stop`.
   */
  next: FailurePolicy;
  /** What the failure does to the model (see ModelEffect). */
  model: ModelEffect;
  /** The account refused the call (the model never saw it): the account window does not count it as accepted. */
  account?: true;
  /** The model's own rate limit: it also teaches the model's upstream capacity (limits/model-capacity.ts). */
  learnsCapacity?: true;
}

/**
 * The one table of what the pool does after each kind of failure.
 *
 * | reason               | next      | model        | why |
 * |----------------------|-----------|--------------|-----|
 * | account_minute_limit | wait      | forget       | The per-minute cap is account-wide: every free model shares it, so rotating only burns quota. Wait for the window (bounded by maxWaitMs). |
 * | account_daily_limit  | stop_free | forget       | Account-wide until UTC midnight (or the server's reset). No other free model can answer: every free candidate is skipped without a call (a paid model the user pinned may still answer), then the request fails fast naming the reset. |
 * | model_rate_limit     | rotate    | cool         | Upstream / shared capacity of one model ("High demand for X", "rate-limited upstream"): another model has its own capacity. Teaches the model's capacity. |
 * | auth                 | stop      | forget       | 401: the key is wrong or disabled; every model would answer the same. |
 * | billing              | stop      | forget       | 402 negative balance (blocks even free models) or 403 key spend limit: account-wide. |
 * | moderation           | rotate    | note         | 403 flagged by one provider's moderation; another model/provider may not moderate the same way. |
 * | model_gone           | rotate    | remove       | 404 / unknown id / free variant ended: this model left; the others are unaffected. |
 * | excluded_by_settings | rotate    | remove       | The account's privacy or provider routing settings rule out every endpoint of this model: it leaves the pool, and the error names the setting. |
 * | context_too_long     | rotate    | note         | This model's window is too small; a larger one may fit. |
 * | unsupported_input    | rotate    | note         | This model cannot take the input (image, tools); another can. |
 * | invalid_output       | rotate    | cool_briefly | Bad JSON or empty text from this model; another model may follow the format. |
 * | timeout              | rotate    | cool         | This model/provider is slow right now. No answer token within the attempt's own timeout: demote (slow, tried after the fast models) instead; the request's deadline cut it short: keep. |
 * | server_error         | rotate    | cool         | 5xx or a relayed provider error: specific to this model's provider. |
 * | network_error        | rotate    | cool         | No response at all; often transient. Rotating also retries the network once more. |
 * | truncated            | rotate    | cool         | The answer stopped without a finish reason: this model's provider cut it off. |
 * | bad_request          | stop      | forget       | The request itself is wrong, for certain (not the API at all, an image the provider could not use); another model will not fix it. |
 * | request_rejected     | confirm   | forget       | A 4xx naming no limit, key, credit or model problem: most likely the request. One other model, and no more, tells the two apart; neither is cooled. |
 * | reserve_held         | stop      | forget       | A background call while the day's last free calls are held for replies: no free model may take it (raised before any call). |
 * | aborted              | stop      | forget       | The caller asked us to stop. |
 */
export const REASON_POLICY: Readonly<Record<FailureReason, Readonly<ReasonPolicy>>> = Object.freeze({
  account_minute_limit: { next: 'wait', model: 'forget', account: true },
  account_daily_limit: { next: 'stop_free', model: 'forget', account: true },
  model_rate_limit: { next: 'rotate', model: 'cool', learnsCapacity: true },
  auth: { next: 'stop', model: 'forget' },
  billing: { next: 'stop', model: 'forget' },
  moderation: { next: 'rotate', model: 'note' },
  model_gone: { next: 'rotate', model: 'remove' },
  excluded_by_settings: { next: 'rotate', model: 'remove' },
  context_too_long: { next: 'rotate', model: 'note' },
  unsupported_input: { next: 'rotate', model: 'note' },
  invalid_output: { next: 'rotate', model: 'cool_briefly' },
  timeout: { next: 'rotate', model: 'cool' },
  server_error: { next: 'rotate', model: 'cool' },
  network_error: { next: 'rotate', model: 'cool' },
  truncated: { next: 'rotate', model: 'cool' },
  bad_request: { next: 'stop', model: 'forget' },
  request_rejected: { next: 'confirm', model: 'forget' },
  reserve_held: { next: 'stop', model: 'forget' },
  aborted: { next: 'stop', model: 'forget' },
});

/** What the run loop does next after each reason (REASON_POLICY's `next`). */
export const POLICY: Readonly<Record<FailureReason, FailurePolicy>> = Object.freeze(
  Object.fromEntries(Object.entries(REASON_POLICY).map(([reason, p]) => [reason, p.next])) as Record<FailureReason, FailurePolicy>,
);

/**
 * The one decision of what a failure does to its model: the table's effect, except for timeouts. One
 * the request's deadline cut short (the attempt had less than its own timeout) says nothing about
 * the model and changes nothing; one where no answer token came within the attempt's own timeout
 * (`firstToken`) says the model is slow: it is demoted, not cooled. A stream that stops after its
 * first chunk (an idle timeout) is cooled.
 */
export function modelEffect(failure: Pick<ClassifiedFailure, 'reason'>, at: { cutByDeadline?: boolean; firstToken?: boolean } = {}): ModelEffect {
  if (failure.reason === 'timeout' && at.cutByDeadline) return 'keep';
  if (failure.reason === 'timeout' && at.firstToken) return 'demote';
  return REASON_POLICY[failure.reason].model;
}

/** Whether the account (not the model) refused the call: a per-minute or daily 429. */
export function refusedByAccount(reason: FailureReason): boolean {
  return REASON_POLICY[reason].account === true;
}

const DESCRIPTIONS: Readonly<Record<FailureReason, string>> = Object.freeze({
  account_minute_limit: 'hit the account per-minute free-model limit',
  account_daily_limit: 'hit the account daily free-model limit',
  model_rate_limit: 'was rate limited upstream',
  auth: 'rejected the API key',
  billing: 'was refused for billing (negative balance or key spend limit)',
  moderation: 'flagged the input in moderation',
  model_gone: 'is no longer available',
  excluded_by_settings: "is ruled out by the account's OpenRouter settings",
  context_too_long: 'has too small a context window for this prompt',
  unsupported_input: 'cannot take this input',
  invalid_output: 'returned unusable output',
  timeout: 'timed out',
  server_error: 'had a server error',
  network_error: 'could not be reached',
  truncated: 'cut its answer off',
  bad_request: 'rejected the request as invalid',
  request_rejected: 'refused the request',
  reserve_held: "was not called: the day's last free calls are held for replies",
  aborted: 'was aborted by the caller',
});

/** A short user-facing phrase that follows a model id: `"qwen/qwen3-coder:free was rate limited upstream"`. */
export function reasonDescription(reason: FailureReason): string {
  return DESCRIPTIONS[reason] ?? 'failed';
}
