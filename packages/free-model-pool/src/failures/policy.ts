import type { FailurePolicy, FailureReason } from '../types.js';

/**
 * What the run loop does after each kind of failure.
 *
 * | reason               | policy | why |
 * |----------------------|--------|-----|
 * | account_minute_limit | wait   | The per-minute cap is account-wide: every free model shares it, so rotating only burns quota. Wait for the window (bounded by maxWaitMs). |
 * | account_daily_limit  | stop_free | Account-wide until UTC midnight (or the server's reset). No other free model can answer: every free candidate is skipped without a call (a paid model the user pinned may still answer), then the request fails fast naming the reset. |
 * | model_rate_limit     | rotate | Upstream / shared capacity of one model ("High demand for X", "rate-limited upstream"): another model has its own capacity. |
 * | auth                 | stop   | 401: the key is wrong or disabled; every model would answer the same. |
 * | billing              | stop   | 402 negative balance (blocks even free models) or 403 key spend limit: account-wide. |
 * | moderation           | rotate | 403 flagged by one provider's moderation; another model/provider may not moderate the same way. |
 * | model_gone           | rotate | 404 / unknown id / free variant ended: this model left; the others are unaffected. |
 * | excluded_by_settings | rotate | The account's privacy or provider routing settings rule out this model's endpoints: it leaves the pool, and the error names the setting. |
 * | context_too_long     | rotate | This model's window is too small; a larger one may fit. |
 * | unsupported_input    | rotate | This model cannot take the input (image, tools); another can. |
 * | invalid_output       | rotate | Bad JSON or empty text from this model; another model may follow the format. |
 * | timeout              | rotate | This model/provider is slow right now. |
 * | server_error         | rotate | 5xx or a relayed provider error: specific to this model's provider. |
 * | network_error        | rotate | No response at all; often transient. Rotating also retries the network once more. |
 * | truncated            | rotate | The answer stopped without a finish reason: this model's provider cut it off. |
 * | bad_request          | stop   | The request itself is wrong, for certain (not the API at all, an image the provider could not use); another model will not fix it. |
 * | request_rejected     | confirm | A 4xx naming no limit, key, credit or model problem: most likely the request. One other model, and no more, tells the two apart; neither is cooled. |
 * | reserve_held         | stop   | A background call while the day's last free calls are held for replies: no free model may take it (raised before any call). |
 * | aborted              | stop   | The caller asked us to stop. |
 */
export const POLICY: Readonly<Record<FailureReason, FailurePolicy>> = Object.freeze({
  account_minute_limit: 'wait',
  account_daily_limit: 'stop_free',
  model_rate_limit: 'rotate',
  auth: 'stop',
  billing: 'stop',
  moderation: 'rotate',
  model_gone: 'rotate',
  excluded_by_settings: 'rotate',
  context_too_long: 'rotate',
  unsupported_input: 'rotate',
  invalid_output: 'rotate',
  timeout: 'rotate',
  server_error: 'rotate',
  network_error: 'rotate',
  truncated: 'rotate',
  bad_request: 'stop',
  request_rejected: 'confirm',
  reserve_held: 'stop',
  aborted: 'stop',
});

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

/**
 * Whether a failure puts the model on the cooldown ladder. Transient, model-level trouble does
 * (rate limits, timeouts, 5xx, network, cut-off answers, bad output — the last one only briefly). Request-specific
 * mismatches (moderation, unsupported input, context too long) do not: the model is fine for other
 * requests. model_gone and excluded_by_settings remove the model instead. Account-level reasons, and
 * a request's fault (bad_request, request_rejected), never touch a model.
 */
export function cooldownApplies(reason: FailureReason): boolean {
  switch (reason) {
    case 'model_rate_limit':
    case 'timeout':
    case 'server_error':
    case 'network_error':
    case 'truncated':
    case 'invalid_output':
      return true;
    default:
      return false;
  }
}
