export type { Account, AccountBlock, AccountSlot, AccountView, SettledCall, Taken, TakeRequest } from './account.js';
export { AccountBook, processAccountBook } from './account-book.js';
export { LocalAccount, type LocalAccountOptions, type LocalSlot } from './local-account.js';
export { FleetAccount, type FleetAccountOptions } from './fleet-account.js';
export { openAccount, type SharedAccountOptions } from './open-account.js';
export { waitForSlot, type Look, type SlotWait } from './slot-wait.js';
export { SlotLine } from './slot-line.js';
