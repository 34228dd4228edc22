import type { Tier } from '../types.js';
import { expiresAt } from './free.js';
import { effectiveSizeB, modelSize } from './size.js';
import { recogniseSpecialist } from './specialists.js';
import type { CatalogModel, Classification } from './types.js';

/**
 * Tier and score rules, in one place. docs/catalog-and-probing.md explains them for users.
 *
 * Size tier (every model gets exactly one of small / large; vision is added on top):
 *   1. size known: dense-equivalent size ≥ LARGE_MIN_PARAMS_B → large, else small
 *      (MoE dense-equivalent = √(total × active); see size.ts).
 *   2. size unknown: a name word like "large"/"ultra"/"super" → large; "mini"/"nano"/"small"/"xs" → small.
 *   3. otherwise context length ≥ LARGE_MIN_CONTEXT → large, else small.
 * Vision tier: the catalog lists `image` among the input modalities.
 */
export const CLASSIFY_RULES = Object.freeze({
  /** Dense-equivalent billions of parameters from which a model is LARGE. */
  LARGE_MIN_PARAMS_B: 30,
  /** For models of unknown size: context window (tokens) from which a model is LARGE. */
  LARGE_MIN_CONTEXT: 128_000,
  /** Name words that mark a model of unknown size as large or small. */
  LARGE_WORDS: ['large', 'ultra', 'super', 'max'] as readonly string[],
  SMALL_WORDS: ['mini', 'nano', 'small', 'tiny', 'lite', 'xs', 'micro'] as readonly string[],
});

/**
 * Score: higher is better inside a tier; ties broken by id. Every term is derived from the catalog
 * only, so the same catalog always gives the same order. Specialists (code, maths, OCR, …) are not
 * scored down: they rank after the general models of their tier (specialists.ts, rank.ts).
 *   size       10·log10(dense-equivalent B), 0…30 (1B → 0, 10B → 10, 100B → 20); unknown size counts
 *              as UNKNOWN_LARGE_B / UNKNOWN_SMALL_B depending on the tier it landed in
 *   context    2·log2(context / 4096), 0…12 (8K → 2, 128K → 10, 256K → 12)
 *   recency    2 per year since 2023 by `created`, 0…10 (newer open models are usually stronger)
 *   output     +3 structured_outputs, else +1.5 response_format (object requests need it)
 *   penalties  −4 thinking/reasoning variants (slow, may spend the token budget on reasoning),
 *              −10 base (non-instruct) models, −2 models with an expiration date
 */
export const SCORE_WEIGHTS = Object.freeze({
  SIZE_PER_DECADE: 10,
  SIZE_MAX: 30,
  UNKNOWN_LARGE_B: 32,
  UNKNOWN_SMALL_B: 6,
  CONTEXT_PER_DOUBLING: 2,
  CONTEXT_BASE: 4096,
  CONTEXT_MAX_TOKENS: 262_144,
  RECENCY_PER_YEAR: 2,
  RECENCY_EPOCH_S: Date.UTC(2023, 0, 1) / 1000,
  RECENCY_MAX_YEARS: 5,
  STRUCTURED_OUTPUTS: 3,
  RESPONSE_FORMAT: 1.5,
  THINKING_PENALTY: -4,
  BASE_MODEL_PENALTY: -10,
  EXPIRING_PENALTY: -2,
});

const YEAR_S = 365.25 * 24 * 3600;

/** Words of an id or name: split on everything that is not a letter or digit. */
function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

export function hasImageInput(m: CatalogModel): boolean {
  return m.inputModalities.includes('image');
}

export function classifyModel(m: CatalogModel): Classification {
  const R = CLASSIFY_RULES;
  const W = SCORE_WEIGHTS;
  const size = modelSize(m.id, m.name);
  const effB = effectiveSizeB(size);
  const nameWords = new Set([...words(m.id.replace(/:[^:]*$/, '')), ...words(m.name)]);

  let large: boolean;
  let sizeBasis: Classification['sizeBasis'];
  if (effB !== undefined) {
    large = effB >= R.LARGE_MIN_PARAMS_B;
    sizeBasis = 'params';
  } else if (R.LARGE_WORDS.some((w) => nameWords.has(w))) {
    large = true;
    sizeBasis = 'name-hint';
  } else if (R.SMALL_WORDS.some((w) => nameWords.has(w))) {
    large = false;
    sizeBasis = 'name-hint';
  } else {
    large = m.contextLength >= R.LARGE_MIN_CONTEXT;
    sizeBasis = 'context';
  }

  const tiers: Tier[] = [large ? 'large' : 'small'];
  if (hasImageInput(m)) tiers.push('vision');

  const sizeForScore = effB ?? (large ? W.UNKNOWN_LARGE_B : W.UNKNOWN_SMALL_B);
  const sizePts = clamp(W.SIZE_PER_DECADE * Math.log10(Math.max(sizeForScore, 1)), 0, W.SIZE_MAX);
  const ctx = clamp(m.contextLength, W.CONTEXT_BASE, W.CONTEXT_MAX_TOKENS);
  const ctxPts = W.CONTEXT_PER_DOUBLING * Math.log2(ctx / W.CONTEXT_BASE);
  const years = m.created ? clamp((m.created - W.RECENCY_EPOCH_S) / YEAR_S, 0, W.RECENCY_MAX_YEARS) : 0;
  const recencyPts = W.RECENCY_PER_YEAR * years;
  const outputPts = m.supportedParameters.includes('structured_outputs')
    ? W.STRUCTURED_OUTPUTS
    : m.supportedParameters.includes('response_format')
      ? W.RESPONSE_FORMAT
      : 0;
  let penalty = 0;
  if (nameWords.has('thinking') || nameWords.has('reasoning')) penalty += W.THINKING_PENALTY;
  if (nameWords.has('base')) penalty += W.BASE_MODEL_PENALTY;
  if (expiresAt(m) !== undefined) penalty += W.EXPIRING_PENALTY;

  const score = round2(sizePts + ctxPts + recencyPts + outputPts + penalty);
  const specialist = recogniseSpecialist(m);
  return {
    ...(size.totalB !== undefined ? { sizeB: round2(size.totalB) } : {}),
    ...(size.activeB !== undefined ? { activeB: round2(size.activeB) } : {}),
    sizeBasis,
    tiers,
    score,
    ...(specialist ? { specialty: specialist.specialty } : {}),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
