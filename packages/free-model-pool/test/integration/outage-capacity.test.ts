/**
 * An outage is not a capacity limit. The first model serves every request, then answers 429
 * "rate-limited upstream" to every call for a window and a half, then recovers. What it served
 * before the outage is what it can serve: the 429s of the outage (answered while it served nothing)
 * must not be learned as its capacity, and once a recovery probe succeeds it serves as before.
 * The simulator and the pool share a hand-moved clock, so windows and cooldowns are exact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Scenario, type Simulator } from '@freepool/openrouter-simulator';
import { FreeModelPool } from '@freepool/free-model-pool';
import { FAKE_KEY, FAST_POLICY, poolFromSimulator, seededRandom, SMALL } from './helpers.js';

const [S0, S1] = SMALL;
const WINDOW_MS = 1_000;
const STEP_MS = 100; // a request every 100 ms: 10 a window
const START = 1_800_000_000_000;
const HEALTHY: Scenario = { seed: 5, account: { perMinute: 1000, windowMs: WINDOW_MS } };
const DOWN: Scenario = { ...HEALTHY, models: { [S0]: { upstreamLimit: { requests: 0, windowMs: WINDOW_MS, style: 'upstream' } } } };

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function run() {
  let clock = START;
  sim = await startSimulator({ scenario: HEALTHY, port: 0, now: () => clock });
  const pool = new FreeModelPool({
    connection: { apiKey: FAKE_KEY, baseURL: sim.baseURL },
    pool: poolFromSimulator(sim, { small: [S0, S1] }),
    policy: {
      ...FAST_POLICY,
      freeRequestsPerWindow: 1000,
      rateWindowMs: WINDOW_MS,
      cooldownLadderMs: [500, 1000, 5000],
      cooldownJitter: 0,
      recoveryProbeIntervalMs: 500,
      maxWaitMs: 0, // the clock is moved by hand: nothing may wait for it
    },
    random: seededRandom(),
    now: () => clock,
  });
  const served: Array<{ at: number; model: string }> = [];
  const ask = async (n: number) => {
    for (let i = 0; i < n; i++) {
      clock += STEP_MS;
      const r = await pool.generateText({ tier: 'small', prompt: `request at ${clock - START}` });
      served.push({ at: clock, model: r.model });
    }
  };
  await ask(20); // two windows: the first model serves everything
  sim.setScenario(DOWN);
  const outageFrom = clock;
  await ask(15); // a window and a half of 429s from it
  sim.setScenario(HEALTHY);
  await ask(40); // four windows after it recovered
  return { pool, served, outageFrom, outageTo: outageFrom + 15 * STEP_MS };
}

describe('an outage is not a capacity limit', () => {
  it('after its recovery probe succeeds, the first model serves as much as before the outage', async () => {
    const { pool, served, outageFrom, outageTo } = await run();
    expect(served.filter((s) => s.at <= outageFrom).every((s) => s.model === S0)).toBe(true);
    // The outage was noticed: the second model served while it lasted.
    expect(served.filter((s) => s.at > outageFrom && s.at <= outageTo).some((s) => s.model === S1)).toBe(true);
    const recovered = served.findIndex((s) => s.at > outageTo && s.model === S0);
    expect(recovered).toBeGreaterThan(0);
    const after = served.slice(recovered);
    const share = after.filter((s) => s.model === S0).length / after.length;
    expect(share, `the first model served ${Math.round(share * 100)}% after its recovery`).toBe(1);
    // Its record holds no capacity learned from the outage.
    expect(pool.health('small')[0]!.health?.capacityPerWindow).toBeUndefined();
  });
});
