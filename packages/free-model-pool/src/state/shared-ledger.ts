import type { ModelHealth } from '../types.js';

/**
 * The account's limits and the models' health shared by every process on one key, in a database
 * (the plugin implements it on Postgres and PGlite; the engine imports no database driver).
 *
 * Account times cross this seam as durations (`waitMs`, `resetInMs`), measured on the database's
 * clock, so processes whose clocks disagree still share one window. Health carries absolute times
 * in the caller's clock: the implementation converts them between processes.
 */
export interface SharedLedger {
  /**
   * One atomic step: a slot in the account window and one unit of the day, or neither. Comes back
   * with the health other processes published since this ledger's last reservation.
   */
  reserve(request: LedgerReserveRequest): Promise<LedgerReservation>;
  /** Gives a slot and its daily unit back (no call was sent with them after all). */
  release(slotId: string): Promise<void>;
  /**
   * Moves a slot to the moment its answer arrived (see AccountPacer.settle for why) and marks it
   * answered. When the slot was the call beyond the confirmed count and the server `accepted` it,
   * the window's confirmed count grows (limits/account-window.ts confirmedAfterAccepted).
   */
  settle(slotId: string, outcome: LedgerSettle): Promise<void>;
  /** The server's per-minute 429, applied to the fleet's window by limits/account-window.ts learnMinuteLimit. */
  blockMinute(block: LedgerMinuteBlock): Promise<void>;
  /** The server's daily 429: the day is used up for `resetInMs`. */
  exhaustDay(resetInMs: number, limit?: number): Promise<void>;
  /** What GET /key reported. Within the same day the lower remaining count wins (calls in flight). */
  seedDaily(daily: { limit?: number; remaining?: number; resetInMs: number }): Promise<void>;
  /** Daily units this process spent from local state while the ledger was unreachable. */
  chargeDaily(count: number): Promise<void>;
  /** Publishes models' health, times in the caller's clock at `localNow`. */
  publishHealth(rows: Array<[string, ModelHealth]>, localNow: number): Promise<void>;
  /** Health other processes published since the last pull or reservation, in the caller's clock. */
  pullHealth(localNow: number): Promise<Array<[string, ModelHealth]>>;
}

/**
 * The account window's policy, sent with every window operation: the ledger keeps none of its own,
 * and decides with the engine's functions (limits/account-window.ts) on the fleet's rows.
 */
export interface LedgerWindow {
  /** Free calls allowed per window (the pacer's limit: the policy, lowered by `X-RateLimit-Limit`). */
  limit: number;
  windowMs: number;
  /** Calls this close before a boundary of the server's windows count after it too, ms (default 0). */
  guardMs?: number;
  /** How far clocks may be from the server's: a learned boundary is kept this much later, ms (default 0). */
  marginMs?: number;
  /** Beyond the confirmed count, one call at a time (PoolPolicy.confirmAccountLimit; default false). */
  confirm?: boolean;
}

export interface LedgerReserveRequest extends LedgerWindow {
  /** The caller's clock when it asked, for converting the health that comes back. */
  localNow: number;
}

export interface LedgerSettle {
  /** Whether the server accepted the call (anything but an account 429). */
  accepted: boolean;
  /** How long ago, at the answer, the call was sent (its slot may have been taken earlier), ms. */
  durationMs?: number;
  window: LedgerWindow;
}

export interface LedgerMinuteBlock {
  /** The 429's `X-RateLimit-Reset`, as ms from now; undefined when it named none. */
  resetInMs?: number;
  /** Its `X-RateLimit-Limit`, when it named one. */
  limit?: number;
  /**
   * Whether the reset, as the server wrote it, is on a window boundary (limits/account-window.ts
   * onWindowBoundary): what a duration no longer shows, and what says the server's windows are fixed.
   */
  resetOnBoundary?: boolean;
  window: LedgerWindow;
}

/** What the day looks like after a reservation, as the database counts it. */
export interface LedgerDaily {
  limit?: number;
  remaining?: number;
  resetInMs: number;
}

export type LedgerReservation =
  | { ok: true; slotId: string; daily?: LedgerDaily; health: Array<[string, ModelHealth]>; frontier?: boolean }
  | {
      ok: false;
      blocked: 'minute';
      waitMs: number;
      /** The soonest a slot may open, when sooner than `waitMs` (a sliding window: see limits/account-window.ts countWindow). */
      soonestMs?: number;
      limit: number;
      health: Array<[string, ModelHealth]>;
      /** The wait is for the answer of the call beyond the confirmed count (it may come sooner than `waitMs`). */
      confirming?: boolean;
    }
  | { ok: false; blocked: 'daily'; resetInMs: number; limit?: number; health: Array<[string, ModelHealth]> };

/** Policy numbers of the link to a shared ledger. */
export interface SharedStatePolicy {
  /** Longest one ledger operation may take before the pool serves from local state, ms. */
  timeoutMs: number;
  /** While the ledger is unreachable, how often one operation tries it again, ms. */
  retryMs: number;
  /** Publishes of health changes are batched over this many ms (0: the next tick). */
  publishDelayMs: number;
  /**
   * Before a reservation, other processes' health is pulled first when the last look is older than
   * this, ms, so a slot and a daily unit are not held (and given back) for a model another process
   * has just cooled. Reservations bring health back too, so a busy process pulls no more often.
   */
  healthMaxAgeMs: number;
  /**
   * An outage that starts within this many ms of re-joining is the same one flapping (a database
   * that restarts accepts a connection, then drops it): noted, not warned again, ms.
   */
  outageRewarnMs: number;
  /**
   * While another process's call beyond the confirmed count is unanswered, a waiting request asks
   * the ledger again this often, ms. Undefined: a sixtieth of the account window (1 s of a minute).
   * A call of this process wakes its waiters as soon as it is answered.
   */
  confirmPollMs?: number;
}

export const DEFAULT_SHARED_STATE_POLICY: Readonly<SharedStatePolicy> = Object.freeze({
  timeoutMs: 1000,
  retryMs: 5000,
  publishDelayMs: 0,
  healthMaxAgeMs: 1000,
  outageRewarnMs: 60_000,
});
