import { afterEach, describe, expect, it } from 'vitest';
import { callsTo, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

/** Short cooldowns and probes, so a recovery happens within a test. */
const POLICY = { cooldownLadderMs: [80, 80, 80], cooldownJitter: 0, recoveryProbeIntervalMs: 80 };
const TWO = { small: [SMALL[0], SMALL[1]] };

/** Until `model` may be probed: the end of its cooldown and of the probe interval, as the pool set them. */
async function untilProbeDue(model: string): Promise<void> {
  const health = h!.pool.health('small').find((m) => m.model === model)?.health;
  if (!health) throw new Error(`${model} has no health yet`);
  const due = Math.max(health.cooldownUntil, (health.probedAt ?? 0) + POLICY.recoveryProbeIntervalMs);
  await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 1));
}

describe('a model that recovers takes back its place', () => {
  it('after its cooldown one request probes it; once it answers, it serves again first', async () => {
    h = await startHarness({}, { tiers: TWO, policy: POLICY });
    h.sim.failNext(SMALL[0], 'server_error', 2);
    const served: string[] = [];
    const ask = async () => served.push((await h!.pool.generateText({ tier: 'small', prompt: 'hi' })).model);
    await ask(); // S0 fails, S1 serves; S0 cools down
    await untilProbeDue(SMALL[0]);
    await ask(); // the probe: S0 fails again, S1 serves
    await untilProbeDue(SMALL[0]);
    await ask(); // the next probe answers: S0 is back
    for (let i = 0; i < 6; i++) await ask();
    expect(served).toEqual([SMALL[1], SMALL[1], SMALL[0], ...Array(6).fill(SMALL[0])]);
    expect(callsTo(h.sim, SMALL[0])).toBe(2 + 7);
  });

  it('one probe at a time: of three requests arriving together after the cooldown, one tries the model', async () => {
    h = await startHarness({ latencyMs: 20 }, { tiers: TWO, policy: POLICY });
    h.sim.failNext(SMALL[0], 'server_error');
    await h.pool.generateText({ tier: 'small', prompt: 'first' });
    await untilProbeDue(SMALL[0]);
    h.sim.resetStats();
    const models = (await Promise.all([1, 2, 3].map((i) => h!.pool.generateText({ tier: 'small', prompt: `together ${i}` })))).map((r) => r.model);
    expect(callsTo(h.sim, SMALL[0])).toBe(1);
    expect(models.filter((m) => m === SMALL[0])).toHaveLength(1);
  });
});
