import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { FreeModelPool, PoolExhaustedError, type PoolDefinition } from '@freepool/free-model-pool';
import { callsTo, FAKE_KEY, FAST_POLICY, poolFromSimulator, seededRandom, SMALL } from './helpers.js';

const [S0, S1] = SMALL;

/**
 * Learned upstream capacity against the simulator's per-model `upstreamLimit`. The simulator and the
 * pool share one hand-moved clock, so "the same upstream window" and "the next window" are exact.
 * The cooldown ladder is zero here so that only the learned capacity can keep the pool off the model.
 */
const WINDOW_MS = 1_000;
const START = 1_800_000_000_000; // a multiple of WINDOW_MS: the simulator's windows are aligned to it

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

type Style = 'upstream' | 'shared_capacity';

/** S0 serves 2 calls per window upstream, S1 serves 3; the small tier is [S0, S1] unless told. */
async function setup(style: Style, tiers: Partial<PoolDefinition['tiers']> = { small: [S0, S1] }) {
  let clock = START + 10;
  const limit = (requests: number) => ({ upstreamLimit: { requests, windowMs: WINDOW_MS, style } });
  sim = await startSimulator({ scenario: { seed: 7, models: { [S0]: limit(2), [S1]: limit(3) } }, port: 0, now: () => clock });
  const pool = new FreeModelPool({
    connection: { apiKey: FAKE_KEY, baseURL: sim.baseURL },
    pool: poolFromSimulator(sim, tiers),
    // No wait budget: the clock is moved by hand, so a request must not wait for a window to slide.
    policy: { ...FAST_POLICY, rateWindowMs: WINDOW_MS, cooldownLadderMs: [0], cooldownJitter: 0, maxWaitMs: 0 },
    random: seededRandom(),
    now: () => clock,
  });
  const s = sim;
  const ask = async (prompt: string) => {
    clock += 10;
    return pool.generateText({ tier: 'small', prompt });
  };
  const rateLimits = (model: string) => s.stats().byModel[model]?.byStatus['429'] ?? 0;
  return { sim: s, ask, rateLimits, nextWindow: () => (clock += WINDOW_MS) };
}

describe('learned upstream capacity', () => {
  for (const style of ['upstream', 'shared_capacity'] as const) {
    it(`after the first 429 a model is not called again in that window, and is called in the next (${style})`, async () => {
      const { sim, ask, rateLimits, nextWindow } = await setup(style);
      expect((await ask('1')).model).toBe(S0);
      expect((await ask('2')).model).toBe(S0);
      const third = await ask('3'); // S0's 2 calls are used: its 429 teaches the pool
      expect(third.model).toBe(S1);
      expect(third.attempts[0]).toMatchObject({ model: S0, outcome: 'failed', reason: 'model_rate_limit', status: 429 });
      expect(callsTo(sim, S0)).toBe(3);

      // Same upstream window, S0's cooldown (0 ms here) already over: skipped without a call.
      for (const prompt of ['4', '5']) {
        const r = await ask(prompt);
        expect(r.model).toBe(S1);
        expect(r.attempts[0]).toMatchObject({ model: S0, outcome: 'skipped', reason: 'model_rate_limit' });
        expect(r.attempts[0]!.message).toMatch(/^used its learned upstream capacity \(2 per window\) until \d\d:\d\d:\d\dZ$/);
      }
      expect(callsTo(sim, S0)).toBe(3);
      expect(rateLimits(S0)).toBe(1);
      // S1 has served its 3 (unknown to the pool yet): its own first 429, and nothing else may be called.
      await expect(ask('6')).rejects.toBeInstanceOf(PoolExhaustedError);
      expect(callsTo(sim, S0)).toBe(3);
      expect(rateLimits(S1)).toBe(1);

      // The next window: S0 is called again and answers, up to its learned capacity.
      nextWindow();
      expect((await ask('7')).model).toBe(S0);
      expect((await ask('8')).model).toBe(S0);
      expect(callsTo(sim, S0)).toBe(5);
      const ninth = await ask('9');
      expect(ninth.model).toBe(S1);
      expect(ninth.attempts[0]).toMatchObject({ model: S0, outcome: 'skipped', reason: 'model_rate_limit' });
      // No second 429 from S0 in this window: the capacity was learned once.
      expect(callsTo(sim, S0)).toBe(5);
      expect(rateLimits(S0)).toBe(1);
    });
  }

  it('a learned capacity never leaves a request without a model: the only candidate is still tried', async () => {
    const { sim, ask } = await setup('upstream', { small: [S0] });
    await ask('1');
    await ask('2');
    await expect(ask('3')).rejects.toBeInstanceOf(PoolExhaustedError);
    expect(callsTo(sim, S0)).toBe(3);
    // At its capacity, but nothing else can serve and its cooldown is over: it is called.
    await expect(ask('4')).rejects.toBeInstanceOf(PoolExhaustedError);
    expect(callsTo(sim, S0)).toBe(4);
  });
});
