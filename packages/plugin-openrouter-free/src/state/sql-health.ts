import { randomBytes } from 'node:crypto';
import type { ModelHealth } from '@freepool/free-model-pool';
import { STATE_SCHEMA } from './schema.js';
import type { Rows } from './sql-client.js';
import { DB_NOW } from './sql-window.js';
import { lit, num, shiftHealth } from './sql-values.js';

/**
 * A pull re-reads health published up to this long before the newest it saw (versions are the
 * database's clock at the publish): a publish stamped before another but committed after it is
 * still seen. Reading a row twice is harmless, ms.
 */
export const HEALTH_LOOKBACK_MS = 2_000;

const HEALTH = `${STATE_SCHEMA}.health`;

/**
 * One ledger's side of `openrouter_free.health`: each model's health as its last publisher saw it,
 * with that publisher's clock offset to the database, so readers convert its times into their own
 * clock. This ledger's own rows never come back to it; a pull asks for what is newer than its last.
 */
export class SqlHealth {
  /** This ledger's id among the publishers of health. */
  private readonly publisher = randomBytes(8).toString('hex');
  private sinceVersion = 0;

  /** `account`: the account's id as a SQL literal. */
  constructor(private readonly account: string) {}

  /** The statement that publishes `rows`, times in the caller's clock at `localNow`. */
  publish(rows: Array<[string, ModelHealth]>, localNow: number): string {
    const values = rows
      .map(
        ([model, health]) =>
          `(${this.account}, ${lit(model)}, ${lit(JSON.stringify(health))}::jsonb, ${Number(localNow)} - ${DB_NOW}, ${lit(this.publisher)}, (extract(epoch from clock_timestamp()) * 1000000)::bigint)`,
      )
      .join(',');
    return `INSERT INTO ${HEALTH} (account, model, health, clock_offset_ms, publisher, version) VALUES ${values}
       ON CONFLICT (account, model) DO UPDATE SET health = EXCLUDED.health, clock_offset_ms = EXCLUDED.clock_offset_ms,
         publisher = EXCLUDED.publisher, version = EXCLUDED.version`;
  }

  /** The query for what other ledgers published since this one last looked. */
  query(): string {
    return `SELECT model, health, clock_offset_ms, version FROM ${HEALTH}
      WHERE account = ${this.account} AND version > ${Math.max(0, this.sinceVersion - HEALTH_LOOKBACK_MS * 1000)} AND publisher <> ${lit(this.publisher)}`;
  }

  /** The query's rows in this process's clock (`myOffset`: ours to the database's), shifted by each publisher's offset less ours. */
  read(rows: Rows, myOffset: number): Array<[string, ModelHealth]> {
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
