import { bigint, boolean, doublePrecision, index, integer, jsonb, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The pool's shared state as a plugin schema, the ElizaOS way: @elizaos/plugin-sql migrates it into
 * the agent's own database (PGlite, or the Postgres of POSTGRES_URL), in the schema `openrouter_free`
 * that plugin-sql derives from the plugin's name. On a database of OPENROUTER_STATE_URL, which
 * plugin-sql does not manage, the ledger creates the same tables itself (LEDGER_DDL). Plain types
 * only: no extension is needed.
 */
export const STATE_SCHEMA = 'openrouter_free';
const pool = pgSchema(STATE_SCHEMA);

/** One row per account (a fingerprint of base URL and key), locked by every reservation. */
export const accountTable = pool.table('account', {
  account: text('account').primaryKey(),
  limitPerWindow: integer('limit_per_window'),
  blockedUntil: timestamp('blocked_until', { withTimezone: true }),
  /** The most calls the server has accepted in one window (limits/account-window.ts). */
  confirmedPerWindow: integer('confirmed_per_window'),
  /** A moment at which the server's fixed windows begin, once a per-minute 429 has shown it. */
  windowEdge: timestamp('window_edge', { withTimezone: true }),
  /** Set once a 429's reset showed that the server's window slides (it was fixed, or unknown, before). */
  windowSlides: boolean('window_slides').notNull().default(false),
  dailyLimit: integer('daily_limit'),
  dailyRemaining: integer('daily_remaining'),
  dailyResetAt: timestamp('daily_reset_at', { withTimezone: true }),
  dailyExhaustedUntil: timestamp('daily_exhausted_until', { withTimezone: true }),
  dailyExhaustedByServer: boolean('daily_exhausted_by_server').notNull().default(false),
});

/** The calls of the account window, stamped with the database's clock. */
export const slotTable = pool.table(
  'slot',
  {
    id: text('id').primaryKey(),
    account: text('account').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    /** When the slot was taken; `at` moves to the answer's time, and the server counted the call in between. */
    sentAt: timestamp('sent_at', { withTimezone: true }),
    counted: boolean('counted').notNull(),
    /** Whether the call's answer has arrived (`at` is then the answer's time). */
    answered: boolean('answered').notNull().default(false),
    /** Whether the call went beyond the confirmed count (one such call at a time). */
    frontier: boolean('frontier').notNull().default(false),
  },
  (t) => [index('slot_account_at_idx').on(t.account, t.at)],
);

/** Each model's health as its last publisher saw it, with that publisher's clock offset to the database. */
export const healthTable = pool.table(
  'health',
  {
    account: text('account').notNull(),
    model: text('model').notNull(),
    health: jsonb('health').notNull(),
    clockOffsetMs: doublePrecision('clock_offset_ms').notNull(),
    publisher: text('publisher').notNull(),
    /** The database's clock in microseconds at the publish: readers ask for what is newer. */
    version: bigint('version', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.account, t.model] })],
);

/** What plugin-sql migrates (the plugin's `schema`). */
export const poolStateSchema = { accountTable, slotTable, healthTable };

/**
 * The same tables for a database plugin-sql does not manage (OPENROUTER_STATE_URL). Idempotent, and
 * safe when every process of a fleet runs it at once on a new database: `IF NOT EXISTS` alone is not
 * (two creators both find no schema, and one fails on the catalog's unique index), so the statements
 * run in one transaction behind a transaction-scoped advisory lock, and a later creator finds them done.
 */
export const LEDGER_DDL = `
SELECT pg_advisory_xact_lock(hashtext('${STATE_SCHEMA}.ledger_ddl'));
CREATE SCHEMA IF NOT EXISTS ${STATE_SCHEMA};
CREATE TABLE IF NOT EXISTS ${STATE_SCHEMA}.account (
  account text PRIMARY KEY,
  limit_per_window integer,
  blocked_until timestamp with time zone,
  confirmed_per_window integer,
  window_edge timestamp with time zone,
  window_slides boolean NOT NULL DEFAULT false,
  daily_limit integer,
  daily_remaining integer,
  daily_reset_at timestamp with time zone,
  daily_exhausted_until timestamp with time zone,
  daily_exhausted_by_server boolean NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS ${STATE_SCHEMA}.slot (
  id text PRIMARY KEY,
  account text NOT NULL,
  at timestamp with time zone NOT NULL,
  sent_at timestamp with time zone,
  counted boolean NOT NULL,
  answered boolean NOT NULL DEFAULT false,
  frontier boolean NOT NULL DEFAULT false
);
-- Columns added since the first release, for databases created by it.
ALTER TABLE ${STATE_SCHEMA}.account ADD COLUMN IF NOT EXISTS confirmed_per_window integer;
ALTER TABLE ${STATE_SCHEMA}.account ADD COLUMN IF NOT EXISTS window_edge timestamp with time zone;
ALTER TABLE ${STATE_SCHEMA}.account ADD COLUMN IF NOT EXISTS window_slides boolean NOT NULL DEFAULT false;
ALTER TABLE ${STATE_SCHEMA}.slot ADD COLUMN IF NOT EXISTS answered boolean NOT NULL DEFAULT false;
ALTER TABLE ${STATE_SCHEMA}.slot ADD COLUMN IF NOT EXISTS frontier boolean NOT NULL DEFAULT false;
ALTER TABLE ${STATE_SCHEMA}.slot ADD COLUMN IF NOT EXISTS sent_at timestamp with time zone;
CREATE INDEX IF NOT EXISTS slot_account_at_idx ON ${STATE_SCHEMA}.slot (account, at);
CREATE TABLE IF NOT EXISTS ${STATE_SCHEMA}.health (
  account text NOT NULL,
  model text NOT NULL,
  health jsonb NOT NULL,
  clock_offset_ms double precision NOT NULL,
  publisher text NOT NULL,
  version bigint NOT NULL,
  PRIMARY KEY (account, model)
);
`;
