import { APICallError, RetryError } from 'ai';
import { FreeModelPoolError } from '../errors.js';
import type { ClassifiedFailure, FailureReason } from '../types.js';
import { parseNonNegativeNumber, parseRateLimitHeaders, parseRetryAfter, type HeaderSource } from './headers.js';
import { redactSecrets } from './redact.js';

/**
 * Turns anything an attempt can throw (or a raw response the pool parsed itself) into exactly one
 * `FailureReason`, plus the retry time and rate-limit numbers the limits layer needs.
 *
 * Inputs understood:
 * - ai@7 `APICallError` (HTTP errors; status 200 with `data` = the inner error object for an error
 *   inside a 200 body), `RetryError` (unwrapped to `lastError`), `StreamProviderError`;
 * - `NoObjectGeneratedError`, `AI_JSONParseError`, `NoOutputGeneratedError`, `EmptyResponseBodyError`,
 *   `NoContentGeneratedError`, `TypeValidationError` → invalid_output (unless a cause says more);
 * - `TimeoutError` → timeout, `AbortError` → aborted (timeout when its reason/cause is a TimeoutError
 *   or the caller's own signal is not aborted);
 * - `TypeError: fetch failed` and socket error codes → network_error;
 * - plain `{status, headers, body}` raw responses, `{error:{…}}` bodies and bare `{code, message}`
 *   error objects (what the OpenRouter provider puts in a stream `error` part).
 */

export interface ClassifyContext {
  /** Clock for relative retry hints; default `Date.now()`. */
  now?: number;
  /** The attempt wanted JSON: plain `SyntaxError`s and schema validation errors mean invalid_output. */
  expectJson?: boolean;
  /** The caller's own signal. An abort while it is *not* aborted was our attempt timeout. */
  callerSignal?: AbortSignal;
  /** Extra strings to scrub from messages (pass the API key). */
  secrets?: readonly (string | undefined)[];
}

/** Raw response form the pool can pass when it parsed a response itself. */
export interface RawResponseLike {
  status: number;
  headers?: HeaderSource;
  /** Parsed JSON or the body text. */
  body?: unknown;
}

/** How deep `.cause` / `lastError` chains are followed. */
const MAX_CAUSE_DEPTH = 8;
/** Longest message kept in a ClassifiedFailure; provider `raw` blobs can be huge. */
const MAX_MESSAGE_LENGTH = 600;

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'ConnectionRefused',
  'ConnectionClosed',
  'FailedToOpenSocket',
]);
/** undici codes that mean the server connected but did not answer in time. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

const INVALID_OUTPUT_NAMES = new Set([
  'AI_NoObjectGeneratedError',
  'AI_JSONParseError',
  'AI_NoOutputGeneratedError',
  'AI_EmptyResponseBodyError',
  'AI_NoContentGeneratedError',
  'AI_TypeValidationError',
  'AI_InvalidResponseDataError',
]);

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Classifies any thrown value (or raw response). Never throws. */
export function classifyFailure(error: unknown, ctx: ClassifyContext = {}): ClassifiedFailure {
  const now = ctx.now ?? Date.now();
  try {
    const chain = causeChain(error);
    // 1. Anything carrying an HTTP answer is the most specific evidence.
    for (const node of chain) {
      const http = classifyHttpNode(node, now);
      if (http) return finish(http, ctx);
    }
    // 2. Our own errors pass through with their reason.
    for (const node of chain) {
      if (FreeModelPoolError.isInstance(node)) {
        return finish({ reason: node.reason, status: node.status, message: node.message, retryAt: node.retryAt }, ctx);
      }
    }
    // 3. Timeouts and aborts.
    for (const node of chain) {
      const t = classifyAbortOrTimeout(node, chain, ctx);
      if (t) return finish(t, ctx);
    }
    // 4. No response at all.
    for (const node of chain) {
      const n = classifyNetwork(node);
      if (n) return finish(n, ctx);
    }
    // 5. The model answered, but not usefully; SDK usage errors.
    for (const node of chain) {
      const o = classifyOther(node, ctx);
      if (o) return finish(o, ctx);
    }
    return finish({ reason: 'server_error', message: messageOf(error) || 'Unknown error' }, ctx);
  } catch (e) {
    // Classification must never be the thing that crashes a request.
    return finish({ reason: 'server_error', message: `Unclassifiable error: ${messageOf(e)}` }, ctx);
  }
}

