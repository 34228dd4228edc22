import type { CallPriority, ClassifiedFailure } from '../types.js';
import type { KeyDailyStatus } from '../limits/daily-quota.js';

/**
 * The account seam: the one interface through which the run loop spends OpenRouter's account-wide
 * free-model limits (the per-minute window, the day, the reply reserve). Two implementations make
 * the same decisions with the same window logic (limits/account-window.ts): `LocalAccount` (this
 * process: the pacer and the daily count, shared by every pool on the key that asks for it) and
 * `FleetAccount` (every process on the key, through a shared ledger, falling back to the local one
 * while the ledger is away). The run loop takes a slot or a typed block and never knows which.
 */
export interface Account {
  /**
   * A slot for one free call, waiting up to `maxWaitMs` for one; or the block that refuses it, with
   * its time; or `withdrawn` when `wanted` said no before a slot was taken. Rejects with the signal's
   * reason when it aborts. A slot counts one call against the window and the day.
   */
  take(request: TakeRequest): Promise<Taken>;
  /** The call's answer arrived at `answeredAt`; `accepted` unless the account refused it (a per-minute or daily 429). */
  settle(slot: AccountSlot, answeredAt: number, accepted: boolean): void;
  /** No call was sent with the slot after all: it and its unit of the day go back. */
  release(slot: AccountSlot): void;
  /**
   * What a call's failure says about the account (a per-minute or daily 429 and its headers; other
   * failures say nothing). Returns the block it puts on free calls for the rest of the request: the
   * day's, after a daily 429. A per-minute 429 blocks nothing here: the next `take` waits for it.
   */
  observe(failure: ClassifiedFailure, at: number): AccountBlock | undefined;
  /** What GET /key reported of the day (the fleet's day takes it in too). */
  observeKey(daily: KeyDailyStatus, at: number): Promise<void>;
  /** When the next free call may be sent: `now` when a slot is free. Reads only. */
  opensAt(now: number): number;
  /** The account as a status display shows it. Reads only. */
  view(now: number): AccountView;
  /** Waits for what is still to be written to shared state (nothing for a local account). */
  flush(): Promise<void>;
}

export interface TakeRequest {
  /** `background` is refused once the day's remaining free calls are at or below the reply reserve. */
  priority?: CallPriority;
  signal?: AbortSignal;
  /** Longest wait for a slot, ms (the request's wait budget, bounded by its deadline). */
  maxWaitMs: number;
  /**
   * Asked right before each attempt to take a slot (again after every wait): false gives up without
   * one, e.g. when the model was cooled, removed or filled by another request meanwhile.
   */
  wanted?: () => boolean;
}

/** A slot for one call. Opaque to the run loop: only the account that gave it reads it. */
export interface AccountSlot {
  /** Time spent waiting for it, ms. */
  readonly waitedMs: number;
}

/** Why no free call may be sent now, and when that ends. */
export type AccountBlock =
  /** The day's free calls are used up (our count or the server's 429) until `resetAt`. */
  | { kind: 'day'; resetAt: number; limit?: number }
  /** A background call while the day's last free calls are held for replies; the day is not used up. */
  | { kind: 'reserve'; resetAt: number; limit?: number; remaining: number; reserve: number }
  /** The window has no slot within the wait allowed: one opens at `retryAt`. */
  | { kind: 'minute'; retryAt: number; message: string };

export type Taken =
  | { slot: AccountSlot }
  | { block: AccountBlock; waitedMs: number }
  | { withdrawn: true; waitedMs: number };

/** What a status display shows of the account. */
export interface AccountView {
  window: {
    /** Free calls allowed per window (lowered when the server said lower). */
    limit: number;
    windowMs: number;
    /** Calls that count against the current window. */
    sentInWindow: number;
    /** When the next free call may be sent (`now` when now). */
    nextSlotAt: number;
  };
  daily: {
    limit?: number;
    remaining?: number;
    resetAt?: number;
    /** Set while the daily cap is known to be reached. */
    exhaustedUntil?: number;
    /** Free calls held back for reply-priority requests (0: none, or the limit is unknown). */
    reserve: number;
  };
  /** Set when the account is shared with other processes: whether the shared state answers now. */
  shared?: { reachable: boolean };
}
