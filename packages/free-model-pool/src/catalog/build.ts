import type { ModelReasoning, PoolModel, Tier } from '../types.js';
import { TIERS } from '../types.js';
import { classifyModel, hasImageInput } from './tier-rules.js';
import { isFreeModel } from './free.js';
import { compareForChat } from './rank.js';
import type { Specialty } from './specialists.js';
import type { CatalogModel, DefaultPoolFile, DefaultPoolModel, FreeModelEntry, PoolFile } from './types.js';

export interface BuildPoolsOptions {
  /** Reference time for expiration dates (epoch ms or Date). */
  now: number | Date;
  /** Recorded as provenance: a URL or a file's base name. */
  source?: string;
  /** Only pass a time that comes from the catalog itself, so reruns stay byte-identical. */
  generatedAt?: string;
  /** Specialist kinds that rank as general models (the user's choice); default none. */
  allowSpecialists?: readonly Specialty[];
}

/** The PoolModel fields of a catalog entry, in a fixed key order (stable JSON). */
export function toPoolModel(m: CatalogModel): PoolModel & { maxCompletionTokens: number | null } {
  const reasoning = modelReasoning(m);
  return {
    id: m.id,
    name: m.name,
    contextLength: m.contextLength,
    maxCompletionTokens: m.maxCompletionTokens,
    vision: hasImageInput(m),
    structuredOutputs: m.supportedParameters.includes('structured_outputs'),
    responseFormat: m.supportedParameters.includes('response_format'),
    ...(reasoning ? { reasoning } : {}),
  };
}

/**
 * A model takes the `reasoning` parameter when the catalog lists it among its parameters or gives
 * its reasoning facts; catalogs before 2026 only did the former (then nothing is mandatory, any effort goes).
 */
export function modelReasoning(m: CatalogModel): ModelReasoning | undefined {
  if (!m.reasoning && !m.supportedParameters.includes('reasoning')) return undefined;
  const r = m.reasoning;
  return {
    mandatory: r?.mandatory === true,
    ...(r?.supportedEfforts ? { efforts: [...r.supportedEfforts] } : {}),
    ...(r?.defaultEffort ? { defaultEffort: r.defaultEffort } : {}),
  };
}

/** A free catalog entry with its classification. */
export function toFreeModelEntry(m: CatalogModel): FreeModelEntry {
  const c = classifyModel(m);
  return {
    ...toPoolModel(m),
    ...(c.sizeB !== undefined ? { sizeB: c.sizeB } : {}),
    ...(c.activeB !== undefined ? { activeB: c.activeB } : {}),
    tiers: c.tiers,
    score: c.score,
    ...(c.specialty ? { specialty: c.specialty } : {}),
    expirationDate: m.expirationDate,
  };
}

/** Keeps the free models of a parsed catalog, classifies them, and orders each tier (rank.ts). */
export function buildPools(models: CatalogModel[], opts: BuildPoolsOptions): PoolFile {
  const free = models
    .filter((m) => isFreeModel(m, opts.now))
    .map(toFreeModelEntry)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const pools = {} as Record<Tier, string[]>;
  for (const tier of TIERS) {
    pools[tier] = free
      .filter((e) => e.tiers.includes(tier))
      .sort(compareForChat(opts.allowSpecialists))
      .map((e) => e.id);
  }
  return {
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
    source: opts.source ?? 'catalog',
    models: free,
    pools,
  };
}

/** The default pool file (PoolDefinition + provenance) of a discovery result. */
export function toDefaultPools(file: PoolFile): DefaultPoolFile {
  const models: Record<string, DefaultPoolModel> = {};
  for (const e of file.models) {
    models[e.id] = {
      id: e.id,
      name: e.name,
      contextLength: e.contextLength,
      maxCompletionTokens: e.maxCompletionTokens,
      vision: e.vision,
      structuredOutputs: e.structuredOutputs,
      responseFormat: e.responseFormat,
      ...(e.reasoning ? { reasoning: e.reasoning } : {}),
      score: e.score,
      ...(e.specialty ? { specialty: e.specialty } : {}),
    };
  }
  return {
    ...(file.generatedAt ? { generatedAt: file.generatedAt } : {}),
    source: file.source,
    tiers: { small: [...file.pools.small], large: [...file.pools.large], vision: [...file.pools.vision] },
    models,
  };
}

/** The exact bytes written for a pool file: two-space JSON with a trailing newline. */
export function serializePoolFile(file: PoolFile | DefaultPoolFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
