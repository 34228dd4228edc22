import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_KEY, SMALL, startHarness, type Harness } from './helpers.js';

describe('pool.status(): what a status display shows', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.sim.close();
    h = undefined;
  });

  it('shows a cooled model as cooling until its cooldown ends, the others ready, and the calls of the window', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'upstream_429');
    await h.pool.generateText({ tier: 'small', prompt: 'hi' });

    const status = h.pool.status();
    const [first, second, third] = status.tiers.small;
    expect(first).toMatchObject({ model: SMALL[0], state: 'cooling', lastReason: 'model_rate_limit', consecutiveFailures: 1 });
    expect(first!.cooldownUntil).toBeGreaterThan(status.at);
    // It refused its first call: no capacity is learned from a 429 before it accepted any (limits/model-capacity.ts).
    expect(first!.learnedCapacityPerWindow).toBeUndefined();
    expect(second).toMatchObject({ model: SMALL[1], state: 'ready', consecutiveFailures: 0, successRate: 1 });
    expect(third).toMatchObject({ model: SMALL[2], state: 'ready', consecutiveFailures: 0 });
    expect(status.account).toMatchObject({ limit: 20, sentInWindow: 2, nextSlotAt: status.at });
  });

  it("shows a thinking model's time to its first answer token apart from its time to the whole answer", async () => {
    // The model thinks for 300 ms (streaming its reasoning meanwhile) before the first answer token.
    const thinker = { reasoning: { style: 'field' as const, thinkMs: 300 }, chunkDelayMs: 5 };
    h = await startHarness({ models: { [SMALL[0]]: thinker } });
    const s = h.pool.streamText({ tier: 'small', prompt: 'tell me something' });
    expect((await s.outcome).model).toBe(SMALL[0]);

    const [first] = h.pool.status().tiers.small;
    expect(first!.firstTokenMs).toBeGreaterThanOrEqual(300);
    expect(first!.latencyMs).toBeGreaterThan(first!.firstTokenMs!);
  });

  it('shows a ready model that has used its learned upstream capacity, and until when', async () => {
    // S0 takes one call per minute upstream; no cooldown, so only the learned capacity keeps it off.
    const limit = { upstreamLimit: { requests: 1, windowMs: 60_000, style: 'upstream' as const } };
    h = await startHarness({ models: { [SMALL[0]]: limit } }, { policy: { rateWindowMs: 60_000, cooldownLadderMs: [0], cooldownJitter: 0 } });
    await h.pool.generateText({ tier: 'small', prompt: 'one' }); // S0 serves its one call
    await h.pool.generateText({ tier: 'small', prompt: 'two' }); // S0 answers 429: capacity 1 learned

    const status = h.pool.status();
    const [first, second] = status.tiers.small;
    expect(first).toMatchObject({ model: SMALL[0], state: 'ready', learnedCapacityPerWindow: 1 });
    expect(first!.atCapacityUntil).toBeGreaterThan(status.at);
    expect(second!.atCapacityUntil).toBeUndefined();
  });

  it('shows a 404 model as removed and a reached daily cap with its reset time', async () => {
    h = await startHarness({ account: { daily: 3 } }); // the simulator counts the 404 call too
    h.sim.failNext(SMALL[0], 'gone');
    await h.pool.generateText({ tier: 'small', prompt: 'one' }); // 404 on the first, served by the second
    await h.pool.generateText({ tier: 'small', prompt: 'two' });
    await expect(h.pool.generateText({ tier: 'small', prompt: 'three' })).rejects.toThrow(/daily/i);

    const status = h.pool.status();
    expect(status.tiers.small[0]).toMatchObject({ model: SMALL[0], state: 'removed', lastReason: 'model_gone' });
    expect(status.daily.exhaustedUntil).toBeGreaterThan(status.at);
    expect(JSON.stringify(status)).not.toContain(FAKE_KEY);
  });
});
