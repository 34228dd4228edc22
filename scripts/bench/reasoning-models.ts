/**
 * The reasoning models of the bench's "reasoning models" scenario, and the two orders it runs them in.
 * Each answers in one of the shapes real free reasoning models use (the simulator's `reasoning`
 * behaviour), with its own think time, compressed like the rest of the bench (one OpenRouter minute
 * is MINUTE_MS).
 */
import type { PoolDefinition, PoolModel } from '@freepool/free-model-pool';
import type { ModelBehavior, Scenario } from '@freepool/openrouter-simulator';
import { MINUTE_MS } from './scenarios.js';

/** Real seconds to compressed milliseconds. */
const s = (seconds: number) => Math.round(seconds * 1000 * (MINUTE_MS / 60_000));

/** The model's own completion cap, in tokens (the agent's calls set no max_tokens). */
const CAP = 2048;

export const REASONING_MODELS: Record<string, { shape: string; behavior: ModelBehavior }> = {
  // A slow thinker: its first answer token comes after 25 s of reasoning (in OpenRouter's reasoning field).
  'bench/sage-70b:free': { shape: 'reasoning field, first answer token after 25 s', behavior: { reasoning: { style: 'field', tokens: 300, thinkMs: s(25) } } },
  // Thinks in a <think> block before the answer, 3 s.
  'bench/quill-27b:free': { shape: '<think> block in the content, 3 s', behavior: { reasoning: { style: 'inline', tokens: 200, thinkMs: s(3) } } },
  // Thinks at length: at its default effort the thinking spends the whole budget (an unclosed <think>, finish "length").
  'bench/ponder-24b:free': {
    shape: 'unclosed <think> at its default effort (the budget spent thinking), 6 s',
    behavior: { reasoning: { style: 'inline', tokens: 6000, thinkMs: s(6) }, maxOutputTokens: CAP },
  },
  // Its chat template opened the tag: the thinking, then </think> without an opener, 2 s.
  'bench/muse-12b:free': { shape: 'thinking, then </think> without its opener, 2 s', behavior: { reasoning: { style: 'no_opener', tokens: 150, thinkMs: s(2) } } },
  // A fast reasoning model, 1 s.
  'bench/swift-8b:free': { shape: 'reasoning field, 1 s', behavior: { reasoning: { style: 'field', tokens: 50, thinkMs: s(1) } } },
};

export interface ReasoningVariant {
  id: string;
  title: string;
  explanation: string;
  /** Pool order, best first; the baseline tries them in this order too. */
  models: readonly string[];
  /** The fastest healthy model, called alone for reference. */
  fastest: string;
  simulator: Scenario;
}

const behaviours = Object.fromEntries(Object.entries(REASONING_MODELS).map(([id, m]) => [id, m.behavior]));
const simulator = (seed: number): Scenario => ({ seed, latencyMs: [20, 60], account: { perMinute: 20, windowMs: MINUTE_MS }, models: behaviours });

export const REASONING_VARIANTS: ReasoningVariant[] = [
  {
    id: 'slow-first',
    title: 'A slow thinker first',
    explanation: 'The first model of both tiers reasons for 25 s before its first answer token; the others answer within a few seconds.',
    models: ['bench/sage-70b:free', 'bench/quill-27b:free', 'bench/muse-12b:free', 'bench/swift-8b:free', 'bench/ponder-24b:free'],
    fastest: 'bench/swift-8b:free',
    simulator: simulator(21),
  },
  {
    id: 'thinking-in-text',
    title: 'Thinking in the text first',
    explanation:
      'The first models leave their thinking in the content: one spends its whole budget thinking at its default effort (an unclosed <think>), one writes a <think> block, one a closing tag without its opener.',
    models: ['bench/ponder-24b:free', 'bench/quill-27b:free', 'bench/muse-12b:free', 'bench/swift-8b:free', 'bench/sage-70b:free'],
    fastest: 'bench/swift-8b:free',
    simulator: simulator(22),
  },
];

/** The catalog the simulator serves: every model takes the `reasoning` parameter. */
export function reasoningCatalog(variant: ReasoningVariant): { data: Array<Record<string, unknown>> } {
  return {
    data: variant.models.map((id) => ({
      id,
      name: id,
      context_length: 32_768,
      architecture: { input_modalities: ['text'], output_modalities: ['text'] },
      pricing: { prompt: '0', completion: '0', request: '0' },
      top_provider: { context_length: 32_768, max_completion_tokens: CAP },
      supported_parameters: ['temperature', 'max_tokens', 'stop', 'reasoning', 'include_reasoning'],
      reasoning: { mandatory: false },
    })),
  };
}

/** The pool: the small and large tiers list the models in the variant's order. */
export function reasoningPool(variant: ReasoningVariant): PoolDefinition {
  const models: Record<string, PoolModel> = {};
  for (const id of variant.models) {
    models[id] = { id, name: id, contextLength: 32_768, maxCompletionTokens: CAP, vision: false, structuredOutputs: false, responseFormat: false, reasoning: { mandatory: false } };
  }
  return { tiers: { small: [...variant.models], large: [...variant.models], vision: [] }, models };
}
