import type { IAgentRuntime } from '@elizaos/core';
import {
  derivePoolFromCatalog,
  fetchCatalog,
  loadDefaultPools,
  redactSecrets,
  type DerivedPool,
  type PoolEvent,
} from '@freepool/free-model-pool';
import { modelEffect } from '@freepool/free-model-pool/internal';
import { LOG_SOURCE } from './logging.js';
import { buildPoolDefinition, describeTiers } from './pool-definition.js';
import type { PoolEntry } from './pool-registry.js';

/**
 * Self-healing pools: re-derive the tiers from the live catalog at start-up and whenever a tier
 * runs short after models left it. Not reaching the catalog is a warning; the pool keeps what it has.
 */

/** Below this many usable models a tier is refreshed after a 404. */
export const MIN_USABLE_PER_TIER = 2;
/** Shortest gap between two refreshes triggered by 404s, so a burst of 404s fetches the catalog once. */
export const HEAL_MIN_INTERVAL_MS = 60_000;

interface CachedCatalog {
  json: unknown;
  fetchedAt: number;
}

/** Raw catalogs by base URL, shared by the agents of this process (each derives its own pool). */
const cache = new Map<string, CachedCatalog>();
const inflight = new Map<string, Promise<CachedCatalog>>();

/** The catalog JSON for `baseURL`: from the cache while younger than `ttlMs`, else fetched. */
export async function getCatalog(
  baseURL: string,
  opts: { ttlMs: number; timeoutMs: number; force?: boolean },
): Promise<unknown> {
  const cached = cache.get(baseURL);
  if (!opts.force && cached && Date.now() - cached.fetchedAt < opts.ttlMs) return cached.json;
  let pending = inflight.get(baseURL);
  if (!pending) {
    pending = fetchCatalog(baseURL, { signal: AbortSignal.timeout(opts.timeoutMs) })
      .then((json) => {
        const fresh = { json, fetchedAt: Date.now() };
        cache.set(baseURL, fresh);
        return fresh;
      })
      .finally(() => inflight.delete(baseURL));
    inflight.set(baseURL, pending);
  }
  return (await pending).json;
}

/**
 * Rebuilds the entry's pool from the catalog. Returns false (after a warning) when the catalog could
 * not be read or parsed; the pool then keeps running on what it had.
 */
export async function refreshFromCatalog(
  runtime: IAgentRuntime,
  entry: PoolEntry,
  why: string,
  opts: { force?: boolean } = {},
): Promise<boolean> {
  const { settings } = entry;
  if (!entry.pool) return false;
  let derived: DerivedPool;
  try {
    const json = await getCatalog(settings.baseURL, {
      ttlMs: settings.catalogTtlMs,
      timeoutMs: settings.catalogTimeoutMs,
      force: opts.force,
    });
    // Pinned pools are exclusive: the user's list replaces the tier, minus ids no longer free.
    derived = derivePoolFromCatalog(json, {
      now: Date.now(),
      pinned: settings.pinnedPools,
      exclusive: true,
      allowSpecialists: settings.allowSpecialists,
      source: `${settings.baseURL}/models`,
    });
  } catch (error) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    runtime.logger.warn(
      { src: LOG_SOURCE, why },
      redactSecrets(`could not use the OpenRouter model catalog (${why}); keeping the current pool. ${text}`, [settings.apiKey]),
    );
    return false;
  }
  for (const w of derived.warnings) runtime.logger.debug({ src: LOG_SOURCE, why }, `catalog: ${w}`);
  const built = buildPoolDefinition(loadDefaultPools({ allowSpecialists: settings.allowSpecialists }), settings, derived, entry.gone);
  for (const note of built.notes) runtime.logger.warn({ src: LOG_SOURCE, why }, note);
  entry.pool.setPool(built.definition);
  runtime.logger.info(
    { src: LOG_SOURCE, why },
    `pool refreshed from the OpenRouter catalog (${why}): ${describeTiers(built.definition)}`,
  );
  return true;
}

/**
 * Pool event listener: after a model leaves the pool (a 404, an ended free variant, or the account's
 * settings ruling out its endpoints: the reasons whose effect is `remove`), it stays out of pools
 * rebuilt from the catalog in this process; when fewer than MIN_USABLE_PER_TIER remain in its tier,
 * the catalog is read again in the background.
 */
export function healOnModelGone(runtime: IAgentRuntime, entry: PoolEntry, event: PoolEvent): void {
  if (event.type !== 'attempt' || event.attempt.outcome !== 'failed' || !event.attempt.reason) return;
  if (modelEffect({ reason: event.attempt.reason }) !== 'remove') return;
  entry.gone.add(event.attempt.model);
  if (!entry.pool || !entry.settings.catalogRefresh || entry.healing) return;
  const usable = entry.pool.health(event.tier).filter((h) => !h.health?.removed && !entry.gone.has(h.model)).length;
  if (usable >= MIN_USABLE_PER_TIER) return;
  if (entry.lastHealAt !== undefined && Date.now() - entry.lastHealAt < HEAL_MIN_INTERVAL_MS) return;
  entry.lastHealAt = Date.now();
  const why = `${event.attempt.model} left the pool (${event.attempt.reason}) and the ${event.tier} pool has ${usable} usable model(s) left`;
  entry.healing = refreshFromCatalog(runtime, entry, why, { force: true })
    .then(() => undefined)
    .catch(() => undefined)
    .finally(() => {
      entry.healing = undefined;
    });
}
