import { abortReason, sleepUntilSettled, type WaitQueue } from '../limits/index.js';
import type { AccountBlock, TakeRequest } from './account.js';
import type { SlotLine } from './slot-line.js';

/** The window has no slot now: when one opens, and, while the call beyond the confirmed count is out, how its answer is awaited. */
export interface SlotWait {
  opensAt: number;
  /**
   * The soonest the server may open it, when that is earlier (a sliding window counts each call
   * somewhere between its send and `opensAt`'s assumption): the wait is not refused while this is
   * within it, and then runs to `opensAt`, past the wait allowed by at most that uncertainty.
   */
  opensFrom?: number;
  /** The window's limit, for the message when the wait is too long. */
  limit: number;
  /** Settles when the call beyond the confirmed count is answered (a slot may open sooner than `opensAt`). */
  answered?: Promise<void>;
  /** Look again by then even if `answered` has not settled (another process's call: its answer is not seen here). */
  askAgainAt?: number;
}

/** One look at the account: done (a slot, a block, a withdrawal: the account's own result), or a wait. */
export type Look<R> = { done: R } | { wait: SlotWait };

/** Wider than any epoch ms: ranks of a lower priority sort after every wait start of a higher one. */
const WAITED_RANK_SPAN = 1e15;

export interface SlotWaitOptions<R> {
  now: () => number;
  waits: WaitQueue;
  line: SlotLine;
  /** Reply-path calls first (0), background ones after (1). */
  priorityRank: number;
  signal?: AbortSignal;
  /** Longest wait, ms: a slot that opens later than this after the first look ends the wait at once. */
  maxWaitMs: number;
  /** Asked before a slot is handed to this take: false withdraws it. */
  wanted?: () => boolean;
  /** Whether a look's result is a slot (which goes to an earlier waiter first). */
  isSlot: (result: R) => boolean;
  /** The result of a take withdrawn while it waited. */
  withdrawn: R;
  /** Gives back a slot handed to this take when it is aborted before it could use it. */
  release: (slot: R) => void;
}

/**
 * The one wait for an account slot, for every account: look, and while the look says wait, sleep in
 * the runtime's wait queue until the slot opens (or the call beyond the confirmed count is answered,
 * or an earlier take hands this one a slot, whichever is first), then look again. Decides before
 * every sleep: a slot further away than `maxWaitMs` from the first look ends the wait at once
 * (`tooLong`), without sleeping (on a sliding window: one that cannot open within it); a wait for
 * that answer never runs past `maxWaitMs` either. An abort rejects at once with the signal's reason.
 * `waitedMs` counts the time slept, not the looks' own time (a database round trip is no wait).
 * A slot, its own or handed over, is returned only while `wanted` still holds; else it goes to the
 * next take in line (or back) and this take is withdrawn.
 */
