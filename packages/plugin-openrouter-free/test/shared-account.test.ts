import { ModelType, type AgentRuntime } from '@elizaos/core';
import { DailyLimitError } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopSharing } from './helpers/runtime.js';

/**
 * Two agents in one process on the same key share one OpenRouter account: its per-minute and daily
 * free-model limits. Their pools must count together, or each spends calls the other already used.
 */
describe('two runtimes on one key in one process', () => {
  let sim: Simulator;
  let first: AgentRuntime;
  let second: AgentRuntime;

  beforeAll(async () => {
    // Two free calls left today, for the whole account.
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily: 50, dailyUsed: 48 } } });
    const settings = { OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS };
    first = await startRuntime(settings);
    second = await startRuntime(settings);
  });
  afterAll(async () => {
    await stopSharing(first, second);
    await sim?.close();
  });

  it('count against one daily cap: once the account has spent it, neither agent makes another call', async () => {
    await expect(first.useModel(ModelType.TEXT_SMALL, { prompt: 'one' })).resolves.toEqual(expect.any(String));
    await expect(second.useModel(ModelType.TEXT_SMALL, { prompt: 'two' })).resolves.toEqual(expect.any(String));
    expect(sim.stats().total).toBe(2);

    for (const runtime of [first, second]) {
      const error = await runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'three' }).catch((e: unknown) => e);
      expect(DailyLimitError.isInstance(error), String(error)).toBe(true);
    }
    // The cap was known from the two agents' calls together: no third call was spent finding out.
    expect(sim.stats().total).toBe(2);
  });
});
