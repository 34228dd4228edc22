import type { IAgentRuntime, Route, RouteRequest, RouteResponse } from '@elizaos/core';
import { redactSecrets } from '@freepool/free-model-pool';
import { getPoolEntry } from '../pool-registry.js';

/**
 * ElizaOS prefixes a plugin's route paths with the plugin's name, so the server serves this one at
 * `/api/agents/<agentId>/plugins/openrouter-free/status`.
 */
export const STATUS_ROUTE_PATH = '/status';

/**
 * What the pool knows right now, as JSON: which models of each tier are ready, cooling (and until
 * when) or removed, the account's calls this minute and the daily counter. Users of other fallback
 * pools ask for exactly this, because otherwise "why is my agent slow?" has no answer.
 * Never includes the API key.
 */
export async function handleStatus(_req: RouteRequest, res: RouteResponse, runtime: IAgentRuntime): Promise<void> {
  const entry = getPoolEntry(runtime);
  if (!entry?.pool) {
    res.status(200).json({
      configured: false,
      reason: entry ? 'OPENROUTER_API_KEY is not set' : 'the plugin has not started for this agent yet',
    });
    return;
  }
  const body = {
    configured: true,
    baseURL: redactSecrets(entry.settings.baseURL, [entry.settings.apiKey]),
    ...entry.pool.status(),
  };
  res.status(200).json(body);
}

export const statusRoute: Route = { type: 'GET', path: STATUS_ROUTE_PATH, handler: handleStatus };
