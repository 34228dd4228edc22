import { EventType, type IAgentRuntime, type ModelTypeName } from '@elizaos/core';
import type { TokenUsage } from '@freepool/free-model-pool';
import { LOG_SOURCE } from './logging.js';

/** Same source and provider strings as the official plugin, so usage dashboards count us alike. */
const SOURCE = 'openrouter';

/**
 * Emits MODEL_USED with token usage, as @elizaos/plugin-openrouter does. A failing listener is
 * logged, never turned into a failed model call.
 */
export async function emitModelUsed(
  runtime: IAgentRuntime,
  type: ModelTypeName,
  prompt: string,
  usage: TokenUsage | undefined,
): Promise<void> {
  const tokens = usage
    ? {
        prompt: usage.inputTokens ?? 0,
        completion: usage.outputTokens ?? 0,
        total: usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0),
      }
    : undefined;
  try {
    await runtime.emitEvent(EventType.MODEL_USED, { runtime, source: SOURCE, provider: SOURCE, type, prompt, tokens });
  } catch (error) {
    runtime.logger.debug({ src: LOG_SOURCE }, `a MODEL_USED listener failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
