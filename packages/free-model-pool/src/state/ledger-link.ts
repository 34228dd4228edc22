import type { ModelHealth } from '../types.js';
import {
  DEFAULT_SHARED_STATE_POLICY,
  type LedgerDaily,
  type LedgerMinuteBlock,
  type LedgerReservation,
  type LedgerReserveRequest,
  type LedgerSettle,
  type SharedLedger,
  type SharedStatePolicy,
} from './shared-ledger.js';
import { PublishingStore } from './publishing-store.js';
import type { PoolStore } from './store.js';

export interface LedgerLinkOptions {
  ledger: SharedLedger;
  /** The local working copy: the run loop reads it synchronously. */
  store: PoolStore;
  now: () => number;
  policy?: Partial<SharedStatePolicy>;
  /** Told once per outage that the pool serves from local state. */
  warn?: (message: string) => void;
  /** Told when the shared state is reachable again after an outage. */
  info?: (message: string) => void;
}

/**
 * The pool's side of a shared ledger: every operation bounded in time, with one outage at a time.
 * The in-memory store stays the working copy of model health (the run loop reads it synchronously);
 * this link publishes health changes behind the calls and merges what other processes published (it
 * comes back with every reservation) into the local store. The account's side (slots, the day) is
 * account/fleet-account.ts, which calls the ledger through this link.
 *
 * When the ledger fails or takes longer than `timeoutMs`, the link goes offline: the pool paces and
 * counts from local state (the caller's fallback), one warning says so, and one operation tries
 * the ledger again every `retryMs`, never more. The first one that succeeds re-joins.
 */
export class LedgerLink {
  readonly policy: Readonly<SharedStatePolicy>;
  /** The store the pool uses: the local copy, with health changes published to the ledger. */
  readonly store: PoolStore;
  private readonly ledger: SharedLedger;
  private readonly local: PoolStore;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  /** When the ledger last became reachable again after an outage. */
  private rejoinedAt: number | undefined;
  private readonly info: (message: string) => void;
  /** Local time until which the ledger is not tried (0: online). */
  private offlineUntil = 0;
  private outage = false;
  private readonly pending = new Map<string, ModelHealth>();
  private publishTimer: ReturnType<typeof setTimeout> | undefined;
  private publishing: Promise<void> = Promise.resolve();
  /** Writes sent without waiting (release, settle, the server's 429s, offline calls). */
  private readonly writes = new Set<Promise<void>>();
  /** Local daily units spent while offline; charged to the ledger when it is back. */
  private offlineCalls = 0;
  /** When other processes' health was last merged (local clock); a pull in flight is shared. */
  private mergedAt = Number.NEGATIVE_INFINITY;
  private pulling: Promise<void> | undefined;
  /** This process's slots beyond the confirmed count, unanswered, and the waiters for their answer. */
  private readonly frontiers = new Map<string, { answered: Promise<void>; resolve: () => void }>();

  constructor(opts: LedgerLinkOptions) {
    this.ledger = opts.ledger;
    this.local = opts.store;
    this.now = opts.now;
    this.policy = { ...DEFAULT_SHARED_STATE_POLICY, ...opts.policy };
    this.warn = opts.warn ?? (() => undefined);
    this.info = opts.info ?? (() => undefined);
    this.store = new PublishingStore(this.local, (id, h) => this.notePublish(id, h));
  }

  /** Whether the ledger is being used right now (false during an outage until the next retry). */
  get online(): boolean {
    return this.offlineUntil <= this.now();
  }

  /** Whether the last ledger operation failed (the pool serves from local state). */
  get inOutage(): boolean {
    return this.outage;
  }

  /**
   * A slot and a daily unit in one atomic step, or undefined when the ledger cannot be used now (the
   * caller falls back to local state). Other processes' health that comes back is merged first.
   */
  async reserve(request: Omit<LedgerReserveRequest, 'localNow'>): Promise<LedgerReservation | undefined> {
    if (!this.online) return undefined;
    const localNow = this.now();
    const result = await this.attempt(
      () => this.ledger.reserve({ ...request, localNow }),
      // A reservation that wins after the pool stopped waiting would hold a slot and a daily unit
      // no call uses: it goes back.
      (late) => {
        if (late.ok) this.write(() => this.ledger.release(late.slotId));
      },
    );
    if (!result) return undefined;
    this.merge(result.health);
    this.mergedAt = localNow;
    if (result.ok && result.frontier) {
      let resolve!: () => void;
      const answered = new Promise<void>((r) => (resolve = r));
      this.frontiers.set(result.slotId, { answered, resolve });
    }
    return result;
  }

  /** Counts a daily unit spent from local state while offline, charged to the ledger on re-join. */
  noteOfflineCall(): void {
    this.offlineCalls++;
  }

  /** A unit noted offline went back unused (no call was sent with it). */
  forgetOfflineCall(): void {
    this.offlineCalls = Math.max(0, this.offlineCalls - 1);
  }

  release(slotId: string): void {
    this.answerFrontier(slotId);
    this.write(() => this.ledger.release(slotId));
  }

  settle(slotId: string, outcome: LedgerSettle): void {
    this.write(() => this.ledger.settle(slotId, outcome)).finally(() => this.answerFrontier(slotId));
  }

