import { describe, expect, it } from 'vitest';
import { createRandom } from '@freepool/openrouter-simulator';
import { CooldownLadder, initialHealth, isAvailable, recordFailure, recordLatency, recordSuccess } from '../../src/limits/index.js';
import { DEFAULT_POLICY } from '../../src/settings.js';
import type { ClassifiedFailure } from '../../src/types.js';

const NOW = 1_000_000;
const policy = { cooldownLadderMs: [30_000, 60_000, 300_000], cooldownJitter: 0.2 };
const rl: ClassifiedFailure = { reason: 'model_rate_limit', status: 429, message: 'High demand' };

/** Seeded randomness (the simulator's mulberry32) so jitter tests are reproducible. */
const seeded = (seed: number) => createRandom(seed);

describe('CooldownLadder', () => {
  it('climbs 30 s → 1 min → 5 min and stays on the last rung (no jitter)', () => {
    const ladder = new CooldownLadder({ ...policy, cooldownJitter: 0 });
    expect(ladder.next(1, rl, NOW) - NOW).toBe(30_000);
    expect(ladder.next(2, rl, NOW) - NOW).toBe(60_000);
    expect(ladder.next(3, rl, NOW) - NOW).toBe(300_000);
    expect(ladder.next(9, rl, NOW) - NOW).toBe(300_000);
    expect(ladder.next(0, rl, NOW) - NOW).toBe(30_000);
  });

  it('the defaults are the documented ladder', () => {
    expect(DEFAULT_POLICY.cooldownLadderMs).toEqual([30_000, 60_000, 300_000]);
  });

  it('jitter stays within ±20% with a seeded random, and actually varies', () => {
    const ladder = new CooldownLadder(policy, seeded(42));
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const d = ladder.next(1, rl, NOW) - NOW;
      expect(d).toBeGreaterThanOrEqual(24_000);
      expect(d).toBeLessThanOrEqual(36_000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(50);
    expect(new CooldownLadder(policy, () => 0).next(1, rl, NOW) - NOW).toBe(24_000);
    expect(new CooldownLadder(policy, () => 1).next(1, rl, NOW) - NOW).toBe(36_000);
  });

  it('never ends before the server retry hint', () => {
    const ladder = new CooldownLadder(policy, () => 0.5);
    expect(ladder.next(1, { retryAt: NOW + 120_000 }, NOW)).toBe(NOW + 120_000);
    expect(ladder.next(1, { retryAt: NOW + 1_000 }, NOW)).toBe(NOW + 30_000);
  });

  it('an active cooldown is kept, not pushed later, unless the server hint is later', () => {
    const ladder = new CooldownLadder(policy, () => 0.5);
    expect(ladder.next(2, rl, NOW, NOW + 10_000)).toBe(NOW + 10_000);
    expect(ladder.next(2, { retryAt: NOW + 50_000 }, NOW, NOW + 10_000)).toBe(NOW + 50_000);
  });
});

describe('model health', () => {
  const ladder = new CooldownLadder(policy, () => 0.5);

  it('failures cool the model down along the ladder; success resets it', () => {
    let h = recordFailure(undefined, rl, NOW, ladder);
    expect(h).toMatchObject({ consecutiveFailures: 1, cooldownUntil: NOW + 30_000, lastReason: 'model_rate_limit' });
    expect(isAvailable(h, NOW + 29_999)).toBe(false);
    expect(isAvailable(h, NOW + 30_000)).toBe(true);
    h = recordFailure(h, rl, NOW + 30_000, ladder);
    expect(h.cooldownUntil).toBe(NOW + 90_000);
    h = recordLatency(recordSuccess(h, NOW + 100_000), { totalMs: 800 }, NOW + 100_000, DEFAULT_POLICY);
    expect(h).toMatchObject({ consecutiveFailures: 0, cooldownUntil: 0, latencyMs: 800 });
    expect(h.lastReason).toBeUndefined();
    expect(isAvailable(h, NOW + 100_000)).toBe(true);
  });

  it('a failure inside an active cooldown does not climb the ladder (in-flight retries)', () => {
    const h1 = recordFailure(undefined, rl, NOW, ladder);
    const h2 = recordFailure(h1, rl, NOW + 1_000, ladder);
    expect(h2.consecutiveFailures).toBe(1);
    expect(h2.cooldownUntil).toBe(h1.cooldownUntil);
  });

  it('EWMA latency and success rate', () => {
    let h = recordLatency(recordSuccess(undefined, NOW), { totalMs: 1000 }, NOW, DEFAULT_POLICY);
    h = recordLatency(recordSuccess(h, NOW, 0.5), { totalMs: 2000 }, NOW, DEFAULT_POLICY, 0.5);
    expect(h.latencyMs).toBe(1500);
    expect(h.successRate).toBe(1);
    h = recordFailure(h, { reason: 'server_error', message: 'x' }, NOW, ladder, { alpha: 0.5 });
    expect(h.successRate).toBe(0.5);
  });

  it('model_gone removes; request-specific and account reasons do not cool the model', () => {
    const gone = recordFailure(undefined, { reason: 'model_gone', status: 404, message: 'No endpoints found' }, NOW, ladder);
    expect(gone.removed).toBe(true);
    expect(isAvailable(gone, NOW + 1e9)).toBe(false);
    for (const reason of ['moderation', 'unsupported_input', 'context_too_long', 'account_minute_limit', 'auth'] as const) {
      const h = recordFailure(initialHealth(NOW), { reason, message: reason }, NOW, ladder);
      expect(h.cooldownUntil, reason).toBe(0);
      expect(h.consecutiveFailures, reason).toBe(0);
      expect(isAvailable(h, NOW), reason).toBe(true);
    }
  });

  it('invalid_output always takes the short first rung', () => {
    let h = initialHealth(NOW);
    for (let i = 0; i < 4; i++) h = recordFailure(h, { reason: 'invalid_output', message: 'bad json' }, NOW + i * 400_000, ladder);
    expect(h.cooldownUntil).toBe(NOW + 3 * 400_000 + 30_000);
  });
});
