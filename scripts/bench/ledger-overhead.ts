/**
 * What the shared ledger adds to a call: the same zero-latency simulator answers a pool without a
 * shared store and a pool whose slots and daily units come from the ledger (on PGlite, and on a
 * loopback PostgreSQL), in alternating pairs; the added latency is the paired difference (p50, p95).
 * The reservation's own round trip is timed too.
 */
import { FreeModelPool, type SharedLedger } from '@freepool/free-model-pool';
import { startSimulator } from '@freepool/openrouter-simulator';
import { createRequire } from 'node:module';
import { PgliteSqlClient, PgSqlClient, type PgliteLike, type SqlClient } from '../../packages/plugin-openrouter-free/src/state/sql-client.js';
import { accountFingerprint, SqlLedger } from '../../packages/plugin-openrouter-free/src/state/sql-ledger.js';
import { POSTGRES_AVAILABLE, startPostgres } from '../../test/helpers/postgres.js';
import { percentile } from '../lib/stats.js';
import { BENCH_MODELS, benchCatalog, benchPool } from './catalog.js';
import { BENCH_KEY } from './run-scenario.js';

export interface LedgerOverhead {
  store: 'PGlite' | 'PostgreSQL (loopback)';
  calls: number;
  /** Added latency per call (pooled with the ledger − pooled without), ms. */
  addedP50Ms: number;
  addedP95Ms: number;
  /** The reservation alone (one atomic slot + daily unit), ms. */
  reserveP50Ms: number;
  reserveP95Ms: number;
}

/** The PGlite that @elizaos/plugin-sql ships (the agent's own database in one process). */
async function openPglite(): Promise<PgliteLike & { close(): Promise<void> }> {
  const req = createRequire(import.meta.resolve('@elizaos/plugin-sql'));
  const { PGlite } = (await import(req.resolve('@electric-sql/pglite'))) as { PGlite: new () => PgliteLike & { close(): Promise<void> } };
  return new PGlite();
}

export async function measureLedgerOverhead(calls = 200, warmup = 30): Promise<{ results: LedgerOverhead[]; skipped?: string }> {
  const results: LedgerOverhead[] = [];
  const pglite = await openPglite();
  results.push(await measureOn('PGlite', new PgliteSqlClient(async () => pglite), calls, warmup));
  await pglite.close();
  if (!POSTGRES_AVAILABLE) return { results, skipped: 'PostgreSQL not installed (apt-get install -y postgresql): loopback Postgres not measured' };
  const server = await startPostgres();
  const client = new PgSqlClient(server.url, { timeoutMs: 5000, maxConnections: 4 });
  try {
    results.push(await measureOn('PostgreSQL (loopback)', client, calls, warmup));
  } finally {
    await client.close();
    await server.destroy();
  }
  return { results };
}

async function measureOn(store: LedgerOverhead['store'], client: SqlClient, calls: number, warmup: number): Promise<LedgerOverhead> {
  const model = BENCH_MODELS[0];
  const sim = await startSimulator({ scenario: { seed: 1, latencyMs: 0, account: { perMinute: 1_000_000 } }, catalog: benchCatalog(), port: 0 });
  try {
    const policy = { freeRequestsPerWindow: 1_000_000 };
    const plain = new FreeModelPool({ connection: { apiKey: BENCH_KEY, baseURL: sim.baseURL }, pool: benchPool([model]), policy });
    const ledger: SharedLedger = new SqlLedger(client, accountFingerprint(sim.baseURL, BENCH_KEY));
    const shared = new FreeModelPool({
      connection: { apiKey: BENCH_KEY, baseURL: sim.baseURL },
      pool: benchPool([model]),
      policy,
      shared: { ledger, warn: (m) => process.stderr.write(`  ledger: ${m}\n`) },
    });
    const time = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const a = () => plain.generateText({ tier: 'small', prompt: 'Say hello.' });
    const b = () => shared.generateText({ tier: 'small', prompt: 'Say hello.' });
    for (let i = 0; i < warmup; i++) {
      await a();
      await b();
    }
    const added: number[] = [];
    for (let i = 0; i < calls; i++) {
      if (i % 2 === 0) {
        const ta = await time(a);
        added.push((await time(b)) - ta);
      } else {
        const tb = await time(b);
        added.push(tb - (await time(a)));
      }
    }
    await shared.account.flush();
    const reserve: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t = await time(() => ledger.reserve({ limit: 1_000_000, windowMs: 60_000, localNow: Date.now() }));
      reserve.push(t);
    }
    return {
      store,
      calls,
      addedP50Ms: percentile(added, 50)!,
      addedP95Ms: percentile(added, 95)!,
      reserveP50Ms: percentile(reserve, 50)!,
      reserveP95Ms: percentile(reserve, 95)!,
    };
  } finally {
    await sim.close();
  }
}

export function ledgerOverheadLines(r: { results: LedgerOverhead[]; skipped?: string }): string[] {
  const lines = r.results.map(
    (o) =>
      `Shared ledger on ${o.store}: added latency per call p50 ${o.addedP50Ms.toFixed(2)} ms, p95 ${o.addedP95Ms.toFixed(2)} ms ` +
      `(reservation round trip p50 ${o.reserveP50Ms.toFixed(2)} ms, p95 ${o.reserveP95Ms.toFixed(2)} ms; ${o.calls} paired calls).`,
  );
  if (r.skipped) lines.push(r.skipped);
  return lines;
}
