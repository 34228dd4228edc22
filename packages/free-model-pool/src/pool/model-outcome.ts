import { modelEffect, REASON_POLICY } from '../failures/index.js';
import {
  forgetCall,
  initialHealth,
  learnFromRateLimit,
  learnFromSuccess,
  recordCallSent,
  recordFailure,
  recordSuccess,
  restoreAfterOutage,
} from '../limits/index.js';
import type { ClassifiedFailure } from '../types.js';
import type { PoolRuntime } from './runtime.js';

/**
 * The one place where a call's outcome reaches a model's health. Text, object, image and stream
 * calls all go through these three functions, so a cooldown, a removal or a learned capacity is
 * decided the same way whichever kind of call saw the failure.
 */

/** Counted before the answer, so concurrent requests see the model's window filling up. */
export function noteCallSent(rt: PoolRuntime, modelId: string, sentAt: number): void {
  rt.store.setModelHealth(modelId, recordCallSent(rt.store.getModelHealth(modelId) ?? initialHealth(sentAt), sentAt, rt.policy));
}

/** The model answered: its ladder resets and what it accepted in the window raises its capacity. */
export function applySuccess(rt: PoolRuntime, modelId: string, durationMs: number, endedAt: number, opts: { probe?: boolean } = {}): void {
  const before = rt.store.getModelHealth(modelId);
  let healthy = recordSuccess(before, durationMs, endedAt);
  // A probe that answered: the model is back, and takes back its place in the tier order.
  if (opts.probe) healthy = { ...healthy, successRate: 1 };
  // Back after an outage: it serves as much as before it (the outage's 429s were not its capacity).
  healthy = restoreAfterOutage(before, healthy);
  rt.store.setModelHealth(modelId, learnFromSuccess(healthy, endedAt, rt.policy));
}

/** A recovery probe is about to be sent: no other request probes the model within the interval. */
export function noteProbe(rt: PoolRuntime, modelId: string, at: number): void {
  const h = rt.store.getModelHealth(modelId);
  if (h) rt.store.setModelHealth(modelId, { ...h, probedAt: at });
}

/**
 * A failed call, applied as failures/policy.ts `modelEffect` decides: removal, a cooldown or a note
 * through `recordFailure`; a `forget` call leaves the model's window and nothing else changes; a
 * model's own rate limit also teaches its upstream capacity.
 *
 * Returns the end of the cooldown this failure started or extended, when it did.
 */
export function applyFailure(
  rt: PoolRuntime,
  modelId: string,
  failure: ClassifiedFailure,
  at: { sentAt: number; endedAt: number; cutByDeadline?: boolean },
): number | undefined {
  const current = rt.store.getModelHealth(modelId);
  const effect = modelEffect(failure, at);
  if (effect === 'keep') return undefined;
  if (effect === 'forget') {
    if (current) rt.store.setModelHealth(modelId, forgetCall(current, at.sentAt));
    return undefined;
  }
  let updated = recordFailure(current, failure, at.endedAt, rt.ladder, { effect });
  if (REASON_POLICY[failure.reason].learnsCapacity) updated = learnFromRateLimit(updated, at.sentAt, at.endedAt, failure.message, rt.policy);
  rt.store.setModelHealth(modelId, updated);
  const cooled = effect === 'cool' || effect === 'cool_briefly';
  return cooled && updated.cooldownUntil > at.endedAt ? updated.cooldownUntil : undefined;
}
