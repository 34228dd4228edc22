import { nextUtcMidnight } from '../limits/time.js';
import type { ClassifiedFailure, FailureReason } from '../types.js';
import { asRecord, toCode, type ErrorObject } from './error-body.js';
import { readErrorFields, type ErrorFields } from './error-fields.js';
import { reasonFromErrorType, reasonFromFields } from './field-rules.js';
import { parseNonNegativeNumber, parseRateLimitHeaders, parseRetryTime, type HeaderSource } from './headers.js';
import { mentionsPrivacy, PRIVACY_LEAD, reasonFromWords, retryAfterFromText } from './openrouter-wording.js';

/**
 * One OpenRouter error object → one reason. Read in this order, each step only when the ones
 * before it said nothing:
 * 1. the status, where it decides alone (401 the key, 402 credits);
 * 2. the structured fields that say what happened and to whom (field-rules.ts):
 *    `availability.code`, `limit_source`, `provider_error_code`, a moderation verdict;
 * 3. the words, for bodies without such fields (openrouter-wording.ts);
 * 4. `error_type`, a coarser category, for bodies whose words said nothing either;
 * 5. the status's default: a 429 is the model's limit, a 5xx the model's provider, any other 4xx
 *    the request's (`request_rejected`: never a cooldown, one other model tells which).
 * The rate-limit headers (real, then mirrored in `metadata.headers`) give the numbers and the
 * time; they do not decide whose limit it is: a model's own daily limit relayed from a provider
 * has carried the same headers as the account's.
 */
export function classifyErrorObject(status: number | undefined, err: ErrorObject, headers: HeaderSource, now: number): ClassifiedFailure {
  const meta = asRecord(err.metadata) ?? {};
  const fields = readErrorFields(err);
  const code = status === undefined || status === 200 ? (toCode(err.code) ?? status) : status;

  const baseMessage = typeof err.message === 'string' && err.message ? err.message : code ? `HTTP ${code}` : 'Error';
  let message = baseMessage;
  if (fields.raw && fields.raw !== baseMessage) message = `${baseMessage}: ${fields.raw}`;
  if (fields.providerName) message = `${message} [${fields.providerName}]`;
  // Everything the words are read from, lower-cased once.
  const text = `${baseMessage}\n${fields.raw ?? ''}`.toLowerCase();

  const mirror = asRecord(meta.headers) as HeaderSource;
  const real = parseRateLimitHeaders(headers, now);
  const mirrored = parseRateLimitHeaders(mirror, now);
  const limit = real.limit ?? mirrored.limit;
  const remaining = real.remaining ?? mirrored.remaining;
  const retryAt = statedRetryAt(fields, real.retryAfterMs ?? mirrored.retryAfterMs, real.resetAt ?? mirrored.resetAt, text, now);

  const out = (reason: FailureReason, lead?: string): ClassifiedFailure => {
    const f: ClassifiedFailure = { reason, message: lead ? `${lead} (${message})` : message };
    if (status !== undefined) f.status = status;
    const at = reason === 'account_daily_limit' ? (retryAt ?? nextUtcMidnight(now)) : retryAt;
    if (at !== undefined) f.retryAt = at;
    if (limit !== undefined) f.rateLimitLimit = limit;
    if (remaining !== undefined) f.rateLimitRemaining = remaining;
    return f;
  };

  if (code === 401) return out('auth');
  if (code === 402) return out('billing');
  const byFields = reasonFromFields(code, fields, text);
  if (byFields) return out(byFields.reason, byFields.lead);
  const byWords = reasonFromWords(code, text);
  if (byWords === 'excluded_by_settings' && mentionsPrivacy(text)) {
    return out(byWords, PRIVACY_LEAD);
  }
  if (byWords) return out(byWords);
  return out(reasonFromErrorType(code, fields) ?? statusDefault(code));
}

/** What a status means when neither fields nor words said more. */
function statusDefault(code: number | undefined): FailureReason {
  if (code === undefined || (code >= 200 && code < 300)) return 'server_error'; // an error relayed inside a 200 body
  if (code === 429) return 'model_rate_limit';
  if (code === 413) return 'context_too_long';
  if (code === 408) return 'timeout';
  if (code === 409 || code >= 500) return 'server_error';
  if (code >= 400) return 'request_rejected';
  return 'server_error';
}

/**
 * When trying again makes sense: the latest of the waits the server stated (`retry_after_seconds`,
 * `availability.retry_after`, `Retry-After`) and `X-RateLimit-Reset`, since each is a floor. A wait
 * given only in words ("Retry after 40 seconds") counts when nothing structured stated one.
 */
function statedRetryAt(f: ErrorFields, retryAfterMs: number | undefined, resetAt: number | undefined, text: string, now: number): number | undefined {
  const seconds = parseNonNegativeNumber(f.retryAfterSeconds);
  const stated = [
    seconds !== undefined ? now + Math.round(seconds * 1000) : undefined,
    parseRetryTime(f.availability?.retryAfter, now),
    retryAfterMs !== undefined ? now + retryAfterMs : undefined,
    resetAt,
  ].filter((t): t is number => t !== undefined && Number.isFinite(t) && t > now);
  return stated.length > 0 ? Math.max(...stated) : retryAfterFromText(text, now);
}
