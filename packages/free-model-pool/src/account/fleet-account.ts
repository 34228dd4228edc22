import { onWindowBoundary, type KeyDailyStatus, type WaitQueue } from '../limits/index.js';
import type { PoolPolicy } from '../settings.js';
import type { LedgerLink } from '../state/ledger-link.js';
import type { LedgerDaily, LedgerWindow } from '../state/shared-ledger.js';
import type { AccountWindowState, ClassifiedFailure, DailyState } from '../types.js';
import type { Account, AccountBlock, AccountSlot, AccountView, SettledCall, Taken, TakeRequest } from './account.js';
import type { LocalAccount, LocalSlot } from './local-account.js';
import { waitToTake, type Look } from './slot-wait.js';

/** A slot the ledger gave: its row, and the moment its local mirror was recorded. */
interface FleetSlot extends AccountSlot {
  readonly slotId: string;
  readonly mirroredAt: number;
}

/** A local slot taken while the ledger was away (its unit is charged to the fleet's day on re-join). */
interface OfflineSlot extends LocalSlot {
  readonly offline: true;
}

export interface FleetAccountOptions {
  link: LedgerLink;
  /** This process's account: it serves while the ledger is away, and mirrors what the fleet said. */
  local: LocalAccount;
  policy: Readonly<PoolPolicy>;
  now: () => number;
  waits: WaitQueue;
}

/** What one look at the fleet finds (a local slot taken in an outage may be handed over in the process's line too). */
type FleetLook = FleetSlot | LocalSlot | { block: AccountBlock } | { withdrawn: true } | { away: true };

/**
 * The account shared by every process on the key, through a shared ledger (state/shared-ledger.ts):
 * a slot and its unit of the day are one atomic step in the database, decided there with the same
 * window logic as the local account (limits/account-window.ts) on the fleet's rows. What the fleet
 * says is mirrored into the local account, so status displays show it and an outage starts from it.
 * While the ledger is away (limits of `SharedStatePolicy`), the local account serves, and the calls
 * it counted are charged to the fleet's day when the ledger is back.
 */
export class FleetAccount implements Account {
  private readonly link: LedgerLink;
  private readonly local: LocalAccount;
  private readonly now: () => number;

  constructor(private readonly o: FleetAccountOptions) {
    this.link = o.link;
    this.local = o.local;
    this.now = o.now;
  }

  async take(request: TakeRequest): Promise<Taken> {
    const start = this.now();
    const r = await waitToTake(request, () => this.look(request), {
      now: this.now,
      waits: this.o.waits,
      line: this.local.book.line,
      isSlot: (done) => 'slotId' in done || 'reservedAt' in done,
      release: (done) => this.release(done as AccountSlot),
      rateWindowMs: this.o.policy.rateWindowMs,
      scope: ' across the processes on this key',
    });
    if ('block' in r) return r;
    const done = r.done;
    if ('slotId' in done || 'reservedAt' in done) return { slot: { ...done, waitedMs: r.waitedMs } };
    if (!('away' in done)) return { ...done, waitedMs: r.waitedMs };
    // The ledger cannot be used now: this process's account serves the rest of the wait.
    const elapsed = this.now() - start;
    const local = await this.local.take({ ...request, maxWaitMs: Math.max(0, request.maxWaitMs - elapsed) });
    if (!('slot' in local)) return { ...local, waitedMs: local.waitedMs + r.waitedMs };
    if (this.link.inOutage) this.link.noteOfflineCall();
    const slot = local.slot as LocalSlot;
    return { slot: { ...slot, waitedMs: slot.waitedMs + r.waitedMs, ...(this.link.inOutage ? { offline: true } : {}) } };
  }

  /**
   * One look at the fleet's account. Another process may have cooled or removed the model: its
   * health is pulled first (when the last look is old), so no slot and no unit are held for it.
   */
  private async look(request: TakeRequest): Promise<Look<FleetLook>> {
    await this.link.freshen();
    if (request.wanted && !request.wanted()) return { done: { withdrawn: true } };
    // The fleet's day as last mirrored: a day used up, or a background call in the reserve, takes no slot.
    const before = this.now();
    const day = this.local.quota.check(before, request.priority);
    if (!day.ok) return { done: { block: this.local.dayBlock(day, before) } };
    const r = await this.link.reserve(this.window());
    const now = this.now();
    if (!r) return { done: { away: true } };
    if (r.ok) {
      this.mirrorSlot(now);
      if (r.daily) this.mirrorDaily(r.daily, now);
      return { done: { waitedMs: 0, slotId: r.slotId, mirroredAt: now } };
    }
    if (r.blocked === 'daily') {
      this.mirrorDaily({ ...(r.limit !== undefined ? { limit: r.limit } : {}), remaining: 0, resetInMs: r.resetInMs }, now);
      const check = this.local.quota.check(now);
      return { done: { block: { kind: 'day', resetAt: check.ok ? now + r.resetInMs : check.resetAt, limit: r.limit ?? this.local.quota.state(now).limit } } };
    }
    const opensAt = now + r.waitMs;
    if (!r.confirming) return { wait: { opensAt, limit: r.limit, ...(r.soonestMs !== undefined ? { opensFrom: now + r.soonestMs } : {}) } };
    // The fleet's call beyond the confirmed count is unanswered: its answer wakes this request when
    // this process sent it; otherwise the ledger is asked again every `confirmPollMs`.
    const own = this.link.frontierAnswered();
    const pollMs = this.link.policy.confirmPollMs ?? this.o.policy.rateWindowMs / 60;
    return { wait: { opensAt, limit: r.limit, ...(own ? { answered: own } : { askAgainAt: now + pollMs }) } };
  }

