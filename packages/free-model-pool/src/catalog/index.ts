// Catalog discovery: parse the OpenRouter model list, decide what is free, classify tiers, build pools.
export { CatalogError } from './errors.js';
export { parseCatalog, parseCatalogText, type ParsedCatalog } from './parse.js';
export { isFreeModel, whyNotFree, expiresAt } from './free.js';
export { classifyModel, hasImageInput, CLASSIFY_RULES, SCORE_WEIGHTS } from './tier-rules.js';
export { readSize, modelSize, effectiveSizeB, type ModelSize } from './size.js';
export { SPECIALTIES, SPECIALIST_SIGNS, recogniseSpecialist, type Specialty, type SpecialistSigns, type SpecialistMatch } from './specialists.js';
export { specialistsLast, type Rankable } from './rank.js';
export { buildPools, toDefaultPools, serializePoolFile, type BuildPoolsOptions } from './build.js';
export { fetchCatalog, type FetchCatalogOptions } from './fetch.js';
export { derivePoolFromCatalog, type DerivePoolOptions, type DerivedPool } from './derive.js';
export { loadDefaultPools, parseDefaultPoolFile } from './default-pools.js';
export type { CatalogModel, Classification, FreeModelEntry, PoolFile, DefaultPoolFile, DefaultPoolModel } from './types.js';
