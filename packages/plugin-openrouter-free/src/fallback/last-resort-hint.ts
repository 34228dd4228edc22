import type { IAgentRuntime } from '@elizaos/core';
import type { PluginSettings } from '../config.js';
import { LOG_SOURCE } from '../logging.js';
import { otherTextProviders } from './next-handler.js';

/**
 * Once the agent has started (every plugin registered): one line when another text model plugin is
 * registered that could serve as the last resort but is not enabled as one, saying how. Nothing is
 * turned on by itself: another plugin may be a paid API.
 */
export function hintLastResort(runtime: IAgentRuntime, settings: PluginSettings): void {
  if (settings.nextHandler) return;
  // Not the official OpenRouter plugin: it calls the same account, so past the free tier it can only
  // answer with paid models (the start-up warning about other model plugins covers it).
  const others = otherTextProviders(runtime).filter((name) => name !== 'openrouter');
  if (others.length === 0) return;
  runtime.logger.info(
    { src: LOG_SOURCE, candidates: others },
    `${others.join(', ')} also serve${others.length === 1 ? 's' : ''} text models; when the free tier cannot answer (daily cap reached), set OPENROUTER_LAST_RESORT_HANDLER=${others[0]} to hand those calls to it (off by default: it may be a paid API).`,
  );
}
