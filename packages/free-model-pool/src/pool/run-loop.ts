import { FreeModelPoolError, PoolAbortedError, RequestStoppedError } from '../errors.js';
import { classifyFailure, POLICY, reasonDescription, redactError, redactSecrets } from '../failures/index.js';
import { capacityBlock } from '../limits/index.js';
import type { Attempt, ClassifiedFailure, PoolOutcome, RequestNeeds, Tier, TokenUsage } from '../types.js';
import { ClassifiedAttemptError } from './attempt-error.js';
import { capacitySkip, selectCandidates, type CandidateSelection } from './candidates.js';
import { applyFailure, applySuccess, noteCallSent } from './model-outcome.js';
import { noAnswerError, type DailyBlock, type MinuteBlock } from './no-answer.js';
import type { PoolEvent } from './requests.js';
import { countsAsFreeCall, emitEvent, type PoolRuntime } from './runtime.js';
import { formatDuration, formatTime, isoSeconds } from './trail-message.js';

/** What one successful attempt hands back to the loop. */
export interface AttemptResult<T> {
  value: T;
  /** The model id the response reported (OpenRouter may name a concrete variant). */
  servedBy?: string;
  usage?: TokenUsage;
}

/** One call to one model. `signal` fires on the caller's abort or this attempt's timeout. */
export type AttemptFn<T> = (modelId: string, signal: AbortSignal) => Promise<AttemptResult<T>>;

export interface RunOptions {
  /** The caller's abort signal: stops at once, no further call. */
  signal?: AbortSignal;
  /** Overrides policy.requestDeadlineMs. */
  deadlineMs?: number;
  /** Overrides policy.attemptTimeoutMs (streams use firstChunkTimeoutMs: the attempt ends at the first chunk). */
  attemptTimeoutMs?: number;
  /**
   * Emit the `success` event when an attempt succeeds (default true). A stream's attempt succeeds
   * at its first chunk; it reports its own success once the answer is complete.
   */
  reportSuccess?: boolean;
}

/** The reason an attempt's own timer fired, so it is never mistaken for the caller's abort. */
class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** An account slot taken for one call; `release` gives it back when no call is sent after all. */
interface AccountSlot {
  waitedMs: number;
  reservedAt?: number;
}

/**
 * One request's run: its trail, its deadline, what account limit blocks free models, and the
 * events it reports. The steps below read and update it; `runPooled` only sequences them.
 */
class Run {
  readonly started: number;
  readonly deadline: number;
  readonly trail: Attempt[] = [];
  totalWaited = 0;
  calls = 0;
  stopNote = '';
  /** Set once an account-wide limit blocks free models: later free candidates are skipped without a call. */
  dailyBlock: DailyBlock | undefined;
  minuteBlock: MinuteBlock | undefined;

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

