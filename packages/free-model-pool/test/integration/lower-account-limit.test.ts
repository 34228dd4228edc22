import { afterEach, describe, expect, it } from 'vitest';
import type { LocalAccount } from '@freepool/free-model-pool';
import { startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

/** Runs `total` requests, `concurrency` at a time (each worker sends its next one when the last ends). */
async function closedLoop(total: number, concurrency: number, send: (i: number) => Promise<unknown>) {
  let next = 0;
  let ok = 0;
  const failures: unknown[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await send(i).then(
          () => ok++,
          (e: unknown) => failures.push(e),
        );
      }
    }),
  );
  return { ok, failures };
}

describe('an account limit lower than configured', () => {
  it('held at 10 per window while the pool is set for 20, 8 requests at a time: all 40 answered, at most one call wasted', async () => {
    h = await startHarness(
      { account: { perMinute: 10, windowMs: 400 }, latencyMs: [5, 15] },
      { policy: { freeRequestsPerWindow: 20, rateWindowMs: 400, maxWaitMs: 5_000, requestDeadlineMs: 20_000 } },
    );
    const r = await closedLoop(40, 8, (i) => h!.pool.generateText({ tier: 'small', prompt: `request ${i}` }));
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(40);
    const stats = h.sim.stats();
    const minute429 = stats.calls.filter((c) => c.kind === 'per_minute_429').length;
    expect(minute429).toBeLessThanOrEqual(1);
    expect(stats.total).toBeLessThanOrEqual(41);
    // What it learned is kept in the store: the window's limit, and the calls it saw accepted.
    expect((h.pool.account as LocalAccount).book.getAccountWindow()).toMatchObject({ limit: 10, confirmed: 10 });
  });

  it('held at 10 per window and allowed to wait one window: every request is answered at the reset, not an answer late', async () => {
    const windowMs = 400;
    h = await startHarness(
      { account: { perMinute: 10, windowMs }, latencyMs: [5, 15] },
      { policy: { freeRequestsPerWindow: 20, rateWindowMs: windowMs, maxWaitMs: windowMs, requestDeadlineMs: 20_000 } },
    );
    // The simulator's windows are aligned to multiples of their length, as OpenRouter's are to the
    // minute; start 20 ms into one so the first requests do not begin on its boundary.
    await new Promise((r) => setTimeout(r, windowMs - (Date.now() % windowMs) + 20));
    const r = await closedLoop(40, 8, (i) => h!.pool.generateText({ tier: 'small', prompt: `request ${i}` }));
    // Counted as a sliding window, each reset would open only once the last window's answers had
    // slid out, and requests that began waiting just after a boundary would wait past their one window.
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(40);
    expect(h.sim.stats().total).toBeLessThanOrEqual(41);
  });

  it('at exactly its configured limit, the first window confirms it and later windows run at full width', async () => {
    h = await startHarness({ account: { perMinute: 6, windowMs: 300 } }, { policy: { freeRequestsPerWindow: 6, rateWindowMs: 300, maxWaitMs: 5_000 } });
    const r = await closedLoop(18, 6, (i) => h!.pool.generateText({ tier: 'small', prompt: `request ${i}` }));
    expect(r.ok).toBe(18);
    expect(h.sim.stats().calls.filter((c) => c.kind === 'per_minute_429')).toEqual([]);
    expect((h.pool.account as LocalAccount).book.getAccountWindow()?.confirmed).toBe(6);
  });
});
