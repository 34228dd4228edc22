import type { RequestNeeds, Tier } from '../types.js';
import { selectCandidates, type CandidateSelection } from './candidates.js';
import { countsAsFreeCall, type PoolRuntime } from './runtime.js';

/**
 * The tier's candidates for a request at `now`, with learned capacities applied unless told not to,
 * and ordered by speed when asked (`latency`: the reply path; which models are callable is the same).
 */
export function selectFor(rt: PoolRuntime, tier: Tier, needs: RequestNeeds, now: number, opts: { capacity?: boolean; latency?: boolean } = {}): CandidateSelection {
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
    ...(opts.latency ? { latency: rt.policy } : {}),
  });
}

/**
 * The one answer to "when can a model of the tier first be called for this request?": `now` when one
 * can be called now; else the soonest moment one becomes callable again (readiness.ts: a cooldown's
 * end, a learned capacity's window sliding), and never before the account lets a free call through.
 * Undefined when none ever will (every model removed, or none can take the request). The run loop
 * waits for it; the retry time of an error is read from it with `capacity: false`, since learned
 * capacities are guesses that must not make a retry look later than it is.
 */
export function soonestCallable(rt: PoolRuntime, tier: Tier, needs: RequestNeeds, now: number, opts: { capacity?: boolean } = {}): number | undefined {
  const s = selectFor(rt, tier, needs, now, opts);
  let at: number | undefined;
  if (s.candidates.length > 0 && !s.capacityFallback) at = now;
  else {
    const back = [s.capacityFreesAt, ...s.skipped.map((a) => a.cooldownUntil)].filter((t): t is number => t !== undefined && t > now);
    if (back.length === 0) return undefined;
    at = Math.min(...back);
  }
  const free = s.candidates.length > 0 ? s.candidates.every(countsAsFreeCall) : true;
  return free ? Math.max(at, rt.account.opensAt(now)) : at;
}

/** When retrying the tier can first succeed; undefined when a retry could succeed right now, or none ever will. */
export function earliestRetry(rt: PoolRuntime, tier: Tier, needs: RequestNeeds, now: number): number | undefined {
  const at = soonestCallable(rt, tier, needs, now, { capacity: false });
  return at !== undefined && at > now ? at : undefined;
}
