import { describe, expect, it } from 'vitest';
import { getHeader, parseRateLimitHeaders, parseResetValue, parseRetryAfter } from '../../src/failures/index.js';

const NOW = Date.parse('2026-03-20T22:52:30Z');

describe('parseRateLimitHeaders', () => {
  it('reads OpenRouter headers from a plain record, case-insensitively', () => {
    expect(
      parseRateLimitHeaders({ 'X-RateLimit-Limit': '16', 'x-ratelimit-remaining': '0', 'X-RATELIMIT-RESET': '1774047180000' }, NOW),
    ).toEqual({ limit: 16, remaining: 0, resetAt: 1774047180000 });
  });

  it('reads a fetch Headers object', () => {
    const h = new Headers({ 'X-RateLimit-Limit': '20', 'Retry-After': '3' });
    expect(parseRateLimitHeaders(h, NOW)).toEqual({ limit: 20, retryAfterMs: 3000 });
  });

  it('X-RateLimit-Reset in epoch seconds is scaled to ms; a small value is a delay in seconds', () => {
    expect(parseRateLimitHeaders({ 'x-ratelimit-reset': '1774047180' }, NOW).resetAt).toBe(1774047180000);
    expect(parseRateLimitHeaders({ 'x-ratelimit-reset': '30' }, NOW).resetAt).toBe(NOW + 30_000);
  });

  it('Retry-After as an HTTP date, and retry-after-ms taking precedence', () => {
    const date = new Date(NOW + 10_000).toUTCString();
    expect(parseRateLimitHeaders({ 'retry-after': date }, NOW).retryAfterMs).toBe(10_000);
    expect(parseRateLimitHeaders({ 'retry-after': '9', 'retry-after-ms': '250' }, NOW).retryAfterMs).toBe(250);
    // A date in the past means "now", not a negative wait.
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
  });

  it('junk gives undefined, never NaN or negatives', () => {
    const r = parseRateLimitHeaders(
      { 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': '-1', 'x-ratelimit-reset': '', 'retry-after': 'soon', 'retry-after-ms': 'NaN' },
      NOW,
    );
    expect(r).toEqual({});
    expect(parseRateLimitHeaders(undefined, NOW)).toEqual({});
    expect(parseRateLimitHeaders({ 'x-ratelimit-limit': undefined }, NOW)).toEqual({});
    expect(parseResetValue('1e12', NOW)).toBeUndefined();
    expect(parseRetryAfter('12abc', NOW)).toBeUndefined();
    expect(parseRetryAfter(' 1.5 ', NOW)).toBe(1500);
  });

  it('getHeader works on records, Headers and missing input', () => {
    expect(getHeader({ 'Content-Type': 'x' }, 'content-type')).toBe('x');
    expect(getHeader(new Headers({ A: 'b' }), 'a')).toBe('b');
    expect(getHeader(undefined, 'a')).toBeUndefined();
  });
});
