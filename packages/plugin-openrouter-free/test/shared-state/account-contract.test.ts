import { AccountBook, FleetAccount, LedgerLink, LocalAccount, MemoryStore } from '@freepool/free-model-pool';
import { resolvePolicy, sleep, WaitQueue } from '@freepool/free-model-pool/internal';
import { afterAll, beforeAll } from 'vitest';
import { accountContract } from '../../../../test/helpers/account-contract.js';
import { POSTGRES_AVAILABLE, POSTGRES_HOWTO, startPostgres, type TestPostgres } from '../../../../test/helpers/postgres.js';
import { PgSqlClient } from '../../src/state/sql-client.js';
import { accountFingerprint, SqlLedger } from '../../src/state/sql-ledger.js';
import { FAKE_KEY } from '../helpers/runtime.js';

if (!POSTGRES_AVAILABLE) {
  if (process.env.CI === 'true') throw new Error(`CI must run the Postgres tests. ${POSTGRES_HOWTO}`);
  console.warn(`skipping the fleet account's contract: ${POSTGRES_HOWTO}`);
}

let pg: TestPostgres | undefined;
let client: PgSqlClient | undefined;
beforeAll(async () => {
  if (!POSTGRES_AVAILABLE) return;
  pg = await startPostgres();
  client = new PgSqlClient(pg.url, { timeoutMs: 5_000, maxConnections: 8 });
}, 120_000);
afterAll(async () => {
  await client?.close().catch(() => undefined);
  await pg?.destroy();
});

let accounts = 0;

// The contract the local account passes too (packages/free-model-pool/test/unit/account-contract.test.ts),
// here for the fleet's account: the SQL ledger on a real PostgreSQL, each test on an account of its own.
accountContract(
  'FleetAccount (the SQL ledger on PostgreSQL)',
  async (overrides) => {
    const policy = resolvePolicy(overrides);
    const ledger = new SqlLedger(client!, accountFingerprint('http://127.0.0.1:9/api/v1', `${FAKE_KEY}-contract-${accounts++}`));
    const link = new LedgerLink({ ledger, store: new MemoryStore(), now: Date.now, policy: { timeoutMs: 5_000 } });
    const waits = new WaitQueue(Date.now, sleep);
    const local = new LocalAccount({ book: new AccountBook(), policy, now: Date.now, waits });
    return { account: new FleetAccount({ link, local, policy, now: Date.now, waits }) };
  },
  { skip: !POSTGRES_AVAILABLE },
);
