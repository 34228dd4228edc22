import { ModelType, type Plugin } from '@elizaos/core';
import { initPlugin } from './init.js';
import { PLUGIN_NAME, PLUGIN_PRIORITY } from './plugin-id.js';
import { handleImageDescription } from './models/image.js';
import { handleObjectLarge, handleObjectSmall } from './models/object.js';
import { handleTextLarge, handleTextSmall } from './models/text.js';
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
  description:
    'Free OpenRouter models in tiered pools (small, large, vision) that rotate past rate limits: TEXT_SMALL, TEXT_LARGE, OBJECT_SMALL, OBJECT_LARGE, IMAGE_DESCRIPTION',
  priority: PLUGIN_PRIORITY,
  async init(_config, runtime) {
    await initPlugin(runtime);
  },
  models: {
    [ModelType.TEXT_SMALL]: handleTextSmall,
    [ModelType.TEXT_LARGE]: handleTextLarge,
    [ModelType.OBJECT_SMALL]: handleObjectSmall,
    [ModelType.OBJECT_LARGE]: handleObjectLarge,
    [ModelType.IMAGE_DESCRIPTION]: handleImageDescription,
  },
  routes: [statusRoute, ...panelRoutes],
  services: [PoolStateFlushService],
  // The pool's shared state (account window, daily counter, model health): plugin-sql migrates it
  // into the agent's database, in the schema `openrouter_free`.
  schema: poolStateSchema,
};

export default openrouterFreePlugin;
