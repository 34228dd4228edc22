// Public API of @freepool/free-model-pool: what a program using the pool needs. The building blocks
// the plugin, the scripts and the tests also reach for are in `@freepool/free-model-pool/internal`.
export * from './types.js';
export * from './errors.js';
export * from './settings.js';

// The pool, its requests and its status snapshot.
export { FreeModelPool, type FreeModelPoolOptions } from './pool/free-model-pool.js';
export type { ModelStatus, PoolStatus } from './pool/pool-status.js';
export type {
  BaseRequest,
  TextRequest,
  TextResult,
  ObjectOutput,
  ObjectRequest,
  ObjectResult,
  ImageRequest,
  PoolStream,
  PoolEvent,
  PoolEventListener,
} from './pool/requests.js';
export { isModelId } from './pool/pool-validation.js';
export { DEFAULT_LAST_RESORT_TIMEOUT_MS, lastResortId, type LastResortSettings } from './pool/last-resort.js';
export { MemoryStore, type PoolStore } from './state/index.js';
// The account seam: one interface, a local and a fleet implementation.
export {
  AccountBook,
  FleetAccount,
  LocalAccount,
  processAccountBook,
  openAccount,
  type Account,
  type AccountBlock,
  type AccountSlot,
  type AccountView,
  type SettledCall,
  type Taken,
  type TakeRequest,
  type FleetAccountOptions,
  type LocalAccountOptions,
  type SharedAccountOptions,
} from './account/index.js';
export {
  DEFAULT_SHARED_STATE_POLICY,
  LedgerLink,
  type SharedLedger,
  type LedgerReserveRequest,
  type LedgerReservation,
  type LedgerDaily,
  type LedgerWindow,
  type LedgerSettle,
  type LedgerMinuteBlock,
  type SharedStatePolicy,
} from './state/index.js';

// Failures: one reason per error, and keys kept out of messages.
export { classifyFailure, redactSecrets, REDACTED, type ClassifyContext } from './failures/index.js';
export { nextUtcMidnight } from './limits/index.js';

// OpenRouter: the provider client the pool uses, and the key's daily quota.
export { createOpenRouterClient, attributionHeaders } from './openrouter/client.js';
export { fetchKeyStatus, type KeyStatus } from './openrouter/key-status.js';

// Catalog: parse the model list, decide what is free, classify tiers, build and load pools.
export {
  CatalogError,
  parseCatalog,
  parseCatalogText,
  isFreeModel,
  whyNotFree,
  classifyModel,
  buildPools,
  toDefaultPools,
  serializePoolFile,
  fetchCatalog,
  derivePoolFromCatalog,
  loadDefaultPools,
  parseDefaultPoolFile,
  SPECIALTIES,
  recogniseSpecialist,
  type Specialty,
  type SpecialistMatch,
  type ParsedCatalog,
  type BuildPoolsOptions,
  type FetchCatalogOptions,
  type DerivePoolOptions,
  type DerivedPool,
  type CatalogModel,
  type Classification,
  type FreeModelEntry,
  type PoolFile,
  type DefaultPoolFile,
  type DefaultPoolModel,
} from './catalog/index.js';
