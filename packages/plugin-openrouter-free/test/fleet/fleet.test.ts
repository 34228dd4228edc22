import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode, NodeProcess } from '../../../../test/helpers/node-process.js';
import { POSTGRES_AVAILABLE, POSTGRES_HOWTO, startPostgres, type TestPostgres } from '../../../../test/helpers/postgres.js';
import { PINNED_POOLS, SMALL } from '../helpers/runtime.js';

/**
 * Three OS processes, two agents each (each on its own PGlite), one key, the pool's state on one
 * PostgreSQL through OPENROUTER_STATE_URL, against a simulator shaped like the free tier: 20 calls
 * per (compressed, 3 s) window and a daily cap of 30. Negatives are proved by the simulator's counts
 * after the requests settle.
 */
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));
const KEY = 'sk-or-v1-FAKE-fleet-test-key-0000-LEAKCHECK';
/** Long enough that a call reserved under a loaded CI machine still arrives within its window. */
const WINDOW_MS = 3000;

if (!POSTGRES_AVAILABLE) {
  if (process.env.CI === 'true') throw new Error(`CI must run the fleet tests on a real PostgreSQL. ${POSTGRES_HOWTO}`);
  console.warn(`skipping the fleet tests: ${POSTGRES_HOWTO}`);
}

interface RunReply {
  counts: Record<string, number>;
  sharedWarnings: number;
  rejoins: number;
}

