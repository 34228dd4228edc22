/**
 * The error bodies OpenRouter really sends (wording, metadata and headers as seen live), built in
 * one place so their exact wording cannot drift between the places that send them.
 */

/** Real error bodies carry the account's user id; ours is an obviously fake one. */
export const SIM_USER_ID = 'user_2SIMULATOR000000000000000';

export interface WireError {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function errorBody(code: number, message: string, metadata?: Record<string, unknown>): Record<string, unknown> {
  return { error: { message, code, ...(metadata ? { metadata } : {}) }, user_id: SIM_USER_ID };
}

export function wireError(status: number, message: string, metadata?: Record<string, unknown>): WireError {
  return { status, body: errorBody(status, message, metadata) };
}

function rateLimitHeaders(limit: number, reset: number): Record<string, string> {
  return { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) };
}

/** Account-wide free-models-per-min. Headers and `metadata.headers` agree; no Retry-After. */
export function perMinuteLimit(limit: number, reset: number): WireError {
  const headers = rateLimitHeaders(limit, reset);
  return {
    status: 429,
    headers,
    body: errorBody(429, 'Rate limit exceeded: free-models-per-min. ', { headers, provider_name: null }),
  };
}

/** Account-wide free-models-per-day (or the -high-balance form after a $10 top-up). */
export function dailyLimit(limit: number, reset: number, highBalance: boolean): WireError {
  const headers = rateLimitHeaders(limit, reset);
  const body = highBalance
    ? errorBody(429, 'Rate limit exceeded: free-models-per-day-high-balance. ', {
        headers,
        provider_name: null,
        limit_source: 'openrouter_free_tier_daily',
        remedy_hint: 'Wait for the daily reset',
      })
    : errorBody(429, 'Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day', {
        headers,
        provider_name: null,
      });
  return { status: 429, headers, body };
}

/** The provider's own limit relayed by OpenRouter ("temporarily rate-limited upstream"). */
export function upstreamLimitError(model: string, provider: string): Record<string, unknown> {
  return errorBody(429, 'Provider returned error', {
    raw: `${model} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations`,
    provider_name: provider,
    is_byok: false,
    limit_source: 'upstream_provider_shared_pool',
    remedy_hint: 'Retry shortly, add your own provider key, or route to another provider',
  });
}

/** OpenRouter's per-model shared capacity ("High demand for X:free"). */
export function sharedCapacityError(model: string, limit: number, uuid: string): Record<string, unknown> {
  const slug = model.replace(/:free$/, '');
  return errorBody(
    429,
    `Rate limit exceeded: limit_rpm/${slug}/${uuid}. High demand for ${model} on OpenRouter - limited to ${limit} requests per minute. Please retry shortly.`,
    {
      provider_name: null,
      limit_source: 'openrouter_shared_capacity',
      remedy_hint: 'Retry shortly, or add your own provider key to use your own rate limits',
    },
  );
}

export function providerError(status: 502 | 503, provider: string): Record<string, unknown> {
  const raw =
    status === 502
      ? '{"error":{"message":"upstream connect error or disconnect/reset before headers"}}'
      : '{"error":{"message":"Service temporarily unavailable: all instances are busy"}}';
  return errorBody(status, 'Provider returned error', { raw, provider_name: provider, is_byok: false });
}

export function moderationError(model: string, provider: string, flaggedInput: string): WireError {
  return wireError(
    403,
    `${model} requires moderation on ${provider}. Your input was flagged for "violence". No credits were charged.`,
    { reasons: ['violence'], flagged_input: flaggedInput.slice(0, 100), provider_name: provider, model_slug: model },
  );
}

export function goneError(model: string): WireError {
  return wireError(404, `No endpoints found for ${model}.`);
}

export function contextTooLong(maxContext: number, requested: number, inputTokens: number, outputTokens: number): WireError {
  return wireError(
    400,
    `This endpoint's maximum context length is ${maxContext} tokens. However, you requested about ${requested} tokens (${inputTokens} of text input, ${outputTokens} in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`,
  );
}
