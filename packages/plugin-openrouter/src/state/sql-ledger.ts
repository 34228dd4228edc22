import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { LedgerDaily, LedgerReservation, LedgerReserveRequest, ModelHealth, SharedLedger } from '@freepool/free-model-pool';
import { LEDGER_DDL, STATE_SCHEMA } from './schema.js';
import type { Rows, SqlClient } from './sql-client.js';

/**
 * The fleet's account and model health in plain SQL tables (no extension), shared by every process
 * and machine whose agents point at the same database with the same key.
 *
 * - `openrouter_free.account`: one row per account, locked (`SELECT … FOR UPDATE`) by every
 *   reservation, so two processes can never both take the last slot or the last daily unit.
 * - `openrouter_free.slot`: the calls of the account window, timed by the database's clock.
 * - `openrouter_free.health`: each model's health as its last publisher saw it, with that
 *   publisher's clock offset to the database, so readers convert its times into their own clock.
 *
 * Rows are keyed by `accountFingerprint(baseURL, key)`: a SHA-256 digest, never the key.
 */

/** Slots are kept this long (or one window, if longer) before they are deleted, ms. */
export const SLOT_RETENTION_MS = 10 * 60_000;

/**
 * A pull re-reads health published up to this long before the newest it saw (versions are the
 * database's clock at the publish): a publish stamped before another but committed after it is
 * still seen. Reading a row twice is harmless, ms.
 */
export const HEALTH_LOOKBACK_MS = 2_000;

/** A one-way fingerprint of base URL and key: the account's id in the tables. */
export function accountFingerprint(baseURL: string, apiKey: string): string {
  return createHash('sha256').update(`openrouter-free-pool/account/v1\n${baseURL}\n${apiKey}`).digest('hex');
}

const DB_NOW = `(extract(epoch from clock_timestamp()) * 1000)::float8`;
const ACCOUNT = `${STATE_SCHEMA}.account`;
const SLOT = `${STATE_SCHEMA}.slot`;
const HEALTH = `${STATE_SCHEMA}.health`;

export interface SqlLedgerOptions {
  /**
   * Whether the ledger creates its tables (a database plugin-sql does not manage). In the agent's own
   * database plugin-sql's migrations create them from the plugin's schema.
   */
  createTables: boolean;
}