describe.skipIf(!POSTGRES_AVAILABLE)('a fleet of processes on one key, sharing the pool state on Postgres', () => {
  let pgServer: TestPostgres;
  let bundle: string;
  let sim: Simulator | undefined;
  let procs: NodeProcess[] = [];

  beforeAll(async () => {
    pgServer = await startPostgres();
    bundle = bundleForNode(CHILD, PACKAGE_DIR);
  }, 240_000);
  afterEach(async () => {
    for (const p of procs) p.kill();
    procs = [];
    await sim?.close();
    sim = undefined;
  });
  afterAll(async () => {
    await pgServer?.destroy();
  });

  async function startFleet(key: string, extra: Record<string, string> = {}): Promise<NodeProcess[]> {
    const settings = {
      OPENROUTER_API_KEY: key,
      OPENROUTER_BASE_URL: sim!.baseURL,
      OPENROUTER_STATE_URL: pgServer.url,
      OPENROUTER_FREE_RPM: '20',
      OPENROUTER_RATE_WINDOW_MS: String(WINDOW_MS),
      OPENROUTER_MAX_WAIT_MS: '30000',
      OPENROUTER_ATTEMPT_TIMEOUT_MS: '10000',
      OPENROUTER_CATALOG_TIMEOUT_MS: '5000',
      OPENROUTER_CATALOG_REFRESH: 'false',
      OPENROUTER_STATE_RETRY_MS: '500',
      OPENROUTER_DAILY_RESERVE: '0',
      OPENROUTER_NOTICE: 'off',
      ...PINNED_POOLS,
      ...extra,
    };
    const env = { FLEET_SETTINGS: JSON.stringify(settings), FLEET_AGENTS: '2', LOG_LEVEL: 'warn' };
    procs = [0, 1, 2].map(() => new NodeProcess(bundle, env));
    for (const p of procs) await p.next<{ ready: boolean }>(240_000);
    return procs;
  }

  async function stopFleet(): Promise<Array<{ sharedWarnings: number; rejoins: number }>> {
    const finals = await Promise.all(procs.map((p) => p.ask<{ sharedWarnings: number; rejoins: number }>({ cmd: 'stop' })));
    const exits = await Promise.all(procs.map((p) => p.exited));
    expect(exits.map((e) => e.code), procs.map((p) => p.output.slice(-2000)).join('\n----\n')).toEqual([0, 0, 0]);
    return finals;
  }

  function sum(replies: RunReply[]): Record<string, number> {
    const total: Record<string, number> = {};
    for (const r of replies) for (const [k, v] of Object.entries(r.counts)) total[k] = (total[k] ?? 0) + v;
    return total;
  }

  it('pace and count as one client: no per-minute 429, exactly the 30 calls of the day, a cooled model left alone', async () => {
    sim = await startSimulator({ apiKey: KEY, scenario: { account: { perMinute: 20, windowMs: WINDOW_MS, daily: 30 } } });
    // The database answers within milliseconds, but 60 reservations at once on a loaded 2-core CI
    // machine queue for connections: a roomy timeout keeps this test about pacing, not outages.
    const fleet = await startFleet(KEY, { OPENROUTER_COOLDOWN_MS: '600000', OPENROUTER_STATE_TIMEOUT_MS: '15000' });

    // Process 1 finds the first model rate limited upstream and cools it for 10 minutes.
    sim.failNext(SMALL[0]!, 'upstream_429');
    expect((await fleet[0]!.ask<RunReply>({ cmd: 'run', requests: 1, agents: [0] })).counts).toEqual({ ok: 1 });
    await fleet[0]!.ask({ cmd: 'flush' });

    // Then 3 processes x 2 agents x 10 requests at once.
    const replies = await Promise.all(fleet.map((p) => p.ask<RunReply>({ cmd: 'run', requests: 10 })));
    // Every request past the day's 30 calls fails at once with the daily error, in every process.
    const after = await Promise.all(fleet.map((p) => p.ask<RunReply>({ cmd: 'run', requests: 1 })));
    const finals = await stopFleet();

    const stats = sim.stats();
    const kinds = stats.calls.map((c) => c.kind);
    expect(finals.map((f) => f.sharedWarnings), fleet.map((p) => p.output.slice(-3000)).join('\n----\n')).toEqual([0, 0, 0]);
    expect(kinds.filter((k) => k === 'per_minute_429')).toHaveLength(0);
    expect(kinds.filter((k) => k === 'daily_429')).toHaveLength(0);
    expect(stats.total).toBe(30);
    // The cooled model got its one 429 and no other call from any process.
    expect(stats.calls.filter((c) => c.model === SMALL[0]).map((c) => c.kind)).toEqual(['upstream_429']);
    // 1 answer before, 28 in the burst (30 calls less the 429 and the call that answered after it).
    expect(sum(replies), JSON.stringify({ replies, calls: stats.calls.map((c) => `${c.model} ${c.status} ${c.kind}`) })).toEqual({ ok: 28, daily: 32 });
    for (const r of after) expect(r.counts).toEqual({ daily: 2 });
    expect(finals.map((f) => f.sharedWarnings)).toEqual([0, 0, 0]);

    // Keyed by a one-way fingerprint: the key is nowhere in the database.
    const client = new pg.Client({ connectionString: pgServer.url });
    await client.connect();
    try {
      const tables = await client.query<{ table_schema: string; table_name: string }>(
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(tables.rows.map((t) => `${t.table_schema}.${t.table_name}`).sort()).toEqual(['openrouter_free.account', 'openrouter_free.health', 'openrouter_free.slot']);
      let dump = '';
      for (const { table_schema, table_name } of tables.rows) {
        const rows = await client.query(`SELECT row_to_json(t)::text AS j FROM ${table_schema}.${table_name} t`);
        dump += rows.rows.map((r: { j: string }) => r.j).join('\n');
      }
      expect(dump.length).toBeGreaterThan(0);
      expect(dump).not.toContain(KEY);
      expect(dump).not.toContain('FAKE');
      expect(dump).not.toContain('LEAKCHECK');
    } finally {
      await client.end();
    }
  }, 420_000);

  it('loses nothing while the database is stopped for a few seconds: one warning per process, then they re-join', async () => {
    sim = await startSimulator({ apiKey: `${KEY}-outage`, scenario: { account: { perMinute: 20, windowMs: WINDOW_MS } } });
    const fleet = await startFleet(`${KEY}-outage`);

    const before = await Promise.all(fleet.map((p) => p.ask<RunReply>({ cmd: 'run', requests: 3 })));
    // The database goes away while a round of requests is under way.
    const cutMidway = Promise.all(fleet.map((p) => p.ask<RunReply>({ cmd: 'run', requests: 3 })));
    await pgServer.stop();
    const during: RunReply[] = await cutMidway;
    try {
      // Two rounds, and the database stays away for a few seconds: each process keeps serving.
      const stoppedAt = Date.now();
      for (let round = 0; round < 2; round++) during.push(...(await Promise.all(fleet.map((p) => p.ask<RunReply>({ cmd: 'run', requests: 3 })))));
      await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - stoppedAt))));
    } finally {
      await pgServer.start();
    }
    // The retry interval is 500 ms: after a first round that may still be served locally, the
    // next reservation re-joins. Two rounds, so every process has asked the database again.
    const afterFirst = await Promise.all(fleet.map((p) => p.ask<RunReply>({ cmd: 'run', requests: 3 })));
    await new Promise((r) => setTimeout(r, 600));
    const afterSecond = await Promise.all(fleet.map((p) => p.ask<RunReply>({ cmd: 'run', requests: 3 })));
    const finals = await stopFleet();

    for (const r of [...before, ...during, ...afterFirst, ...afterSecond]) expect(r.counts).toEqual({ ok: 6 });
    expect(finals.map((f) => f.sharedWarnings)).toEqual([1, 1, 1]);
    for (const f of finals) expect(f.rejoins).toBeGreaterThanOrEqual(1);
    expect(sim.stats().total).toBeGreaterThanOrEqual(3 * 6 * 6);
  }, 420_000);
});