  settle(slot: AccountSlot, call: SettledCall): void {
    if (!isFleetSlot(slot)) return this.local.settle(slot, call);
    this.local.pacer.settle(slot.mirroredAt, call.answeredAt, call.accepted, false, call.sentAt);
    this.link.settle(slot.slotId, { accepted: call.accepted, window: this.window(), durationMs: Math.max(0, call.answeredAt - call.sentAt) });
  }

  release(slot: AccountSlot): void {
    if (!isFleetSlot(slot)) {
      if ((slot as OfflineSlot).offline) this.link.forgetOfflineCall();
      return this.local.release(slot);
    }
    this.link.release(slot.slotId);
    // The local mirror of the slot and of the unit go back too.
    this.local.pacer.release(slot.mirroredAt);
    const d = this.local.book.getDaily();
    if (d?.remaining !== undefined) this.local.book.setDaily({ ...d, remaining: d.remaining + 1, exhaustedUntil: 0 });
  }

  /** The server's account 429 is taken in here, then shared, so the other processes stop sending too. */
  observe(failure: ClassifiedFailure, at: number): AccountBlock | undefined {
    const block = this.local.observe(failure, at);
    if (failure.reason === 'account_minute_limit') {
      this.link.blockMinute({
        ...(failure.retryAt !== undefined ? { resetInMs: failure.retryAt - at } : {}),
        ...(failure.rateLimitLimit !== undefined ? { limit: failure.rateLimitLimit } : {}),
        ...(failure.retryAt !== undefined ? { resetOnBoundary: onWindowBoundary(failure.retryAt, this.o.policy.rateWindowMs) } : {}),
        window: this.window(),
      });
    } else if (failure.reason === 'account_daily_limit') {
      const s = this.local.quota.state(at);
      this.link.exhaustDay(Math.max(0, (s.exhaustedUntil || s.resetAt || at) - at), failure.rateLimitLimit);
    }
    return block;
  }

  /** The fleet's day: the server's count, lowered by calls other processes have in flight. */
  async observeKey(daily: KeyDailyStatus, at: number): Promise<void> {
    await this.local.observeKey(daily, at);
    const now = this.now();
    const d = this.local.quota.state(now);
    await this.link.seedDaily({ limit: d.limit, remaining: d.remaining, resetInMs: Math.max(0, (d.resetAt ?? now) - now) });
  }

  opensAt(now: number): number {
    return this.local.opensAt(now);
  }

  view(now: number): AccountView {
    return { ...this.local.view(now), shared: { reachable: !this.link.inOutage } };
  }

  flush(): Promise<void> {
    return this.link.flush();
  }

  /** The account window's policy, sent with every window operation: the ledger keeps none of its own. */
  private window(): LedgerWindow {
    const pacer = this.local.pacer;
    return {
      limit: pacer.state(this.now()).limit,
      windowMs: this.o.policy.rateWindowMs,
      guardMs: pacer.clock.guardMs,
      marginMs: pacer.marginMs,
      confirm: this.o.policy.confirmAccountLimit,
    };
  }

  /** The local copy of a fleet slot, at the moment the answer came: release and settle find it by that time. */
  private mirrorSlot(at: number): void {
    const w: AccountWindowState = this.local.book.getAccountWindow() ?? { limit: Number.MAX_SAFE_INTEGER, sentAt: [], blockedUntil: 0 };
    this.local.book.setAccountWindow({ ...w, sentAt: [...w.sentAt, at] });
  }

  private mirrorDaily(daily: LedgerDaily, at: number): void {
    const prev = this.local.book.getDaily();
    const resetAt = at + daily.resetInMs;
    const next: DailyState = {
      ...(daily.limit !== undefined ? { limit: daily.limit } : prev?.limit !== undefined ? { limit: prev.limit } : {}),
      ...(daily.remaining !== undefined ? { remaining: daily.remaining } : {}),
      resetAt,
      exhaustedUntil: daily.remaining !== undefined && daily.remaining <= 0 ? resetAt : 0,
    };
    this.local.book.setDaily(next);
  }
}

function isFleetSlot(slot: AccountSlot): slot is FleetSlot {
  return typeof (slot as Partial<FleetSlot>).slotId === 'string';
}
