import { cooldownApplies } from '../failures/policy.js';
import type { ClassifiedFailure, ModelHealth } from '../types.js';
import type { CooldownLadder } from './cooldown-ladder.js';

/**
 * Weight of the newest observation in the latency and success-rate averages. 0.3 follows a change
 * within a handful of calls without one outlier dominating.
 */
export const HEALTH_EWMA_ALPHA = 0.3;

/** A model nobody has called yet: available, no history. */
export function initialHealth(now: number): ModelHealth {
  return { cooldownUntil: 0, consecutiveFailures: 0, removed: false, updatedAt: now };
}

/** Not removed and not cooling down. Unknown models are available. */
export function isAvailable(health: ModelHealth | undefined, now: number): boolean {
  if (!health) return true;
  return !health.removed && health.cooldownUntil <= now;
}

function ewma(prev: number | undefined, value: number, alpha: number): number {
  return prev === undefined ? value : prev + alpha * (value - prev);
}

/** A success: the ladder resets, the cooldown ends, latency and success rate move toward it. */
export function recordSuccess(
  health: ModelHealth | undefined,
  latencyMs: number,
  now: number,
  alpha: number = HEALTH_EWMA_ALPHA,
): ModelHealth {
  const h = health ?? initialHealth(now);
  const out: ModelHealth = {
    ...h,
    cooldownUntil: 0,
    consecutiveFailures: 0,
    removed: false,
    successRate: ewma(h.successRate, 1, alpha),
    updatedAt: now,
  };
  if (Number.isFinite(latencyMs) && latencyMs >= 0) out.latencyMs = ewma(h.latencyMs, latencyMs, alpha);
  delete out.lastReason;
  return out;
}

/**
 * A failure of this model.
 * - model_gone, excluded_by_settings: `removed` (until the catalog is refreshed), no cooldown needed.
 * - cooldown reasons (rate limit, timeout, 5xx, network, invalid output): climb the ladder. A
 *   failure inside an active cooldown keeps that cooldown and does not climb (see CooldownLadder).
 *   invalid_output always uses the first rung: a bad answer is a short-lived judgement.
 * - request-specific reasons (moderation, unsupported input, context too long): only `lastReason`
 *   changes; the model is fine for other requests.
 * - account, caller and request reasons (limits, auth, billing, bad request, abort) say nothing
 *   about the model: returned unchanged apart from `updatedAt`.
 */
export function recordFailure(
  health: ModelHealth | undefined,
  failure: ClassifiedFailure,
  now: number,
  ladder: CooldownLadder,
  alpha: number = HEALTH_EWMA_ALPHA,
): ModelHealth {
  const h = health ?? initialHealth(now);
  const reason = failure.reason;
  if (reason === 'model_gone' || reason === 'excluded_by_settings') {
    return {
      ...h,
      removed: true,
      lastReason: reason,
      consecutiveFailures: h.consecutiveFailures + 1,
      successRate: ewma(h.successRate, 0, alpha),
      updatedAt: now,
    };
  }
  if (cooldownApplies(reason)) {
    const active = h.cooldownUntil > now;
    const failures = active ? Math.max(1, h.consecutiveFailures) : h.consecutiveFailures + 1;
    const rung = reason === 'invalid_output' ? 1 : failures;
    return {
      ...h,
      consecutiveFailures: failures,
      cooldownUntil: ladder.next(rung, failure, now, h.cooldownUntil),
      lastReason: reason,
      successRate: ewma(h.successRate, 0, alpha),
      updatedAt: now,
    };
  }
  if (reason === 'moderation' || reason === 'unsupported_input' || reason === 'context_too_long') {
    return { ...h, lastReason: reason, updatedAt: now };
  }
  return { ...h, updatedAt: now };
}
