/**
 * Rate limits in each dialect: a model's own (its provider's, OpenRouter's shared capacity, every
 * provider full, an overloaded engine) and the account's (per minute, per day).
 */
import { dailyLimit, perMinuteLimit, sharedCapacityError, upstreamLimitError, type WireError } from '../wire-errors.js';
import { availability, body, mirroredRetryAfter, retryAfterField, retryAfterHeader, wire, type ErrorContext, type ErrorDialect } from './dialect.js';

/** The provider's own limit relayed by OpenRouter. Its body alone is also what an error inside a 200 carries. */
export function upstreamLimit(ctx: ErrorContext): WireError {
  const { model, provider, waitSeconds } = ctx;
  switch (ctx.dialect) {
    case 'captured':
      return wire(429, upstreamLimitError(model, provider), retryAfterHeader(waitSeconds));
    case 'structured':
      return wire(
        429,
        body(429, `${model} is busy at ${provider} at the moment.`, {
          provider_name: provider,
          is_byok: false,
          limit_source: 'upstream_provider_shared_pool',
          ...retryAfterField(waitSeconds),
          remedy_hint: 'Try again later, or bring your own provider key',
        }),
      );
    case 'terse':
      return wire(429, body(429, 'Provider returned error', { raw: 'back off', provider_name: provider, limit_source: 'upstream_provider_shared_pool', ...mirroredRetryAfter(waitSeconds) }));
  }
}

/** OpenRouter's own capacity for one free model. `limit` is the per-minute figure the captured words quote. */
export function sharedCapacity(ctx: ErrorContext, limit: number, uuid: string): WireError {
  const { model, waitSeconds } = ctx;
  switch (ctx.dialect) {
    case 'captured':
      return wire(429, sharedCapacityError(model, limit, uuid), retryAfterHeader(waitSeconds));
    case 'structured':
      return wire(
        429,
        body(429, `Demand for ${model} is more than OpenRouter can serve for it now.`, {
          provider_name: null,
          limit_source: 'openrouter_shared_capacity',
          ...retryAfterField(waitSeconds),
        }),
      );
    case 'terse':
      return wire(429, body(429, `cap: ${model}`, { limit_source: 'openrouter_shared_capacity', ...mirroredRetryAfter(waitSeconds) }));
  }
}

/** Every provider of the model is full (`availability.code: capacity_exhausted`). */
export function capacityExhausted(ctx: ErrorContext): WireError {
  const { model, waitSeconds } = ctx;
  switch (ctx.dialect) {
    case 'captured': {
      // The documented form states its wait in words too; 30 s when the scenario states none.
      const wait = waitSeconds ?? 30;
      return wire(
        429,
        body(429, `All providers for ${model} are at capacity. Retry after ${wait} seconds.`, undefined, {
          error_type: 'rate_limit_exceeded',
          http_status: 429,
          availability: availability('capacity_exhausted', model, true, wait),
        }),
        retryAfterHeader(wait),
      );
    }
    case 'structured':
      return wire(429, body(429, `Every host of ${model} is full.`, undefined, { availability: availability('capacity_exhausted', model, true, waitSeconds) }));
    case 'terse':
      return wire(429, body(429, 'full', { availability: availability('capacity_exhausted', model, true, waitSeconds) }));
  }
}

/** The provider's engine is overloaded (`provider_error_code: engine_overloaded`). */
export function overloaded(ctx: ErrorContext): WireError {
  const { model, provider, waitSeconds } = ctx;
  switch (ctx.dialect) {
    case 'captured':
      return wire(
        429,
        body(429, 'Provider returned error', { raw: 'Engine overloaded', provider_name: provider, provider_error_code: 'engine_overloaded' }),
        retryAfterHeader(waitSeconds),
      );
    case 'structured':
      return wire(
        429,
        body(429, `${provider} asks callers of ${model} to slow down.`, {
          provider_name: provider,
          provider_error_code: 'engine_overloaded',
          ...retryAfterField(waitSeconds),
        }),
      );
    case 'terse':
      return wire(429, body(429, 'try later', { provider_name: provider, provider_code: 'engine_overloaded', ...mirroredRetryAfter(waitSeconds) }));
  }
}

function rateLimitHeaders(limit: number, reset: number): Record<string, string> {
  return { 'X-RateLimit-Limit': String(limit), 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) };
}

/** The account's per-minute free-model limit: the X-RateLimit headers in every dialect, never a Retry-After. */
export function accountPerMinute(dialect: ErrorDialect, limit: number, reset: number): WireError {
  const headers = rateLimitHeaders(limit, reset);
  switch (dialect) {
    case 'captured':
      return perMinuteLimit(limit, reset);
    case 'structured':
      return wire(
        429,
        body(429, 'This account is sending free-model requests faster than its plan allows.', {
          headers,
          provider_name: null,
          limit_source: 'openrouter_free_tier_per_minute',
          remedy_hint: 'Wait for the next minute',
        }),
        headers,
      );
    case 'terse':
      return wire(429, body(429, 'slow down', { headers, limit_source: 'openrouter_free_tier_per_minute' }), headers);
  }
}

/** The account's daily free-model limit. */
export function accountDaily(dialect: ErrorDialect, limit: number, reset: number, highBalance: boolean): WireError {
  const headers = rateLimitHeaders(limit, reset);
  switch (dialect) {
    case 'captured':
      return dailyLimit(limit, reset, highBalance);
    case 'structured':
      return wire(
        429,
        body(429, "Today's free requests for this account are used up.", {
          headers,
          provider_name: null,
          limit_source: 'openrouter_free_tier_daily',
          remedy_hint: 'Wait for the daily reset',
        }),
        headers,
      );
    case 'terse':
      return wire(429, body(429, 'quota', { headers, limit_source: 'openrouter_free_tier_daily' }), headers);
  }
}
