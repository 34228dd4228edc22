import { describe, expect, it } from 'vitest';
import {
  capacityBlock,
  currentCapacity,
  forgetCall,
  initialHealth,
  learnFromRateLimit,
  learnFromSuccess,
  recordCallSent,
  restoreAfterOutage,
  statedCapacity,
} from '../../src/limits/index.js';
import { resolvePolicy } from '../../src/pool/pool-validation.js';
import { DEFAULT_POLICY } from '../../src/settings.js';
import type { ModelHealth } from '../../src/types.js';

const NOW = 1_000_000;
const W = 60_000;
const policy = { rateWindowMs: W, modelCapacityRaiseWindows: 5 };
const SHARED = 'Rate limit exceeded: limit_rpm/x/y/uuid. High demand for x/y:free on OpenRouter - limited to 8 requests per minute. Please retry shortly.';
const UPSTREAM = 'x/y:free is temporarily rate-limited upstream. Please retry shortly.';

/** A model that accepted calls at these times (ms before NOW). */
function sent(...ago: number[]): ModelHealth {
  return ago.reduce((h, a) => recordCallSent(h, NOW - a, policy), initialHealth(NOW - W));
}

describe('statedCapacity', () => {
  it('reads "limited to N requests per minute" and nothing else', () => {
    expect(statedCapacity(SHARED)).toBe(8);
    expect(statedCapacity('limited to 1 request per minute')).toBe(1);
    expect(statedCapacity(UPSTREAM)).toBeUndefined();
    expect(statedCapacity('limited to 0 requests per minute')).toBeUndefined();
    expect(statedCapacity(undefined)).toBeUndefined();
  });
});

describe('learning from a model rate limit', () => {
  it('learns the calls the model accepted in the last window, not counting the refused one', () => {
    const h = recordCallSent(sent(50_000, 30_000, 10_000), NOW, policy); // the 4th call is refused
    const learned = learnFromRateLimit(h, NOW, NOW + 40, UPSTREAM, policy);
    expect(learned.capacityPerWindow).toBe(3);
    expect(learned.capacityLearnedAt).toBe(NOW + 40);
    expect(learned.recentCalls).toEqual([NOW - 50_000, NOW - 30_000, NOW - 10_000]);
  });

  it('ignores calls older than one window', () => {
    const h = recordCallSent(sent(90_000, 70_000, 10_000), NOW, policy);
    expect(learnFromRateLimit(h, NOW, NOW, UPSTREAM, policy).capacityPerWindow).toBe(1);
  });

  it('a 429 with nothing accepted in the window (a first call, an outage) teaches no capacity, so it cannot exile the model', () => {
    const h = recordCallSent(initialHealth(NOW), NOW, policy);
    const learned = learnFromRateLimit({ ...h, consecutiveFailures: 1 }, NOW, NOW, UPSTREAM, policy);
    expect(learned.capacityPerWindow).toBeUndefined();
    expect(learned.recentCalls).toEqual([]);
    expect(capacityBlock(learned, NOW + 1, policy)).toBeUndefined();
  });

  it('a 429 within a run of failures teaches nothing: only the first failure of a run, while the model answers, does', () => {
    const five = recordCallSent(sent(1_000, 2_000, 3_000, 4_000, 5_000), NOW, policy);
    expect(learnFromRateLimit({ ...five, consecutiveFailures: 1 }, NOW, NOW, UPSTREAM, policy).capacityPerWindow).toBe(5);
    expect(learnFromRateLimit({ ...five, consecutiveFailures: 2 }, NOW, NOW, UPSTREAM, policy).capacityPerWindow).toBeUndefined();
  });

  it('the capacity before the run comes back when the model answers after a run of failures (an outage), not after one', () => {
    const before: ModelHealth = { ...sent(1_000, 2_000), capacityPerWindow: 9, capacityLearnedAt: NOW - 10 * W };
    const learned = learnFromRateLimit({ ...recordCallSent(before, NOW, policy), consecutiveFailures: 1 }, NOW, NOW, UPSTREAM, policy);
    expect(learned.capacityPerWindow).toBe(2);
    expect(learned.capacityBeforeFailures).toEqual({ capacityPerWindow: 9, capacityLearnedAt: NOW - 10 * W });
    const success = { ...learned, consecutiveFailures: 0 };
    // One failure, then an answer: the learned capacity stands.
    expect(restoreAfterOutage(learned, success)).toMatchObject({ capacityPerWindow: 2, capacityLearnedAt: NOW });
    expect(restoreAfterOutage(learned, success).capacityBeforeFailures).toBeUndefined();
    // It failed again after that cooldown: an outage. Its capacity from before comes back.
    const outage = { ...learned, consecutiveFailures: 3 };
    expect(restoreAfterOutage(outage, success)).toMatchObject({ capacityPerWindow: 9, capacityLearnedAt: NOW - 10 * W });
    // A model that had no capacity before has none after.
    const fresh = learnFromRateLimit({ ...recordCallSent(sent(1_000), NOW, policy), consecutiveFailures: 1 }, NOW, NOW, UPSTREAM, policy);
    const back = restoreAfterOutage({ ...fresh, consecutiveFailures: 2 }, { ...fresh, consecutiveFailures: 0 });
    expect(back.capacityPerWindow).toBeUndefined();
    expect(back.capacityLearnedAt).toBeUndefined();
  });

  it('a stated "limited to N" caps what was counted, and is remembered as the ceiling', () => {
    const ten = recordCallSent(sent(...Array.from({ length: 10 }, (_, i) => 1_000 - i)), NOW, policy);
    const learned = learnFromRateLimit(ten, NOW, NOW, SHARED, policy);
    expect(learned.capacityPerWindow).toBe(8);
    expect(learned.capacityStated).toBe(8);
    // Raises never go above the stated limit.
    expect(currentCapacity(learned, NOW + 50 * W, policy)).toBe(8);
  });

  it('a later 429 can only lower the capacity in force', () => {
    const first = learnFromRateLimit(recordCallSent(sent(3_000, 2_000), NOW, policy), NOW, NOW, UPSTREAM, policy);
    expect(first.capacityPerWindow).toBe(2);
    // A busier window later (calls straddling two upstream windows) counts more, but the guess stays.
    const later = NOW + W;
    let h = first;
    for (const t of [later - 900, later - 800, later - 700, later]) h = recordCallSent(h, t, policy);
    expect(learnFromRateLimit(h, later, later, UPSTREAM, policy).capacityPerWindow).toBe(2);
  });
});

