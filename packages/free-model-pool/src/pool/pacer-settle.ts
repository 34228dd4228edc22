import type { PoolStore } from '../state/store.js';

/**
 * Moves a pacer reservation from the moment it was taken to the moment the call's answer arrived.
 *
 * Why: OpenRouter counts a call in the window in which it *arrives*, and its windows are aligned
 * (they reset on the minute). The pacer records the send time before the request leaves, so a slow
 * first call can land in the same server window as a later call that our sliding window already
 * allowed, and the server answers 429. The answer time is an upper bound on the arrival time, so
 * keeping that instead makes "at most N in any window" hold for the server's windows too.
 *
 * This is a small adapter over the store's AccountWindowState; the AccountPacer could own it as
 * `settle(reservedAt, answeredAt)`.
 */
export function settleReservation(store: PoolStore, reservedAt: number, answeredAt: number): void {
  if (!(answeredAt > reservedAt)) return;
  const window = store.getAccountWindow();
  if (!window) return;
  const i = window.sentAt.lastIndexOf(reservedAt);
  if (i < 0) return; // pruned or replaced meanwhile: nothing to move
  const sentAt = [...window.sentAt];
  sentAt[i] = answeredAt;
  store.setAccountWindow({ ...window, sentAt: sentAt.sort((a, b) => a - b) });
}

/**
 * Gives a reserved slot back when no call was sent with it after all (the request deadline passed
 * during the wait, or the daily cap was reached meanwhile), so it does not block other requests.
 */
export function releaseReservation(store: PoolStore, reservedAt: number): void {
  const window = store.getAccountWindow();
  if (!window) return;
  const i = window.sentAt.lastIndexOf(reservedAt);
  if (i < 0) return;
  store.setAccountWindow({ ...window, sentAt: window.sentAt.filter((_, j) => j !== i) });
}
