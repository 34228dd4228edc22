import { FreeModelPoolError } from '../errors.js';
import { isAvailable } from '../limits/model-health.js';
import { sleepUnlessAborted, sleepUntilSettled } from '../limits/time.js';
import type { LedgerWindow } from '../state/shared-ledger.js';
import type { ClassifiedFailure } from '../types.js';
import { countsAsFreeCall, type PoolRuntime } from './runtime.js';
import { waitRank, type Run } from './run-state.js';

/** An account slot taken for one call; `release` gives it back when no call is sent after all. */
export interface AccountSlot {
  waitedMs: number;
  reservedAt?: number;
  /** Set when the slot (and its daily unit) came from the shared ledger. */
  ledgerSlotId?: string;
}

/**
 * Takes a slot in the account window for a free model (waiting up to maxWaitMs, bounded by the
 * deadline). Paid models need none. Returns 'blocked' when an account limit now blocks free models
 * (recorded on the run), 'deadline' when the wait ended at the deadline, where a call could only
 * time out and would still count against the day.
 *
 * With a shared ledger (`rt.ledger`, several processes on one key), the slot and the day's unit are
 * one atomic step in the database; while the ledger is unreachable, the local pacer and quota serve.
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
    const shared = rt.ledger ? await takeSharedSlot(run, modelId, waitStart, maxWaitMs) : undefined;
    if (shared === 'blocked') return 'blocked';
    if (shared) slot = shared;
    else {
      const acquired = await rt.pacer.acquire({ now: rt.now, sleep: queuedSleep(run), signal: run.signal, maxWaitMs: Math.max(0, maxWaitMs - (rt.now() - waitStart)) });
      slot = { waitedMs: acquired.waitedMs, reservedAt: acquired.reservedAt };
    }
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

/**
 * The shared ledger's slot and daily unit, waiting (within `maxWaitMs` of `waitStart`) while the
 * fleet's window is full. Undefined when the ledger cannot be used now: the caller takes a local
 * slot instead. Throws the pacer's account_minute_limit error when the wait would be too long.
 */
async function takeSharedSlot(run: Run, modelId: string, waitStart: number, maxWaitMs: number): Promise<AccountSlot | 'blocked' | undefined> {
  const { rt } = run;
  const link = rt.ledger!;
  // Only time spent sleeping for capacity is a wait; the reservation's round trip is not.
  let slept = 0;
  for (;;) {
    if (run.signal?.aborted) run.abort(run.signal.reason);
    // Another process may have cooled or removed this model: no slot and no unit are taken for it
    // (holding them, even briefly, could refuse another request the day's last call). The run loop
    // skips it at the top of its loop, or asks again once the cooldown has ended.
    await link.freshen();
    if (!isAvailable(rt.store.getModelHealth(modelId), rt.now())) return 'blocked';
    // The day may have dropped into the reply reserve while this request waited: a background call
    // takes no shared slot then (reserveDay does not run again for ledger slots).
    const held = rt.quota.check(rt.now(), run.opts.priority);
    if (!held.ok && held.reserveHeld) {
      run.dailyBlock = { resetAt: held.resetAt, limit: rt.quota.state(rt.now()).limit, reserveHeld: held.reserveHeld };
      return 'blocked';
    }
    const r = await link.reserve(ledgerWindow(rt));
    const now = rt.now();
    if (!r) return undefined;
    if (r.ok) return { waitedMs: slept, reservedAt: r.mirroredAt ?? now, ledgerSlotId: r.slotId };
    if (r.blocked === 'daily') {
      const check = rt.quota.check(now);
      run.dailyBlock = { resetAt: check.ok ? now + r.resetInMs : check.resetAt, limit: r.limit ?? rt.quota.state(now).limit };
      return 'blocked';
    }
    const opensAt = now + r.waitMs;
    if (opensAt - waitStart > maxWaitMs) {
      throw new FreeModelPoolError(
        `Account free-model rate limit: ${r.limit} calls per ${Math.round(rt.policy.rateWindowMs / 1000)} s are used up across the processes on this key; ` +
          `capacity returns at ${new Date(opensAt).toISOString()}, beyond the ${Math.round(maxWaitMs / 1000)} s wait allowed`,
        { reason: 'account_minute_limit', retryAt: opensAt },
      );
    }
    const sleepStart = rt.now();
    if (r.confirming) {
      // The fleet's call beyond the confirmed count is unanswered: its answer wakes this request
      // when this process sent it; otherwise the ledger is asked again every `confirmPollMs`.
      const own = link.frontierAnswered();
      const pollMs = link.policy.confirmPollMs ?? rt.policy.rateWindowMs / 60;
      await sleepUntilSettled(queuedSleep(run), Math.max(1, own ? r.waitMs : Math.min(r.waitMs, pollMs)), own, run.signal);
    } else await sleepUnlessAborted(queuedSleep(run), Math.max(1, r.waitMs), run.signal);
    slept += rt.now() - sleepStart;
  }
}

