/** The plugin's name, which ElizaOS also puts in front of its route paths (`/openrouter-free/...`). */
export const PLUGIN_NAME = 'openrouter-free';
/** Above the default 0 of other model plugins, so ours wins regardless of registration order. */
export const PLUGIN_PRIORITY = 10;
