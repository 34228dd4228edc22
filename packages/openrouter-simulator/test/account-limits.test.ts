import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { LARGE, PAID, SMALL, alignToWindow, authHeaders, chat, sleep } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const WINDOW = 300;

describe('account per-minute limit (compressed to a 300 ms window)', () => {
  it('429s with the real body and headers, resets at the window boundary, then succeeds', async () => {
    const scenario = { account: { perMinute: 2, windowMs: WINDOW } };
    sim = await startSimulator({ scenario });
    let limited!: Awaited<ReturnType<typeof chat>>;
    // On a loaded machine the three calls may straddle a window boundary; then start over (fresh quota).
    for (let attempt = 0; attempt < 5; attempt++) {
      sim.setScenario(scenario);
      sim.resetStats();
      await alignToWindow(WINDOW);
      expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
      expect((await chat(sim.baseURL, { model: LARGE })).status).toBe(200); // account-wide: another model shares it
      limited = await chat(sim.baseURL, { model: SMALL });
      const windows = new Set(sim.stats().calls.map((c) => Math.floor(c.at / WINDOW)));
      if (windows.size === 1) break;
    }
    expect(limited.status).toBe(429);
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset % WINDOW).toBe(0);
    expect(reset).toBeGreaterThan(Date.now() - 5);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.json).toEqual({
      error: {
        message: 'Rate limit exceeded: free-models-per-min. ',
        code: 429,
        metadata: {
          headers: { 'X-RateLimit-Limit': '2', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) },
          provider_name: null,
        },
      },
      user_id: expect.stringMatching(/^user_/),
    });
    // A paid model is not subject to the free limit.
    expect((await chat(sim.baseURL, { model: PAID })).status).toBe(200);
    await sleep(Math.max(0, reset - Date.now()) + 5);
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    expect(sim.stats().byStatus).toEqual({ '200': 4, '429': 1 });
    expect(sim.stats().calls.map((c) => c.kind)).toEqual(['ok', 'ok', 'per_minute_429', 'ok', 'ok']);
  });

  it('can report a lower X-RateLimit-Limit than it enforces', async () => {
    sim = await startSimulator({ scenario: { account: { perMinute: 1, windowMs: 60_000, reportedLimit: 16 } } });
    await chat(sim.baseURL, { model: SMALL });
    const limited = await chat(sim.baseURL, { model: SMALL });
    expect(limited.headers.get('x-ratelimit-limit')).toBe('16');
    expect(limited.json.error.metadata.headers['X-RateLimit-Limit']).toBe('16');
  });

  it('uses the injected clock for window alignment', async () => {
    let t = 1_000_050;
    sim = await startSimulator({ now: () => t, scenario: { account: { perMinute: 1, windowMs: 100 } } });
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    const limited = await chat(sim.baseURL, { model: SMALL });
    expect(limited.headers.get('x-ratelimit-reset')).toBe('1000100');
    t = 1_000_100;
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
  });
});

describe('account daily cap', () => {
  it('counts failed calls, then 429s with the daily body and the reset time', async () => {
    const resetAt = Date.now() + 3_600_000; // an hour ahead: the day must not roll over during the test
    sim = await startSimulator({ scenario: { account: { daily: 4, dailyResetAt: resetAt } } });
    sim.failNext(SMALL, 'upstream_429');
    sim.failNext(SMALL, 'server_error');
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(429);
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(502);
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    expect((await chat(sim.baseURL, { model: PAID })).status).toBe(200); // not counted
    expect((await chat(sim.baseURL, { model: LARGE })).status).toBe(200); // 4th free call
    const capped = await chat(sim.baseURL, { model: LARGE });
    expect(capped.status).toBe(429);
    expect(capped.json.error.message).toBe('Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day');
    expect(capped.headers.get('x-ratelimit-limit')).toBe('4');
    expect(capped.headers.get('x-ratelimit-reset')).toBe(String(resetAt));
    expect(capped.json.error.metadata.headers['X-RateLimit-Reset']).toBe(String(resetAt));
    const key = (await (await fetch(`${sim.baseURL}/key`, { headers: authHeaders() })).json()) as any;
    expect(key.data.free_model_daily_requests).toEqual({ limit: 4, remaining: 0, used: 4 });
    expect(sim.stats().calls.at(-1)).toMatchObject({ model: LARGE, status: '429', kind: 'daily_429' });
  });

  it('counts per-minute 429s against the daily quota too', async () => {
    sim = await startSimulator({ scenario: { account: { daily: 3, perMinute: 1, windowMs: 60_000 } } });
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    const perMinute = await chat(sim.baseURL, { model: SMALL });
    expect(perMinute.json.error.message).toMatch(/free-models-per-min/);
    await chat(sim.baseURL, { model: SMALL });
    const daily = await chat(sim.baseURL, { model: SMALL });
    expect(daily.json.error.message).toMatch(/free-models-per-day/);
  });

  it('uses the high-balance message and metadata', async () => {
    sim = await startSimulator({ scenario: { account: { daily: 1, dailyUsed: 1, highBalance: true } } });
    const capped = await chat(sim.baseURL, { model: SMALL });
    expect(capped.status).toBe(429);
    expect(capped.json.error.message).toBe('Rate limit exceeded: free-models-per-day-high-balance. ');
    expect(capped.json.error.metadata).toMatchObject({ limit_source: 'openrouter_free_tier_daily', remedy_hint: 'Wait for the daily reset' });
  });

  it('resets after dailyResetAt (compressed day)', async () => {
    let t = 5_000;
    sim = await startSimulator({ now: () => t, scenario: { account: { daily: 1, dailyResetAt: 6_000, dailyWindowMs: 1_000 } } });
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    const capped = await chat(sim.baseURL, { model: SMALL });
    expect(capped.headers.get('x-ratelimit-reset')).toBe('6000');
    t = 6_000;
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    expect((await chat(sim.baseURL, { model: SMALL })).headers.get('x-ratelimit-reset')).toBe('7000');
  });

  it('setScenario replaces the quotas', async () => {
    sim = await startSimulator({ scenario: { account: { daily: 0 } } });
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(429);
    sim.setScenario({});
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    sim.resetStats();
    expect(sim.stats()).toEqual({ total: 0, requests: 0, byEndpoint: {}, byModel: {}, byStatus: {}, calls: [] });
  });
});

describe('a sliding account window (window: sliding)', () => {
  it('counts the calls of the last window, and its reset is the oldest counted call plus the window', async () => {
    sim = await startSimulator({ scenario: { account: { perMinute: 2, windowMs: 2_000, window: 'sliding' } } });
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    await sleep(50);
    expect((await chat(sim.baseURL, { model: LARGE })).status).toBe(200);
    const limited = await chat(sim.baseURL, { model: SMALL });
    expect(limited.status).toBe(429);
    const [first, second] = sim.stats().calls;
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    // Not a window boundary: the first call's arrival (stamped within the same tick) plus the window.
    expect(reset - 2_000).toBeGreaterThanOrEqual(first!.at);
    expect(reset - 2_000).toBeLessThan(second!.at);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // Once the first call leaves the window one slot opens, not two: the second still counts.
    await sleep(Math.max(0, reset - Date.now()) + 5);
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(429);
    expect(sim.stats().calls.map((c) => c.kind)).toEqual(['ok', 'ok', 'per_minute_429', 'ok', 'per_minute_429']);
  });
});