export class SqlLedger implements SharedLedger {
  /** This ledger's id among the publishers of health (its own rows do not come back to it). */
  private readonly publisher = randomBytes(8).toString('hex');
  private sinceVersion = 0;
  private readonly acct: string;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly db: SqlClient,
    account: string,
    private readonly opts: SqlLedgerOptions = { createTables: true },
  ) {
    if (!/^[0-9a-f]{16,128}$/.test(account)) throw new Error('the account id must be a hex fingerprint');
    this.acct = lit(account);
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
    const windowMs = int(req.windowMs);
    const retention = Math.max(windowMs, SLOT_RETENTION_MS);
    return this.db.transaction(async (tx) => {
      const [lock, window] = await tx.exec(
        `SELECT limit_per_window, ${ms('blocked_until')} AS blocked_until, daily_limit, daily_remaining,
                ${ms('daily_reset_at')} AS daily_reset_at, ${ms('daily_exhausted_until')} AS daily_exhausted_until, ${DB_NOW} AS now
           FROM ${ACCOUNT} WHERE account = ${this.acct} FOR UPDATE;
         SELECT ${ms('at')} AS at FROM ${SLOT}
           WHERE account = ${this.acct} AND at > clock_timestamp() - interval '1 millisecond' * ${windowMs} ORDER BY at`,
      );
      const a = lock![0]!;
      const now = num(a.now)!;
      const offset = req.localNow - now;
      const sent = window!.map((r) => num(r.at)!);
      const healthSql = this.healthQuery();
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
        return { ok: false, blocked: 'daily', resetInMs: dailyBlockedUntil - now, ...(day.limit !== undefined ? { limit: day.limit } : {}), health: this.readHealth(health!, offset) };
      }
      const learned = num(a.limit_per_window);
      const limit = Math.max(1, Math.min(int(req.limit), learned ?? Number.MAX_SAFE_INTEGER));
      const blockedUntil = num(a.blocked_until);
      let waitUntil: number | undefined;
      if (blockedUntil !== undefined && blockedUntil > now) waitUntil = blockedUntil;
      if (sent.length >= limit) waitUntil = Math.max(waitUntil ?? 0, sent[sent.length - limit]! + windowMs);
      if (waitUntil !== undefined) {
        const [, health] = await tx.finish(`${rollover || 'SELECT 1;'}${healthSql}`);
        return { ok: false, blocked: 'minute', waitMs: Math.max(1, Math.ceil(waitUntil - now)), limit, health: this.readHealth(health!, offset) };
      }
      const remaining = day.remaining === undefined ? undefined : day.remaining - 1;
      // Results: rollover, delete, insert, update, health.
      const [, , slot, , health] = await tx.finish(
        `${rollover || 'SELECT 1;'}
         DELETE FROM ${SLOT} WHERE account = ${this.acct} AND at < clock_timestamp() - interval '1 millisecond' * ${retention};
         INSERT INTO ${SLOT} (id, account, at, counted) VALUES (${lit(randomUUID())}, ${this.acct}, clock_timestamp(), ${remaining !== undefined}) RETURNING id;
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
      return { ok: true, slotId: String(slot![0]!.id), ...(daily ? { daily } : {}), health: this.readHealth(health!, offset) };
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

  async settle(slotId: string): Promise<void> {
    await this.ensure();
    await this.db.exec(`UPDATE ${SLOT} SET at = clock_timestamp() WHERE id = ${lit(slotId)} AND account = ${this.acct}`);
  }

  async blockMinute(forMs: number, limit?: number): Promise<void> {
    await this.ensure();
    await this.db.exec(
      `UPDATE ${ACCOUNT} SET
         blocked_until = greatest(coalesce(blocked_until, '-infinity'::timestamptz), clock_timestamp() + interval '1 millisecond' * ${int(forMs)})
         ${limit !== undefined && limit >= 1 ? `, limit_per_window = ${int(limit)}` : ''}
       WHERE account = ${this.acct}`,
    );
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
    const values = rows
      .map(
        ([model, health]) =>
          `(${this.acct}, ${lit(model)}, ${lit(JSON.stringify(health))}::jsonb, ${Number(localNow)} - ${DB_NOW}, ${lit(this.publisher)}, (extract(epoch from clock_timestamp()) * 1000000)::bigint)`,
      )
      .join(',');
    await this.db.exec(
      `INSERT INTO ${HEALTH} (account, model, health, clock_offset_ms, publisher, version) VALUES ${values}
       ON CONFLICT (account, model) DO UPDATE SET health = EXCLUDED.health, clock_offset_ms = EXCLUDED.clock_offset_ms,
         publisher = EXCLUDED.publisher, version = EXCLUDED.version`,
    );
  }

  async pullHealth(localNow: number): Promise<Array<[string, ModelHealth]>> {
    await this.ensure();
    const [nowRows, health] = await this.db.exec(`SELECT ${DB_NOW} AS now;${this.healthQuery()}`);
    return this.readHealth(health!, localNow - num(nowRows![0]!.now)!);
  }

  private healthQuery(): string {
    return `SELECT model, health, clock_offset_ms, version FROM ${HEALTH}
      WHERE account = ${this.acct} AND version > ${Math.max(0, this.sinceVersion - HEALTH_LOOKBACK_MS * 1000)} AND publisher <> ${lit(this.publisher)}`;
  }

  /** Health rows in this process's clock: shifted by the publisher's offset less ours. */
  private readHealth(rows: Rows, myOffset: number): Array<[string, ModelHealth]> {
    const out: Array<[string, ModelHealth]> = [];
    for (const r of rows) {
      const version = num(r.version) ?? 0;
      if (version > this.sinceVersion) this.sinceVersion = version;
      const h = (typeof r.health === 'string' ? JSON.parse(r.health) : r.health) as ModelHealth;
      const shift = myOffset - (num(r.clock_offset_ms) ?? 0);
      out.push([String(r.model), shiftHealth(h, shift)]);
    }
    return out;
  }
}

/** A model's health with every absolute time moved by `shift` ms (0 times stay 0: "never"). */
function shiftHealth(h: ModelHealth, shift: number): ModelHealth {
  const move = (t: number | undefined) => (t === undefined || t === 0 ? t : t + shift);
  const out: ModelHealth = { ...h, cooldownUntil: move(h.cooldownUntil)!, updatedAt: move(h.updatedAt)! };
  if (h.recentCalls) out.recentCalls = h.recentCalls.map((t) => t + shift);
  if (h.capacityLearnedAt !== undefined) out.capacityLearnedAt = move(h.capacityLearnedAt);
  return out;
}

function ms(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::float8`;
}
function ts(epochMs: number): string {
  return `to_timestamp(${Number(epochMs) / 1000})`;
}
function num(v: unknown): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
function sqlNum(v: number | undefined): string {
  return v === undefined ? 'NULL' : String(int(v));
}
/** A whole number for SQL text; anything else is a bug, refused before it reaches the database. */
function int(v: number): number {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return Math.round(Math.min(v, Number.MAX_SAFE_INTEGER));
}
/** A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
function lit(s: string): string {
  if (s.includes('\0')) throw new Error('NUL in a SQL literal');
  return `'${s.replace(/'/g, "''")}'`;
}
function nextUtcMidnight(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
