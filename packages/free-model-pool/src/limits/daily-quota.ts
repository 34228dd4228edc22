import type { PoolPolicy } from '../settings.js';
import type { AccountBook } from '../account/account-book.js';
import type { CallPriority, ClassifiedFailure, DailyState } from '../types.js';
import { nextUtcMidnight } from './time.js';

export { nextUtcMidnight } from './time.js';

/**
 * `reserveHeld` is set when only the reserve refused the call (a background call while the day's
 * remaining free calls are at or below the reserve held for replies); the day itself is not used up.
 */
export type DailyCheck = { ok: true } | { ok: false; resetAt: number; reserveHeld?: { remaining: number; reserve: number } };

/** What `GET /api/v1/key` reports in `data.free_model_daily_requests` (fields may be missing). */
export interface KeyDailyStatus {
  limit?: number | null;
  remaining?: number | null;
  used?: number | null;
}

/**
 * The account's daily free-model cap (50, or 1000 after $10 of lifetime purchases). Once the server
 * says the day is used up (a `free-models-per-day` 429) or our count reaches 0, every free call
 * fails fast until the reset, because each further call would be a guaranteed, still-counted
 * failure. Counters reset themselves when the reset time passes.
 */
export class DailyQuota {
  constructor(
    private readonly store: Pick<AccountBook, 'getDaily' | 'setDaily'>,
    private readonly policy: Partial<Pick<PoolPolicy, 'dailyLimit' | 'dailyReserve' | 'dailyReserveShare'>> = {},
  ) {}

  /**
   * Free calls held back for reply-priority requests today: `policy.dailyReserve`, else
   * `dailyReserveShare` of the known daily limit, rounded up; 0 while the limit is unknown.
   */
  heldForReplies(now: number): number {
    if (this.policy.dailyReserve !== undefined) return this.policy.dailyReserve;
    const limit = this.state(now).limit;
    const share = this.policy.dailyReserveShare ?? 0;
    return limit === undefined || share <= 0 ? 0 : Math.ceil(limit * share);
  }

  /** The current state, rolled over to a new day when its reset time has passed. */
  state(now: number): DailyState {
    const stored = this.store.getDaily();
    const limit = stored?.limit ?? this.policy.dailyLimit;
    let s: DailyState = stored
      ? { ...stored, limit }
      : { limit, remaining: limit, resetAt: nextUtcMidnight(now), exhaustedUntil: 0 };
    if (s.resetAt === undefined) s.resetAt = nextUtcMidnight(now);
    if (now >= s.resetAt) {
      // New day: the known limit is available again; an exhaustion that outlives the reset stays.
      const carried = s.exhaustedUntil > now;
      s = {
        limit: s.limit,
        remaining: s.limit,
        resetAt: nextUtcMidnight(now),
        exhaustedUntil: carried ? s.exhaustedUntil : 0,
        ...(carried && s.exhaustedByServer ? { exhaustedByServer: true } : {}),
      };
    }
    if (s.exhaustedUntil <= now) {
      s.exhaustedUntil = 0;
      delete s.exhaustedByServer;
    }
    return s;
  }

  /**
   * Fails fast while the day is known to be used up, and for a `background` call while the
   * remaining calls are at or below the reserve held for replies (`reserveHeld` says so).
   */
  check(now: number, priority?: CallPriority): DailyCheck {
    const s = this.state(now);
    if (s.exhaustedUntil > now) return { ok: false, resetAt: s.exhaustedUntil };
    if (s.remaining !== undefined && s.remaining <= 0) {
      s.exhaustedUntil = s.resetAt!;
      this.store.setDaily(s);
      return { ok: false, resetAt: s.exhaustedUntil };
    }
    this.store.setDaily(s);
    if (priority === 'background' && s.remaining !== undefined) {
      const reserve = this.heldForReplies(now);
      if (reserve > 0 && s.remaining <= reserve) return { ok: false, resetAt: s.resetAt!, reserveHeld: { remaining: s.remaining, reserve } };
    }
    return { ok: true };
  }

  /**
   * Check and count in one synchronous step, right before a free-model call: concurrent requests in
   * one process cannot all pass the check on the last remaining call and overshoot the cap together.
   */
  reserve(now: number, priority?: CallPriority): DailyCheck {
    const check = this.check(now, priority);
    if (check.ok) this.recordCall(now);
    return check;
  }

  /** Counts one free-model call (successful or not: OpenRouter counts failed attempts too). */
  recordCall(now: number): void {
    const s = this.state(now);
    if (s.remaining !== undefined) {
      s.remaining = Math.max(0, s.remaining - 1);
      if (s.remaining === 0) s.exhaustedUntil = Math.max(s.exhaustedUntil, s.resetAt!);
    }
    this.store.setDaily(s);
  }

  /**
   * A call counted against the day was not sent after all: its unit goes back. An exhaustion the
   * server declared stays (a daily 429 may have arrived meanwhile); one our own count reached ends.
   */
  giveBack(now: number): void {
    const s = this.state(now);
    if (s.remaining === undefined) return;
    s.remaining = s.limit !== undefined ? Math.min(s.limit, s.remaining + 1) : s.remaining + 1;
    if (!s.exhaustedByServer) s.exhaustedUntil = 0;
    this.store.setDaily(s);
  }

  /** The server said `free-models-per-day`: exhausted until its reset, else the next UTC midnight. */
  observe429(failure: ClassifiedFailure, now: number): void {
    if (failure.reason !== 'account_daily_limit') return;
    const s = this.state(now);
    const until = failure.retryAt !== undefined && failure.retryAt > now ? failure.retryAt : nextUtcMidnight(now);
    s.exhaustedUntil = Math.max(s.exhaustedUntil, until);
    s.exhaustedByServer = true;
    s.resetAt = until;
    s.remaining = 0;
    if (failure.rateLimitLimit !== undefined && failure.rateLimitLimit > 0) s.limit = failure.rateLimitLimit;
    this.store.setDaily(s);
  }

  /**
   * Seeds from `GET /key`'s `free_model_daily_requests`. The server's numbers replace our local
   * count; remaining > 0 also clears a local exhaustion (the server knows best).
   */
  seedFromKeyStatus(status: KeyDailyStatus, now: number): void {
    const s = this.state(now);
    const limit = isCount(status.limit) ? status.limit : s.limit;
    let remaining: number | undefined;
    if (isCount(status.remaining)) remaining = status.remaining;
    else if (isCount(limit) && isCount(status.used)) remaining = Math.max(0, limit - status.used);
    else remaining = s.remaining;
    s.limit = limit;
    s.remaining = remaining;
    s.resetAt = nextUtcMidnight(now);
    if (remaining !== undefined) {
      s.exhaustedUntil = remaining <= 0 ? s.resetAt : 0;
      if (remaining <= 0) s.exhaustedByServer = true;
      else delete s.exhaustedByServer;
    }
    this.store.setDaily(s);
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