/**
 * Classifies an HTTP response body the pool parsed itself. For 2xx returns undefined unless the
 * body carries an error (top-level `error`, `choices[0].error`, or `finish_reason: "error"`).
 * For non-2xx always returns a failure. `body` may be parsed JSON or text.
 */
export function classifyResponseBody(
  status: number,
  body: unknown,
  headers?: HeaderSource,
  opts: { now?: number; secrets?: readonly (string | undefined)[] } = {},
): ClassifiedFailure | undefined {
  const now = opts.now ?? Date.now();
  const parsed = parseBody(body);
  const isOk = status >= 200 && status < 300;
  if (isOk) {
    const inner = findErrorInSuccessBody(parsed);
    if (!inner) return undefined;
    return finish(classifyErrorObject(status, inner, headers, now), { secrets: opts.secrets });
  }
  const errObj = extractErrorObject(parsed) ?? {
    message: typeof body === 'string' && body.trim() !== '' ? body : `HTTP ${status}`,
  };
  return finish(classifyErrorObject(status, errObj, headers, now), { secrets: opts.secrets });
}

// ---------------------------------------------------------------------------------------------
// The HTTP rules
// ---------------------------------------------------------------------------------------------

/** `{code, message, metadata}` as OpenRouter sends it (fields loosely typed on purpose). */
interface ErrorObject {
  code?: unknown;
  message?: unknown;
  metadata?: unknown;
  type?: unknown;
}

type Draft = ClassifiedFailure;

/**
 * The core mapping. `status` is the HTTP status (200 for an error inside a 200 body); the inner
 * `code` decides when the status is 200 (or missing).
 */
function classifyErrorObject(status: number | undefined, err: ErrorObject, headers: HeaderSource, now: number): Draft {
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
    availabilityRetryAt(availability?.retry_after, now),
    retryAfterFromText(text, now),
  ]);

  const out = (reason: FailureReason, retryAt: number | undefined = hintedRetryAt): Draft => {
    const f: Draft = { reason, message };
    if (status !== undefined) f.status = status;
    if (retryAt !== undefined) f.retryAt = retryAt;
    if (rl.limit !== undefined) f.rateLimitLimit = rl.limit;
    if (rl.remaining !== undefined) f.rateLimitRemaining = rl.remaining;
    return f;
  };

  // Account-wide limits first: their markers are unambiguous whatever the status.
  if (text.includes('free-models-per-day') || limitSource === 'openrouter_free_tier_daily') {
    return out('account_daily_limit', hintedRetryAt ?? nextUtcMidnightMs(now));
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
    return { ...out('bad_request'), message: `${message} (HTTP 404 from the API itself: check that OPENROUTER_BASE_URL ends in /api/v1)` };
  }
  if (/is not a valid model id|model .*does not exist|no such model/.test(text)) return out('model_gone');
  if (/does not support (image|vision|tool)|image input is not supported|no endpoints found that support/.test(text)) {
    return out('unsupported_input');
  }
  if (code === 408) return out('timeout');
  if (code !== undefined && code >= 500) return out('server_error');
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

// ---------------------------------------------------------------------------------------------
// Error-shape detection
// ---------------------------------------------------------------------------------------------

function classifyHttpNode(node: unknown, now: number): Draft | undefined {
  if (APICallError.isInstance(node)) {
    const status = typeof node.statusCode === 'number' ? node.statusCode : undefined;
    if (status === undefined) return undefined; // "Cannot connect to API": handled as network
    const headers = node.responseHeaders as HeaderSource;
    const fromData = extractErrorObject(node.data) ?? (status === 200 ? asErrorObject(node.data) : undefined);
    const fromBody = extractErrorObject(parseBody(node.responseBody));
    const errObj = fromData ?? fromBody;
    if (errObj) return classifyErrorObject(status, errObj, headers, now);
    if (status >= 200 && status < 300) {
      // "Invalid JSON response" / "Failed to process successful response": the answer was unusable.
      return { reason: 'invalid_output', status, message: node.message || 'Unparseable response' };
    }
    const bodyText = typeof node.responseBody === 'string' && node.responseBody.trim() ? node.responseBody : undefined;
    return classifyErrorObject(status, { message: bodyText ?? node.message ?? `HTTP ${status}` }, headers, now);
  }
  if (isStreamProviderError(node)) {
    const status = typeof node.statusCode === 'number' ? node.statusCode : 200;
    const errObj = extractErrorObject(node.data) ?? asErrorObject(node.data) ?? { code: node.code, message: node.message };
    if (errObj.code === undefined && node.code !== undefined) errObj.code = node.code;
    return classifyErrorObject(status, errObj, undefined, now);
  }
  if (isRawResponse(node)) {
    const body = parseBody(node.body);
    const ok = node.status >= 200 && node.status < 300;
    if (ok) {
      const inner = findErrorInSuccessBody(body);
      return inner ? classifyErrorObject(node.status, inner, node.headers, now) : undefined;
    }
    const errObj = extractErrorObject(body) ?? {
      message: typeof node.body === 'string' && node.body.trim() ? node.body : `HTTP ${node.status}`,
    };
    return classifyErrorObject(node.status, errObj, node.headers, now);
  }
  // A parsed body `{error:{…}}` or a bare stream error object `{code, message}`.
  if (isPlainObject(node)) {
    const inner = findErrorInSuccessBody(node) ?? (looksLikeErrorObject(node) ? (node as ErrorObject) : undefined);
    if (inner) return classifyErrorObject(200, inner, undefined, now);
  }
  return undefined;
}

