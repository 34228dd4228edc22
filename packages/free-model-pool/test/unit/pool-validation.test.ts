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
    expect(validatePoolDefinition(pool(ids), { allowPaidModels: true }).tiers.small).toEqual(ids);
  });

  it('refuses a paid model unless paid models are allowed, naming it and the setting that allows it', () => {
    for (const id of ['openai/gpt-4o', '~anthropic/claude-sonnet-latest', 'qwen/qwen3-vl-30b-a3b-thinking', 'openrouter/auto']) {
      const err = (() => {
        try {
          validatePoolDefinition(pool(['meta-llama/llama-3.2-3b-instruct:free', id]));
        } catch (e) {
          return e;
        }
      })();
      expect(PoolConfigError.isInstance(err), id).toBe(true);
      expect((err as PoolConfigError).setting).toBe('pool.tiers.small');
      expect((err as Error).message).toMatch(new RegExp(`^pool\\.tiers\\.small has "${id.replace(/[.~/]/g, '\\$&')}", which is not a free model`));
      expect((err as Error).message).toContain('OPENROUTER_ALLOW_PAID=true');
    }
  });
});
