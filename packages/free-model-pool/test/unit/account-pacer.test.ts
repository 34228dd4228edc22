import { describe, expect, it } from 'vitest';
import { AccountPacer } from '../../src/limits/index.js';
import { AccountBook } from '../../src/account/index.js';

const policy = { freeRequestsPerWindow: 20, rateWindowMs: 60_000 };

describe('AccountPacer', () => {
  it('settle() moves a slot to when the answer arrived, so it blocks the window that long', async () => {
    const pacer = new AccountPacer(new AccountBook(), { freeRequestsPerWindow: 1, rateWindowMs: 1_000 });
    expect(pacer.reserve(0).ok).toBe(true);
    pacer.settle(0, 400); // a slow call: the server counted it at 400
    expect(pacer.reserve(1_000)).toEqual({ ok: false, waitUntil: 1_400 });
    expect(pacer.reserve(1_400).ok).toBe(true);
  });

  it('release() gives back a slot no call was sent with', async () => {
    const pacer = new AccountPacer(new AccountBook(), { freeRequestsPerWindow: 1, rateWindowMs: 1_000 });
    expect(pacer.reserve(0).ok).toBe(true);
    expect(pacer.reserve(10).ok).toBe(false);
    pacer.release(0);
    expect(pacer.reserve(10).ok).toBe(true);
  });

  it('never grants more than 20 in a window, even to 50 concurrent callers', async () => {
    const store = new AccountBook();
    const pacer = new AccountPacer(store, policy);
    const results = await Promise.all(Array.from({ length: 50 }, async () => pacer.reserve(1_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    const denied = results.filter((r) => !r.ok) as Array<{ ok: false; waitUntil: number }>;
    expect(denied).toHaveLength(30);
    expect(denied.every((r) => r.waitUntil === 61_000)).toBe(true);
    expect(pacer.reserve(60_999).ok).toBe(false);
    expect(pacer.reserve(61_000).ok).toBe(true);
  });

  it('the sliding window holds across any 60 s span', () => {
    const pacer = new AccountPacer(new AccountBook(), policy);
    const granted: number[] = [];
    for (let t = 0; t < 300_000; t += 500) if (pacer.reserve(t).ok) granted.push(t);
    for (const start of granted) {
      expect(granted.filter((g) => g >= start && g < start + 60_000).length).toBeLessThanOrEqual(20);
    }
    expect(granted.length).toBeGreaterThanOrEqual(80);
  });

  it('a per-minute 429 blocks until the reset and lowers the limit to X-RateLimit-Limit', () => {
    const store = new AccountBook();
    const pacer = new AccountPacer(store, policy);
    pacer.observe429({ reason: 'account_minute_limit', message: 'm', retryAt: 30_000, rateLimitLimit: 16 }, 10_000);
    expect(pacer.reserve(10_000)).toEqual({ ok: false, waitUntil: 30_000 });
    let ok = 0;
    for (let i = 0; i < 30; i++) if (pacer.reserve(30_000).ok) ok++;
    expect(ok).toBe(16);
    expect(store.getAccountWindow()!.limit).toBe(16);
  });

  it('a 429 without a reset blocks for one window; other reasons and higher limits are ignored', () => {
    const pacer = new AccountPacer(new AccountBook(), policy);
    pacer.observe429({ reason: 'account_daily_limit', message: 'd', rateLimitLimit: 50 }, 0);
    expect(pacer.reserve(0).ok).toBe(true);
    pacer.observe429({ reason: 'account_minute_limit', message: 'm', rateLimitLimit: 500 }, 1_000);
    expect(pacer.reserve(1_000)).toEqual({ ok: false, waitUntil: 61_000 });
    expect(pacer.state(61_000).limit).toBe(20);
  });
});

describe('AccountPacer and the server window', () => {
  it('a per-minute reset more than one window away (server clock ahead of ours) blocks for one window only', () => {
    const pacer = new AccountPacer(new AccountBook(), policy);
    const now = 1_000_000;
    // Our clock is 10 minutes behind the server's: its "reset in under a minute" reads as 11 minutes away.
    pacer.observe429({ reason: 'account_minute_limit', message: 'm', retryAt: now + 11 * 60_000 }, now);
    expect(pacer.state(now).blockedUntil).toBe(now + policy.rateWindowMs);
    expect(pacer.reserve(now + policy.rateWindowMs)).toEqual({ ok: true });
  });

  describe('once a per-minute 429 has shown where the server windows begin', () => {
    // Margin: a sixtieth of the 60 s window, 1 s; calls up to 2 s before a boundary count after it too.
    const limited = (retryAt: number) => ({ reason: 'account_minute_limit' as const, message: 'm', retryAt, rateLimitLimit: 10 });

    it('a new window takes the full limit at its boundary, though the last window answered less than a window ago', () => {
      const pacer = new AccountPacer(new AccountBook(), policy);
      for (let i = 0; i < 10; i++) {
        expect(pacer.reserve(1_000 + i).ok).toBe(true);
        pacer.settle(1_000 + i, 5_000 + i);
      }
      pacer.observe429(limited(60_000), 6_000);
      // 1 s of clock margin past the reset; a sliding window would stay shut until 65 009.
      expect(pacer.reserve(60_999)).toEqual({ ok: false, waitUntil: 61_000 });
      let ok = 0;
      for (let i = 0; i < 15; i++) if (pacer.reserve(61_000).ok) ok++;
      expect(ok).toBe(10);
      expect(pacer.reserve(61_000)).toEqual({ ok: false, waitUntil: 121_000 });
      expect(pacer.usedInWindow(61_000)).toBe(10);
    });

    it('a call still in flight at a boundary, or answered just before it, counts in the new window too', () => {
      const pacer = new AccountPacer(new AccountBook(), policy);
      pacer.observe429(limited(60_000), 30_000);
      // Edge at 61 000: windows [61 000, 121 000), [121 000, 181 000) …
      for (let i = 0; i < 10; i++) expect(pacer.reserve(100_000 + i).ok).toBe(true);
      for (let i = 0; i < 8; i++) pacer.settle(100_000 + i, 101_000); // answered long before the boundary
      pacer.settle(100_008, 120_000); // answered 1 s before it: inside the 2 s guard band
      // 100 009 is still in flight.
      expect(pacer.usedInWindow(121_000)).toBe(2);
      let ok = 0;
      for (let i = 0; i < 10; i++) if (pacer.reserve(121_000).ok) ok++;
      expect(ok).toBe(8);
    });

    it('a reset already past moves the boundary later; one more than a window away goes back to the sliding count', () => {
      const pacer = new AccountPacer(new AccountBook(), policy);
      // The server's clock is behind ours: its reset reads as 500 ms ago.
      pacer.observe429(limited(59_500), 60_000);
      expect(pacer.state(60_000).serverWindowEdge).toBe(61_000);
      pacer.observe429(limited(60_000 + 11 * 60_000), 200_000);
      expect(pacer.state(200_000).serverWindowEdge).toBeUndefined();
      // Sliding again: the slots taken at 260 000 hold until 320 000, boundaries or not.
      for (let i = 0; i < 10; i++) expect(pacer.reserve(260_000).ok).toBe(true);
      expect(pacer.reserve(301_000)).toEqual({ ok: false, waitUntil: 320_000 });
    });
  });
});
