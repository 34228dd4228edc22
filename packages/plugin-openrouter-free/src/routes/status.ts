import type { IAgentRuntime, Route, RouteRequest, RouteResponse } from '@elizaos/core';
import { redactSecrets, type PoolStatus } from '@freepool/free-model-pool';
import { reasonDescription } from '@freepool/free-model-pool/internal';
import { getPoolEntry } from '../pool-registry.js';
import { requestLogFor } from '../status/request-log.js';
import { isLoopbackUrl } from '../status/upstream.js';

/**
 * ElizaOS prefixes a plugin's route paths with the plugin's name, so the server serves this one at
 * `/api/agents/<agentId>/plugins/openrouter-free/status`. Add `?agentId=<agentId>`: ElizaOS 1.7
 * routes by that query parameter, and without it answers from the first agent that has the route.
 */
export const STATUS_ROUTE_PATH = '/status';

/**
 * What the pool knows right now, as JSON: which models of each tier are ready, cooling (and until
 * when), at their learned capacity or removed, the account's calls this minute, the daily counter,
 * and the recent requests with their attempt trails. Users of other fallback pools ask for exactly
 * this, because otherwise "why is my agent slow?" has no answer. The panel renders it.
 * Never includes the API key: the whole body is scrubbed of it, whatever a message quoted.
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
  const log = requestLogFor(runtime);
  const status = entry.pool.status();
  const body = {
    configured: true,
    baseURL: entry.settings.baseURL,
    simulator: isLoopbackUrl(entry.settings.baseURL),
    ...status,
    tiers: withReasonText(status.tiers),
    // The reply reserve is in `daily` (reserve, reserveInForce); what answered past the free tier is here.
    lastResort: {
      endpoint: entry.pool.lastResortEndpoint ?? null,
      handler: entry.settings.nextHandler === '*' ? 'next registered handler' : entry.settings.nextHandler || null,
      notice: entry.settings.notice !== false,
      ...log.wallCounts(),
    },
    // Shared with every agent on the key (null: this process only); reachable false during an outage.
    sharedState: entry.sharedState ? { ...entry.sharedState, reachable: entry.pool.account.view(status.at).shared?.reachable ?? true } : null,
    requests: log.recent(),
    callsLastHour: { windowMs: log.historyWindowMs, models: log.callsPerModel() },
  };
  res.status(200).json(scrub(body, [entry.settings.apiKey]));
}

/** Each model's last failure in words too, so the panel and pool:status say it the way errors do. */
function withReasonText(tiers: PoolStatus['tiers']) {
  const described = (m: PoolStatus['tiers']['small'][number]) => (m.lastReason ? { ...m, lastReasonText: reasonDescription(m.lastReason) } : m);
  return Object.fromEntries(Object.entries(tiers).map(([tier, models]) => [tier, models.map(described)]));
}

/** Every string in `value`, scrubbed of keys (messages in the trail quote servers, which may echo them). */
function scrub(value: unknown, secrets: Array<string | undefined>): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets)]));
  return value;
}

export const statusRoute: Route = { type: 'GET', path: STATUS_ROUTE_PATH, handler: handleStatus };
