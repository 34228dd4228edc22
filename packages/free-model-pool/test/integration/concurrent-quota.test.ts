import { afterEach, describe, expect, it } from 'vitest';
import { DailyLimitError } from '@freepool/free-model-pool';
import { startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('concurrent requests and the daily cap', () => {
  it('with 2 calls left today, 4 simultaneous requests make 2 calls and the server never refuses one', async () => {
    h = await startHarness({ account: { daily: 50, dailyUsed: 48 } });
    await h.pool.refreshAccountStatus(); // remaining: 2

    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => h!.pool.generateText({ tier: 'small', prompt: `at once ${i}` })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    expect(refused).toHaveLength(2);
    for (const e of refused) {
      expect(DailyLimitError.isInstance(e)).toBe(true);
      expect(e.message).toMatch(/no free model was called/);
    }
    // Each call past the cap would have been a guaranteed, still-counted failure.
    expect(h.sim.stats().total).toBe(2);
    expect(h.sim.stats().byStatus['429']).toBeUndefined();
  });
});
