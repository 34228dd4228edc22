import { modelEffect, type ModelEffect } from '../failures/policy.js';
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

/** A success: the ladder resets, the cooldown ends, the success rate moves toward it (its speed: model-latency.ts). */
export function recordSuccess(health: ModelHealth | undefined, now: number, alpha: number = HEALTH_EWMA_ALPHA): ModelHealth {
  const h = health ?? initialHealth(now);
  const out: ModelHealth = {
    ...h,
    cooldownUntil: 0,
    consecutiveFailures: 0,
    removed: false,
    successRate: ewma(h.successRate, 1, alpha),
    updatedAt: now,
  };
  delete out.lastReason;
  return out;
}

/**
 * A failure of this model, applied as `effect` says (failures/policy.ts `modelEffect`, which decides
 * it from the reason; pass it when the caller has it already):
 * - `remove`: removed (until the catalog is refreshed), no cooldown needed;
 * - `cool`: up the ladder. A failure inside an active cooldown keeps that cooldown and does not
 *   climb (see CooldownLadder); `cool_briefly` always takes the first rung;
 * - `note`: only `lastReason` changes; the model is fine for other requests;
 * - `demote`: the same here; the model's slowness is recorded by model-latency.ts `recordTooSlow`;
 * - `forget` and `keep`: unchanged (the run loop takes a `forget` call out of the model's window).
 */
export function recordFailure(
  health: ModelHealth | undefined,
  failure: ClassifiedFailure,
  now: number,
  ladder: CooldownLadder,
  opts: { effect?: ModelEffect; alpha?: number } = {},
): ModelHealth {
  const h = health ?? initialHealth(now);
  const reason = failure.reason;
  const alpha = opts.alpha ?? HEALTH_EWMA_ALPHA;
  const effect = opts.effect ?? modelEffect(failure);
  switch (effect) {
    case 'remove':
      return {
        ...h,
        removed: true,
        lastReason: reason,
        consecutiveFailures: h.consecutiveFailures + 1,
        successRate: ewma(h.successRate, 0, alpha),
        updatedAt: now,
      };
    case 'cool':
    case 'cool_briefly': {
      const active = h.cooldownUntil > now;
      const failures = active ? Math.max(1, h.consecutiveFailures) : h.consecutiveFailures + 1;
      const rung = effect === 'cool_briefly' ? 1 : failures;
      return {
        ...h,
        consecutiveFailures: failures,
        cooldownUntil: ladder.next(rung, failure, now, h.cooldownUntil),
        lastReason: reason,
        successRate: ewma(h.successRate, 0, alpha),
        updatedAt: now,
      };
    }
    case 'note':
    case 'demote':
      return { ...h, lastReason: reason, updatedAt: now };
    case 'forget':
    case 'keep':
      return h;
  }
}