function classifyAbortOrTimeout(node: unknown, chain: unknown[], ctx: ClassifyContext): Draft | undefined {
  const name = nameOf(node);
  if (name === 'TimeoutError') return { reason: 'timeout', message: messageOf(node) || 'The attempt timed out' };
  if (name === 'AbortError' || name === 'ResponseAborted') {
    // An abort caused by a timeout (reason or cause is a TimeoutError) is a timeout.
    const reason = (node as { reason?: unknown }).reason;
    const viaTimeout = nameOf(reason) === 'TimeoutError' || chain.some((n) => nameOf(n) === 'TimeoutError');
    // Our own attempt-timeout signal aborted while the caller's signal did not: a timeout too.
    const notTheCaller = ctx.callerSignal !== undefined && !ctx.callerSignal.aborted;
    if (viaTimeout || notTheCaller) return { reason: 'timeout', message: messageOf(node) || 'The attempt timed out' };
    return { reason: 'aborted', message: messageOf(node) || 'Aborted' };
  }
  const code = codeOf(node);
  if (code && TIMEOUT_CODES.has(code)) return { reason: 'timeout', message: messageOf(node) || code };
  return undefined;
}

function classifyNetwork(node: unknown): Draft | undefined {
  const code = codeOf(node);
  if (code && NETWORK_CODES.has(code)) return { reason: 'network_error', message: `${messageOf(node) || 'Network error'}`.trim() };
  const msg = messageOf(node).toLowerCase();
  if (node instanceof TypeError && (msg === 'fetch failed' || msg === 'failed to fetch')) {
    return { reason: 'network_error', message: messageOf(node) };
  }
  if (APICallError.isInstance(node) && node.statusCode === undefined) {
    return { reason: 'network_error', message: node.message || 'Cannot connect to API' };
  }
  if (/socket hang up|other side closed|network error|cannot connect to api/.test(msg)) {
    return { reason: 'network_error', message: messageOf(node) };
  }
  return undefined;
}

