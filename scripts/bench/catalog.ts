/**
 * The bench's own small catalog: five text models with made-up ids, so the scenarios do not depend on
 * whatever the real catalog lists this week. Ids end in `:free` so the simulator counts them against
 * the account's free-model quotas, as OpenRouter does.
 */
import type { PoolDefinition, PoolModel } from '@freepool/free-model-pool';

export const BENCH_MODELS = [
  'bench/alpha-70b:free',
  'bench/bravo-27b:free',
  'bench/charlie-24b:free',
  'bench/delta-12b:free',
  'bench/echo-8b:free',
] as const;

/** Nine models for the synchronised-churn scenario (the five above and four more). */
export const BENCH_MODELS_9 = [...BENCH_MODELS, 'bench/foxtrot-7b:free', 'bench/golf-4b:free', 'bench/hotel-3b:free', 'bench/india-1b:free'] as const;

/** What the simulator serves at GET /models. */
export function benchCatalog(): { data: Array<Record<string, unknown>> } {
  return {
    data: BENCH_MODELS_9.map((id) => ({
      id,
      name: id,
      context_length: 32_768,
      architecture: { input_modalities: ['text'], output_modalities: ['text'] },
      pricing: { prompt: '0', completion: '0', request: '0' },
      supported_parameters: ['temperature', 'max_tokens', 'stop', 'response_format', 'structured_outputs'],
    })),
  };
}

/** A pool whose tiers all list `ids` in order (the bench only uses the small tier). */
export function benchPool(ids: readonly string[]): PoolDefinition {
  const models: Record<string, PoolModel> = {};
  for (const id of ids) {
    models[id] = { id, name: id, contextLength: 32_768, vision: false, structuredOutputs: true, responseFormat: true };
  }
  return { tiers: { small: [...ids], large: [...ids], vision: [] }, models };
}
