import { nextUtcMidnight } from '../limits/time.js';
import type { ClassifiedFailure, FailureReason } from '../types.js';
import { asRecord, rawMessage, toCode, type ErrorObject } from './error-body.js';
import { parseRateLimitHeaders, parseRetryTime, type HeaderSource } from './headers.js';

/**
 * OpenRouter's error wording → one reason. This is the file to change when OpenRouter rewords an
 * error: every text, marker and status rule lives here, nothing about error classes or transports.
 */


/**
 * The core mapping. `status` is the HTTP status (200 for an error inside a 200 body); the inner
 * `code` decides when the status is 200 (or missing).
 */
/** What providers and OpenRouter say when the image in a request cannot be used. */
const IMAGE_PROBLEM =
  /failed to fetch image|(invalid|unsupported|corrupt(ed)?|unreadable|malformed) image|image (could not|cannot|can't) be (fetched|downloaded|decoded|processed|read|loaded)|unable to (download|fetch|load|process) (the )?image|not a valid image|image_url/;

export function classifyErrorObject(status: number | undefined, err: ErrorObject, headers: HeaderSource, now: number): ClassifiedFailure {
  const meta = asRecord(err.metadata) ?? {};
  const innerCode = toCode(err.code);
  const code = status === undefined || status === 200 ? (innerCode ?? status) : status;

  const baseMessage = typeof err.message === 'string' && err.message ? err.message : code ? `HTTP ${code}` : 'Error';
  const rawText = rawMessage(meta.raw);
  const provider = typeof meta.provider_name === 'string' && meta.provider_name ? meta.provider_name : undefined;
  const availability = asRecord(meta.availability);
  const availabilityCode = typeof availability?.code === 'string' ? availability.code : '';
  const limitSource = typeof meta.limit_source === 'string' ? meta.limit_source : '';

  let message = baseMessage;
  if (rawText && rawText !== baseMessage) message = `${baseMessage}: ${rawText}`;
  if (provider) message = `${message} [${provider}]`;

  // Everything we match against, lower-cased once.
  const text = `${baseMessage}\n${rawText ?? ''}`.toLowerCase();

  // Rate-limit numbers and the retry time: real headers first, then the metadata mirror.
  const mirror = asRecord(meta.headers) as HeaderSource;
  const real = parseRateLimitHeaders(headers, now);
  const mirrored = parseRateLimitHeaders(mirror, now);
  const rl = {
    limit: real.limit ?? mirrored.limit,
    remaining: real.remaining ?? mirrored.remaining,
    resetAt: real.resetAt ?? mirrored.resetAt,
    retryAfterMs: real.retryAfterMs ?? mirrored.retryAfterMs,
  };
  const hintedRetryAt = firstFuture(now, [
    rl.retryAfterMs !== undefined ? now + rl.retryAfterMs : undefined,
    rl.resetAt,
    parseRetryTime(availability?.retry_after, now),
    retryAfterFromText(text, now),
  ]);

  const out = (reason: FailureReason, retryAt: number | undefined = hintedRetryAt): ClassifiedFailure => {
    const f: ClassifiedFailure = { reason, message };
    if (status !== undefined) f.status = status;
    if (retryAt !== undefined) f.retryAt = retryAt;
    if (rl.limit !== undefined) f.rateLimitLimit = rl.limit;
    if (rl.remaining !== undefined) f.rateLimitRemaining = rl.remaining;
    return f;
  };

  // Account-wide limits first: their markers are unambiguous whatever the status.
  if (text.includes('free-models-per-day') || limitSource === 'openrouter_free_tier_daily') {
    return out('account_daily_limit', hintedRetryAt ?? nextUtcMidnight(now));
  }
  if (text.includes('free-models-per-min')) return out('account_minute_limit');

  if (availabilityCode === 'free_variant_ended') return out('model_gone');

  // A 429 status or inner code that is not an account marker: this model's capacity. Checked before
  // the context rule so a provider's "too many tokens per minute" 429 is not read as context overflow.
  if (code === 429) return out('model_rate_limit');

  // Context overflow can arrive as a 400, a 413 or a relayed provider error.
  if (
    code === 413 ||
    /context[ _-]?length|maximum context|context window|too many tokens|context_length_exceeded|prompt is too long|reduce the length of the (messages|prompt)/.test(
      text,
    )
  ) {
    return out('context_too_long');
  }

  // Per-model capacity in other wrappings: the same texts relayed in 200 bodies, 400s or 5xx.
  if (
    /temporarily rate-limited upstream|high demand for|limit_rpm\/|limit_rpd\/|are at capacity|rate limit exceeded|rate-limited|too many requests/.test(
      text,
    ) ||
    limitSource === 'upstream_provider_shared_pool' ||
    limitSource === 'openrouter_shared_capacity' ||
    availabilityCode === 'capacity_exhausted'
  ) {
    return out('model_rate_limit');
  }

  if (code === 401) return out('auth');
  if (code === 402) return out('billing');
  if (code === 403) {
    // "Key limit exceeded" is the spend cap set on this API key in OpenRouter settings: it applies to
    // every model on the key, so it behaves like an empty balance (stop), not like a model problem.
    if (/key limit exceeded/.test(text)) return out('billing');
    if (/moderation|flagged/.test(text) || meta.flagged_input !== undefined || Array.isArray(meta.reasons)) {
      return out('moderation');
    }
    // Other 403s seen from providers (region blocks, provider guardrails) are per-endpoint refusals:
    // another model may accept the request, and this one is fine for other requests.
    return out('unsupported_input');
  }
  if (code === 404) {
    // The privacy setting excludes every free endpoint: the user must change it; rotating won't help.
    if (/data policy/.test(text)) return out('bad_request');
    if (/support|image input|tool use/.test(text) && /no endpoints found (that|which)/.test(text)) {
      return out('unsupported_input');
    }
    if (/no endpoints found|free variant|model .*(not found|does not exist)/.test(text)) return out('model_gone');
    // A 404 that names no model is the endpoint itself missing, usually a base URL without /api/v1.
    // Calling it model_gone would empty the pool one model at a time; stop and say where to look.
    return {
      ...out('bad_request'),
      message: `HTTP 404 from the API itself, not from a model: check that OPENROUTER_BASE_URL ends in /api/v1 (${message})`,
    };
  }
  if (/is not a valid model id|model .*does not exist|no such model/.test(text)) return out('model_gone');
  if (/does not support (image|vision|tool)|image input is not supported|no endpoints found that support/.test(text)) {
    return out('unsupported_input');
  }
  if (code === 408) return out('timeout');
  if (code !== undefined && code >= 500) return out('server_error');
  if ((code === 400 || code === 422) && IMAGE_PROBLEM.test(text)) {
    // The image itself is unusable (not an image, missing, unreachable): every model would refuse it,
    // and it says nothing about this one, so no cooldown and no rotation.
    return out('bad_request');
  }
  if (code === 400 || code === 422) {
    // "Provider returned error" is OpenRouter relaying one provider's failure; another may succeed.
    if (/provider returned error/.test(text)) return out('server_error');
    return out('bad_request');
  }
  if (code === 409) return out('server_error');
  if (code !== undefined && code >= 400) return out('bad_request');
  // An error object in a 2xx body without a telling code: a provider failure relayed to us.
  return out('server_error');
}

/** "Retry after 40 seconds", "retry in 2s", "try again in 500ms". */
function retryAfterFromText(text: string, now: number): number | undefined {
  const m = /(?:retry|try again)\s+(?:after|in)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|secs|seconds?|m|min|mins|minutes?)\b/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const unit = m[2] ?? 's';
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : unit.startsWith('m') ? 60_000 : 1000;
  return Math.round(now + n * factor);
}

function firstFuture(now: number, candidates: Array<number | undefined>): number | undefined {
  for (const c of candidates) if (c !== undefined && Number.isFinite(c) && c > now) return c;
  return undefined;
}
