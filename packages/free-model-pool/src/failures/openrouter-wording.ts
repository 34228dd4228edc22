import type { FailureReason } from '../types.js';

/**
 * OpenRouter's (and its providers') wording → a reason, for bodies whose structured fields said
 * nothing. This is the file to change when OpenRouter rewords an error that carries no fields; a
 * wording nobody listed here falls to the status defaults in classify-error-object.ts, which never
 * cool a model for a request's fault.
 */

/** What providers and OpenRouter say when the image in a request cannot be used. */
const IMAGE_PROBLEM =
  /failed to fetch image|(invalid|unsupported|corrupt(ed)?|unreadable|malformed) image|image (could not|cannot|can't) be (fetched|downloaded|decoded|processed|read|loaded)|(unable to|could not|couldn't|failed to) (download|fetch|load|process|retrieve|read) (the )?image|not a valid image|image_url/;

/** A request the model cannot take (a kind of input, a tool, a parameter), as opposed to one nobody can. */
export const INPUT_KIND = /image|vision|modalit|tool|function call|parameter|response_format|structured output|json schema|audio|video|file input|pdf/;

/** The privacy page, named whenever the account's data policy rules a model out. */
export const PRIVACY_SETTINGS_URL = 'https://openrouter.ai/settings/privacy';
/** What leads the message of a model the account's privacy settings rule out, whether fields or words said so. */
export const PRIVACY_LEAD = `the account's privacy settings rule out every endpoint of this model; change them at ${PRIVACY_SETTINGS_URL}`;
/** Where the account's provider routing (allowed and ignored providers, quantizations) is set. */
export const ROUTING_SETTINGS_URL = 'https://openrouter.ai/settings/preferences';

/** The account's own limits, recognisable in any status (also inside a 200 body). */
function accountWords(text: string): FailureReason | undefined {
  if (text.includes('free-models-per-day')) return 'account_daily_limit';
  if (text.includes('free-models-per-min')) return 'account_minute_limit';
  return undefined;
}

/** One model's capacity, relayed in 429s, 200 bodies, 400s or 5xx. */
const MODEL_CAPACITY = /temporarily rate-limited upstream|high demand for|limit_rpm\/|limit_rpd\/|are at capacity|rate limit exceeded|rate-limited|too many requests/;

const CONTEXT =
  /context[ _-]?length|maximum context|context window|too many tokens|context_length_exceeded|prompt is too long|reduce the length of the (messages|prompt)/;

/** The model (not the request) cannot take this input: a parameter, modality or tool it lacks. */
const MODEL_CANNOT_TAKE =
  /does not support (image|vision|tool|function|parameter|the parameter|response_format|structured)|image input is not supported|no endpoints found that support|(parameter|modality|input type) .*(is )?not supported (by|for) (this|the) model|unsupported (parameter|modality) for (this|the) model/;

/**
 * The reason the words give, or undefined when they say nothing we know. `code` is the HTTP status
 * (the inner code for an error inside a 200 body); `text` the message and `metadata.raw`, lower-cased.
 */
export function reasonFromWords(code: number | undefined, text: string): FailureReason | undefined {
  const account = accountWords(text);
  if (account) return account;
  // A 429 that names no account limit is this model's capacity. Checked before the context words so
  // a provider's "too many tokens per minute" 429 is not read as a context overflow.
  if (code === 429) return 'model_rate_limit';
  if (CONTEXT.test(text)) return 'context_too_long';
  if (MODEL_CAPACITY.test(text)) return 'model_rate_limit';
  if (code === 403) {
    // "Key limit exceeded" is the spend cap set on this API key: it applies to every model on the
    // key, so it behaves like an empty balance (stop), not like a model problem.
    if (/key limit exceeded/.test(text)) return 'billing';
    if (/moderation|flagged/.test(text)) return 'moderation';
  }
  if (code === 404) {
    if (/data policy|privacy/.test(text)) return 'excluded_by_settings';
    if (/no endpoints found (that|which)/.test(text) && INPUT_KIND.test(text)) return 'unsupported_input';
    if (/no endpoints found|free variant|model .*(not found|does not exist)|deprecated|no longer (available|served|free)/.test(text)) return 'model_gone';
  }
  if (/is not a valid model id|model .*does not exist|no such model/.test(text)) return 'model_gone';
  if (MODEL_CANNOT_TAKE.test(text)) return 'unsupported_input';
  // The image itself is unusable (not an image, missing, unreachable): every model would refuse it,
  // and it says nothing about this one.
  if ((code === 400 || code === 422) && IMAGE_PROBLEM.test(text)) return 'bad_request';
  return undefined;
}

/** The privacy-setting words of a 404, for the message that names the setting. */
export function mentionsPrivacy(text: string): boolean {
  return /data policy|privacy/.test(text);
}

/** "Retry after 40 seconds", "retry in 2s", "try again in 500ms": a wait stated only in words. */
export function retryAfterFromText(text: string, now: number): number | undefined {
  const m = /(?:retry|try again)\s+(?:after|in)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|secs|seconds?|m|min|mins|minutes?)\b/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (!Number.isFinite(n)) return undefined;
  const unit = m[2] ?? 's';
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : unit.startsWith('m') ? 60_000 : 1000;
  return Math.round(now + n * factor);
}
