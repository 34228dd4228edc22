import { ModelType, type AgentRuntime } from '@elizaos/core';
import { DailyLimitError } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';

describe('the daily free-model cap', () => {
  let sim: Simulator;
  let runtime: AgentRuntime;

  beforeAll(async () => {
    // One free call left today.
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000, daily: 50, dailyUsed: 49 } } });
    runtime = await startRuntime({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS });
  });
  afterAll(async () => {
    await stopRuntime(runtime);
    await sim?.close();
  });

  it('serves the last call of the day, then fails fast without calling OpenRouter', async () => {
    await expect(runtime.useModel(ModelType.TEXT_SMALL, { prompt: 'last one' })).resolves.toEqual(expect.any(String));
    expect(sim.stats().total).toBe(1);

    for (const modelType of [ModelType.TEXT_SMALL, ModelType.TEXT_LARGE, ModelType.OBJECT_SMALL]) {
      const error = await runtime.useModel(modelType, { prompt: 'one more' }).catch((e: unknown) => e);
      expect(DailyLimitError.isInstance(error), String(error)).toBe(true);
      expect((error as DailyLimitError).retryAt).toBeGreaterThan(Date.now());
      expect((error as Error).message).toMatch(/daily/i);
    }
    // No call reached the simulator after the cap.
    expect(sim.stats().total).toBe(1);
  });
});