  /** Settles when this process's call beyond the confirmed count is answered; undefined when it has none. */
  frontierAnswered(): Promise<void> | undefined {
    return this.frontiers.values().next().value?.answered;
  }

  private answerFrontier(slotId: string): void {
    this.frontiers.get(slotId)?.resolve();
    this.frontiers.delete(slotId);
  }

  blockMinute(block: LedgerMinuteBlock): void {
    if (this.online) this.write(() => this.ledger.blockMinute(block));
  }

  exhaustDay(resetInMs: number, limit?: number): void {
    if (this.online) this.write(() => this.ledger.exhaustDay(resetInMs, limit));
  }

  async seedDaily(daily: LedgerDaily): Promise<void> {
    if (this.online) await this.attempt(() => this.ledger.seedDaily(daily));
  }

  /** Pulls other processes' health into the local store now (reservations do this on their own). */
  async refresh(): Promise<void> {
    if (!this.online) return;
    const localNow = this.now();
    const rows = await this.attempt(() => this.ledger.pullHealth(localNow));
    if (rows) {
      this.merge(rows);
      this.mergedAt = localNow;
    }
  }

  /** Pulls health when the last look is older than `healthMaxAgeMs`; concurrent callers share one pull. */
  async freshen(): Promise<void> {
    if (!this.online || this.now() - this.mergedAt <= this.policy.healthMaxAgeMs) return;
    this.pulling ??= this.refresh().finally(() => (this.pulling = undefined));
    await this.pulling;
  }

  /** A write the caller does not wait for; `flush` does. */
  private write(op: () => Promise<unknown>): Promise<void> {
    const done = this.attempt(op).then(() => undefined);
    this.writes.add(done);
    void done.finally(() => this.writes.delete(done));
    return done;
  }

  /** Waits for the writes in flight and the health changes not yet published (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.writes]);
    if (this.publishTimer) {
      clearTimeout(this.publishTimer);
      this.publishTimer = undefined;
      this.publish();
    }
    await this.publishing;
  }

  /** Runs one ledger operation within `timeoutMs`; a failure starts (or continues) an outage. */
  private async attempt<T>(op: () => Promise<T>, lateResult?: (result: T) => void): Promise<T | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gaveUp = false;
    try {
      const running = op();
      if (lateResult) running.then((r) => gaveUp && lateResult(r), () => undefined);
      const result = await Promise.race([
        running,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            gaveUp = true;
            reject(new Error(`no answer within ${this.policy.timeoutMs} ms`));
          }, this.policy.timeoutMs);
          timer.unref?.();
        }),
      ]);
      if (this.outage) this.rejoin();
      return result;
    } catch (error) {
      this.offlineUntil = this.now() + this.policy.retryMs;
      if (!this.outage) {
        this.outage = true;
        const message =
          `the shared pool state is unreachable (${error instanceof Error ? error.message : String(error)}); ` +
          `pacing and counting from this process's own state, trying again every ${Math.round(this.policy.retryMs / 1000)} s`;
        // One warning per outage: a drop soon after re-joining is the same outage flapping.
        const flapping = this.rejoinedAt !== undefined && this.now() - this.rejoinedAt < this.policy.outageRewarnMs;
        if (flapping) this.info(`${message} (again, soon after re-joining)`);
        else this.warn(message);
      }
      return undefined;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private rejoin(): void {
    this.outage = false;
    this.rejoinedAt = this.now();
    this.offlineUntil = 0;
    const spent = this.offlineCalls;
    this.offlineCalls = 0;
    this.info(`the shared pool state is reachable again; ${spent} free call(s) made meanwhile are charged to the shared day`);
    if (spent > 0) this.write(() => this.ledger.chargeDaily(spent));
    // What this process learned meanwhile goes to the others.
    for (const [id, h] of this.local.listModelHealth()) this.pending.set(id, h);
    this.schedulePublish();
  }

  private notePublish(modelId: string, health: ModelHealth): void {
    this.pending.set(modelId, health);
    this.schedulePublish();
  }

  private schedulePublish(): void {
    if (this.publishTimer || this.pending.size === 0) return;
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined;
      this.publish();
    }, this.policy.publishDelayMs);
    this.publishTimer.unref?.();
  }

  /** Publishes are chained, so an older snapshot never lands after a newer one. */
  private publish(): void {
    if (this.pending.size === 0 || !this.online) return;
    const rows = [...this.pending.entries()];
    this.pending.clear();
    const localNow = this.now();
    this.publishing = this.publishing.then(async () => {
      const done = await this.attempt(() => this.ledger.publishHealth(rows, localNow).then(() => true));
      // Not published: kept for the re-join, unless something newer was noted meanwhile.
      if (!done) for (const [id, h] of rows) if (!this.pending.has(id)) this.pending.set(id, h);
    });
  }

  /** Another process's health replaces ours when it is newer (a later cooldown, removal or success). */
  private merge(rows: Array<[string, ModelHealth]>): void {
    for (const [id, remote] of rows) {
      const mine = this.local.getModelHealth(id);
      if (mine && mine.updatedAt > remote.updatedAt) continue;
      this.local.setModelHealth(id, remote);
    }
  }
}
