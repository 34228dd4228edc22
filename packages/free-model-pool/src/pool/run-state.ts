import type { AccountBlock } from '../account/account.js';
import { PoolAbortedError, type FreeModelPoolError } from '../errors.js';
import { redactError, redactSecrets } from '../failures/index.js';
import type { Attempt, ClassifiedFailure, Tier } from '../types.js';
import type { DailyBlock, MinuteBlock } from './no-answer.js';
import type { PoolEvent } from './requests.js';
import type { RunOptions } from './run-types.js';
import { emitEvent, type PoolRuntime } from './runtime.js';
import { formatDuration } from './trail-message.js';

/**
 * One request's run: its trail, its deadline, what account limit blocks free models, and the
 * events it reports. The steps below read and update it; `runPooled` only sequences them.
 */
export class Run {
  readonly started: number;
  readonly deadline: number;
  readonly trail: Attempt[] = [];
  totalWaited = 0;
  calls = 0;
  stopNote = '';
  /** Set once an account-wide limit blocks free models (`block`): later free candidates are skipped without a call. */
  dailyBlock: DailyBlock | undefined;
  minuteBlock: MinuteBlock | undefined;
  /** Why the request moved to another tier; the first trail line of that tier says it. */
  fellBack: string | undefined;
  private fallbackNoted = false;
  /**
   * The first refusal whose policy is `confirm` (request-fault.ts): the request may make one more
   * call, to another model, to tell whether the request or the model was at fault; then it stops.
   */
  requestFault: { model: string; failure: ClassifiedFailure } | undefined;

  constructor(
    readonly rt: PoolRuntime,
    readonly tier: Tier,
    readonly opts: RunOptions,
  ) {
    this.started = rt.now();
    this.deadline = this.started + (opts.deadlineMs ?? rt.policy.requestDeadlineMs);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  emit(event: PoolEvent): void {
    emitEvent(this.rt, event);
  }

  /** Adds a trail line; one for a model of a fallback tier names that tier. */
  push(a: Attempt, tier: Tier = this.tier): void {
    if (a.message) a.message = redactSecrets(a.message, this.rt.secrets);
    if (tier !== this.tier) a.tier = tier;
    if (tier !== this.tier && this.fellBack && !this.fallbackNoted) {
      a.note = `fell back to the ${tier} pool: ${this.fellBack}`;
      this.fallbackNoted = true;
    }
    this.trail.push(a);
    this.emit({ type: 'attempt', tier: this.tier, attempt: a });
  }

  /**
   * A skip line, unless the trail already says the same of the same model since its last call:
   * a request that waits and picks candidates again would otherwise repeat every skip.
   */
  pushOnce(a: Attempt, tier: Tier = this.tier): void {
    for (let i = this.trail.length - 1; i >= 0; i--) {
      const t = this.trail[i]!;
      if (t.model !== a.model) continue;
      if (t.outcome === 'skipped' && t.reason === a.reason && (t.tier ?? this.tier) === tier) return;
      break;
    }
    this.push(a, tier);
  }

  /**
   * The one place an account block is recorded: the day (or the reply reserve) until its reset, or
   * the window beyond the wait allowed; with the server's words when a call got the daily 429.
   */
  block(b: AccountBlock, server?: { message: string; status?: number }): void {
    if (b.kind === 'minute') {
      this.minuteBlock = { retryAt: b.retryAt, message: b.message };
      return;
    }
    this.dailyBlock = {
      resetAt: b.resetAt,
      ...(b.limit !== undefined ? { limit: b.limit } : {}),
      ...(b.kind === 'reserve' ? { reserveHeld: { remaining: b.remaining, reserve: b.reserve } } : {}),
      ...(server ? { serverMessage: server.message, ...(server.status !== undefined ? { status: server.status } : {}) } : {}),
    };
  }

  fail(error: FreeModelPoolError): never {
    redactError(error, this.rt.secrets);
    this.emit({ type: 'failure', tier: this.tier, error });
    throw error;
  }

  abort(cause?: unknown): never {
    return this.fail(
      new PoolAbortedError(`The request to the ${this.tier} pool was aborted by the caller; no further model was called.`, {
        reason: 'aborted',
        tier: this.tier,
        attempts: this.trail,
        cause,
      }),
    );
  }

  deadlinePassed(): boolean {
    if (this.rt.now() < this.deadline) return false;
    this.stopNote = ` (the request deadline of ${formatDuration(this.deadline - this.started)} passed)`;
    return true;
  }
}

/** Where a request queues among others waiting for the same moment: reply-path calls first. */
export function waitRank(run: Run): number {
  return run.opts.priority === 'background' ? 1 : 0;
}
