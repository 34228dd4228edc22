import type { RequestNeeds, Tier } from '../types.js';
import { selectCandidates, type CandidateSelection } from './candidates.js';
import { countsAsFreeCall, type PoolRuntime } from './runtime.js';

/** The tier's candidates for a request at `now`, with learned capacities applied unless told not to. */
export function selectFor(rt: PoolRuntime, tier: Tier, needs: RequestNeeds, now: number, opts: { capacity?: boolean } = {}): CandidateSelection {
  const pool = rt.getPool();
  return selectCandidates({
    ids: pool.tiers[tier] ?? [],
    models: pool.models,
    health: (id) => rt.store.getModelHealth(id),
    now,
    needs,
    assumeUnknownVision: tier === 'vision',
    ...(opts.capacity === false ? {} : { capacity: rt.policy }),
    recoveryProbeIntervalMs: rt.policy.recoveryProbeIntervalMs,
  });
}

/**
 * The earliest moment a model of the tier can be called for this request: `now` when one can be
 * called now; else the soonest of a cooldown's end and a learned capacity's window sliding, and
 * never before the account window lets a free call through. Undefined when none ever will (every
 * model removed, or none can take the request).
 */
export function soonestCapacity(rt: PoolRuntime, tier: Tier, needs: RequestNeeds, now: number): number | undefined {
  const s = selectFor(rt, tier, needs, now);
  let at: number | undefined;
  if (s.candidates.length > 0 && !s.capacityFallback) at = now;
  else {
    const back = [s.capacityFreesAt, ...s.skipped.map((a) => a.cooldownUntil)].filter((t): t is number => t !== undefined && t > now);
    if (back.length === 0) return undefined;
    at = Math.min(...back);
  }
  const free = s.candidates.length > 0 ? s.candidates.every(countsAsFreeCall) : true;
  return free ? Math.max(at, rt.pacer.reopensAt(now)) : at;
}
