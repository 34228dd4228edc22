import type { AccountWindowState, DailyState } from '../types.js';

/** The one call in flight beyond the confirmed count (limits/account-window.ts), and the waiters for its answer. */
export interface Frontier {
  reservedAt: number;
  answered: Promise<void>;
  resolve: () => void;
}

/**
 * One account's state in this process: the window's sends, what the server taught about it, the day,
 * and the calls in flight. The pacer and the daily quota of every pool that holds the same book
 * count together, so pools on one key (two agents in one process) never spend a call the other
 * already used. Values are copied in and out, so a caller mutating what it read cannot change it.
 */
export class AccountBook {
  private window: AccountWindowState | undefined;
  private daily: DailyState | undefined;
  /** Reservation times of calls sent and not yet answered. */
  readonly pending: number[] = [];
  /** The call beyond the confirmed count, while it is unanswered. */
  frontier: Frontier | undefined;

  getAccountWindow(): AccountWindowState | undefined {
    return this.window ? copyWindow(this.window) : undefined;
  }

  setAccountWindow(state: AccountWindowState): void {
    this.window = copyWindow(state);
  }

  getDaily(): DailyState | undefined {
    return this.daily ? { ...this.daily } : undefined;
  }

  setDaily(state: DailyState): void {
    this.daily = { ...state };
  }
}

function copyWindow(w: AccountWindowState): AccountWindowState {
  return { ...w, sentAt: [...w.sentAt] };
}

const books = new Map<string, AccountBook>();

/**
 * The book of account `id` in this process (created on first use): every pool given it shares one
 * window and one day. `id` should not be the key itself (a digest of base URL and key, say).
 */
export function processAccountBook(id: string): AccountBook {
  let book = books.get(id);
  if (!book) {
    book = new AccountBook();
    books.set(id, book);
  }
  return book;
}
