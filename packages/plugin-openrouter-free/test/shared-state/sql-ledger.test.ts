import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_AVAILABLE, POSTGRES_HOWTO, startPostgres, type TestPostgres } from '../../../../test/helpers/postgres.js';
import { PgSqlClient } from '../../src/state/sql-client.js';
import { accountFingerprint, SqlLedger } from '../../src/state/sql-ledger.js';
import { FAKE_KEY } from '../helpers/runtime.js';

const BASE = 'http://127.0.0.1:9/api/v1';
if (!POSTGRES_AVAILABLE) {
  if (process.env.CI === 'true') throw new Error(`CI must run the Postgres tests. ${POSTGRES_HOWTO}`);
  console.warn(`skipping the Postgres ledger tests: ${POSTGRES_HOWTO}`);
}

/** The ledger's atomic step on a real PostgreSQL server, from two connection pools (two "processes"). */
describe.skipIf(!POSTGRES_AVAILABLE)('the SQL ledger on PostgreSQL', () => {
  let pg: TestPostgres;
  const clients: PgSqlClient[] = [];
  const client = () => {
    const c = new PgSqlClient(pg.url, { timeoutMs: 5000, maxConnections: 8 });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await pg?.destroy();
  });

  it('never hands out more slots than the window holds, or more daily units than the day has, across pools', async () => {
    const account = accountFingerprint(BASE, `${FAKE_KEY}-window`);
    const a = new SqlLedger(client(), account);
    const b = new SqlLedger(client(), account);
    await a.seedDaily({ limit: 7, remaining: 7, resetInMs: 3_600_000 });
    const ask = (l: SqlLedger) => l.reserve({ limit: 5, windowMs: 60_000, localNow: Date.now() });
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(i % 2 ? a : b)));
    expect(first.filter((r) => r.ok)).toHaveLength(5);
    expect(first.filter((r) => !r.ok && r.blocked === 'minute')).toHaveLength(15);
    // A bigger window limit: only the day (2 left) can refuse now.
    const second = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).reserve({ limit: 100, windowMs: 60_000, localNow: Date.now() })));
    expect(second.filter((r) => r.ok)).toHaveLength(2);
    expect(second.filter((r) => !r.ok && r.blocked === 'daily')).toHaveLength(8);
  });

  it('creates its tables once when several processes start on a new database at the same moment', async () => {
    // Every process on OPENROUTER_STATE_URL creates the tables it needs at its first operation; on a
    // new database they all do so at once. Each ledger below has a connection pool of its own.
    for (let round = 0; round < 3; round++) {
      const name = `ledger_new_${round}`;
      await client().exec(`CREATE DATABASE ${name}`);
      const url = pg.url.replace(/\/[^/]*$/, `/${name}`);
      const account = accountFingerprint(BASE, `${FAKE_KEY}-new-${round}`);
      const ledgers = Array.from({ length: 6 }, () => new SqlLedger(new PgSqlClient(url, { timeoutMs: 5000, maxConnections: 2 }), account));
      for (const l of ledgers) clients.push((l as unknown as { db: PgSqlClient }).db);
      const results = await Promise.allSettled(ledgers.map((l) => l.reserve({ limit: 20, windowMs: 60_000, localNow: Date.now() })));
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
      expect(results.filter((r) => r.status === 'fulfilled' && r.value.ok)).toHaveLength(6);
    }
  });

  it('gives a released slot and its daily unit back', async () => {
    const account = accountFingerprint(BASE, `${FAKE_KEY}-release`);
    const a = new SqlLedger(client(), account);
    await a.seedDaily({ limit: 1, remaining: 1, resetInMs: 3_600_000 });
    const r = await a.reserve({ limit: 1, windowMs: 60_000, localNow: Date.now() });
    expect(r.ok).toBe(true);
    const blocked = await a.reserve({ limit: 1, windowMs: 60_000, localNow: Date.now() });
    expect(blocked).toMatchObject({ ok: false, blocked: 'daily' });
    if (r.ok) await a.release(r.slotId);
    expect(await a.reserve({ limit: 1, windowMs: 60_000, localNow: Date.now() })).toMatchObject({ ok: true });
  });

  it("follows the server's 429s and GET /key: a per-minute pause, a used-up day, the lower count within a day", async () => {
    const account = accountFingerprint(BASE, `${FAKE_KEY}-limits`);
    const a = new SqlLedger(client(), account);
    const b = new SqlLedger(client(), account);
    const ask = (l: SqlLedger) => l.reserve({ limit: 20, windowMs: 60_000, localNow: Date.now() });
    await a.seedDaily({ limit: 50, remaining: 10, resetInMs: 3_600_000 });
    // Another process seeds later, while calls of the first are in flight: the lower count stands.
    await b.seedDaily({ limit: 50, remaining: 12, resetInMs: 3_600_000 });
    expect(await ask(b)).toMatchObject({ ok: true, daily: { limit: 50, remaining: 9 } });
    // The server's per-minute 429 seen by one process pauses every process.
    await a.blockMinute({ resetInMs: 30_000, limit: 16, window: { limit: 20, windowMs: 60_000 } });
    const paused = await ask(b);
    expect(paused).toMatchObject({ ok: false, blocked: 'minute', limit: 16 });
    expect(paused.ok === false && paused.blocked === 'minute' && paused.waitMs > 20_000).toBe(true);
    // The server's daily 429: the day is used up for everyone until its reset.
    await b.exhaustDay(7_200_000, 50);
    const day = await ask(a);
    expect(day).toMatchObject({ ok: false, blocked: 'daily', limit: 50 });
    expect(day.ok === false && day.blocked === 'daily' && day.resetInMs > 7_000_000).toBe(true);
  });

  it('confirms a lower limit across pools: beyond half of it one call at a time, and an accepted one doubles what is trusted', async () => {
    const account = accountFingerprint(BASE, `${FAKE_KEY}-confirm`);
    const a = new SqlLedger(client(), account);
    const b = new SqlLedger(client(), account);
    const window = { limit: 20, windowMs: 60_000, confirm: true };
    const ask = (l: SqlLedger) => l.reserve({ ...window, localNow: Date.now() });
    // A fresh window trusts half the limit: 10 go out, one more as the call beyond it, the rest wait for its answer.
    const first = await Promise.all(Array.from({ length: 16 }, (_, i) => ask(i % 2 ? a : b)));
    const granted = first.filter((r) => r.ok);
    expect(granted).toHaveLength(11);
    expect(granted.filter((r) => r.ok && r.frontier)).toHaveLength(1);
    expect(first.filter((r) => !r.ok && r.blocked === 'minute' && r.confirming)).toHaveLength(5);
    for (const r of granted) if (r.ok && !r.frontier) await a.settle(r.slotId, { accepted: true, window });
    const frontier = granted.find((r) => r.ok && r.frontier)!;
    if (!frontier.ok) throw new Error('unreachable');
    // The other pool's process answers it: accepted with 11 in the window, 20 are trusted now.
    await b.settle(frontier.slotId, { accepted: true, window });
    const after = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 2 ? a : b)));
    expect(after.filter((r) => r.ok && !r.frontier)).toHaveLength(9);
    expect(after.filter((r) => !r.ok && r.blocked === 'minute' && !r.confirming)).toHaveLength(3);
  });

  it("counts by the server's windows once a 429 has named its reset: the next window takes its whole limit at the reset", async () => {
    const account = accountFingerprint(BASE, `${FAKE_KEY}-edge`);
    const a = new SqlLedger(client(), account);
    const b = new SqlLedger(client(), account);
    const window = { limit: 4, windowMs: 2_000, guardMs: 100, marginMs: 50 };
    const ask = (l: SqlLedger) => l.reserve({ ...window, localNow: Date.now() });
    const sent = await Promise.all(Array.from({ length: 4 }, (_, i) => ask(i % 2 ? a : b)));
    for (const r of sent) if (r.ok) await a.settle(r.slotId, { accepted: true, window });
    // The server refused the fifth: its window resets in 300 ms. Counted as a sliding window, the four
    // answered just now would hold the slots for another 2 s.
    await b.blockMinute({ resetInMs: 300, limit: 4, window });
    // Asked again as told until a slot opens: the told waits add up to the reset and the 50 ms clock
    // margin after it, not to the 2 s a sliding window would hold.
    let told = 0;
    let first = await ask(a);
    while (!first.ok) {
      expect(first.blocked).toBe('minute');
      if (first.blocked !== 'minute') break;
      told += first.waitMs;
      await new Promise((done) => setTimeout(done, first.ok || first.blocked !== 'minute' ? 0 : first.waitMs));
      first = await ask(a);
    }
    expect(told).toBeLessThanOrEqual(400);
    const next = await Promise.all(Array.from({ length: 6 }, (_, i) => ask(i % 2 ? a : b)));
    expect(next.filter((r) => r.ok)).toHaveLength(3);
  });

  it('takes over a database whose tables an earlier release created, adding the columns it lacks', async () => {
    const c = client();
    // The account and slot tables as the first release created them, in a schema of their own.
    await c.exec(`DROP SCHEMA IF EXISTS openrouter_free CASCADE;
      CREATE SCHEMA openrouter_free;
      CREATE TABLE openrouter_free.account (account text PRIMARY KEY, limit_per_window integer, blocked_until timestamp with time zone,
        daily_limit integer, daily_remaining integer, daily_reset_at timestamp with time zone, daily_exhausted_until timestamp with time zone,
        daily_exhausted_by_server boolean NOT NULL DEFAULT false);
      CREATE TABLE openrouter_free.slot (id text PRIMARY KEY, account text NOT NULL, at timestamp with time zone NOT NULL, counted boolean NOT NULL);`);
    const account = accountFingerprint(BASE, `${FAKE_KEY}-upgrade`);
    await c.exec(`INSERT INTO openrouter_free.account (account) VALUES ('${account}');
      INSERT INTO openrouter_free.slot (id, account, at, counted) VALUES ('old-slot', '${account}', clock_timestamp(), false)`);
    const a = new SqlLedger(c, account);
    const window = { limit: 2, windowMs: 60_000, confirm: true };
    // The slot the earlier release took still counts: one of the two is left.
    const first = await a.reserve({ ...window, localNow: Date.now() });
    expect(first).toMatchObject({ ok: true });
    expect(await a.reserve({ ...window, localNow: Date.now() })).toMatchObject({ ok: false, blocked: 'minute' });
    if (first.ok) await a.settle(first.slotId, { accepted: true, window });
  });

  it('charges the calls one process made while the database was away to the shared day', async () => {
    const account = accountFingerprint(BASE, `${FAKE_KEY}-charge`);
    const a = new SqlLedger(client(), account);
    await a.seedDaily({ limit: 50, remaining: 5, resetInMs: 3_600_000 });
    await a.chargeDaily(4);
    expect(await a.reserve({ limit: 20, windowMs: 60_000, localNow: Date.now() })).toMatchObject({ ok: true, daily: { remaining: 0 } });
    expect(await a.reserve({ limit: 20, windowMs: 60_000, localNow: Date.now() })).toMatchObject({ ok: false, blocked: 'daily' });
  });

  it('shares health between ledgers, converted to the reader clock, and never its own back', async () => {
    const account = accountFingerprint(BASE, `${FAKE_KEY}-health`);
    const a = new SqlLedger(client(), account);
    const b = new SqlLedger(client(), account);
    const now = Date.now();
    await a.publishHealth([['x/y:free', { cooldownUntil: now + 30_000, consecutiveFailures: 1, removed: false, updatedAt: now }]], now);
    expect(await a.pullHealth(Date.now())).toEqual([]);
    // b's clock runs an hour ahead of a's: the cooldown ends an hour later in b's clock.
    const skew = 3_600_000;
    const rows = await b.pullHealth(Date.now() + skew);
    expect(rows).toHaveLength(1);
    const [model, health] = rows[0]!;
    expect(model).toBe('x/y:free');
    expect(Math.abs(health.cooldownUntil - (now + 30_000 + skew))).toBeLessThan(1000);
  });
});
