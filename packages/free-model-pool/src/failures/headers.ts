/**
 * Rate-limit header parsing: a small pure function, tolerant of junk (junk → undefined, never NaN).
 */

/** Anything header-like the engine meets: fetch `Headers`, ai@7 `responseHeaders`, metadata mirrors. */
export type HeaderSource = Headers | Record<string, string | number | undefined | null> | undefined | null;

export interface RateLimitHeaders {
  /** `X-RateLimit-Limit`. */
  limit?: number;
  /** `X-RateLimit-Remaining`. */
  remaining?: number;
  /** `X-RateLimit-Reset` as epoch ms. */
  resetAt?: number;
  /** From `retry-after-ms`, else `Retry-After` (seconds or HTTP date), relative to `now`. */
  retryAfterMs?: number;
}

/** Below this a reset value cannot be epoch ms (it would be before 1973), so it is epoch seconds. */
const EPOCH_MS_THRESHOLD = 1e11;
/** Below this a reset value cannot be epoch seconds (before 2001), so it is a delay in seconds. */
const EPOCH_S_THRESHOLD = 1e9;

/** Case-insensitive header lookup across the shapes in `HeaderSource`. */
export function getHeader(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    return headers.get(name) ?? undefined;
  }
  if (typeof (headers as { get?: unknown }).get === 'function' && !(headers instanceof Map)) {
    try {
      const v = (headers as unknown as Headers).get(name);
      if (typeof v === 'string') return v;
    } catch {
      /* not a Headers-like object after all */
    }
  }
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === wanted && (typeof v === 'string' || typeof v === 'number')) return String(v);
  }
  return undefined;
}

/** A finite, non-negative number from a header value, else undefined. */
export function parseNonNegativeNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const t = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A reset time as epoch ms. OpenRouter sends epoch ms; values that look like epoch seconds are
 * scaled, and small values are read as "seconds from now" (some gateways send a delay).
 */
export function parseResetValue(raw: unknown, now: number): number | undefined {
  const n = parseNonNegativeNumber(raw);
  if (n === undefined) return undefined;
  if (n >= EPOCH_MS_THRESHOLD) return Math.round(n);
  if (n >= EPOCH_S_THRESHOLD) return Math.round(n * 1000);
  return Math.round(now + n * 1000);
}

/** `Retry-After`: delay in seconds or an HTTP date. Returns ms from `now` (≥ 0). */
export function parseRetryAfter(raw: unknown, now: number): number | undefined {
  const seconds = parseNonNegativeNumber(raw);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  if (typeof raw !== 'string' || raw.trim() === '' || !/[a-z]/i.test(raw)) return undefined;
  const at = Date.parse(raw);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - now);
}

/** Reads `X-RateLimit-*`, `retry-after-ms` and `Retry-After` from any header shape. */
export function parseRateLimitHeaders(headers: HeaderSource, now: number): RateLimitHeaders {
  const out: RateLimitHeaders = {};
  if (!headers) return out;
  const limit = parseNonNegativeNumber(getHeader(headers, 'x-ratelimit-limit'));
  if (limit !== undefined) out.limit = Math.floor(limit);
  const remaining = parseNonNegativeNumber(getHeader(headers, 'x-ratelimit-remaining'));
  if (remaining !== undefined) out.remaining = Math.floor(remaining);
  const resetAt = parseResetValue(getHeader(headers, 'x-ratelimit-reset'), now);
  if (resetAt !== undefined) out.resetAt = resetAt;
  const retryMs = parseNonNegativeNumber(getHeader(headers, 'retry-after-ms'));
  const retryAfter = retryMs !== undefined ? Math.round(retryMs) : parseRetryAfter(getHeader(headers, 'retry-after'), now);
  if (retryAfter !== undefined) out.retryAfterMs = retryAfter;
  return out;
}

/**
 * A retry time given as a value rather than a header (e.g. `error.availability.retry_after`):
 * a number is read like `X-RateLimit-Reset` (epoch ms, epoch s, or seconds from now), a string
 * like `Retry-After` (seconds or an HTTP date). Epoch ms, or undefined.
 */
export function parseRetryTime(raw: unknown, now: number): number | undefined {
  const at = parseResetValue(raw, now);
  if (at !== undefined) return at;
  const delay = parseRetryAfter(raw, now);
  return delay === undefined ? undefined : now + delay;
}
