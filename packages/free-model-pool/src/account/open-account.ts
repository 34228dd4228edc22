import type { WaitQueue } from '../limits/index.js';
import type { PoolPolicy } from '../settings.js';
import { LedgerLink } from '../state/ledger-link.js';
import type { SharedLedger, SharedStatePolicy } from '../state/shared-ledger.js';
import type { PoolStore } from '../state/store.js';
import type { Account } from './account.js';
import { AccountBook } from './account-book.js';
import { FleetAccount } from './fleet-account.js';
import { LocalAccount } from './local-account.js';

/** The account and model health shared with every process on the key, through a database ledger. */
export interface SharedAccountOptions {
  ledger: SharedLedger;
  policy?: Partial<SharedStatePolicy>;
  /** Told once per outage that the pool serves from its own state. */
  warn?: (message: string) => void;
  /** Told when the shared state is reachable again. */
  info?: (message: string) => void;
}

/**
 * A pool's account: this process's (`LocalAccount` over `book`, or a book of its own), or, with
 * `shared`, the fleet's (`FleetAccount` over the ledger, with the local one for its outages). With a
 * ledger the store the pool works on also publishes its health to the others and takes theirs in.
 */
export function openAccount(o: {
  policy: Readonly<PoolPolicy>;
  now: () => number;
  waits: WaitQueue;
  store: PoolStore;
  book?: AccountBook;
  shared?: SharedAccountOptions;
}): { account: Account; store: PoolStore } {
  const local = new LocalAccount({ book: o.book ?? new AccountBook(), policy: o.policy, now: o.now, waits: o.waits });
  if (!o.shared) return { account: local, store: o.store };
  const link = new LedgerLink({ ...o.shared, store: o.store, now: o.now });
  return { account: new FleetAccount({ link, local, policy: o.policy, now: o.now, waits: o.waits }), store: link.store };
}