describe('the capacity in force', () => {
  it('rises by one every modelCapacityRaiseWindows windows without a 429', () => {
    const h: ModelHealth = { ...initialHealth(NOW), capacityPerWindow: 2, capacityLearnedAt: NOW };
    expect(currentCapacity(h, NOW, policy)).toBe(2);
    expect(currentCapacity(h, NOW + 5 * W - 1, policy)).toBe(2);
    expect(currentCapacity(h, NOW + 5 * W, policy)).toBe(3);
    expect(currentCapacity(h, NOW + 12 * W, policy)).toBe(4);
    expect(currentCapacity(initialHealth(NOW), NOW, policy)).toBeUndefined();
  });

  it('blocks the model once it has used its capacity, until the oldest counted call leaves the window', () => {
    const h = { ...sent(40_000, 20_000), capacityPerWindow: 2, capacityLearnedAt: NOW };
    expect(capacityBlock(h, NOW, policy)).toEqual({ capacity: 2, until: NOW - 40_000 + W });
    expect(capacityBlock(h, NOW - 40_000 + W, policy)).toBeUndefined();
    expect(capacityBlock({ ...h, capacityPerWindow: 3 }, NOW, policy)).toBeUndefined();
    expect(capacityBlock(sent(1, 2, 3), NOW, policy)).toBeUndefined(); // nothing learned: never blocks
  });

  it('a success beyond the capacity raises it to what the model just accepted', () => {
    const h = { ...sent(30_000, 20_000, 10_000), capacityPerWindow: 2, capacityLearnedAt: NOW - 30_000 };
    const raised = learnFromSuccess(h, NOW, policy);
    expect(raised.capacityPerWindow).toBe(3);
    expect(raised.capacityLearnedAt).toBe(NOW);
    // Within the capacity nothing changes.
    const within = { ...sent(10_000), capacityPerWindow: 2, capacityLearnedAt: NOW - 30_000 };
    expect(learnFromSuccess(within, NOW, policy)).toBe(within);
    // Never above a stated limit.
    expect(learnFromSuccess({ ...h, capacityStated: 2 }, NOW, policy).capacityPerWindow).toBe(2);
  });
});

describe('recording calls', () => {
  it('keeps only the sends inside the window; a refused call can be forgotten', () => {
    const h = recordCallSent(sent(W + 1, 10), NOW, policy);
    expect(h.recentCalls).toEqual([NOW - 10, NOW]);
    expect(forgetCall(h, NOW).recentCalls).toEqual([NOW - 10]);
    expect(forgetCall(h, 5)).toBe(h);
  });
});

describe('policy', () => {
  it('the default raise is one per 5 windows, and it must be positive', () => {
    expect(DEFAULT_POLICY.modelCapacityRaiseWindows).toBe(5);
    expect(() => resolvePolicy({ modelCapacityRaiseWindows: 0 })).toThrow(/modelCapacityRaiseWindows/);
  });
});
