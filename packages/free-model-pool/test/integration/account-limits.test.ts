import { afterEach, describe, expect, it } from 'vitest';
import { DailyLimitError, PoolExhaustedError, RequestStoppedError } from '@freepool/free-model-pool';
import { callsTo, FAKE_KEY, LARGE, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('account per-minute limit', () => {
  it('at the account limit no further call is made until the window resets, then the request succeeds', async () => {
    h = await startHarness(
      { account: { perMinute: 3, windowMs: 500 } },
      { policy: { freeRequestsPerWindow: 3, rateWindowMs: 500, maxWaitMs: 3_000 } },
    );
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await h.pool.generateText({ tier: 'small', prompt: `question ${i}` }));

    const stats = h.sim.stats();
    expect(stats.total).toBe(4);
    expect(stats.byStatus['429']).toBeUndefined(); // the server never had to refuse us
    expect(outcomes.every((o) => o.model === SMALL[0])).toBe(true);
    // The fourth request waited for the window instead of calling (or rotating) early.
    expect(outcomes[3]!.waitedMs).toBeGreaterThan(0);
    expect(h.events.some((e) => e.type === 'wait' && e.reason === 'account_minute_limit')).toBe(true);
  });

  it('concurrent requests share the account window: none is refused by the server', async () => {
    h = await startHarness(
      { account: { perMinute: 3, windowMs: 500 } },
      { policy: { freeRequestsPerWindow: 3, rateWindowMs: 500, maxWaitMs: 3_000 } },
    );
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, i) => h!.pool.generateText({ tier: 'small', prompt: `parallel ${i}` })),
    );
    expect(outcomes).toHaveLength(5);
    expect(h.sim.stats().total).toBe(5);
    expect(h.sim.stats().byStatus['429']).toBeUndefined();
  });

  it('when the window reopens later than maxWaitMs it fails with a typed error and makes no call', async () => {
    h = await startHarness({}, { policy: { freeRequestsPerWindow: 3, rateWindowMs: 60_000, maxWaitMs: 50 } });
    for (let i = 0; i < 3; i++) await h.pool.generateText({ tier: 'small', prompt: `q${i}` });

    const err = await h.pool.generateText({ tier: 'small', prompt: 'one too many' }).catch((e) => e);
    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    expect(err.reason).toBe('account_minute_limit');
    expect(err.retryAt).toBeGreaterThan(Date.now());
    expect(err.message).toMatch(/per-minute/);
    expect(err.message).toMatch(/Try again after \d\d:\d\d:\d\dZ/);
    expect(h.sim.stats().total).toBe(3);
  });

  it("after the server's per-minute 429 it waits and retries the same model instead of rotating", async () => {
    // The pool believes 20/window; the server enforces 2 (and says so in X-RateLimit-Limit).
    h = await startHarness({ account: { perMinute: 2, windowMs: 400 } }, { policy: { rateWindowMs: 400, maxWaitMs: 3_000 } });
    // The server's windows are aligned to multiples of 400 ms: start just after a boundary so the
    // three calls share one window (otherwise the third may land in a fresh one and never get a 429).
    await new Promise((r) => setTimeout(r, 400 - (Date.now() % 400) + 5));
    await h.pool.generateText({ tier: 'small', prompt: 'a' });
    await h.pool.generateText({ tier: 'small', prompt: 'b' });
    const third = await h.pool.generateText({ tier: 'small', prompt: 'c' });

    expect(third.model).toBe(SMALL[0]);
    expect(third.attempts.map((a) => [a.model, a.outcome, a.reason])).toEqual([
      [SMALL[0], 'failed', 'account_minute_limit'],
      [SMALL[0], 'success', undefined],
    ]);
    // Rotating would only have burned quota: the other models were never called.
    expect(callsTo(h.sim, SMALL[1])).toBe(0);
    expect(callsTo(h.sim, SMALL[2])).toBe(0);
    expect(h.sim.stats().byStatus['429']).toBe(1);
  });
});

