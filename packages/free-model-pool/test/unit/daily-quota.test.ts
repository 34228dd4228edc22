import { describe, expect, it } from 'vitest';
import { DailyQuota, nextUtcMidnight } from '../../src/limits/index.js';
import { AccountBook } from '../../src/account/index.js';

const NOON = Date.parse('2026-05-20T12:00:00Z');
const MIDNIGHT = Date.parse('2026-05-21T00:00:00Z');

describe('nextUtcMidnight', () => {
  it('is the next 00:00 UTC, strictly after now', () => {
    expect(nextUtcMidnight(NOON)).toBe(MIDNIGHT);
    expect(nextUtcMidnight(MIDNIGHT)).toBe(Date.parse('2026-05-22T00:00:00Z'));
    expect(nextUtcMidnight(Date.parse('2026-12-31T23:59:59Z'))).toBe(Date.parse('2027-01-01T00:00:00Z'));
  });
});

describe('DailyQuota', () => {
  it('unknown limit: allows calls and never counts below nothing', () => {
    const q = new DailyQuota(new AccountBook());
    for (let i = 0; i < 100; i++) q.recordCall(NOON);
    expect(q.check(NOON)).toEqual({ ok: true });
  });

  it('a free-models-per-day 429 makes every check fail fast until the reset', () => {
    const q = new DailyQuota(new AccountBook());
    q.observe429({ reason: 'account_daily_limit', status: 429, message: 'd', retryAt: MIDNIGHT, rateLimitLimit: 50 }, NOON);
    expect(q.check(NOON + 1)).toEqual({ ok: false, resetAt: MIDNIGHT });
    expect(q.check(MIDNIGHT - 1)).toEqual({ ok: false, resetAt: MIDNIGHT });
    expect(q.check(MIDNIGHT)).toEqual({ ok: true });
    // The new day starts with the learned limit.
    expect(q.state(MIDNIGHT + 1)).toMatchObject({ limit: 50, remaining: 50 });
  });

  it('a daily 429 without a reset is exhausted until the next UTC midnight', () => {
    const q = new DailyQuota(new AccountBook());
    q.observe429({ reason: 'account_daily_limit', message: 'd' }, NOON);
    expect(q.check(NOON)).toEqual({ ok: false, resetAt: MIDNIGHT });
  });

  it('seeds from GET /key and counts down, failed calls included, then fails fast', () => {
    const q = new DailyQuota(new AccountBook());
    q.seedFromKeyStatus({ limit: 50, remaining: 2, used: 48 }, NOON);
    expect(q.check(NOON)).toEqual({ ok: true });
    q.recordCall(NOON);
    expect(q.check(NOON)).toEqual({ ok: true });
    q.recordCall(NOON); // e.g. a failed call: still counted
    expect(q.check(NOON)).toEqual({ ok: false, resetAt: MIDNIGHT });
    expect(q.check(MIDNIGHT + 5)).toEqual({ ok: true });
    expect(q.state(MIDNIGHT + 5).remaining).toBe(50);
  });

  it('seeding derives remaining from limit - used, and clears a local exhaustion when the server has room', () => {
    const q = new DailyQuota(new AccountBook());
    q.seedFromKeyStatus({ limit: 1000, used: 10 }, NOON);
    expect(q.state(NOON)).toMatchObject({ limit: 1000, remaining: 990 });
    q.observe429({ reason: 'account_daily_limit', message: 'd' }, NOON);
    expect(q.check(NOON).ok).toBe(false);
    q.seedFromKeyStatus({ limit: 1000, remaining: 5, used: 995 }, NOON + 1);
    expect(q.check(NOON + 1).ok).toBe(true);
    q.seedFromKeyStatus({ limit: 50, remaining: 0, used: 50 }, NOON + 2);
    expect(q.check(NOON + 2)).toEqual({ ok: false, resetAt: MIDNIGHT });
  });

  it('a configured dailyLimit is counted down from the start of each day', () => {
    const q = new DailyQuota(new AccountBook(), { dailyLimit: 3 });
    for (let i = 0; i < 3; i++) {
      expect(q.check(NOON).ok).toBe(true);
      q.recordCall(NOON);
    }
    expect(q.check(NOON).ok).toBe(false);
    expect(q.check(MIDNIGHT).ok).toBe(true);
  });

  it('ignores failures that are not the daily limit', () => {
    const q = new DailyQuota(new AccountBook());
    q.observe429({ reason: 'account_minute_limit', message: 'm', retryAt: NOON + 60_000 }, NOON);
    expect(q.check(NOON).ok).toBe(true);
  });

  it('reserve checks and counts in one step: concurrent callers cannot all take the last call', () => {
    const q = new DailyQuota(new AccountBook(), { dailyLimit: 2 });
    const results = [q.reserve(NOON), q.reserve(NOON), q.reserve(NOON)];
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toEqual({ ok: false, resetAt: MIDNIGHT });
    expect(q.state(NOON).remaining).toBe(0);
  });
});
