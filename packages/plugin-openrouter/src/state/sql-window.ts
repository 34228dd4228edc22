import type { AccountWindowState, LedgerWindow } from '@freepool/free-model-pool';
import type { WindowClock } from '@freepool/free-model-pool/internal';
import { STATE_SCHEMA } from './schema.js';
import { int, ms, num } from './sql-values.js';
import type { Rows } from './sql-client.js';

/**
 * The fleet's account window read from its rows, in the database's clock, in the shape the engine's
 * window decisions take (limits/account-window.ts): the ledger decides with the same functions as a
 * single process's pacer, on every process's calls.
 */
export interface FleetWindow {
  state: AccountWindowState;
  /** Send times of the calls no answer has reached yet. */
  pending: number[];
  /** Send time of the unanswered call beyond the confirmed count, if one is younger than a window. */
  frontierAt: number | undefined;
}

export function windowClock(w: LedgerWindow): WindowClock {
  return { windowMs: int(w.windowMs), guardMs: int(w.guardMs ?? 0) };
}

/** The slots that can still count: one window back, and the guard band before it. */
export function slotsQuery(account: string, clock: WindowClock): string {
  return `SELECT ${ms('at')} AS at, answered, frontier FROM ${STATE_SCHEMA}.slot
    WHERE account = ${account} AND at > clock_timestamp() - interval '1 millisecond' * ${clock.windowMs + clock.guardMs} ORDER BY at`;
}

/**
 * `account`: the account row (limit_per_window, blocked_until, confirmed_per_window, window_edge as
 * ms); `slots`: the rows of `slotsQuery`; `limit`: the caller's limit, which a learned one only lowers.
 */
export function fleetWindow(account: Rows[number], slots: Rows, limit: number, now: number, clock: WindowClock): FleetWindow {
  const learned = num(account.limit_per_window);
  const windowLimit = Math.max(1, Math.min(int(limit), learned ?? Number.MAX_SAFE_INTEGER));
  const confirmed = num(account.confirmed_per_window);
  const edge = num(account.window_edge);
  const rows = slots.map((r) => ({ at: num(r.at)!, answered: r.answered === true, frontier: r.frontier === true }));
  const frontier = rows.find((r) => r.frontier && !r.answered && r.at > now - clock.windowMs);
  return {
    state: {
      limit: windowLimit,
      sentAt: rows.map((r) => r.at),
      blockedUntil: num(account.blocked_until) ?? 0,
      ...(confirmed !== undefined ? { confirmed: Math.min(confirmed, windowLimit) } : {}),
      ...(edge !== undefined ? { serverWindowEdge: edge } : {}),
    },
    pending: rows.filter((r) => !r.answered).map((r) => r.at),
    frontierAt: frontier?.at,
  };
}
