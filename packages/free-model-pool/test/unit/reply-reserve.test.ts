import { describe, expect, it } from 'vitest';
import { DailyQuota } from '../../src/limits/index.js';
import { AccountBook } from '../../src/account/index.js';

const NOON = Date.parse('2026-05-20T12:00:00Z');
const MIDNIGHT = Date.parse('2026-05-21T00:00:00Z');

function quotaWith(remaining: number, policy: ConstructorParameters<typeof DailyQuota>[1]) {
  const q = new DailyQuota(new AccountBook(), policy);
  q.seedFromKeyStatus({ limit: 50, remaining }, NOON);
  return q;
}

describe('DailyQuota: the reply reserve', () => {
  it('holds the last share of the day for replies: background is refused at or below it, replies are not', () => {
    const q = quotaWith(11, { dailyReserveShare: 0.2 });
    expect(q.heldForReplies(NOON)).toBe(10);
    expect(q.reserve(NOON, 'background')).toEqual({ ok: true }); // 11 -> 10
    expect(q.check(NOON, 'background')).toEqual({ ok: false, resetAt: MIDNIGHT, reserveHeld: { remaining: 10, reserve: 10 } });
    expect(q.reserve(NOON, 'background')).toMatchObject({ ok: false });
    expect(q.state(NOON).remaining).toBe(10); // a refused reserve counts nothing
    expect(q.reserve(NOON, 'reply')).toEqual({ ok: true });
    expect(q.reserve(NOON)).toEqual({ ok: true });
    expect(q.state(NOON).remaining).toBe(8);
  });

  it('an explicit dailyReserve wins; 0 turns it off; an unknown limit holds nothing', () => {
    expect(quotaWith(5, { dailyReserve: 3, dailyReserveShare: 0.9 }).heldForReplies(NOON)).toBe(3);
    expect(quotaWith(1, { dailyReserve: 0, dailyReserveShare: 0.2 }).check(NOON, 'background')).toEqual({ ok: true });
    const unknown = new DailyQuota(new AccountBook(), { dailyReserveShare: 0.2 });
    expect(unknown.heldForReplies(NOON)).toBe(0);
    expect(unknown.check(NOON, 'background')).toEqual({ ok: true });
  });

  it('the day used up is the daily limit for everyone, not the reserve', () => {
    const q = quotaWith(0, { dailyReserveShare: 0.2 });
    expect(q.check(NOON, 'background')).toEqual({ ok: false, resetAt: MIDNIGHT });
    expect(q.check(NOON, 'reply')).toEqual({ ok: false, resetAt: MIDNIGHT });
  });
});
