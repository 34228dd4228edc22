import { createHash, randomUUID } from 'node:crypto';
import {
  nextUtcMidnight,
  type LedgerDaily,
  type LedgerMinuteBlock,
  type LedgerReservation,
  type LedgerReserveRequest,
  type LedgerSettle,
  type LedgerWindow,
  type ModelHealth,
  type SharedLedger,
} from '@freepool/free-model-pool';
import { acceptedInWindow, confirmedAfterAccepted, countWindow, decideSlot, learnMinuteLimit } from '@freepool/free-model-pool/internal';
import { LEDGER_DDL, STATE_SCHEMA } from './schema.js';
import type { Rows, SqlClient, SqlSession } from './sql-client.js';
import { SqlHealth } from './sql-health.js';
import { DB_NOW, fleetWindow, slotsQuery, WINDOW_COLUMNS, windowClock, type FleetWindow } from './sql-window.js';
import { int, lit, ms, num, sqlNum, ts } from './sql-values.js';

/**
 * The fleet's account and model health in plain SQL tables (no extension), shared by every process
 * and machine whose agents point at the same database with the same key.
 *
 * - `openrouter_free.account`: one row per account, locked (`SELECT … FOR UPDATE`) by every
 *   reservation, so two processes can never both take the last slot or the last daily unit.
 * - `openrouter_free.slot`: the calls of the account window, timed by the database's clock.
 * - `openrouter_free.health`: each model's health as its last publisher saw it (sql-health.ts).
 *
 * Rows are keyed by `accountFingerprint(baseURL, key)`: a SHA-256 digest, never the key.
 */

/** Slots are kept this long (or one window, if longer) before they are deleted, ms. */
export const SLOT_RETENTION_MS = 10 * 60_000;

/** A one-way fingerprint of base URL and key: the account's id in the tables. */
export function accountFingerprint(baseURL: string, apiKey: string): string {
  return createHash('sha256').update(`openrouter-free-pool/account/v1\n${baseURL}\n${apiKey}`).digest('hex');
}

const ACCOUNT = `${STATE_SCHEMA}.account`;
const SLOT = `${STATE_SCHEMA}.slot`;

export interface SqlLedgerOptions {
  /**
   * Whether the ledger creates its tables (a database plugin-sql does not manage). In the agent's own
   * database plugin-sql's migrations create them from the plugin's schema.
   */
  createTables: boolean;
}

