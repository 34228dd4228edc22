import { ModelType, type IAgentRuntime } from '@elizaos/core';
import { installPriorityScopes } from './fallback/call-priority.js';
import { hintLastResort } from './fallback/last-resort-hint.js';
import { handleTextEmbedding } from './models/embedding.js';
import { ensurePoolEntry } from './pool-entry.js';
import { PLUGIN_NAME, PLUGIN_PRIORITY } from './plugin-id.js';
import { nameOtherModelPlugins } from './startup/other-model-plugins.js';

/**
 * Plugin init: validate settings (a bad one rejects runtime.initialize with an error naming it),
 * build this runtime's pool, refresh it from the live catalog within a bounded time, and register
 * TEXT_EMBEDDING only when the user chose an embedding model. Once every plugin has registered,
 * name the other model plugins (and what they may bill for) and hint at a last resort.
 */
export async function initPlugin(runtime: IAgentRuntime): Promise<void> {
  const { settings } = await ensurePoolEntry(runtime);
  installPriorityScopes(runtime);
  // After initialize every plugin has registered its models (plugins start at once, in any order).
  runtime.initPromise
    ?.then(() => {
      nameOtherModelPlugins(runtime);
      hintLastResort(runtime, settings);
    })
    .catch(() => undefined);
  if (settings.embeddingModel) {
    // registerModel is typed for record params; ElizaOS also sends null and strings to embeddings.
    const handler = handleTextEmbedding as unknown as Parameters<IAgentRuntime['registerModel']>[1];
    runtime.registerModel(ModelType.TEXT_EMBEDDING, handler, PLUGIN_NAME, PLUGIN_PRIORITY);
  }
}