/** The account window's policy for the shared ledger, which keeps none of its own. */
function ledgerWindow(rt: PoolRuntime): LedgerWindow {
  return {
    limit: rt.pacer.state(rt.now()).limit,
    windowMs: rt.policy.rateWindowMs,
    guardMs: rt.pacer.clock.guardMs,
    marginMs: rt.pacer.marginMs,
    confirm: rt.policy.confirmAccountLimit,
  };
}

/**
 * Sleeps through the runtime's wait queue: requests waiting for the same moment share one timer
 * and wake in arrival order, reply-path calls before background ones.
 */
function queuedSleep(run: Run): (ms: number, signal?: AbortSignal) => Promise<void> {
  return (ms, signal) => run.rt.waits.until(run.rt.now() + ms, { signal, rank: waitRank(run) });
}

export function releaseSlot(rt: PoolRuntime, slot: AccountSlot): void {
  if (slot.ledgerSlotId !== undefined) {
    rt.ledger?.release(slot.ledgerSlotId);
    // The local mirror of the slot and the unit go back too.
    if (slot.reservedAt !== undefined) rt.pacer.release(slot.reservedAt);
    const d = rt.store.getDaily();
    if (d?.remaining !== undefined) rt.store.setDaily({ ...d, remaining: d.remaining + 1, exhaustedUntil: 0 });
    return;
  }
  if (slot.reservedAt !== undefined) rt.pacer.release(slot.reservedAt);
}

/** The call's answer arrived: its slot moves to that moment, locally and in the shared ledger. */
export function settleSlot(rt: PoolRuntime, slot: AccountSlot, answeredAt: number, accepted = true): void {
  if (slot.reservedAt !== undefined) rt.pacer.settle(slot.reservedAt, answeredAt, accepted);
  if (slot.ledgerSlotId !== undefined) rt.ledger?.settle(slot.ledgerSlotId, { accepted, window: ledgerWindow(rt) });
}

/**
 * Tells the other processes on the key about an account 429 the server sent this one (after the
 * local pacer or quota took it in), so they stop sending too.
 */
export function shareAccountLimit(rt: PoolRuntime, failure: ClassifiedFailure, now: number): void {
  if (!rt.ledger) return;
  if (failure.reason === 'account_minute_limit') {
    rt.ledger.blockMinute({
      ...(failure.retryAt !== undefined ? { resetInMs: failure.retryAt - now } : {}),
      ...(failure.rateLimitLimit !== undefined ? { limit: failure.rateLimitLimit } : {}),
      window: ledgerWindow(rt),
    });
  } else if (failure.reason === 'account_daily_limit') {
    const s = rt.quota.state(now);
    rt.ledger.exhaustDay(Math.max(0, (s.exhaustedUntil || s.resetAt || now) - now), failure.rateLimitLimit);
  }
}

/**
 * Counts the call against the day before it is sent, in the same step as the check, so concurrent
 * requests cannot overshoot the cap. False (slot given back, free models blocked) when the day
 * ran out meanwhile. A slot from the shared ledger already carries its daily unit.
 */
export function reserveDay(run: Run, modelId: string, slot: AccountSlot): boolean {
  const { rt } = run;
  if (!countsAsFreeCall(modelId)) return true;
  if (slot.ledgerSlotId !== undefined) return true;
  const day = rt.quota.reserve(rt.now(), run.opts.priority);
  if (day.ok) {
    if (rt.ledger?.inOutage) rt.ledger.noteOfflineCall();
    return true;
  }
  releaseSlot(rt, slot);
  run.dailyBlock = { resetAt: day.resetAt, limit: rt.quota.state(rt.now()).limit, ...(day.reserveHeld ? { reserveHeld: day.reserveHeld } : {}) };
  return false;
}
