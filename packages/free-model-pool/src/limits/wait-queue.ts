import { abortReason } from './time.js';

/** Lower sorts first: reply-path requests before background ones at the same moment. */
export type WaitRank = number;

interface Waiter {
  seq: number;
  rank: WaitRank;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Moment {
  waiters: Waiter[];
  /** Cancels the one sleep behind this moment once nobody waits for it any more. */
  cancel: AbortController;
}

/**
 * Where requests wait for capacity: a cooldown that ends, a model's learned window that slides, an
 * account slot that frees. Waiters for the same moment share one timer (1,000 requests waiting for
 * the next window cost one timer, not 1,000), wake in arrival order within their rank, and a waiter
 * whose signal aborts leaves at once with the signal's reason.
 *
 * The sleep is injected, so a fake clock can compress or skip the waits in tests.
 */
export class WaitQueue {
  private readonly moments = new Map<number, Moment>();
  private seq = 0;

  constructor(
    private readonly now: () => number,
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
  ) {}

  /** Sleeps pending right now, one per distinct moment that someone waits for. */
  get timers(): number {
    return this.moments.size;
  }

  /** Waiters across every moment. */
  get waiting(): number {
    let n = 0;
    for (const m of this.moments.values()) n += m.waiters.length;
    return n;
  }

  /** Resolves at `at` (epoch ms, rounded up to the millisecond); rejects at once when `signal` aborts. */
  until(at: number, opts: { signal?: AbortSignal; rank?: WaitRank } = {}): Promise<void> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const moment = Math.ceil(at);
    if (moment <= this.now()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { seq: this.seq++, rank: opts.rank ?? 0, resolve, reject, signal };
      let m = this.moments.get(moment);
      if (!m) {
        m = { waiters: [], cancel: new AbortController() };
        this.moments.set(moment, m);
        this.arm(moment, m);
      }
      m.waiters.push(waiter);
      if (signal) {
        waiter.onAbort = () => this.leave(moment, waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  private arm(at: number, m: Moment): void {
    this.sleep(Math.max(0, at - this.now()), m.cancel.signal).then(
      () => this.fire(at, m),
      () => {
        // Cancelled: every waiter of this moment left before it came.
      },
    );
  }

  private fire(at: number, m: Moment): void {
    if (this.moments.get(at) !== m) return;
    // A timer's clock and the wall clock can disagree by a millisecond: a sleep that ended early
    // sleeps the rest, so nobody wakes to a moment that has not come (and finds nothing callable yet).
    if (this.now() < at) {
      this.arm(at, m);
      return;
    }
    this.moments.delete(at);
    const order = [...m.waiters].sort((a, b) => a.rank - b.rank || a.seq - b.seq);
    for (const w of order) {
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  }

  private leave(at: number, waiter: Waiter): void {
    const m = this.moments.get(at);
    if (m) {
      m.waiters = m.waiters.filter((w) => w !== waiter);
      if (m.waiters.length === 0) {
        this.moments.delete(at);
        m.cancel.abort();
      }
    }
    waiter.reject(abortReason(waiter.signal!));
  }
}