  push(a: Attempt): void {
    if (a.message) a.message = redactSecrets(a.message, this.rt.secrets);
    this.trail.push(a);
    this.emit({ type: 'attempt', tier: this.tier, attempt: a });
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

/**
 * Tries the tier's candidates until one answers, `maxAttempts` calls were made, or the deadline
 * passes. Per candidate: skipped without a call when it cannot be called now (an account limit,
 * a cooldown, a removal, its learned capacity); otherwise an account slot is taken (waits up to
 * maxWaitMs), the candidate is checked again (another request may have cooled it meanwhile), the
 * call runs under its own timeout, and the failure's policy decides: wait (account per-minute
 * 429: same model again after the window), rotate (the model's health absorbs it, next
 * candidate), stop_free (daily cap: no free model until the reset), or stop (typed error at once).
 */
export async function runPooled<T>(
  rt: PoolRuntime,
  tier: Tier,
  needs: RequestNeeds,
  attemptFn: AttemptFn<T>,
  opts: RunOptions = {},
): Promise<PoolOutcome<T>> {
  const run = new Run(rt, tier, opts);
  if (run.signal?.aborted) run.abort(run.signal.reason);

  const pool = rt.getPool();
  const selection = selectCandidates({
    ids: pool.tiers[tier] ?? [],
    models: pool.models,
    health: (id) => rt.store.getModelHealth(id),
    now: run.started,
    needs,
    assumeUnknownVision: tier === 'vision',
    capacity: rt.policy,
  });
  for (const s of selection.skipped) run.push(s);

  const { candidates } = selection;
  let index = 0;
  while (index < candidates.length) {
    const modelId = candidates[index]!;
    const isLast = index === candidates.length - 1;
    // Skips cost nothing, so they come before the maxAttempts and deadline checks.
    const skip = skipNow(run, selection, modelId, isLast);
    if (skip) {
      run.push(skip);
      index++;
      continue;
    }
    if (run.calls >= rt.policy.maxAttempts) {
      run.stopNote = ` (stopped after ${run.calls} calls, the maxAttempts limit)`;
      break;
    }
    if (run.deadlinePassed()) break;

    const slot = await takeAccountSlot(run, modelId);
    if (slot === 'blocked') continue; // skipped (without a call) at the top of the loop
    if (slot === 'deadline') break;
    // The wait may have been long: another request may have cooled, removed or filled this model.
    const late = skipNow(run, selection, modelId, isLast);
    if (late) {
      releaseSlot(rt, slot);
      run.push(late);
      index++;
      continue;
    }
    if (!reserveDay(run, modelId, slot)) continue;

    const next = await callOnce(run, modelId, attemptFn, slot);
    if (next.done) return next.outcome;
    if (next.advance) index++;
  }

  return run.fail(noAnswerError(rt, tier, needs, run.trail, { dailyBlock: run.dailyBlock, minuteBlock: run.minuteBlock, stopNote: run.stopNote }));
}

/**
 * Why `modelId` cannot be called at this moment, as a skipped trail line, or undefined when it can:
 * an account limit already blocks free models, or (since the candidates were picked, or during the
 * wait for a slot) the model was removed, started cooling down, or used its learned capacity. A
 * learned capacity is a guess, so it never skips the last candidate.
 */
function skipNow(run: Run, selection: CandidateSelection, modelId: string, isLast: boolean): Attempt | undefined {
  const { rt } = run;
  const now = rt.now();
  if (countsAsFreeCall(modelId) && (run.dailyBlock || run.minuteBlock)) {
    return {
      model: modelId,
      outcome: 'skipped',
      reason: run.dailyBlock ? 'account_daily_limit' : 'account_minute_limit',
      message: run.dailyBlock ? `daily free-model limit reached; resets at ${isoSeconds(run.dailyBlock.resetAt)}` : run.minuteBlock!.message,
      waitedMs: 0,
      durationMs: 0,
    };
  }
  const health = rt.store.getModelHealth(modelId);
  if (health?.removed) {
    return { model: modelId, outcome: 'skipped', reason: 'model_gone', message: 'removed from the pool', waitedMs: 0, durationMs: 0 };
  }
  if (health && health.cooldownUntil > now) {
    return {
      model: modelId,
      outcome: 'skipped',
      reason: 'model_rate_limit',
      message: `cooling down until ${formatTime(health.cooldownUntil, now)}`,
      waitedMs: 0,
      durationMs: 0,
      cooldownUntil: health.cooldownUntil,
    };
  }
  const full = selection.capacityFallback || isLast ? undefined : capacityBlock(health, now, rt.policy);
  return full ? capacitySkip(modelId, full, now) : undefined;
}

/**
 * Takes a slot in the account window for a free model (waiting up to maxWaitMs, bounded by the
 * deadline). Paid models need none. Returns 'blocked' when an account limit now blocks free models
 * (recorded on the run), 'deadline' when the wait ended at the deadline, where a call could only
 * time out and would still count against the day.
 */
async function takeAccountSlot(run: Run, modelId: string): Promise<AccountSlot | 'blocked' | 'deadline'> {
  const { rt } = run;
  if (!countsAsFreeCall(modelId)) return { waitedMs: 0 };
  const daily = rt.quota.check(rt.now());
  if (!daily.ok) {
    run.dailyBlock = { resetAt: daily.resetAt, limit: rt.quota.state(rt.now()).limit };
    return 'blocked';
  }
  const waitStart = rt.now();
  let slot: AccountSlot;
  try {
    const maxWaitMs = Math.max(0, Math.min(rt.policy.maxWaitMs, run.deadline - waitStart));
    const acquired = await rt.pacer.acquire({ now: rt.now, sleep: rt.sleep, signal: run.signal, maxWaitMs });
    slot = { waitedMs: acquired.waitedMs, reservedAt: acquired.reservedAt };
  } catch (e) {
    if (run.signal?.aborted) run.abort(e);
    if (!(FreeModelPoolError.isInstance(e) && e.reason === 'account_minute_limit')) throw e;
    run.totalWaited += rt.now() - waitStart;
    run.minuteBlock = { retryAt: e.retryAt, message: e.message, cause: e };
    return 'blocked';
  }
  if (slot.waitedMs > 0) {
    run.totalWaited += slot.waitedMs;
    run.emit({ type: 'wait', tier: run.tier, waitMs: slot.waitedMs, reason: 'account_minute_limit' });
  }
  if (run.signal?.aborted) {
    releaseSlot(rt, slot);
    run.abort(run.signal.reason);
  }
  if (run.deadlinePassed()) {
    releaseSlot(rt, slot);
    return 'deadline';
  }
  return slot;
}

function releaseSlot(rt: PoolRuntime, slot: AccountSlot): void {
  if (slot.reservedAt !== undefined) rt.pacer.release(slot.reservedAt);
}

/**
 * Counts the call against the day before it is sent, in the same step as the check, so concurrent
 * requests cannot overshoot the cap. False (slot given back, free models blocked) when the day
 * ran out meanwhile.
 */
function reserveDay(run: Run, modelId: string, slot: AccountSlot): boolean {
  const { rt } = run;
  if (!countsAsFreeCall(modelId)) return true;
  const day = rt.quota.reserve(rt.now());
  if (day.ok) return true;
  releaseSlot(rt, slot);
  run.dailyBlock = { resetAt: day.resetAt, limit: rt.quota.state(rt.now()).limit };
  return false;
}

type CallStep<T> = { done: true; outcome: PoolOutcome<T> } | { done: false; advance: boolean };

/**
 * Sends one call and applies its outcome: a success ends the run; a failure goes to the model's
 * health (`applyFailure`) and the reason's policy decides whether the same candidate is tried
 * again (`wait`), the next one (`rotate`, `stop_free`), or the run ends (`stop`).
 */
async function callOnce<T>(run: Run, modelId: string, attemptFn: AttemptFn<T>, slot: AccountSlot): Promise<CallStep<T>> {
  const { rt, tier } = run;
  if (run.signal?.aborted) {
    releaseSlot(rt, slot);
    run.abort(run.signal.reason);
  }
  const fullTimeoutMs = run.opts.attemptTimeoutMs ?? rt.policy.attemptTimeoutMs;
  const timeoutMs = Math.max(1, Math.min(fullTimeoutMs, run.deadline - rt.now()));
  // A timeout cut short by the request deadline says nothing about the model: no cooldown then.
  const cutByDeadline = timeoutMs < fullTimeoutMs;
  const sentAt = rt.now();
  run.calls++;
  noteCallSent(rt, modelId, sentAt);
  const { result, error, timedOut } = await timedAttempt(attemptFn, modelId, run.signal, timeoutMs);
  const endedAt = rt.now();
  const durationMs = endedAt - sentAt;
  // OpenRouter counts every free call against the day, failed ones included: counted before the call.
  if (slot.reservedAt !== undefined) rt.pacer.settle(slot.reservedAt, endedAt);
  const waitedMs = slot.waitedMs;

  if (result) {
    applySuccess(rt, modelId, durationMs, endedAt);
    const servedBy = result.servedBy || modelId;
    run.push({ model: modelId, outcome: 'success', ...(servedBy !== modelId ? { message: `served by ${servedBy}` } : {}), waitedMs, durationMs });
    const outcome: PoolOutcome<T> = {
      value: result.value,
      model: servedBy,
      tier,
      attempts: run.trail,
      waitedMs: run.totalWaited,
      ...(result.usage ? { usage: result.usage } : {}),
    };
    if (run.opts.reportSuccess !== false) run.emit({ type: 'success', outcome });
    return { done: true, outcome };
  }

  if (run.signal?.aborted) {
    run.push({ model: modelId, outcome: 'failed', reason: 'aborted', message: 'aborted by the caller', waitedMs, durationMs });
    run.abort(error);
  }
  const failure = classifyAttemptError(error, timedOut, timeoutMs, rt, run.signal);
  const line: Attempt = {
    model: modelId,
    outcome: 'failed',
    reason: failure.reason,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    message: failure.message,
    waitedMs,
    durationMs,
  };
  const cooldownUntil = applyFailure(rt, modelId, failure, { sentAt, endedAt, cutByDeadline: cutByDeadline && timedOut });
  if (cooldownUntil !== undefined) line.cooldownUntil = cooldownUntil;
  run.push(line);

  switch (POLICY[failure.reason]) {
    case 'wait':
      // Account-wide: every free model shares the window. The next acquire waits; then this model again.
      rt.pacer.observe429(failure, endedAt);
      return { done: false, advance: false };
    case 'stop_free': {
      // Account-wide until the reset: no other free model can answer, so none is called.
      rt.quota.observe429(failure, endedAt);
      const check = rt.quota.check(endedAt);
      run.dailyBlock = {
        resetAt: check.ok ? (failure.retryAt ?? endedAt) : check.resetAt,
        limit: failure.rateLimitLimit,
        serverMessage: failure.message,
        status: failure.status,
      };
      return { done: false, advance: true };
    }
    case 'stop':
      if (failure.reason === 'aborted') run.abort(error);
      return run.fail(
        new RequestStoppedError(
          `The request to the ${tier} pool was stopped: ${modelId} ${reasonDescription(failure.reason)}` +
            `${failure.status !== undefined ? ` (${failure.status})` : ''}: ${failure.message}. Another model would fail the same way.`,
          { reason: failure.reason, tier, attempts: run.trail, status: failure.status, retryAt: failure.retryAt },
        ),
      );
    case 'rotate':
      return { done: false, advance: true };
  }
}

/**
 * Runs one attempt under its own timeout. The attempt's signal fires on the caller's abort or the
 * timeout; `timedOut` says which, so a timeout is never mistaken for the caller's abort.
 */
async function timedAttempt<T>(
  attemptFn: AttemptFn<T>,
  modelId: string,
  userSignal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<{ result?: AttemptResult<T>; error?: unknown; timedOut: boolean }> {
  const controller = new AbortController();
  const handle = setTimeout(() => controller.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs);
  // Linked by hand and unlinked in `finally`, not with AbortSignal.any: a caller that reuses one
  // long-lived signal would otherwise keep a dependant signal per attempt alive (Node 20).
  const onCallerAbort = () => controller.abort(userSignal!.reason);
  if (userSignal?.aborted) onCallerAbort();
  else userSignal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return { result: await attemptFn(modelId, controller.signal), timedOut: false };
  } catch (error) {
    return { error, timedOut: controller.signal.reason instanceof AttemptTimeoutError && !userSignal?.aborted };
  } finally {
    clearTimeout(handle);
    userSignal?.removeEventListener('abort', onCallerAbort);
  }
}

/** One reason for a failed attempt: pre-classified, our own timeout, or classifyFailure. */
function classifyAttemptError(
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
  rt: PoolRuntime,
  userSignal: AbortSignal | undefined,
): ClassifiedFailure {
  let failure: ClassifiedFailure;
  if (ClassifiedAttemptError.isInstance(error)) failure = { ...error.failure };
  else if (timedOut) failure = { reason: 'timeout', message: `no answer within ${timeoutMs} ms` };
  else failure = classifyFailure(error, { now: rt.now(), callerSignal: userSignal, secrets: rt.secrets });
  failure.message = redactSecrets(failure.message, rt.secrets);
  return failure;
}
