import { FreeModelPoolError } from '../errors.js';
import { countsAsFreeCall, type PoolRuntime } from './runtime.js';
import type { Run } from './run-state.js';

/** An account slot taken for one call; `release` gives it back when no call is sent after all. */
export interface AccountSlot {
  waitedMs: number;
  reservedAt?: number;
}

/**
 * Takes a slot in the account window for a free model (waiting up to maxWaitMs, bounded by the
 * deadline). Paid models need none. Returns 'blocked' when an account limit now blocks free models
 * (recorded on the run), 'deadline' when the wait ended at the deadline, where a call could only
 * time out and would still count against the day.
 */
export async function takeAccountSlot(run: Run, modelId: string): Promise<AccountSlot | 'blocked' | 'deadline'> {
  const { rt } = run;
  if (!countsAsFreeCall(modelId)) return { waitedMs: 0 };
  const daily = rt.quota.check(rt.now(), run.opts.priority);
  if (!daily.ok) {
    run.dailyBlock = { resetAt: daily.resetAt, limit: rt.quota.state(rt.now()).limit, ...(daily.reserveHeld ? { reserveHeld: daily.reserveHeld } : {}) };
    return 'blocked';
  }
  const waitStart = rt.now();
  let slot: AccountSlot;
  try {
    const maxWaitMs = Math.max(0, Math.min(rt.policy.maxWaitMs, run.deadline - waitStart));
    const acquired = await rt.pacer.acquire({ now: rt.now, sleep: rt.sleep, signal: run.signal, maxWaitMs });
    slot = { waitedMs: acquired.waitedMs, reservedAt: acquired.reservedAt };
  } catch (e) {
    if (run.signal?.aborted) run.abort(e);
    if (!(FreeModelPoolError.isInstance(e) && e.reason === 'account_minute_limit')) throw e;
    run.totalWaited += rt.now() - waitStart;
    run.minuteBlock = { retryAt: e.retryAt, message: e.message, cause: e };
    return 'blocked';
  }
  if (slot.waitedMs > 0) {
    run.totalWaited += slot.waitedMs;
    run.emit({ type: 'wait', tier: run.tier, waitMs: slot.waitedMs, reason: 'account_minute_limit' });
  }
  if (run.signal?.aborted) {
    releaseSlot(rt, slot);
    run.abort(run.signal.reason);
  }
  if (run.deadlinePassed()) {
    releaseSlot(rt, slot);
    return 'deadline';
  }
  return slot;
}

export function releaseSlot(rt: PoolRuntime, slot: AccountSlot): void {
  if (slot.reservedAt !== undefined) rt.pacer.release(slot.reservedAt);
}

/**
 * Counts the call against the day before it is sent, in the same step as the check, so concurrent
 * requests cannot overshoot the cap. False (slot given back, free models blocked) when the day
 * ran out meanwhile.
 */
export function reserveDay(run: Run, modelId: string, slot: AccountSlot): boolean {
  const { rt } = run;
  if (!countsAsFreeCall(modelId)) return true;
  const day = rt.quota.reserve(rt.now(), run.opts.priority);
  if (day.ok) return true;
  releaseSlot(rt, slot);
  run.dailyBlock = { resetAt: day.resetAt, limit: rt.quota.state(rt.now()).limit, ...(day.reserveHeld ? { reserveHeld: day.reserveHeld } : {}) };
  return false;
}
