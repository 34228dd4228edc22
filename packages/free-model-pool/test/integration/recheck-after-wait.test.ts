import { afterEach, describe, expect, it } from 'vitest';
import { callsTo, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

/** One account slot per 300 ms: the second request has to wait for the window after the first. */
const ONE_SLOT = { freeRequestsPerWindow: 1, rateWindowMs: 300, maxWaitMs: 5_000 };

describe('a model is checked again when the wait for the account window ends', () => {
  for (const [kind, state] of [
    ['gone', 'removed'],
    ['upstream_429', 'cooling'],
  ] as const) {
    it(`a model ${state} by another request during the wait is skipped, not called (${kind})`, async () => {
      h = await startHarness({}, { policy: ONE_SLOT });
      h.sim.failNext(SMALL[0], kind);
      // Both requests pick SMALL[0] first; the second waits for the window while the first's call fails.
      const [a, b] = await Promise.all([
        h.pool.generateText({ tier: 'small', prompt: 'first' }),
        h.pool.generateText({ tier: 'small', prompt: 'second' }),
      ]);
      expect(callsTo(h.sim, SMALL[0])).toBe(1);
      expect(a.model).toBe(SMALL[1]);
      expect(b.model).toBe(SMALL[1]);
      const second = [a, b].find((o) => o.attempts[0]!.outcome === 'skipped')!;
      expect(second.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'skipped', reason: kind === 'gone' ? 'model_gone' : 'model_rate_limit' });
      expect(h.pool.status().tiers.small[0]!.state).toBe(state);
    });
  }
});
