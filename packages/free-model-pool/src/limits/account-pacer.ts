import type { PoolPolicy } from '../settings.js';
import type { AccountBook } from '../account/account-book.js';
import type { AccountWindowState, ClassifiedFailure } from '../types.js';
import { boundWindow, confirmedAfterAccepted, countWindow, decideSlot, keptFor, learnMinuteLimit, type WindowClock } from './account-window.js';

/**
 * `ok`, or when the next slot opens; `confirming` instead when a call beyond the confirmed count is
 * in flight: it settles when that call is answered.
 */
export type ReserveResult = { ok: true } | { ok: false; waitUntil: number; confirming?: Promise<void> };

/**
 * Paces the account's free-model calls below the per-minute cap, so the server's
 * `free-models-per-min` 429 (which every free model shares) is rare rather than routine.
 *
 * Send times counted the way limits/account-window.ts says: a sliding window (at most `limit` sends
 * in any `rateWindowMs`) until a per-minute 429 shows where the server's fixed windows begin, then
 * those windows. `reserve` checks and records in one synchronous step, so concurrent requests in one
 * process can never overshoot. State lives in an AccountBook, which every pool on the key in this process may share.
 */
export class AccountPacer {
  constructor(
    private readonly book: AccountBook,
    private readonly policy: Pick<PoolPolicy, 'freeRequestsPerWindow' | 'rateWindowMs'> &
      Partial<Pick<PoolPolicy, 'confirmAccountLimit' | 'accountClockMarginMs'>>,
  ) {}

  /** Reservation times of calls sent and not yet answered (this process's; see countWindow). */
  private get pending(): number[] {
    return this.book.pending;
  }

  /** The window's clock: its length and the guard band around a boundary. */
  get clock(): WindowClock {
    return { windowMs: this.policy.rateWindowMs, guardMs: 2 * this.marginMs };
  }

  /** How far this clock may be from the server's: PoolPolicy.accountClockMarginMs, a sixtieth of the window by default. */
  get marginMs(): number {
    return this.policy.accountClockMarginMs ?? this.policy.rateWindowMs / 60;
  }

  /** The current window, pruned to the sends that can still count (limits/account-window.ts keptFor). */
  state(now: number): AccountWindowState {
    const stored = this.book.getAccountWindow();
    const kept = keptFor(stored ?? {}, this.clock);
    return boundWindow(
      {
        ...stored,
        limit: stored?.limit ?? this.policy.freeRequestsPerWindow,
        sentAt: (stored?.sentAt ?? []).filter((t) => t > now - kept && t <= now + kept).sort((a, b) => a - b),
        blockedUntil: stored?.blockedUntil ?? 0,
      },
      this.policy.freeRequestsPerWindow,
    );
  }

  /** How many calls count against the server's current window now (for the pool's status). */
  usedInWindow(now: number): number {
    return countWindow(this.state(now), now, this.clock, this.pending).used;
  }

  /** When the next free-model call may be sent: `now` when a slot is free. Reads only. */
  reopensAt(now: number): number {
    const s = this.state(now);
    const c = countWindow(s, now, this.clock, this.pending);
    return Math.max(now, s.blockedUntil, c.used >= s.limit ? c.opensAt : now);
  }

  /**
   * Takes one slot if there is one (recording the send at `now`); otherwise says when the next
   * slot opens. Callers that get `ok` must send (or accept the slot as spent).
   */
  reserve(now: number): ReserveResult {
    const s = this.state(now);
    // A call that is never settled (a caller that took a slot and vanished) holds the frontier one window at most.
    if (this.book.frontier && now - this.book.frontier.reservedAt >= this.policy.rateWindowMs) this.endFrontier(this.book.frontier.reservedAt, false, now);
    const d = decideSlot({
      state: s,
      now,
      clock: this.clock,
      pending: this.pending,
      frontierAt: this.book.frontier?.reservedAt,
      confirm: this.policy.confirmAccountLimit ?? false,
    });
    if (!d.ok) {
      this.book.setAccountWindow(s);
      return d.confirming && this.book.frontier ? { ok: false, waitUntil: d.waitUntil, confirming: this.book.frontier.answered } : { ok: false, waitUntil: d.waitUntil };
    }
    if (d.frontier) {
      let resolve!: () => void;
      const answered = new Promise<void>((r) => (resolve = r));
      this.book.frontier = { reservedAt: now, answered, resolve };
    }
    s.sentAt.push(now);
    this.pending.push(now);
    this.book.setAccountWindow(s);
    return { ok: true };
  }

  /** The call beyond the confirmed count was answered (or not sent): the next may go. */
  private endFrontier(reservedAt: number, accepted: boolean, now = reservedAt): void {
    const f = this.book.frontier;
    if (!f || f.reservedAt !== reservedAt) return;
    this.book.frontier = undefined;
    const window = this.book.getAccountWindow();
    if (accepted && window) {
      const s = this.state(now);
      this.book.setAccountWindow({ ...window, confirmed: confirmedAfterAccepted(s, countWindow(s, now, this.clock, this.pending).used) });
    }
    f.resolve();
  }

  /**
   * Learns from the server's per-minute 429 (limits/account-window.ts learnMinuteLimit): its reset,
   * its `X-RateLimit-Limit` and where its windows begin. Failures of other reasons are ignored: a
   * daily 429's limit is 50/1000.
   */
  observe429(failure: ClassifiedFailure, now: number): void {
    if (failure.reason !== 'account_minute_limit') return;
    const s = this.state(now);
    const used = countWindow(s, now, this.clock, this.pending).used;
    this.book.setAccountWindow(
      learnMinuteLimit(s, failure, now, used, {
        configuredLimit: this.policy.freeRequestsPerWindow,
        windowMs: this.policy.rateWindowMs,
        marginMs: this.marginMs,
        confirm: this.policy.confirmAccountLimit ?? false,
      }),
    );
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
    this.endFrontier(reservedAt, accepted, answeredAt);
    this.forgetPending(reservedAt);
    if (!(answeredAt > reservedAt)) return;
    const window = this.book.getAccountWindow();
    const i = window ? window.sentAt.lastIndexOf(reservedAt) : -1;
    if (!window || i < 0) return; // pruned or replaced meanwhile: nothing to move
    const sentAt = [...window.sentAt];
    sentAt[i] = answeredAt;
    this.book.setAccountWindow({ ...window, sentAt: sentAt.sort((a, b) => a - b) });
  }

  /**
   * Gives a reserved slot back when no call was sent with it after all (the request deadline passed
   * during the wait, or the daily cap was reached meanwhile), so it does not block other requests.
   */
  release(reservedAt: number): void {
    this.endFrontier(reservedAt, false);
    this.forgetPending(reservedAt);
    const window = this.book.getAccountWindow();
    const i = window ? window.sentAt.lastIndexOf(reservedAt) : -1;
    if (!window || i < 0) return;
    this.book.setAccountWindow({ ...window, sentAt: window.sentAt.filter((_, j) => j !== i) });
  }

  private forgetPending(reservedAt: number): void {
    const i = this.pending.lastIndexOf(reservedAt);
    if (i >= 0) this.pending.splice(i, 1);
  }
}