function classifyOther(node: unknown, ctx: ClassifyContext): Draft | undefined {
  const name = nameOf(node);
  if (name && INVALID_OUTPUT_NAMES.has(name)) return { reason: 'invalid_output', message: messageOf(node) || name };
  if (ctx.expectJson && (node instanceof SyntaxError || name === 'ZodError')) {
    return { reason: 'invalid_output', message: messageOf(node) || 'Invalid JSON' };
  }
  if (name === 'AI_LoadAPIKeyError') return { reason: 'auth', message: messageOf(node) };
  if (name === 'AI_UnsupportedFunctionalityError') return { reason: 'unsupported_input', message: messageOf(node) };
  if (name === 'AI_DownloadError' || name === 'AI_InvalidPromptError' || name === 'AI_InvalidArgumentError') {
    // The input itself is unusable (an image URL that cannot be fetched, a malformed prompt).
    return { reason: 'bad_request', message: messageOf(node) };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function finish(f: Draft, ctx: { secrets?: readonly (string | undefined)[] }): ClassifiedFailure {
  let message = redactSecrets(f.message || f.reason, ctx.secrets);
  if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
  const out: ClassifiedFailure = { reason: f.reason, message };
  if (f.status !== undefined) out.status = f.status;
  if (f.retryAt !== undefined) out.retryAt = f.retryAt;
  if (f.rateLimitLimit !== undefined) out.rateLimitLimit = f.rateLimitLimit;
  if (f.rateLimitRemaining !== undefined) out.rateLimitRemaining = f.rateLimitRemaining;
  return out;
}

/** The error, then `lastError` of retry errors and `.cause`s, bounded and cycle-safe. */
function causeChain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && out.length < MAX_CAUSE_DEPTH && !seen.has(current)) {
    seen.add(current);
    out.push(current);
    if (RetryError.isInstance(current) || nameOf(current) === 'AI_RetryError') {
      const last = (current as { lastError?: unknown }).lastError;
      if (last !== undefined) {
        current = last;
        continue;
      }
    }
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return out;
}

function isStreamProviderError(
  e: unknown,
): e is { statusCode?: number; code?: string | number; data?: unknown; message: string } {
  return nameOf(e) === 'AI_StreamProviderError';
}

function isRawResponse(e: unknown): e is RawResponseLike {
  return (
    isPlainObject(e) &&
    typeof (e as { status?: unknown }).status === 'number' &&
    ('body' in (e as object) || 'headers' in (e as object))
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function looksLikeErrorObject(v: unknown): boolean {
  const r = asRecord(v);
  return !!r && typeof r.message === 'string' && ('code' in r || 'metadata' in r);
}

function asErrorObject(v: unknown): ErrorObject | undefined {
  return looksLikeErrorObject(v) ? (v as ErrorObject) : undefined;
}

/** `{error:{…}}` → the inner object (also a bare `{error:"text"}`). */
function extractErrorObject(body: unknown): ErrorObject | undefined {
  const r = asRecord(body);
  if (!r || !('error' in r)) return undefined;
  const e = r.error;
  if (typeof e === 'string') return { message: e };
  const er = asRecord(e);
  if (!er) return undefined;
  return er as ErrorObject;
}

/** Error inside a 2xx body: top-level `error`, then `choices[0].error`, then `finish_reason: "error"`. */
function findErrorInSuccessBody(body: unknown): ErrorObject | undefined {
  const top = extractErrorObject(body);
  if (top) return top;
  const r = asRecord(body);
  const choices = r?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const c0 = asRecord(choices[0]);
  if (!c0) return undefined;
  const inner = asRecord(c0.error);
  if (inner) return inner as ErrorObject;
  if (c0.finish_reason === 'error') {
    return { message: 'The provider ended the response with finish_reason "error"' };
  }
  return undefined;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  const t = body.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return body;
  try {
    return JSON.parse(t);
  } catch {
    return body;
  }
}

/** Numeric code from `429` or `"429"`. */
function toCode(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^\d{3}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** `metadata.raw`: a string (often JSON-in-a-string) or an object; returns readable text. */
function rawMessage(raw: unknown, depth = 0): string | undefined {
  if (raw === undefined || raw === null || depth > 3) return undefined;
  if (typeof raw === 'string') {
    const parsed = parseBody(raw);
    if (parsed !== raw) return rawMessage(parsed, depth + 1) ?? raw;
    return raw.trim() || undefined;
  }
  const r = asRecord(raw);
  if (!r) return String(raw);
  if (typeof r.message === 'string') return r.message;
  if (r.error !== undefined) return rawMessage(r.error, depth + 1);
  try {
    return JSON.stringify(raw);
  } catch {
    return undefined;
  }
}

function availabilityRetryAt(v: unknown, now: number): number | undefined {
  if (typeof v === 'number' || (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v))) {
    const n = parseNonNegativeNumber(typeof v === 'number' ? v : v.trim());
    // Seconds, like Retry-After; an absolute epoch would be far larger.
    if (n === undefined) return undefined;
    if (n >= 1e11) return Math.round(n);
    if (n >= 1e9) return Math.round(n * 1000);
    return Math.round(now + n * 1000);
  }
  if (typeof v === 'string') {
    const ms = parseRetryAfter(v, now);
    return ms === undefined ? undefined : now + ms;
  }
  return undefined;
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

function nextUtcMidnightMs(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}

function nameOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const n = (e as { name?: unknown }).name;
  return typeof n === 'string' ? n : undefined;
}

function codeOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const c = (e as { code?: unknown }).code;
  return typeof c === 'string' ? c : undefined;
}

function messageOf(e: unknown): string {
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && e !== null) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  }
  try {
    return String(e);
  } catch {
    return '';
  }
}
