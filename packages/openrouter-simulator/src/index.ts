export { startSimulator, type Simulator, type SimulatorOptions } from './server.js';
export { DEFAULT_CATALOG_PATH, CatalogError, type Catalog, type CatalogEntry } from './catalog.js';
export {
  parseScenario,
  ScenarioError,
  type Scenario,
  type ModelBehavior,
  type AccountScenario,
  type Latency,
  type UpstreamLimitStyle,
  type ReasoningBehavior,
} from './scenario.js';
export { FAILURE_KINDS, ANY_MODEL, type FailureKind } from './failure-queue.js';
export { ERROR_DIALECTS, type ErrorDialect } from './dialects/dialect.js';
export type { SimulatorStats, CallRecord, ModelStats } from './stats.js';
export { DEFAULT_PER_MINUTE, DEFAULT_WINDOW_MS, REPORTED_DAILY_WHEN_UNLIMITED } from './account-limits.js';
export { createRandom, type Random } from './prng.js';
