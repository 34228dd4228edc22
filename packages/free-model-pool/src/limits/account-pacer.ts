import { FreeModelPoolError } from '../errors.js';
import type { PoolPolicy } from '../settings.js';
import type { PoolStore } from '../state/store.js';
import type { AccountWindowState, ClassifiedFailure } from '../types.js';
import { abortReason, sleepUnlessAborted } from './time.js';

/** Options of `AccountPacer.acquire`. Clock and sleep are injected so tests compress time. */
export interface AcquireOptions {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Longest total wait for capacity, ms (PoolPolicy.maxWaitMs). */
  maxWaitMs: number;
}

/**
 * `ok`, or when the next slot opens; `confirming` instead when a call beyond the confirmed count is
 * in flight: it settles when that call is answered.
 */
export type ReserveResult = { ok: true } | { ok: false; waitUntil: number; confirming?: Promise<void> };

/** The one call in flight beyond the confirmed count, and the waiters for its answer. */
interface Frontier {
  reservedAt: number;
  answered: Promise<void>;
  resolve: () => void;
}

/**
 * Paces the account's free-model calls below the per-minute cap, so the server's
 * `free-models-per-min` 429 (which every free model shares) is rare rather than routine.
 *
 * A sliding window of send times: at most `limit` sends in any `rateWindowMs`. That is at least as
 * strict as OpenRouter's fixed minute windows. `reserve` checks and records in one synchronous step,
 * so concurrent requests in one process can never overshoot. State lives in the store, so a
 * persistent store shares it across restarts/processes on a best-effort basis.
 */
export class AccountPacer {
  constructor(
    private readonly store: PoolStore,
    private readonly policy: Pick<PoolPolicy, 'freeRequestsPerWindow' | 'rateWindowMs'> & Partial<Pick<PoolPolicy, 'confirmAccountLimit'>>,
  ) {}

  private frontier: Frontier | undefined;

  /** The current window, pruned to sends within `rateWindowMs` of `now`. */
  state(now: number): AccountWindowState {
    const stored = this.store.getAccountWindow();
    const windowStart = now - this.policy.rateWindowMs;
    const limit = Math.max(1, Math.min(stored?.limit ?? this.policy.freeRequestsPerWindow, this.policy.freeRequestsPerWindow));
    return {
      limit,
      sentAt: (stored?.sentAt ?? []).filter((t) => t > windowStart && t <= now + this.policy.rateWindowMs).sort((a, b) => a - b),
      blockedUntil: stored?.blockedUntil ?? 0,
      ...(stored?.confirmed !== undefined ? { confirmed: Math.min(stored.confirmed, limit) } : {}),
    };
  }

  /** When the next free-model call may be sent: `now` when a slot is free. Reads only. */
  reopensAt(now: number): number {
    const s = this.state(now);
    let at = Math.max(now, s.blockedUntil);
    if (s.sentAt.length >= s.limit) at = Math.max(at, s.sentAt[s.sentAt.length - s.limit]! + this.policy.rateWindowMs);
    return at;
  }

  /**
   * Takes one slot if there is one (recording the send at `now`); otherwise says when the next
   * slot opens. Callers that get `ok` must send (or accept the slot as spent).
   */
  reserve(now: number): ReserveResult {
    const s = this.state(now);
    if (s.blockedUntil > now) {
      this.store.setAccountWindow(s);
      return { ok: false, waitUntil: s.blockedUntil };
    }
    if (s.sentAt.length >= s.limit) {
      // The slot frees when the send `limit` places back leaves the window.
      const oldestBlocking = s.sentAt[s.sentAt.length - s.limit]!;
      this.store.setAccountWindow(s);
      return { ok: false, waitUntil: oldestBlocking + this.policy.rateWindowMs };
    }
    // Beyond what the server has confirmed, one call at a time: a limit lower than configured then
    // costs the one call that meets it, not every call in flight when the first 429 arrives.
    // A call that is never settled (a caller that took a slot and vanished) holds the frontier one window at most.
    if (this.frontier && now - this.frontier.reservedAt >= this.policy.rateWindowMs) this.endFrontier(this.frontier.reservedAt, false);
    if (this.policy.confirmAccountLimit && s.sentAt.length >= (s.confirmed ?? Math.ceil(s.limit / 2))) {
      if (this.frontier) {
        this.store.setAccountWindow(s);
        return { ok: false, waitUntil: this.frontier.reservedAt + this.policy.rateWindowMs, confirming: this.frontier.answered };
      }
      let resolve!: () => void;
      const answered = new Promise<void>((r) => (resolve = r));
      this.frontier = { reservedAt: now, answered, resolve };
    }
    s.sentAt.push(now);
    this.store.setAccountWindow(s);
    return { ok: true };
  }

