import pg from 'pg';

/** Rows of one statement. */
export type Rows = Array<Record<string, unknown>>;

/**
 * The little the shared ledger needs from a database: statements sent as one text (several
 * statements, one round trip; every value in them is a number or a quoted literal the ledger
 * built), and transactions whose last text commits in the same round trip.
 */
export interface SqlClient {
  /** One or more statements in one round trip; the rows of each statement, in order. */
  exec(sql: string): Promise<Rows[]>;
  /** Runs `fn` inside one transaction; `finish` sends its text and commits in the same round trip. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqlSession {
  exec(sql: string): Promise<Rows[]>;
  /** The transaction's last text; it commits with it. */
  finish(sql: string): Promise<Rows[]>;
}

/** Settings of the Postgres connection pool behind the ledger. */
export interface PgClientOptions {
  /** Longest wait for a connection, and the server-side statement timeout, ms. */
  timeoutMs: number;
  /** Connections per process (every agent of the process on this URL shares them). */
  maxConnections: number;
}

function resultRows(result: pg.QueryResult | pg.QueryResult[]): Rows[] {
  return (Array.isArray(result) ? result : [result]).map((r) => r.rows as Rows);
}

const guarded = new WeakSet<object>();

/** A Postgres server through node-postgres (`pg`): the fleet's shared state. */
export class PgSqlClient implements SqlClient {
  private readonly pool: pg.Pool;

  constructor(connectionString: string, opts: PgClientOptions) {
    this.pool = new pg.Pool({
      connectionString,
      max: opts.maxConnections,
      connectionTimeoutMillis: opts.timeoutMs,
      statement_timeout: opts.timeoutMs,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
    });
    // A server that goes away kills idle connections; that is an outage the ledger reports, not a crash.
    this.pool.on('error', () => undefined);
  }

  async exec(sql: string): Promise<Rows[]> {
    return resultRows(await this.pool.query(sql));
  }

  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    if (!guarded.has(client)) {
      // A connection cut while idle in the pool must not crash the process (once per connection).
      guarded.add(client);
      client.on('error', () => undefined);
    }
    let begun = false;
    let done = false;
    try {
      const session: SqlSession = {
        exec: async (sql) => {
          const rows = resultRows(await client.query(begun ? sql : `BEGIN;${sql}`));
          if (!begun) rows.shift();
          begun = true;
          return rows;
        },
        finish: async (sql) => {
          const rows = resultRows(await client.query(`${begun ? '' : 'BEGIN;'}${sql};COMMIT`));
          if (!begun) rows.shift();
          begun = true;
          done = true;
          rows.pop();
          return rows;
        },
      };
      const result = await fn(session);
      if (!done) await client.query(begun ? 'COMMIT' : 'SELECT 1');
      client.release();
      return result;
    } catch (error) {
      // A broken connection is thrown away; a healthy one is rolled back and reused.
      try {
        if (begun && !done) await client.query('ROLLBACK');
        client.release();
      } catch {
        client.release(true);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** What the ledger needs of a PGlite instance (the agent's own database, one process). */
export interface PgliteLike {
  exec(sql: string): Promise<Array<{ rows: Rows }>>;
  transaction<T>(fn: (tx: { exec(sql: string): Promise<Array<{ rows: Rows }>> }) => Promise<T>): Promise<T>;
}

/** The agent's PGlite (through @elizaos/plugin-sql's adapter): one process, so one lock is enough. */
export class PgliteSqlClient implements SqlClient {
  private db: Promise<PgliteLike> | undefined;

  /** `open` is called at the first statement (and again after it failed). */
  constructor(private readonly open: () => Promise<PgliteLike>) {}

  private get(): Promise<PgliteLike> {
    this.db ??= this.open().catch((e: unknown) => {
      this.db = undefined;
      throw e;
    });
    return this.db;
  }

  async exec(sql: string): Promise<Rows[]> {
    return (await (await this.get()).exec(sql)).map((r) => r.rows);
  }

  async transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T> {
    return (await this.get()).transaction(async (tx) => {
      const exec = async (sql: string) => (await tx.exec(sql)).map((r) => r.rows);
      return fn({ exec, finish: exec });
    });
  }

  async close(): Promise<void> {
    // The agent's database belongs to plugin-sql, which closes it.
  }
}

/** Whether `db` looks like a PGlite instance. */
export function isPgliteLike(db: unknown): db is PgliteLike {
  return typeof db === 'object' && db !== null && typeof (db as PgliteLike).exec === 'function' && typeof (db as PgliteLike).transaction === 'function';
}