describe('account daily limit', () => {
  it("after the daily 429 the next request throws DailyLimitError without an HTTP call", async () => {
    h = await startHarness({ account: { daily: 2 } });
    await h.pool.generateText({ tier: 'small', prompt: 'one' });
    await h.pool.generateText({ tier: 'small', prompt: 'two' });

    const first = await h.pool.generateText({ tier: 'small', prompt: 'three' }).catch((e) => e);
    expect(DailyLimitError.isInstance(first)).toBe(true);
    expect(first.reason).toBe('account_daily_limit');
    expect(h.sim.stats().total).toBe(3); // the call that got the daily 429; no rotation after it
    expect(callsTo(h.sim, SMALL[1])).toBe(0);

    const second = await h.pool.generateText({ tier: 'large', prompt: 'four' }).catch((e) => e);
    expect(DailyLimitError.isInstance(second)).toBe(true);
    expect(second.retryAt).toBe(first.retryAt);
    expect(second.message).toContain(new Date(first.retryAt).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(second.message).not.toContain(FAKE_KEY);
    expect(h.sim.stats().total).toBe(3);
    expect(callsTo(h.sim, LARGE[0])).toBe(0);
  });

  it('seeded from /key with 0 remaining, the first request fails fast with no call', async () => {
    h = await startHarness({ account: { daily: 50, dailyUsed: 50 } });
    const status = await h.pool.refreshAccountStatus();
    expect(status.freeModelDaily).toEqual({ limit: 50, remaining: 0, used: 50 });

    const err = await h.pool.generateText({ tier: 'small', prompt: 'hello' }).catch((e) => e);
    expect(DailyLimitError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/daily free-model limit \(50 requests\)/);
    expect(h.sim.stats().total).toBe(0);
  });

  it('counts calls locally after seeding, and stops before the call that would be refused', async () => {
    h = await startHarness({ account: { daily: 50, dailyUsed: 48 } });
    await h.pool.refreshAccountStatus();
    await h.pool.generateText({ tier: 'small', prompt: 'one' });
    await h.pool.generateText({ tier: 'small', prompt: 'two' });
    const err = await h.pool.generateText({ tier: 'small', prompt: 'three' }).catch((e) => e);
    expect(DailyLimitError.isInstance(err)).toBe(true);
    expect(h.sim.stats().total).toBe(2);
  });

  it('a pinned paid model in the tier still answers when the free day is used up', async () => {
    h = await startHarness({ account: { daily: 50, dailyUsed: 50 } }, { tiers: { small: [SMALL[0], 'openai/gpt-4o-mini'] }, pool: { allowPaidModels: true } });
    await h.pool.refreshAccountStatus();
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hello' });
    expect(r.model).toBe('openai/gpt-4o-mini');
    expect(r.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'skipped', reason: 'account_daily_limit' });
    expect(callsTo(h.sim, SMALL[0])).toBe(0);
    expect(h.sim.stats().total).toBe(1);
  });
});

describe('a key the server rejects', () => {
  it('refreshAccountStatus and requests stop with an auth error that never contains the key', async () => {
    h = await startHarness({}, { simApiKey: 'sk-or-v1-the-only-valid-key-0001' });
    const status = await h.pool.refreshAccountStatus().catch((e) => e);
    expect(RequestStoppedError.isInstance(status)).toBe(true);
    expect(status.reason).toBe('auth');
    expect(status.message).not.toContain(FAKE_KEY);

    const err = await h.pool.generateText({ tier: 'small', prompt: 'hi' }).catch((e) => e);
    expect(RequestStoppedError.isInstance(err)).toBe(true);
    expect(err.reason).toBe('auth');
    expect(err.message).not.toContain(FAKE_KEY);
    expect(h.sim.stats().total).toBe(1); // no rotation: every model would refuse the same key
  });
});
