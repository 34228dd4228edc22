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
