import type { PoolPolicy } from '../settings.js';
import type { ModelHealth } from '../types.js';

/**
 * A model's learned upstream capacity: how many calls it accepts per window before its provider (or
 * OpenRouter's shared capacity) answers 429. Learned from that 429, so the pool can skip the model
 * without a call once it has used that capacity, instead of paying a 429 per model per window.
 *
 * The window is always `policy.rateWindowMs` (one minute by default). A message that says "limited to
 * N requests per minute" is read as N per `rateWindowMs`: when a test or the bench compresses a minute
 * to `rateWindowMs`, the model's minute is compressed with it. Calls are counted over a sliding window,
 * which is at least as strict as the server's fixed minutes.
 *
 * Conservative and adaptive, so a wrong guess cannot exile a model:
 * - a 429 sets the capacity to the calls the model accepted within the last window, never above the N
 *   a "limited to N" message states, and never above the capacity it replaces;
 * - only while the model is otherwise answering: the first failure of a run, after calls it accepted
 *   in the window. The 429s of an outage (a run of failures, with nothing accepted) teach nothing,
 *   and once the model answers again after a run of failures its capacity is what it was before the
 *   run began (`restoreAfterOutage`), so a recovered model serves as much as it did before;
 * - each `modelCapacityRaiseWindows` windows without a 429, the capacity rises by one (not above a
 *   stated N), and a call that succeeds beyond the capacity raises it to what was just accepted;
 * - the run loop applies the skip only while another candidate remains (see candidates.ts).
 */

export type CapacityPolicy = Pick<PoolPolicy, 'rateWindowMs' | 'modelCapacityRaiseWindows'>;

/** "… limited to 8 requests per minute" in OpenRouter's shared-capacity 429. */
const STATED_LIMIT = /limited to (\d+) requests? per minute/i;

/** The per-minute limit a rate-limit message states, when it states one. */
export function statedCapacity(message: string | undefined): number | undefined {
  const m = message ? STATED_LIMIT.exec(message) : null;
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
}

/** Send times of accepted calls still inside the window that ends at `now`. */
export function callsInWindow(health: ModelHealth | undefined, now: number, policy: Pick<PoolPolicy, 'rateWindowMs'>): number[] {
  const from = now - policy.rateWindowMs;
  return (health?.recentCalls ?? []).filter((t) => t > from && t <= now);
}

/** The capacity in force at `now`: the learned one plus the additive raises since, or undefined. */
export function currentCapacity(health: ModelHealth | undefined, now: number, policy: CapacityPolicy): number | undefined {
  if (!health || health.capacityPerWindow === undefined) return undefined;
  const base = Math.max(1, Math.floor(health.capacityPerWindow));
  const step = Math.max(1, policy.modelCapacityRaiseWindows) * policy.rateWindowMs;
  const since = now - (health.capacityLearnedAt ?? now);
  const raised = base + (since > 0 && Number.isFinite(step) ? Math.floor(since / step) : 0);
  return health.capacityStated !== undefined ? Math.min(raised, health.capacityStated) : raised;
}

/**
 * When the model has used its learned capacity in the window ending at `now`: the capacity, and the
 * time a slot frees (the send that must leave the window, plus one window). Undefined when it may be called.
 */
export function capacityBlock(
  health: ModelHealth | undefined,
  now: number,
  policy: CapacityPolicy,
): { capacity: number; until: number } | undefined {
  const capacity = currentCapacity(health, now, policy);
  if (capacity === undefined) return undefined;
  const calls = callsInWindow(health, now, policy).sort((a, b) => a - b);
  if (calls.length < capacity) return undefined;
  return { capacity, until: calls[calls.length - capacity]! + policy.rateWindowMs };
}

/** Records a call sent at `sentAt` (before its answer, so concurrent requests see it). */
export function recordCallSent(health: ModelHealth, sentAt: number, policy: Pick<PoolPolicy, 'rateWindowMs'>): ModelHealth {
  const from = sentAt - policy.rateWindowMs;
  return { ...health, recentCalls: [...(health.recentCalls ?? []).filter((t) => t > from), sentAt] };
}

