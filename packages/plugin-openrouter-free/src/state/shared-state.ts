import type { IAgentRuntime } from '@elizaos/core';
import { DEFAULT_SHARED_STATE_POLICY, type SharedLedger } from '@freepool/free-model-pool';
import type { PluginSettings } from '../config.js';
import { describeUrl } from '../settings/state-fields.js';
import { isPgliteLike, PgliteSqlClient, PgSqlClient, type PgliteLike, type SqlClient } from './sql-client.js';
import { accountFingerprint, SqlLedger } from './sql-ledger.js';

/** Connections each process opens to a Postgres holding the shared state (its agents share them). */
export const STATE_POOL_CONNECTIONS = 4;

/** Where a runtime's shared pool state lives, and the ledger on it. */
export interface SharedState {
  ledger: SharedLedger;
  /** For log lines: `postgres://…` without a password, or "the agent's PGlite database". */
  where: string;
  kind: 'postgres' | 'pglite';
  /** The link's warnings and notes, said once per process and outage however many agents share the database. */
  warn: (message: string) => void;
  info: (message: string) => void;
}

interface Connection {
  client: SqlClient;
  /** Whether this outage was already reported in this process. */
  warned: boolean;
  /** When one of its agents last re-joined after an outage (epoch ms). */
  rejoinedAt?: number;
}

/** One connection pool per Postgres URL per process: every agent on it shares the pool and the outage notice. */
const postgres = new Map<string, Connection>();
/** plugin-sql keeps one PGlite per process: one outage notice for all its agents. */
const pgliteNotice: Notice = { warned: false };

type Notice = Pick<Connection, 'warned' | 'rejoinedAt'>;

/**
 * The ledger for a runtime: on OPENROUTER_STATE_URL when set; else on the agent's own database
 * (the Postgres of POSTGRES_URL, or the agent's PGlite) unless OPENROUTER_PERSIST_STATE=false;
 * undefined when there is none (the pool then shares the account only within this process).
 */
export async function openSharedState(runtime: IAgentRuntime, settings: PluginSettings, log: { warn: (m: string) => void; info: (m: string) => void }): Promise<SharedState | undefined> {
  if (!settings.apiKey) return undefined;
  const account = accountFingerprint(settings.baseURL, settings.apiKey);
  const url = settings.sharedState.url ?? (settings.persistState ? agentPostgresUrl(runtime) : undefined);
  if (url) {
    let conn = postgres.get(url);
    if (!conn) {
      conn = { client: new PgSqlClient(url, { timeoutMs: settings.sharedState.timeoutMs, maxConnections: STATE_POOL_CONNECTIONS }), warned: false };
      postgres.set(url, conn);
    }
    // The agent's own Postgres (POSTGRES_URL) gets the tables from plugin-sql's migrations; the
    // database of OPENROUTER_STATE_URL is the pool's alone, so the ledger creates them there.
    const own = settings.sharedState.url === undefined;
    const ledger = new SqlLedger(conn.client, account, { createTables: !own });
    return wrap(conn, own ? afterMigrations(runtime, ledger) : ledger, describeUrl(url), 'postgres', log);
  }
  if (!settings.persistState) return undefined;
  // Under the ElizaOS server this runs before plugin-sql has registered the database: the PGlite is
  // looked up at the first reservation, by when the runtime has finished starting.
  const client = new PgliteSqlClient(async () => {
    const db = await agentPglite(runtime);
    if (!db) throw new Error("the agent's database is not a PGlite one");
    return db;
  });
  return wrap(pgliteNotice, afterMigrations(runtime, new SqlLedger(client, account, { createTables: false })), "the agent's PGlite database", 'pglite', log);
}

function wrap(conn: Notice, ledger: SharedLedger, where: string, kind: SharedState['kind'], log: { warn: (m: string) => void; info: (m: string) => void }): SharedState {
  return {
    ledger,
    where,
    kind,
    warn: (m) => {
      if (conn.warned) return;
      conn.warned = true;
      // Each agent's link reports its own outage. One agent may re-join (an answer the database sent
      // before it stopped) while another first notices the same outage: that is not a new one.
      const flapping = conn.rejoinedAt !== undefined && Date.now() - conn.rejoinedAt < DEFAULT_SHARED_STATE_POLICY.outageRewarnMs;
      if (flapping) log.info(`${m} (again, soon after re-joining; shared state: ${where})`);
      else log.warn(`${m} (shared state: ${where})`);
    },
    info: (m) => {
      if (!conn.warned) return;
      conn.warned = false;
      conn.rejoinedAt = Date.now();
      log.info(`${m} (shared state: ${where})`);
    },
  };
}

/**
 * In the agent's own database the tables come from plugin-sql's migrations, which run after the
 * plugins' init, when the runtime finishes initializing. Until then the ledger's operations wait for
 * it, except the start-up seed of the daily counter (GET /key, read inside init), which is kept and
 * written once the tables are there: waiting for it inside init could only time out.
 */
function afterMigrations(runtime: IAgentRuntime, ledger: SharedLedger): SharedLedger {
  const started = (runtime as { initPromise?: Promise<unknown> }).initPromise;
  let ready = started === undefined;
  let pendingSeed: Parameters<SharedLedger['seedDaily']>[0] | undefined;
  const whenReady = started?.then(
    async () => {
      ready = true;
      const seed = pendingSeed;
      pendingSeed = undefined;
      if (seed) await ledger.seedDaily(seed).catch(() => undefined);
    },
    () => undefined,
  );
  const after = async <T>(op: () => Promise<T>): Promise<T> => {
    if (!ready) await whenReady;
    return op();
  };
  return {
    reserve: (r) => after(() => ledger.reserve(r)),
    release: (id) => after(() => ledger.release(id)),
    settle: (id, outcome) => after(() => ledger.settle(id, outcome)),
    blockMinute: (block) => after(() => ledger.blockMinute(block)),
    exhaustDay: (ms, limit) => after(() => ledger.exhaustDay(ms, limit)),
    seedDaily: async (daily) => {
      if (ready) return ledger.seedDaily(daily);
      pendingSeed = daily;
    },
    chargeDaily: (n) => after(() => ledger.chargeDaily(n)),
    publishHealth: (rows, now) => after(() => ledger.publishHealth(rows, now)),
    pullHealth: (now) => after(() => ledger.pullHealth(now)),
  };
}

/** The setting with which @elizaos/plugin-sql puts an agent on Postgres; read here, listed in agentConfig too. */
export const AGENT_POSTGRES_SETTING = 'POSTGRES_URL';

function agentPostgresUrl(runtime: IAgentRuntime): string | undefined {
  const v = runtime.getSetting(AGENT_POSTGRES_SETTING) ?? process.env[AGENT_POSTGRES_SETTING];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The agent's PGlite, through plugin-sql's adapter (waiting for the runtime when the adapter is not registered yet). */
async function agentPglite(runtime: IAgentRuntime): Promise<PgliteLike | undefined> {
  let adapter = (runtime as { adapter?: { getConnection?: () => Promise<unknown> } }).adapter;
  if (!adapter) {
    await runtime.initPromise;
    adapter = (runtime as { adapter?: { getConnection?: () => Promise<unknown> } }).adapter;
  }
  if (typeof adapter?.getConnection !== 'function') return undefined;
  try {
    const db = await adapter.getConnection();
    return isPgliteLike(db) ? db : undefined;
  } catch {
    return undefined;
  }
}
