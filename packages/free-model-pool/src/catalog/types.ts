import type { PoolDefinition } from '../settings.js';
import type { PoolModel, ReasoningEffort, Tier } from '../types.js';

/** The kinds of single-purpose model the catalog recognises (specialists.ts has the signs of each). */
export const SPECIALTIES = ['code', 'math', 'ocr', 'guard', 'roleplay', 'search', 'media'] as const;
export type Specialty = (typeof SPECIALTIES)[number];

/** One catalog entry after validation: only the fields discovery and the pool use. */
export interface CatalogModel {
  id: string;
  name: string;
  /** The catalog's prose about the model, when it gives one (its first sentence says what the model is for). */
  description?: string;
  /** Unix seconds, when the catalog says. */
  created?: number;
  /** Tokens; 0 when the catalog gives null. */
  contextLength: number;
  /** `top_provider.max_completion_tokens`, null when unknown. */
  maxCompletionTokens: number | null;
  inputModalities: string[];
  outputModalities: string[];
  /** `architecture.tokenizer`; `Router` marks routers and aliases. */
  tokenizer?: string;
  /** Prices as numbers (USD per token / request). Absent optional prices are 0. */
  pricing: { prompt: number; completion: number; request: number };
  supportedParameters: string[];
  /** The catalog's `reasoning` object (2026): mandatory, the accepted efforts (highest first), the default one. */
  reasoning?: { mandatory: boolean; supportedEfforts?: ReasoningEffort[]; defaultEffort?: ReasoningEffort };
  /** `YYYY-MM-DD` (or any date the catalog gives), null when none. */
  expirationDate: string | null;
}

/** What the classifier decides about one model. */
export interface Classification {
  /** Total parameters in billions, read from the id or name. */
  sizeB?: number;
  /** Active parameters of a mixture-of-experts model (`a3b`), in billions. */
  activeB?: number;
  /** Where the size-tier decision came from. */
  sizeBasis: 'params' | 'name-hint' | 'context';
  tiers: Tier[];
  /** Higher is better inside a tier; see `tier-rules.ts` for the formula. */
  score: number;
  /** Set for a single-purpose model (specialists.ts): it ranks after the general models of its tier. */
  specialty?: Specialty;
}

/** A free model as written to `available-free-models.json`: PoolModel plus discovery facts. */
export interface FreeModelEntry extends PoolModel {
  maxCompletionTokens: number | null;
  sizeB?: number;
  activeB?: number;
  tiers: Tier[];
  score: number;
  /** Only for specialists; general models have none. */
  specialty?: Specialty;
  expirationDate: string | null;
}

/** The discovery result (`available-free-models.json`). */
export interface PoolFile {
  /** Only when the caller supplies a timestamp that comes from the catalog; never wall-clock. */
  generatedAt?: string;
  /** Where the catalog came from: a URL or a file's base name. */
  source: string;
  /** Every free model, sorted by id. */
  models: FreeModelEntry[];
  /** Ordered ids per tier, best first. */
  pools: Record<Tier, string[]>;
}

/**
 * A model of the default pool file: its PoolModel fields plus the two facts ranking reads, so the
 * committed pool can be re-ranked for `allowSpecialists` without a catalog.
 */
export interface DefaultPoolModel extends PoolModel {
  score?: number;
  specialty?: Specialty;
}

/** The default pool file the plugin loads: a PoolDefinition plus provenance. */
export interface DefaultPoolFile extends PoolDefinition {
  generatedAt?: string;
  source: string;
  models: Record<string, DefaultPoolModel>;
}