/** The call sent at `sentAt` never reached the model (refused by a limit): it used no capacity. */
export function forgetCall(health: ModelHealth, sentAt: number): ModelHealth {
  const recentCalls = [...(health.recentCalls ?? [])];
  const own = recentCalls.indexOf(sentAt);
  if (own < 0) return health;
  recentCalls.splice(own, 1);
  return { ...health, recentCalls };
}

/**
 * A call that succeeded: when the model accepted more calls in the window than its capacity allowed
 * (the last candidate, or concurrent requests), it evidently can take that many: the capacity rises
 * to match and its raise clock restarts.
 */
export function learnFromSuccess(health: ModelHealth, now: number, policy: CapacityPolicy): ModelHealth {
  const capacity = currentCapacity(health, now, policy);
  if (capacity === undefined) return health;
  const accepted = callsInWindow(health, now, policy).length;
  if (accepted <= capacity) return health;
  const next = health.capacityStated !== undefined ? Math.min(accepted, health.capacityStated) : accepted;
  if (next <= capacity) return health;
  return { ...health, capacityPerWindow: next, capacityLearnedAt: now };
}

/**
 * The model answered a model-level rate limit (429 upstream / shared capacity) to the call sent at
 * `sentAt`; `health` already counts this failure. That call used no capacity, so it leaves the
 * window. When the model was otherwise answering (this is the first failure of a run, and it accepted
 * calls in the window before it), the capacity becomes those calls, capped by a stated "limited to N"
 * and by the capacity in force (so it can only come down here; raises happen with time and
 * successes), and the capacity it replaces is kept for `restoreAfterOutage`. Otherwise (an outage)
 * only a stated N is noted.
 */
export function learnFromRateLimit(
  health: ModelHealth,
  sentAt: number,
  now: number,
  message: string | undefined,
  policy: CapacityPolicy,
): ModelHealth {
  const withoutCall = forgetCall(health, sentAt);
  const accepted = callsInWindow(withoutCall, sentAt, policy).length;
  const stated = statedCapacity(message) ?? health.capacityStated;
  const noted = stated !== undefined ? { capacityStated: stated } : {};
  const answering = health.consecutiveFailures <= 1 && accepted >= 1;
  if (!answering) return { ...withoutCall, ...noted };
  let capacity = accepted;
  if (stated !== undefined) capacity = Math.min(capacity, stated);
  const inForce = currentCapacity(health, now, policy);
  if (inForce !== undefined) capacity = Math.min(capacity, inForce);
  const before: CapacityBefore = {
    ...(health.capacityPerWindow !== undefined ? { capacityPerWindow: health.capacityPerWindow } : {}),
    ...(health.capacityLearnedAt !== undefined ? { capacityLearnedAt: health.capacityLearnedAt } : {}),
  };
  return { ...withoutCall, capacityPerWindow: Math.max(1, capacity), capacityLearnedAt: now, capacityBeforeFailures: before, ...noted };
}

type CapacityBefore = NonNullable<ModelHealth['capacityBeforeFailures']>;

/**
 * A success ends a run of failures. When the run was longer than the one failure that taught a
 * capacity (the model failed again once that cooldown ended: an outage, not a full window), the
 * capacity it had before the run comes back. `before` is the health before this success.
 */
export function restoreAfterOutage(before: ModelHealth | undefined, after: ModelHealth): ModelHealth {
  const snapshot = before?.capacityBeforeFailures;
  if (!snapshot) return after;
  const { capacityBeforeFailures: _done, ...rest } = after;
  if ((before?.consecutiveFailures ?? 0) < 2) return rest;
  const { capacityPerWindow: _learned, capacityLearnedAt: _at, ...restored } = rest;
  return { ...restored, ...snapshot };
}
