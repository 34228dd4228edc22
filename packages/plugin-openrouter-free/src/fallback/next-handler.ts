import type { IAgentRuntime } from '@elizaos/core';
import { typesServedBy } from '../model-types.js';
import { PLUGIN_NAME } from '../plugin-id.js';

/** A model handler as @elizaos/core 1.7.2 keeps them in `runtime.models` (sorted by priority, then registration). */
export interface RegisteredHandler {
  handler: (runtime: IAgentRuntime, params: Record<string, unknown>) => Promise<unknown>;
  provider: string;
  priority?: number;
}

/** Every model type's handlers, as the runtime keeps them. */
export function modelRegistry(runtime: IAgentRuntime): ReadonlyMap<string, readonly RegisteredHandler[]> {
  return (runtime as unknown as { models?: Map<string, RegisteredHandler[]> }).models ?? new Map();
}

function registered(runtime: IAgentRuntime, modelType: string): readonly RegisteredHandler[] {
  return modelRegistry(runtime).get(modelType) ?? [];
}

/**
 * The handler the runtime would use for `modelType` if this plugin were not there: the next one by
 * priority (`which` = '*'), or the one a named plugin registered (`openai` matches `openai` and
 * `@elizaos/plugin-openai`). Undefined when there is none.
 */
export function nextHandler(runtime: IAgentRuntime, modelType: string, which: string): RegisteredHandler | undefined {
  const others = registered(runtime, modelType).filter((h) => h.provider !== PLUGIN_NAME);
  if (which === '*') return others[0];
  const want = which.toLowerCase().replace(/^@elizaos\/plugin-/, '');
  return others.find((h) => {
    const name = h.provider.toLowerCase();
    return name === want || name.replace(/^@elizaos\/plugin-/, '') === want;
  });
}

/** Plugins other than this one that registered a text model: candidates for a last resort. */
export function otherTextProviders(runtime: IAgentRuntime): string[] {
  const names = new Set<string>();
  for (const type of typesServedBy('text')) for (const h of registered(runtime, type)) if (h.provider !== PLUGIN_NAME) names.add(h.provider);
  return [...names];
}
