export type { Account, AccountBlock, AccountSlot, AccountView, Taken, TakeRequest } from './account.js';
export { AccountBook, processAccountBook } from './account-book.js';
export { LocalAccount, type LocalAccountOptions, type LocalSlot } from './local-account.js';
export { FleetAccount, type FleetAccountOptions } from './fleet-account.js';
export { waitForSlot, type Look, type SlotWait } from './slot-wait.js';
