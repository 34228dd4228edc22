import { fileURLToPath } from 'node:url';

/** The monorepo root (scripts/lib/../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');

/** Discovery result at the repo root. */
export const AVAILABLE_MODELS_PATH = `${REPO_ROOT}/available-free-models.json`;

/** The default pool the plugin loads (committed; imported by the engine's catalog module). */
export const DEFAULT_POOLS_PATH = `${REPO_ROOT}/packages/free-model-pool/src/catalog/default-pools.json`;
