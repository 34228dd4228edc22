import { describe, expect, it } from 'vitest';
import { PoolConfigError } from '../../src/errors.js';
import { validatePoolDefinition } from '../../src/pool/pool-validation.js';

const pool = (small: string[]) => ({ tiers: { small, large: [], vision: [] }, models: {} });

describe('validatePoolDefinition', () => {
  it.each([
    ['google/gemma-3-27b-it:free '], // trailing space: would not count as a free call, so neither paced nor capped
    ['google/gemma-3-27b-it:free\n'],
    ['gemma-3-27b-it:free'], // no vendor: the server would answer 400 for a call that still counts
    ['google/'],
  ])('rejects %j, naming the tier and the id', (id) => {
    let err: unknown;
    try {
      validatePoolDefinition(pool(['meta-llama/llama-3.2-3b-instruct:free', id]));
    } catch (e) {
      err = e;
    }
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect((err as PoolConfigError).setting).toBe('pool.tiers.small');
    expect((err as Error).message).toContain(JSON.stringify(id));
  });

  it('accepts OpenRouter ids, including the free router and variants', () => {
    const ids = ['meta-llama/llama-3.2-3b-instruct:free', 'openrouter/free', '~anthropic/claude-sonnet-latest', 'openai/gpt-4o-mini'];
    expect(validatePoolDefinition(pool(ids)).tiers.small).toEqual(ids);
  });
});
