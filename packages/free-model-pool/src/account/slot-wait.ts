import { abortReason, sleepUnlessAborted, sleepUntilSettled, type WaitQueue } from '../limits/index.js';

/** The window has no slot now: when one opens, and, while the call beyond the confirmed count is out, how its answer is awaited. */
export interface SlotWait {
  opensAt: number;
  /** The window's limit, for the message when the wait is too long. */
  limit: number;
  /** Settles when the call beyond the confirmed count is answered (a slot may open sooner than `opensAt`). */
  answered?: Promise<void>;
  /** Look again by then even if `answered` has not settled (another process's call: its answer is not seen here). */
  askAgainAt?: number;
}

/** One look at the account: done (a slot, a block, a withdrawal: the account's own result), or a wait. */
export type Look<R> = { done: R } | { wait: SlotWait };

export interface SlotWaitOptions {
  now: () => number;
  waits: WaitQueue;
  /** Where the request queues among others waiting for the same moment (reply-path calls first). */
  rank: number;
  signal?: AbortSignal;
  /** Longest wait, ms: a slot that opens later than this after the first look ends the wait at once. */
  maxWaitMs: number;
}

/**
 * The one wait for an account slot, for every account: look, and while the look says wait, sleep in
 * the runtime's wait queue until the slot opens (or the call beyond the confirmed count is answered,
 * whichever is first), then look again. Decides before every sleep: a slot further away than
 * `maxWaitMs` from the first look ends the wait at once (`tooLong`), without sleeping; a wait for
 * that answer never runs past `maxWaitMs` either. An abort rejects at once with the signal's reason.
 * `waitedMs` counts the time slept, not the looks' own time (a database round trip is no wait).
 */
export async function waitForSlot<R>(
  look: () => Look<R> | Promise<Look<R>>,
  o: SlotWaitOptions,
): Promise<{ done: R; waitedMs: number } | { tooLong: SlotWait; waitedMs: number }> {
  const start = o.now();
  const deadline = start + o.maxWaitMs;
  const sleep = (ms: number, signal?: AbortSignal) => o.waits.until(o.now() + ms, { signal, rank: o.rank });
  let slept = 0;
  for (;;) {
    if (o.signal?.aborted) throw abortReason(o.signal);
    const l = await look();
    if ('done' in l) return { done: l.done, waitedMs: slept };
    const w = l.wait;
    const now = o.now();
    const waitingForAnswer = w.answered !== undefined || w.askAgainAt !== undefined;
    if (waitingForAnswer ? now >= deadline : w.opensAt > deadline) return { tooLong: w, waitedMs: slept };
    const until = Math.min(w.opensAt, waitingForAnswer ? Math.min(deadline, w.askAgainAt ?? Number.POSITIVE_INFINITY) : w.opensAt);
    const ms = Math.max(1, until - now);
    if (w.answered) await sleepUntilSettled(sleep, ms, w.answered, o.signal);
    else await sleepUnlessAborted(sleep, ms, o.signal);
    slept += o.now() - now;
  }
}