export class SqlLedger implements SharedLedger {
  private readonly acct: string;
  private readonly health: SqlHealth;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly db: SqlClient,
    account: string,
    private readonly opts: SqlLedgerOptions = { createTables: true },
  ) {
    if (!/^[0-9a-f]{16,128}$/.test(account)) throw new Error('the account id must be a hex fingerprint');
    this.acct = lit(account);
    this.health = new SqlHealth(this.acct);
  }

  /** Creates the tables and the account's row (once per ledger; again after a failure). */
  private ensure(): Promise<void> {
    this.ready ??= this.db
      .exec(`${this.opts.createTables ? LEDGER_DDL : ''} INSERT INTO ${ACCOUNT} (account) VALUES (${this.acct}) ON CONFLICT DO NOTHING`)
      .then(() => undefined)
      .catch((e: unknown) => {
        this.ready = undefined;
        throw e;
      });
    return this.ready;
  }

  async reserve(req: LedgerReserveRequest): Promise<LedgerReservation> {
    await this.ensure();
    const clock = windowClock(req);
    const retention = Math.max(clock.windowMs + clock.guardMs, SLOT_RETENTION_MS);
    return this.db.transaction(async (tx) => {
      const [lock, window] = await tx.exec(
        `SELECT ${WINDOW_COLUMNS},
                daily_limit, daily_remaining, ${ms('daily_reset_at')} AS daily_reset_at, ${ms('daily_exhausted_until')} AS daily_exhausted_until, ${DB_NOW} AS now
           FROM ${ACCOUNT} WHERE account = ${this.acct} FOR UPDATE;
         ${slotsQuery(this.acct, clock)}`,
      );
      const a = lock![0]!;
      const now = num(a.now)!;
      const offset = req.localNow - now;
      const healthSql = this.health.query();
      let day = {
        limit: num(a.daily_limit),
        remaining: num(a.daily_remaining),
        resetAt: num(a.daily_reset_at),
        exhaustedUntil: num(a.daily_exhausted_until),
      };
      let rollover = '';
      if (day.resetAt === undefined || now >= day.resetAt) {
        // A new day (by the database's clock): the known limit is available again.
        const resetAt = nextUtcMidnight(now);
        const exhaustedUntil = day.exhaustedUntil !== undefined && day.exhaustedUntil > now ? day.exhaustedUntil : undefined;
        day = { limit: day.limit, remaining: day.limit, resetAt, exhaustedUntil };
        rollover = `UPDATE ${ACCOUNT} SET daily_remaining = ${sqlNum(day.remaining)}, daily_reset_at = ${ts(resetAt)},
          daily_exhausted_until = ${exhaustedUntil === undefined ? 'NULL' : ts(exhaustedUntil)}, daily_exhausted_by_server = ${exhaustedUntil === undefined ? 'false' : 'daily_exhausted_by_server'}
          WHERE account = ${this.acct};`;
      }
      const dailyBlockedUntil =
        day.exhaustedUntil !== undefined && day.exhaustedUntil > now ? day.exhaustedUntil : day.remaining !== undefined && day.remaining <= 0 ? day.resetAt! : undefined;
      if (dailyBlockedUntil !== undefined) {
        const [, health] = await tx.finish(`${rollover || 'SELECT 1;'}${healthSql}`);
        return { ok: false, blocked: 'daily', resetInMs: dailyBlockedUntil - now, ...(day.limit !== undefined ? { limit: day.limit } : {}), health: this.health.read(health!, offset) };
      }
      const fleet = fleetWindow(a, window!, req.limit, now, clock);
      const decision = decideSlot({ ...fleet, now, clock, confirm: req.confirm ?? false });
      if (!decision.ok) {
        const [, health] = await tx.finish(`${rollover || 'SELECT 1;'}${healthSql}`);
        return {
          ok: false,
          blocked: 'minute',
          waitMs: Math.max(1, Math.ceil(decision.waitUntil - now)),
          ...(decision.opensFrom !== undefined ? { soonestMs: Math.max(1, Math.floor(decision.opensFrom - now)) } : {}),
          limit: fleet.state.limit,
          health: this.health.read(health!, offset),
          ...(decision.confirming ? { confirming: true } : {}),
        };
      }
      const remaining = day.remaining === undefined ? undefined : day.remaining - 1;
      // Results: rollover, delete, insert, update, health.
      const [, , slot, , health] = await tx.finish(
        `${rollover || 'SELECT 1;'}
         DELETE FROM ${SLOT} WHERE account = ${this.acct} AND at < clock_timestamp() - interval '1 millisecond' * ${retention};
         INSERT INTO ${SLOT} (id, account, at, sent_at, counted, frontier) VALUES (${lit(randomUUID())}, ${this.acct}, clock_timestamp(), clock_timestamp(), ${remaining !== undefined}, ${decision.frontier}) RETURNING id;
         ${
           remaining === undefined
             ? 'SELECT 1 WHERE false;'
             : `UPDATE ${ACCOUNT} SET daily_remaining = daily_remaining - 1${remaining <= 0 ? `, daily_exhausted_until = daily_reset_at` : ''} WHERE account = ${this.acct};`
         }
         ${healthSql}`,
      );
      const daily: LedgerDaily | undefined =
        day.limit !== undefined || remaining !== undefined
          ? { ...(day.limit !== undefined ? { limit: day.limit } : {}), ...(remaining !== undefined ? { remaining } : {}), resetInMs: day.resetAt! - now }
          : undefined;
      return {
        ok: true,
        slotId: String(slot![0]!.id),
        ...(daily ? { daily } : {}),
        health: this.health.read(health!, offset),
        ...(decision.frontier ? { frontier: true } : {}),
      };
    });
  }

  async release(slotId: string): Promise<void> {
    await this.ensure();
    await this.db.exec(
      `WITH gone AS (DELETE FROM ${SLOT} WHERE id = ${lit(slotId)} AND account = ${this.acct} RETURNING counted)
       UPDATE ${ACCOUNT} SET daily_remaining = daily_remaining + 1,
         daily_exhausted_until = CASE WHEN daily_exhausted_by_server THEN daily_exhausted_until ELSE NULL END
       WHERE account = ${this.acct} AND daily_remaining IS NOT NULL AND EXISTS (SELECT 1 FROM gone WHERE counted)`,
    );
  }

  async settle(slotId: string, outcome: LedgerSettle): Promise<void> {
    await this.ensure();
    const [moved] = await this.db.exec(
      `UPDATE ${SLOT} SET at = clock_timestamp(), answered = true${
        outcome.durationMs !== undefined ? `, sent_at = greatest(sent_at, clock_timestamp() - interval '1 millisecond' * ${int(outcome.durationMs)})` : ''
      } WHERE id = ${lit(slotId)} AND account = ${this.acct} RETURNING frontier`,
    );
    if (!outcome.accepted || moved?.[0]?.frontier !== true) return;
    // The fleet's call beyond the confirmed count was accepted: its window is trusted with more.
    await this.withWindow(outcome.window, async (tx, fleet, now) => {
      const accepted = acceptedInWindow(fleet.state, now, windowClock(outcome.window), fleet.pending, fleet.calls);
      await tx.finish(`UPDATE ${ACCOUNT} SET confirmed_per_window = ${int(confirmedAfterAccepted(fleet.state, accepted))} WHERE account = ${this.acct}`);
    });
  }

  async blockMinute(block: LedgerMinuteBlock): Promise<void> {
    await this.ensure();
    await this.withWindow(block.window, async (tx, fleet, now, used) => {
      const failure = {
        ...(block.resetInMs !== undefined ? { retryAt: now + block.resetInMs } : {}),
        ...(block.limit !== undefined ? { rateLimitLimit: block.limit } : {}),
      };
      const next = learnMinuteLimit(
        fleet.state,
        failure,
        now,
        used,
        {
          configuredLimit: int(block.window.limit),
          windowMs: int(block.window.windowMs),
          marginMs: int(block.window.marginMs ?? 0),
          confirm: block.window.confirm ?? false,
        },
        { calls: fleet.calls, ...(block.resetOnBoundary !== undefined ? { resetOnBoundary: block.resetOnBoundary } : {}) },
      );
      await tx.finish(
        `UPDATE ${ACCOUNT} SET blocked_until = ${ts(next.blockedUntil)}, limit_per_window = ${int(next.limit)},
           confirmed_per_window = ${sqlNum(next.confirmed)}, window_edge = ${next.serverWindowEdge === undefined ? 'NULL' : ts(next.serverWindowEdge)},
           window_slides = ${next.windowSlides === true}
         WHERE account = ${this.acct}`,
      );
    });
  }

  /** Runs `fn` on the fleet's window (account row locked), with the calls it counts now. */
  private withWindow(w: LedgerWindow, fn: (tx: SqlSession, fleet: FleetWindow, now: number, used: number) => Promise<void>): Promise<void> {
    const clock = windowClock(w);
    return this.db.transaction(async (tx) => {
      const [lock, slots] = await tx.exec(
        `SELECT ${WINDOW_COLUMNS}, ${DB_NOW} AS now
           FROM ${ACCOUNT} WHERE account = ${this.acct} FOR UPDATE;
         ${slotsQuery(this.acct, clock)}`,
      );
      const a = lock![0]!;
      const now = num(a.now)!;
      const fleet = fleetWindow(a, slots!, w.limit, now, clock);
      await fn(tx, fleet, now, countWindow(fleet.state, now, clock, fleet.pending, fleet.calls).used);
    });
  }

  async exhaustDay(resetInMs: number, limit?: number): Promise<void> {
    await this.ensure();
    const until = `clock_timestamp() + interval '1 millisecond' * ${int(resetInMs)}`;
    await this.db.exec(
      `UPDATE ${ACCOUNT} SET daily_remaining = 0, daily_exhausted_until = ${until}, daily_reset_at = ${until},
         daily_exhausted_by_server = true ${limit !== undefined && limit > 0 ? `, daily_limit = ${int(limit)}` : ''}
       WHERE account = ${this.acct}`,
    );
  }

  async seedDaily(daily: LedgerDaily): Promise<void> {
    await this.ensure();
    const reset = `clock_timestamp() + interval '1 millisecond' * ${int(daily.resetInMs)}`;
    const remaining = daily.remaining === undefined ? 'NULL' : String(int(daily.remaining));
    // Same day (the stored reset within an hour of the server's): the lower count wins, since calls
    // another process has in flight are not in the server's count yet. Another day: the server's.
    const sameDay = `daily_reset_at IS NOT NULL AND abs(extract(epoch from (daily_reset_at - (${reset})))) < 3600`;
    const next = `CASE WHEN ${sameDay} AND daily_remaining IS NOT NULL AND ${remaining} IS NOT NULL THEN least(daily_remaining, ${remaining}) ELSE ${remaining} END`;
    await this.db.exec(
      `UPDATE ${ACCOUNT} SET
         daily_exhausted_until = CASE WHEN (${next}) <= 0 THEN ${reset} WHEN daily_exhausted_by_server AND ${sameDay} THEN daily_exhausted_until ELSE NULL END,
         daily_exhausted_by_server = CASE WHEN ${sameDay} THEN daily_exhausted_by_server ELSE false END,
         daily_remaining = ${next},
         daily_limit = ${daily.limit === undefined ? 'daily_limit' : int(daily.limit)},
         daily_reset_at = ${reset}
       WHERE account = ${this.acct}`,
    );
  }

  async chargeDaily(count: number): Promise<void> {
    await this.ensure();
    await this.db.exec(
      `UPDATE ${ACCOUNT} SET daily_remaining = greatest(0, daily_remaining - ${int(count)}),
         daily_exhausted_until = CASE WHEN daily_remaining - ${int(count)} <= 0 THEN daily_reset_at ELSE daily_exhausted_until END
       WHERE account = ${this.acct} AND daily_remaining IS NOT NULL`,
    );
  }

  async publishHealth(rows: Array<[string, ModelHealth]>, localNow: number): Promise<void> {
    if (rows.length === 0) return;
    await this.ensure();
    await this.db.exec(this.health.publish(rows, localNow));
  }

  async pullHealth(localNow: number): Promise<Array<[string, ModelHealth]>> {
    await this.ensure();
    const [nowRows, health] = await this.db.exec(`SELECT ${DB_NOW} AS now;${this.health.query()}`);
    return this.health.read(health!, localNow - num(nowRows![0]!.now)!);
  }
}
