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
  /** Moves a slot to the moment its answer arrived (see AccountPacer.settle for why). */
  settle(slotId: string): Promise<void>;
  /** The server's per-minute 429: no slot for `forMs`; `limit` when it named a lower one. */
  blockMinute(forMs: number, limit?: number): Promise<void>;
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

export interface LedgerReserveRequest {
  /** Free calls allowed per window (the pacer's limit: the policy, lowered by `X-RateLimit-Limit`). */
  limit: number;
  windowMs: number;
  /** The caller's clock when it asked, for converting the health that comes back. */
  localNow: number;
}

/** What the day looks like after a reservation, as the database counts it. */
export interface LedgerDaily {
  limit?: number;
  remaining?: number;
  resetInMs: number;
}

export type LedgerReservation =
  | { ok: true; slotId: string; daily?: LedgerDaily; health: Array<[string, ModelHealth]> }
  | { ok: false; blocked: 'minute'; waitMs: number; limit: number; health: Array<[string, ModelHealth]> }
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
}

export const DEFAULT_SHARED_STATE_POLICY: Readonly<SharedStatePolicy> = Object.freeze({
  timeoutMs: 1000,
  retryMs: 5000,
  publishDelayMs: 0,
  healthMaxAgeMs: 1000,
  outageRewarnMs: 60_000,
});
