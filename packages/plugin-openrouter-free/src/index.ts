import type { Plugin } from '@elizaos/core';
import { initPlugin } from './init.js';
import { SERVED_TYPES } from './model-types.js';
import { servedModels } from './models/handlers.js';
import { PLUGIN_NAME, PLUGIN_PRIORITY } from './plugin-id.js';
import { panelRoutes } from './routes/panel.js';
import { statusRoute } from './routes/status.js';
import { PoolStateFlushService } from './state/flush-on-stop.js';
import { poolStateSchema } from './state/schema.js';

/**
 * Free OpenRouter models for ElizaOS: each model type draws from a tiered pool of `:free` models
 * that paces the account, honours the daily cap and rotates past rate-limited models.
 * Settings are read in `init`; TEXT_EMBEDDING is registered there when an embedding model is set.
 */
export const openrouterFreePlugin: Plugin = {
  name: PLUGIN_NAME,
  description: `Free OpenRouter models in tiered pools (small, large, vision) that rotate past rate limits: ${SERVED_TYPES.join(', ')}`,
  priority: PLUGIN_PRIORITY,
  async init(_config, runtime) {
    await initPlugin(runtime);
  },
  // One handler per row of SERVED_MODEL_TYPES (model-types.ts).
  models: servedModels(),
  routes: [statusRoute, ...panelRoutes],
  services: [PoolStateFlushService],
  // The pool's shared state (account window, daily counter, model health): plugin-sql migrates it
  // into the agent's database, in the schema `openrouter_free`.
  schema: poolStateSchema,
};

export default openrouterFreePlugin;
