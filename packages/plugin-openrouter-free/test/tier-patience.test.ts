/**
 * TEXT_LARGE with the large tier down and the small tier healthy, through a real AgentRuntime with
 * the defaults a user has (a minute's wait, large → small fallback): every request is answered by a
 * small model at once. The first one meets each large model once (each answers 429 and cools for
 * 30 s, well within the minute's wait); after that no request waits for a large model's cooldown, so
 * none calls one (before replies had patience, each waited for the first cooldown to end).
 */
import { ModelType, type AgentRuntime } from '@elizaos/core';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, LARGE, PINNED_POOLS, SMALL, startRuntime, stopRuntime } from './helpers/runtime.js';

const DOWN = { upstreamLimit: { requests: 0, windowMs: 60_000, style: 'upstream' as const } };

describe('a large request while the large tier is down', () => {
  let sim: Simulator;
  let runtime: AgentRuntime | undefined;
  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 }, models: Object.fromEntries(LARGE.map((m) => [m, DOWN])) } });
  });
  afterAll(async () => {
    await stopRuntime(runtime);
    await sim?.close();
  });

  it('is answered by the small tier within the reply patience: after the first, no request calls (or waits for) a large model', async () => {
    runtime = await startRuntime({
      OPENROUTER_API_KEY: FAKE_KEY,
      OPENROUTER_BASE_URL: sim.baseURL,
      ...FAST_SETTINGS,
      ...PINNED_POOLS,
      // What a user has: a minute's wait for a model, the first cooldown 30 s, large falls back to small.
      OPENROUTER_MAX_WAIT_MS: '60000',
      OPENROUTER_COOLDOWN_MS: '30000',
      OPENROUTER_TIER_FALLBACK: 'large>small',
    });
    sim.resetStats();
    const elapsed: number[] = [];
    for (let i = 0; i < 8; i++) {
      const started = Date.now();
      const text = String(await runtime.useModel(ModelType.TEXT_LARGE, { prompt: `message ${i}` }));
      elapsed.push(Date.now() - started);
      expect(text).toBe(`Simulated reply from ${SMALL[0]}: message ${i}`);
    }
    const calls = sim.stats().calls.map((c) => c.model);
    // The first request: each large model once (each 429s and cools for 30 s, within the wait), then the small answer. Then one call each.
    expect(calls.slice(0, LARGE.length + 1)).toEqual([...LARGE, SMALL[0]]);
    expect(calls.slice(LARGE.length + 1)).toEqual(Array(7).fill(SMALL[0]));
    // The figure, for the record (speed is judged in the bench, not asserted here).
    console.info(`TEXT_LARGE with the large tier down: ${elapsed.map((ms) => `${ms} ms`).join(', ')}`);
  }, 60_000);
});
