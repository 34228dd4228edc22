export type { PoolStore } from './store.js';
export { MemoryStore } from './memory-store.js';
export {
  DEFAULT_SHARED_STATE_POLICY,
  type SharedLedger,
  type LedgerReserveRequest,
  type LedgerReservation,
  type LedgerDaily,
  type LedgerWindow,
  type LedgerSettle,
  type LedgerMinuteBlock,
  type SharedStatePolicy,
} from './shared-ledger.js';
export { LedgerLink, type LedgerLinkOptions } from './ledger-link.js';