export async function waitForSlot<R>(
  look: () => Look<R> | Promise<Look<R>>,
  o: SlotWaitOptions<R>,
): Promise<{ done: R; waitedMs: number } | { tooLong: SlotWait; waitedMs: number }> {
  const start = o.now();
  const deadline = start + o.maxWaitMs;
  const rank = o.priorityRank * WAITED_RANK_SPAN + start;
  const sleep = (ms: number, signal?: AbortSignal) => o.waits.until(o.now() + ms, { signal, rank });
  let slept = 0;
  let handed: { slot: unknown } | { withdrawn: true } | undefined;
  let wake: () => void = () => undefined;
  // In line from the first look to the end: a slot another take obtains meanwhile may be this one's.
  const leave = o.line.join({
    rank,
    ...(o.wanted ? { wanted: o.wanted } : {}),
    hand: (result) => {
      handed = result;
      wake();
    },
  });
  // A slot this take cannot use goes to the next in line, or back.
  const passOn = (slot: R) => {
    if (!o.line.handOver(slot, Number.POSITIVE_INFINITY)) o.release(slot);
  };
  // A slot is this take's only if it still wants one now: `wanted` was asked before the slot was
  // taken (or handed over), and what it reads may have changed since (a look of another take, or
  // the reservation itself, brought in another process's cooldown).
  const deliver = (slot: R): R => {
    if (!o.wanted || o.wanted()) return slot;
    passOn(slot);
    return o.withdrawn;
  };
  const handedResult = (own?: R): R => {
    // Handed a slot while this take's own look found one too: that one goes to the next in line, or back.
    if (own !== undefined && o.isSlot(own)) passOn(own);
    return handed && 'slot' in handed ? deliver(handed.slot as R) : o.withdrawn;
  };
  try {
    for (;;) {
      if (o.signal?.aborted) throw abortReason(o.signal);
      const l = await look();
      if (handed) return { done: handedResult('done' in l ? l.done : undefined), waitedMs: slept };
      if ('done' in l) {
        if (!o.isSlot(l.done)) return { done: l.done, waitedMs: slept };
        // An earlier take of this process is waiting: the slot is its; this one looks again.
        if (o.line.handOver(l.done, rank)) continue;
        return { done: deliver(l.done), waitedMs: slept };
      }
      const w = l.wait;
      const now = o.now();
      const waitingForAnswer = w.answered !== undefined || w.askAgainAt !== undefined;
      if (waitingForAnswer ? now >= deadline : (w.opensFrom ?? w.opensAt) > deadline) return { tooLong: w, waitedMs: slept };
      const until = Math.min(w.opensAt, waitingForAnswer ? Math.min(deadline, w.askAgainAt ?? Number.POSITIVE_INFINITY) : w.opensAt);
      const handedOver = new Promise<void>((resolve) => (wake = resolve));
      await sleepUntilSettled(sleep, Math.max(1, until - now), w.answered ? Promise.race([w.answered, handedOver]) : handedOver, o.signal);
      slept += o.now() - now;
      if (handed) return { done: handedResult(), waitedMs: slept };
    }
  } catch (error) {
    if (handed && 'slot' in handed) o.release(handed.slot as R);
    throw error;
  } finally {
    leave();
  }
}


/** The result of a take withdrawn because `wanted` said no. */
export type Withdrawn = { withdrawn: true };

/** What an account's `take` gives `waitToTake` besides the request and its look. */
export interface TakeWaitOptions<R> extends Pick<SlotWaitOptions<R | Withdrawn>, 'now' | 'waits' | 'line' | 'isSlot' | 'release'> {
  rateWindowMs: number;
  /** Whose window is used up, for the message: '' for this process's, or ' across the processes on this key'. */
  scope: string;
}

/**
 * `take`'s wait, the same for every account: `waitForSlot` with the request's priority, signal,
 * wait allowed and `wanted`; a slot further away than the wait allowed becomes the minute block.
 */
export async function waitToTake<R>(
  request: TakeRequest,
  look: () => Look<R | Withdrawn> | Promise<Look<R | Withdrawn>>,
  o: TakeWaitOptions<R>,
): Promise<{ done: R | Withdrawn; waitedMs: number } | { block: AccountBlock; waitedMs: number }> {
  const r = await waitForSlot<R | Withdrawn>(look, {
    now: o.now,
    waits: o.waits,
    line: o.line,
    priorityRank: request.priority === 'background' ? 1 : 0,
    signal: request.signal,
    maxWaitMs: request.maxWaitMs,
    ...(request.wanted ? { wanted: request.wanted } : {}),
    isSlot: o.isSlot,
    withdrawn: { withdrawn: true },
    release: o.release,
  });
  if (!('tooLong' in r)) return r;
  const message =
    `Account free-model rate limit: ${r.tooLong.limit} calls per ${Math.round(o.rateWindowMs / 1000)} s are used up${o.scope}; ` +
    `capacity returns at ${new Date(r.tooLong.opensAt).toISOString()}, beyond the ${Math.round(request.maxWaitMs / 1000)} s wait allowed`;
  return { block: { kind: 'minute', retryAt: r.tooLong.opensAt, message }, waitedMs: r.waitedMs };
}
