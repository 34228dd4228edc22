import { AccountPacer, DailyQuota, type DailyCheck, type KeyDailyStatus, type WaitQueue } from '../limits/index.js';
import type { PoolPolicy } from '../settings.js';
import type { ClassifiedFailure } from '../types.js';
import type { Account, AccountBlock, AccountSlot, AccountView, SettledCall, Taken, TakeRequest } from './account.js';
import type { AccountBook } from './account-book.js';
import { waitToTake, type Look } from './slot-wait.js';

/** What one look of the local account finds (a slot of another account in the process's line may be handed over too). */
type LocalLook = { reservedAt: number; frontier?: true } | { slotId: string } | { block: AccountBlock } | { withdrawn: true };

/** A slot of the local account: the moment it was taken is its place in the window. */
export interface LocalSlot extends AccountSlot {
  readonly reservedAt: number;
  /** The call beyond the confirmed count: its answer says whether the window holds more. */
  readonly frontier?: true;
}

export interface LocalAccountOptions {
  /** The account's state: this pool's own, or processAccountBook(id) to share it with every pool on the key. */
  book: AccountBook;
  policy: Readonly<PoolPolicy>;
  now: () => number;
  waits: WaitQueue;
}

/**
 * The account as this process knows it: the pacer (limits/account-pacer.ts) for the window and the
 * daily quota (limits/daily-quota.ts) for the day, over one AccountBook. A slot is checked against
 * the day, the window and the caller's `wanted` in one synchronous step and counts against both at
 * once, so concurrent requests in the process can never overshoot either.
 */
export class LocalAccount implements Account {
  readonly pacer: AccountPacer;
  readonly quota: DailyQuota;
  /** The state this account keeps (a fleet account mirrors the fleet's answers into it). */
  readonly book: AccountBook;
  private readonly now: () => number;

  constructor(private readonly o: LocalAccountOptions) {
    this.now = o.now;
    this.book = o.book;
    this.pacer = new AccountPacer(o.book, o.policy);
    this.quota = new DailyQuota(o.book, o.policy);
  }

  async take(request: TakeRequest): Promise<Taken> {
    const r = await waitToTake(request, () => this.look(request), {
      now: this.now,
      waits: this.o.waits,
      line: this.book.line,
      isSlot: (done) => 'reservedAt' in done || 'slotId' in done,
      release: (done) => this.release(done as unknown as AccountSlot),
      rateWindowMs: this.o.policy.rateWindowMs,
      scope: '',
    });
    if ('block' in r) return r;
    const done = r.done;
    if ('reservedAt' in done || 'slotId' in done) return { slot: { ...done, waitedMs: r.waitedMs } as AccountSlot };
    return { ...done, waitedMs: r.waitedMs };
  }

  /** One look: the day, then whether the call is still wanted, then the window; a slot counts against both. */
  private look(request: TakeRequest): Look<LocalLook> {
    const now = this.now();
    const day = this.quota.check(now, request.priority);
    if (!day.ok) return { done: { block: this.dayBlock(day, now) } };
    if (request.wanted && !request.wanted()) return { done: { withdrawn: true } };
    const r = this.pacer.reserve(now);
    if (r.ok) {
      this.quota.recordCall(now);
      return { done: { reservedAt: now, ...(r.frontier ? { frontier: true as const } : {}) } };
    }
    return {
      wait: {
        opensAt: r.waitUntil,
        limit: this.pacer.state(now).limit,
        ...(r.opensFrom !== undefined ? { opensFrom: r.opensFrom } : {}),
        ...(r.confirming ? { answered: r.confirming } : {}),
      },
    };
  }

  /** The block a failed day check means: the day used up, or (a background call) the reply reserve. */
  dayBlock(day: Extract<DailyCheck, { ok: false }>, now: number): AccountBlock {
    const limit = this.quota.state(now).limit;
    return day.reserveHeld
      ? { kind: 'reserve', resetAt: day.resetAt, ...(limit !== undefined ? { limit } : {}), ...day.reserveHeld }
      : { kind: 'day', resetAt: day.resetAt, ...(limit !== undefined ? { limit } : {}) };
  }

  settle(slot: AccountSlot, call: SettledCall): void {
    if (!('reservedAt' in slot)) return;
    const { reservedAt, frontier } = slot as LocalSlot;
    this.pacer.settle(reservedAt, call.answeredAt, call.accepted, frontier === true, call.sentAt);
  }

  release(slot: AccountSlot): void {
    if (!('reservedAt' in slot)) return;
    const { reservedAt, frontier } = slot as LocalSlot;
    this.pacer.release(reservedAt, frontier === true);
    this.quota.giveBack(this.now());
  }

  observe(failure: ClassifiedFailure, at: number): AccountBlock | undefined {
    if (failure.reason === 'account_minute_limit') this.pacer.observe429(failure, at);
    if (failure.reason !== 'account_daily_limit') return undefined;
    this.quota.observe429(failure, at);
    const check = this.quota.check(at);
    return { kind: 'day', resetAt: check.ok ? (failure.retryAt ?? at) : check.resetAt, ...(failure.rateLimitLimit !== undefined ? { limit: failure.rateLimitLimit } : {}) };
  }

  async observeKey(daily: KeyDailyStatus, at: number): Promise<void> {
    this.quota.seedFromKeyStatus(daily, at);
  }

  opensAt(now: number): number {
    return this.pacer.reopensAt(now);
  }

  view(now: number): AccountView {
    const day = this.quota.state(now);
    return {
      window: { limit: this.pacer.state(now).limit, windowMs: this.o.policy.rateWindowMs, sentInWindow: this.pacer.usedInWindow(now), nextSlotAt: this.pacer.reopensAt(now) },
      daily: {
        ...(day.limit !== undefined ? { limit: day.limit } : {}),
        ...(day.remaining !== undefined ? { remaining: day.remaining } : {}),
        ...(day.resetAt !== undefined ? { resetAt: day.resetAt } : {}),
        ...(day.exhaustedUntil > now ? { exhaustedUntil: day.exhaustedUntil } : {}),
        reserve: this.quota.heldForReplies(now),
      },
    };
  }

  async flush(): Promise<void> {}
}
