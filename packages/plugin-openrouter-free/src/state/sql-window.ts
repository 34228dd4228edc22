import type { AccountWindowState, LedgerWindow } from '@freepool/free-model-pool';
import { boundWindow, type SentCall, type WindowClock } from '@freepool/free-model-pool/internal';
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
  /** Where the server may have counted each accepted or unanswered call: between its slot and its answer. */
  calls: SentCall[];
  /** Send time of the unanswered call beyond the confirmed count, if one is younger than a window. */
  frontierAt: number | undefined;
}

export function windowClock(w: LedgerWindow): WindowClock {
  return { windowMs: int(w.windowMs), guardMs: int(w.guardMs ?? 0) };
}

/** The database's clock, as epoch ms. */
export const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::float8`;

/** The account row's window columns, as `fleetWindow` reads them (times as ms). */
export const WINDOW_COLUMNS = `limit_per_window, ${ms('blocked_until')} AS blocked_until, confirmed_per_window, ${ms('window_edge')} AS window_edge, window_slides`;

/** The slots that can still count: one window back, and the guard band before it. */
export function slotsQuery(account: string, clock: WindowClock): string {
  return `SELECT ${ms('at')} AS at, ${ms('sent_at')} AS sent_at, answered, frontier FROM ${STATE_SCHEMA}.slot
    WHERE account = ${account} AND at > clock_timestamp() - interval '1 millisecond' * ${clock.windowMs + clock.guardMs} ORDER BY at`;
}

/**
 * `account`: the account row (limit_per_window, blocked_until, confirmed_per_window, window_edge as
 * ms, window_slides); `slots`: the rows of `slotsQuery`; `limit`: the caller's limit, which a learned one only lowers.
 */
export function fleetWindow(account: Rows[number], slots: Rows, limit: number, now: number, clock: WindowClock): FleetWindow {
  const cap = int(limit);
  const confirmed = num(account.confirmed_per_window);
  const edge = num(account.window_edge);
  const rows = slots.map((r) => ({ at: num(r.at)!, sentAt: num(r.sent_at), answered: r.answered === true, frontier: r.frontier === true }));
  const frontier = rows.find((r) => r.frontier && !r.answered && r.at > now - clock.windowMs);
  return {
    state: boundWindow(
      {
        limit: num(account.limit_per_window) ?? cap,
        sentAt: rows.map((r) => r.at),
        blockedUntil: num(account.blocked_until) ?? 0,
        ...(confirmed !== undefined ? { confirmed } : {}),
        ...(edge !== undefined ? { serverWindowEdge: edge } : {}),
        ...(account.window_slides === true ? { windowSlides: true as const } : {}),
      },
      cap,
    ),
    pending: rows.filter((r) => !r.answered).map((r) => r.at),
    // A slot an earlier release took has no send time: its answer's time stands for both.
    calls: rows.map((r) => (r.answered ? { from: r.sentAt ?? r.at, to: r.at } : { from: r.at })),
    frontierAt: frontier?.at,
  };
}
