import { modelEffect, REASON_POLICY } from '../failures/index.js';
import {
  forgetCall,
  initialHealth,
  learnFromRateLimit,
  learnFromSuccess,
  recordCallSent,
  recordFailure,
  recordLatency,
  recordSuccess,
  recordTooSlow,
  restoreAfterOutage,
} from '../limits/index.js';
import type { ClassifiedFailure } from '../types.js';
import type { AttemptNote } from './run-types.js';
import type { PoolRuntime } from './runtime.js';

/**
 * The one place where a call's outcome reaches a model's health. Text, object, image and stream
 * calls all go through these functions, so a cooldown, a removal or a learned capacity is
 * decided the same way whichever kind of call saw the failure.
 */

/** Counted before the answer, so concurrent requests see the model's window filling up. */
export function noteCallSent(rt: PoolRuntime, modelId: string, sentAt: number): void {
  rt.store.setModelHealth(modelId, recordCallSent(rt.store.getModelHealth(modelId) ?? initialHealth(sentAt), sentAt, rt.policy));
}

/**
 * The model answered: its ladder resets, what it accepted in the window raises its capacity, and its
 * speed is learned: `durationMs` is the time to its first answer token (a non-streamed answer's
 * whole time; for a stream, `partial`, its total is noted at the end, `noteAnswerTime`).
 */
export function applySuccess(
  rt: PoolRuntime,
  modelId: string,
  durationMs: number,
  endedAt: number,
  opts: { probe?: boolean; partial?: boolean } = {},
): void {
  const before = rt.store.getModelHealth(modelId);
  let healthy = recordSuccess(before, endedAt);
  healthy = recordLatency(healthy, { firstTokenMs: durationMs, ...(opts.partial ? {} : { totalMs: durationMs }) }, endedAt, rt.policy);
  // A probe that answered: the model is back, and takes back its place in the tier order.
  if (opts.probe) healthy = { ...healthy, successRate: 1 };
  // Back after an outage: it serves as much as before it (the outage's 429s were not its capacity).
  healthy = restoreAfterOutage(before, healthy);
  rt.store.setModelHealth(modelId, learnFromSuccess(healthy, endedAt, rt.policy));
}

/** A stream that answered has ended: its whole time is part of the model's speed. */
export function noteAnswerTime(rt: PoolRuntime, modelId: string, totalMs: number, at: number): void {
  const h = rt.store.getModelHealth(modelId);
  if (h) rt.store.setModelHealth(modelId, recordLatency(h, { totalMs }, at, rt.policy));
}

/**
 * What an attempt learned about the model, whatever its outcome (run-types.ts AttemptNote): a
 * provider that refuses the `reasoning` parameter, thinking that spent the budget, thinking closed
 * by a tag never opened. Returns true when the model refused the parameter for the first time (the
 * same model is then asked again without it, once).
 */
export function applyNote(rt: PoolRuntime, modelId: string, note: AttemptNote, at: number): boolean {
  if (!note.reasoningRejected && !note.overthought && !note.thinksWithoutOpener) return false;
  const h = rt.store.getModelHealth(modelId) ?? initialHealth(at);
  const firstRefusal = note.reasoningRejected === true && !h.reasoningRejected;
  rt.store.setModelHealth(modelId, {
    ...h,
    ...(note.reasoningRejected ? { reasoningRejected: true as const } : {}),
    ...(note.overthought ? { effortDown: Math.min(MAX_EFFORT_DOWN, (h.effortDown ?? 0) + 1) } : {}),
    ...(note.thinksWithoutOpener ? { thinksWithoutOpener: true as const } : {}),
    updatedAt: at,
  });
  return firstRefusal;
}

/** A model that overthinks is asked for at most this many effort levels less than a request wants. */
export const MAX_EFFORT_DOWN = 2;

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
  at: { sentAt: number; endedAt: number; cutByDeadline?: boolean; firstToken?: boolean },
): number | undefined {
  const current = rt.store.getModelHealth(modelId);
  const effect = modelEffect(failure, at);
  if (effect === 'keep') return undefined;
  if (effect === 'forget') {
    if (current) rt.store.setModelHealth(modelId, forgetCall(current, at.sentAt));
    return undefined;
  }
  let updated = recordFailure(current, failure, at.endedAt, rt.ladder, { effect });
  if (effect === 'demote') updated = recordTooSlow(updated, at.endedAt - at.sentAt, at.endedAt);
  if (REASON_POLICY[failure.reason].learnsCapacity) updated = learnFromRateLimit(updated, at.sentAt, at.endedAt, failure.message, rt.policy);
  rt.store.setModelHealth(modelId, updated);
  const cooled = effect === 'cool' || effect === 'cool_briefly';
  return cooled && updated.cooldownUntil > at.endedAt ? updated.cooldownUntil : undefined;
}