  /** The call beyond the confirmed count was answered (or not sent): the next may go. */
  private endFrontier(reservedAt: number, accepted: boolean): void {
    const f = this.frontier;
    if (!f || f.reservedAt !== reservedAt) return;
    this.frontier = undefined;
    if (accepted) {
      const window = this.store.getAccountWindow();
      // Slow start: the call past the confirmed count was accepted, so the window is trusted with
      // twice what it holds now (at most the limit). A limit at its configured value is confirmed
      // after one such call; one held at half of it costs the single call that meets it.
      if (window) {
        const trusted = Math.min(window.limit, Math.max((window.confirmed ?? 0) + 1, 2 * window.sentAt.length));
        this.store.setAccountWindow({ ...window, confirmed: Math.max(window.confirmed ?? 0, trusted) });
      }
    }
    f.resolve();
  }

  /**
   * Learns from the server's per-minute 429: blocks until its reset (at most, and by default, one
   * window from now) and follows `X-RateLimit-Limit` (the server has been seen enforcing 16 instead
   * of 20), never above the configured policy. Failures of other reasons are ignored: a daily 429's limit is 50/1000.
   */
  observe429(failure: ClassifiedFailure, now: number): void {
    if (failure.reason !== 'account_minute_limit') return;
    const s = this.state(now);
    // A per-minute window reopens within one window: a reset further away can only be clock skew
    // (the server's clock ahead of ours), and honouring it would block every free call for no reason.
    const oneWindow = now + this.policy.rateWindowMs;
    const until = failure.retryAt !== undefined && failure.retryAt > now ? Math.min(failure.retryAt, oneWindow) : oneWindow;
    s.blockedUntil = Math.max(s.blockedUntil, until);
    if (failure.rateLimitLimit !== undefined && failure.rateLimitLimit >= 1) {
      s.limit = Math.min(this.policy.freeRequestsPerWindow, Math.floor(failure.rateLimitLimit));
    } else if (this.policy.confirmAccountLimit && s.confirmed !== undefined && s.confirmed >= 1 && s.sentAt.length > s.confirmed) {
      // No header: the server accepted the confirmed count and refused the one beyond it.
      s.limit = Math.min(s.limit, s.confirmed);
    }
    if (s.confirmed !== undefined) s.confirmed = Math.min(s.confirmed, s.limit);
    this.store.setAccountWindow(s);
  }

  /**
   * Waits for a slot and takes it. Decides before every sleep: when the slot would open later than
   * `maxWaitMs` after the call began, throws a FreeModelPoolError (reason account_minute_limit,
   * retryAt = when the slot opens) without sleeping. An abort rejects at once with the signal's reason.
   */
  async acquire(opts: AcquireOptions): Promise<{ waitedMs: number; reservedAt: number }> {
    const start = opts.now();
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
      const now = opts.now();
      const r = this.reserve(now);
      if (r.ok) return { waitedMs: Math.max(0, now - start), reservedAt: now };
      if (r.confirming) {
        // Until the call beyond the confirmed count is answered, or at most until it expires.
        const expiry = new AbortController();
        await Promise.race([r.confirming, opts.sleep(Math.max(1, r.waitUntil - now), expiry.signal).catch(() => {})]).finally(() => expiry.abort());
        if (opts.signal?.aborted) throw abortReason(opts.signal);
        continue;
      }
      if (r.waitUntil - start > opts.maxWaitMs) {
        const s = this.state(now);
        throw new FreeModelPoolError(
          `Account free-model rate limit: ${s.limit} calls per ${Math.round(this.policy.rateWindowMs / 1000)} s are used up; ` +
            `capacity returns at ${new Date(r.waitUntil).toISOString()}, beyond the ${Math.round(opts.maxWaitMs / 1000)} s wait allowed`,
          { reason: 'account_minute_limit', retryAt: r.waitUntil },
        );
      }
      await sleepUnlessAborted(opts.sleep, Math.max(1, r.waitUntil - now), opts.signal);
    }
  }

  /**
   * Moves a reservation from the moment it was taken to the moment the call's answer arrived.
   *
   * Why: OpenRouter counts a call in the window in which it *arrives*, and its windows are aligned
   * (they reset on the minute). The slot is recorded before the request leaves, so a slow first call
   * can land in the same server window as a later call this sliding window already allowed, and the
   * server answers 429. The answer time is an upper bound on the arrival time, so keeping that
   * instead makes "at most N in any window" hold for the server's windows too.
   */
  settle(reservedAt: number, answeredAt: number, accepted = true): void {
    this.endFrontier(reservedAt, accepted);
    if (!(answeredAt > reservedAt)) return;
    const window = this.store.getAccountWindow();
    const i = window ? window.sentAt.lastIndexOf(reservedAt) : -1;
    if (!window || i < 0) return; // pruned or replaced meanwhile: nothing to move
    const sentAt = [...window.sentAt];
    sentAt[i] = answeredAt;
    this.store.setAccountWindow({ ...window, sentAt: sentAt.sort((a, b) => a - b) });
  }

  /**
   * Gives a reserved slot back when no call was sent with it after all (the request deadline passed
   * during the wait, or the daily cap was reached meanwhile), so it does not block other requests.
   */
  release(reservedAt: number): void {
    this.endFrontier(reservedAt, false);
    const window = this.store.getAccountWindow();
    const i = window ? window.sentAt.lastIndexOf(reservedAt) : -1;
    if (!window || i < 0) return;
    this.store.setAccountWindow({ ...window, sentAt: window.sentAt.filter((_, j) => j !== i) });
  }
}

