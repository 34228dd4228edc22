import { capacityBlock, type CapacityPolicy } from '../limits/model-capacity.js';
import type { Attempt, ModelHealth } from '../types.js';
import { CAPACITY_SKIP_PREFIX, formatTime } from './trail-message.js';

/** Why a model cannot be called now: its trail line, and what kind of reason it is. */
export interface NotCallable {
  /** The skipped trail line; its `cooldownUntil` is when the model can be called again (none: not while the pool lasts). */
  skip: Attempt;
  why: 'removed' | 'cooling' | 'capacity';
}

/**
 * The one answer to "can this model be called at `now`, and if not, why and from when?", for the
 * candidate selection, the run loop's check before each call and the retry time, with one wording
 * for the trail. Undefined when it can be called.
 *
 * Capacity (a model that used its learned upstream capacity in the current window) is checked only
 * when `capacity` is given: it is a guess, so callers leave it out where a guess must not decide.
 */
export function notCallable(modelId: string, health: ModelHealth | undefined, now: number, capacity?: CapacityPolicy): NotCallable | undefined {
  if (health?.removed) {
    // Out of the pool because the server no longer serves it, or because the account's own settings
    // rule it out (the failed line that removed it named the setting).
    return health.lastReason === 'excluded_by_settings'
      ? { why: 'removed', skip: skipLine(modelId, 'excluded_by_settings', "removed from the pool: the account's OpenRouter settings rule it out") }
      : { why: 'removed', skip: skipLine(modelId, 'model_gone', 'removed from the pool after the server said it no longer exists') };
  }
  if (health && health.cooldownUntil > now) {
    const after = health.lastReason ? ` after ${health.lastReason}` : '';
    return { why: 'cooling', skip: skipLine(modelId, 'model_rate_limit', `cooling down until ${formatTime(health.cooldownUntil, now)}${after}`, health.cooldownUntil) };
  }
  const full = capacity ? capacityBlock(health, now, capacity) : undefined;
  return full ? { why: 'capacity', skip: capacitySkip(modelId, full, now) } : undefined;
}

/** The trail line of a model skipped because it used its learned upstream capacity. */
export function capacitySkip(model: string, block: { capacity: number; until: number }, now: number): Attempt {
  return skipLine(model, 'model_rate_limit', `${CAPACITY_SKIP_PREFIX} (${block.capacity} per window) until ${formatTime(block.until, now)}`, block.until);
}

/** A trail line for a model left out without a call. */
export function skipLine(model: string, reason: NonNullable<Attempt['reason']>, message: string, cooldownUntil?: number): Attempt {
  return { model, outcome: 'skipped', reason, message, waitedMs: 0, durationMs: 0, ...(cooldownUntil !== undefined ? { cooldownUntil } : {}) };
}
