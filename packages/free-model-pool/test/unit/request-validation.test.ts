import { describe, expect, it } from 'vitest';
import { FreeModelPool, PoolConfigError } from '@freepool/free-model-pool';

/** Validation happens before any call, so the base URL is never reached. */
function pool() {
  return new FreeModelPool({
    connection: { apiKey: 'sk-or-v1-FAKE-test-key-0000', baseURL: 'http://127.0.0.1:9/api/v1' },
    pool: { tiers: { small: ['google/gemma-3-27b-it:free'], large: [], vision: [] }, models: {} },
    policy: { dailyLimit: 5 },
  });
}

describe('request validation', () => {
  it.each([[0], [-1], [1.5], [Number.NaN]])('maxOutputTokens %s is refused up front, without spending the day', async (n) => {
    const p = pool();
    const err = await p.generateText({ tier: 'small', prompt: 'hi', maxOutputTokens: n }).catch((e) => e);
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect(err.setting).toBe('maxOutputTokens');
    expect(p.status().daily.remaining).toBe(5);
  });

  it('a temperature that is not a number is refused up front', async () => {
    const p = pool();
    const err = await p.generateText({ tier: 'small', prompt: 'hi', temperature: Number.NaN }).catch((e) => e);
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect(err.setting).toBe('temperature');
  });
});
