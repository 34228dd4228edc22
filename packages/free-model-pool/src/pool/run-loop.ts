import { FreeModelPoolError, PoolAbortedError, RequestStoppedError } from '../errors.js';
import { classifyFailure, cooldownApplies, POLICY, reasonDescription, redactSecrets } from '../failures/index.js';
import {
  capacityBlock,
  forgetCall,
  initialHealth,
  learnFromRateLimit,
  learnFromSuccess,
  recordCallSent,
  recordFailure,
  recordSuccess,
} from '../limits/index.js';
import type { Attempt, ClassifiedFailure, PoolOutcome, RequestNeeds, Tier, TokenUsage } from '../types.js';
import { ClassifiedAttemptError } from './attempt-error.js';
import { capacitySkip, selectCandidates } from './candidates.js';
import type { PoolEvent } from './requests.js';
import { countsAsFreeCall, type PoolRuntime } from './runtime.js';
import { noAnswerError, type DailyBlock, type MinuteBlock } from './no-answer.js';
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
}

/** The reason an attempt's own timer fired, so it is never mistaken for the caller's abort. */
class AttemptTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Tries the tier's candidates until one answers, `maxAttempts` calls were made, or the deadline
 * passes. Per call: daily cap checked (fail fast, no HTTP call), account pacer slot acquired
 * (waits up to maxWaitMs), own timeout, then the failure's policy decides: wait (account per-minute
 * 429: same model again after the window; rotating would burn quota), rotate (cool the model down
 * or remove it, next candidate), or stop (typed error at once).
 */
export async function runPooled<T>(
  rt: PoolRuntime,
  tier: Tier,
  needs: RequestNeeds,
  attemptFn: AttemptFn<T>,
  opts: RunOptions = {},
): Promise<PoolOutcome<T>> {
  const started = rt.now();
  const deadline = started + (opts.deadlineMs ?? rt.policy.requestDeadlineMs);
  const userSignal = opts.signal;
  const trail: Attempt[] = [];
  let totalWaited = 0;
  let calls = 0;

  const emit = (event: PoolEvent) => {
    try {
      rt.onEvent?.(event);
    } catch {
      // A broken listener must not break the request.
    }
  };
  const push = (a: Attempt) => {
    if (a.message) a.message = redactSecrets(a.message, rt.secrets);
    trail.push(a);
    emit({ type: 'attempt', tier, attempt: a });
  };
  const fail = (error: FreeModelPoolError): never => {
    emit({ type: 'failure', tier, error });
    throw error;
  };
  const abort = (cause?: unknown): never =>
    fail(
      new PoolAbortedError(`The request to the ${tier} pool was aborted by the caller; no further model was called.`, {
        reason: 'aborted',
        tier,
        attempts: trail,
        cause,
      }),
    );

  if (userSignal?.aborted) abort(userSignal.reason);

  const pool = rt.getPool();
  const selection = selectCandidates({
    ids: pool.tiers[tier] ?? [],
    models: pool.models,
    health: (id) => rt.store.getModelHealth(id),
    now: started,
    needs,
    assumeUnknownVision: tier === 'vision',
    capacity: rt.policy,
  });
  for (const s of selection.skipped) push(s);

  let stopNote = '';
  // Set once an account-wide limit blocks free models: later free candidates are skipped without a
  // call, and a pinned paid model in the tier may still answer.
  let dailyBlock: DailyBlock | undefined;
  let minuteBlock: MinuteBlock | undefined;
  let index = 0;
  while (index < selection.candidates.length) {
    const modelId = selection.candidates[index]!;
    const free = countsAsFreeCall(modelId);
    // Skips cost nothing, so they come before the maxAttempts and deadline checks.
    if (free && (dailyBlock || minuteBlock)) {
      push({
        model: modelId,
        outcome: 'skipped',
        reason: dailyBlock ? 'account_daily_limit' : 'account_minute_limit',
        message: dailyBlock ? `daily free-model limit reached; resets at ${isoSeconds(dailyBlock.resetAt)}` : minuteBlock!.message,
        waitedMs: 0,
        durationMs: 0,
      });
      index++;
      continue;
    }
    if (calls >= rt.policy.maxAttempts) {
      stopNote = ` (stopped after ${calls} calls, the maxAttempts limit)`;
      break;
    }
    if (rt.now() >= deadline) {
      stopNote = ` (the request deadline of ${formatDuration(deadline - started)} passed)`;
      break;
    }
    // Another request may have cooled or removed this model since the candidates were picked.
    const health = rt.store.getModelHealth(modelId);
    if (health?.removed || (health && health.cooldownUntil > rt.now())) {
      push({
        model: modelId,
        outcome: 'skipped',
        reason: health.removed ? 'model_gone' : 'model_rate_limit',
        message: health.removed ? 'removed from the pool' : `cooling down until ${formatTime(health.cooldownUntil, rt.now())}`,
        waitedMs: 0,
        durationMs: 0,
        ...(health.removed ? {} : { cooldownUntil: health.cooldownUntil }),
      });
      index++;
      continue;
    }
    // Another request may have used the model's learned upstream capacity meanwhile. Skipped only
    // while a later candidate remains: a learned capacity is a guess and never leaves a request empty.
    const full = selection.capacityFallback ? undefined : capacityBlock(health, rt.now(), rt.policy);
    if (full && index < selection.candidates.length - 1) {
      push(capacitySkip(modelId, full, rt.now()));
      index++;
      continue;
    }

    // Account limits, before any free-model call.
    let waitedMs = 0;
    let reservedAt: number | undefined;
    if (free) {
      const daily = rt.quota.check(rt.now());
      if (!daily.ok) {
        dailyBlock = { resetAt: daily.resetAt, limit: rt.quota.state(rt.now()).limit };
        continue; // skipped (without a call) at the top of the loop
      }
      const waitStart = rt.now();
      try {
        const maxWaitMs = Math.max(0, Math.min(rt.policy.maxWaitMs, deadline - waitStart));
        const acquired = await rt.pacer.acquire({ now: rt.now, sleep: rt.sleep, signal: userSignal, maxWaitMs });
        waitedMs = acquired.waitedMs;
        reservedAt = acquired.reservedAt;
      } catch (e) {
        if (userSignal?.aborted) abort(e);
        if (!(FreeModelPoolError.isInstance(e) && e.reason === 'account_minute_limit')) throw e;
        totalWaited += rt.now() - waitStart;
        minuteBlock = { retryAt: e.retryAt, message: e.message, cause: e };
        continue; // skipped (without a call) at the top of the loop
      }
      if (waitedMs > 0) {
        totalWaited += waitedMs;
        emit({ type: 'wait', tier, waitMs: waitedMs, reason: 'account_minute_limit' });
      }
      if (userSignal?.aborted) {
        rt.pacer.release(reservedAt!);
        abort(userSignal.reason);
      }
      // A wait may end at (or, with a late timer, just past) the deadline: a call then could only
      // time out, and would still count against the day.
      if (rt.now() >= deadline) {
        rt.pacer.release(reservedAt!);
        stopNote = ` (the request deadline of ${formatDuration(deadline - started)} passed)`;
        break;
      }
      // The day is counted before the call, in the same step as the check (see DailyQuota.reserve).
      const day = rt.quota.reserve(rt.now());
      if (!day.ok) {
        rt.pacer.release(reservedAt!);
        dailyBlock = { resetAt: day.resetAt, limit: rt.quota.state(rt.now()).limit };
        continue; // skipped (without a call) at the top of the loop
      }
    }
    if (userSignal?.aborted) abort(userSignal.reason);

    // The call, under its own timeout.
    const fullTimeoutMs = opts.attemptTimeoutMs ?? rt.policy.attemptTimeoutMs;
    const timeoutMs = Math.max(1, Math.min(fullTimeoutMs, deadline - rt.now()));
    // A timeout cut short by the request deadline says nothing about the model: no cooldown then.
    const cutByDeadline = timeoutMs < fullTimeoutMs;
    const sentAt = rt.now();
    calls++;
    // Counted before the answer, so concurrent requests see the model's window filling up.
    rt.store.setModelHealth(modelId, recordCallSent(rt.store.getModelHealth(modelId) ?? initialHealth(sentAt), sentAt, rt.policy));
    const { result, error, timedOut } = await timedAttempt(attemptFn, modelId, userSignal, timeoutMs);
    const endedAt = rt.now();
    const durationMs = endedAt - sentAt;
    // OpenRouter counts every free call against the day, failed ones included: counted above.
    if (reservedAt !== undefined) rt.pacer.settle(reservedAt, endedAt);

    if (result) {
      const healthy = recordSuccess(rt.store.getModelHealth(modelId), durationMs, endedAt);
      rt.store.setModelHealth(modelId, learnFromSuccess(healthy, endedAt, rt.policy));
      const servedBy = result.servedBy || modelId;
      push({
        model: modelId,
        outcome: 'success',
        ...(servedBy !== modelId ? { message: `served by ${servedBy}` } : {}),
        waitedMs,
        durationMs,
      });
      const outcome: PoolOutcome<T> = {
        value: result.value,
        model: servedBy,
        tier,
        attempts: trail,
        waitedMs: totalWaited,
        ...(result.usage ? { usage: result.usage } : {}),
      };
      emit({ type: 'success', outcome });
      return outcome;
    }

    if (userSignal?.aborted) {
      push({ model: modelId, outcome: 'failed', reason: 'aborted', message: 'aborted by the caller', waitedMs, durationMs });
      abort(error);
    }
    const failure = classifyAttemptError(error, timedOut, timeoutMs, rt, userSignal);
    const policy = POLICY[failure.reason];
    const line: Attempt = {
      model: modelId,
      outcome: 'failed',
      reason: failure.reason,
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      message: failure.message,
      waitedMs,
      durationMs,
    };

    if (failure.reason === 'account_minute_limit' || failure.reason === 'account_daily_limit') {
      // Refused by the account before it reached the model: it used none of the model's capacity.
      const h = rt.store.getModelHealth(modelId);
      if (h) rt.store.setModelHealth(modelId, forgetCall(h, sentAt));
    }
    if (failure.reason === 'account_minute_limit') {
      // Account-wide: every free model shares the window. Wait (next acquire) and retry this model.
      rt.pacer.observe429(failure, endedAt);
      push(line);
      continue;
    }
    if (failure.reason === 'account_daily_limit') {
      // Account-wide until the reset: no other free model can answer, so none is called.
      rt.quota.observe429(failure, endedAt);
      push(line);
      const check = rt.quota.check(endedAt);
      dailyBlock = {
        resetAt: check.ok ? (failure.retryAt ?? endedAt) : check.resetAt,
        limit: failure.rateLimitLimit,
        serverMessage: failure.message,
        status: failure.status,
      };
      index++;
      continue;
    }
    if (policy === 'stop') {
      push(line);
      if (failure.reason === 'aborted') abort(error);
      fail(
        new RequestStoppedError(
          `The request to the ${tier} pool was stopped: ${modelId} ${reasonDescription(failure.reason)}` +
            `${failure.status !== undefined ? ` (${failure.status})` : ''}: ${failure.message}. Another model would fail the same way.`,
          { reason: failure.reason, tier, attempts: trail, status: failure.status, retryAt: failure.retryAt },
        ),
      );
    }
    if (failure.reason === 'timeout' && cutByDeadline && timedOut) {
      push(line);
      index++;
      continue;
    }
    // Rotate: the model's health absorbs the failure (removal, cooldown, or a note), then the next one.
    let updated = recordFailure(rt.store.getModelHealth(modelId), failure, endedAt, rt.ladder);
    // The model's own rate limit teaches its upstream capacity, so later windows skip it without a call.
    if (failure.reason === 'model_rate_limit') updated = learnFromRateLimit(updated, sentAt, endedAt, failure.message, rt.policy);
    rt.store.setModelHealth(modelId, updated);
    if (cooldownApplies(failure.reason) && updated.cooldownUntil > endedAt) line.cooldownUntil = updated.cooldownUntil;
    push(line);
    index++;
  }

  return fail(noAnswerError(rt, tier, needs, trail, { dailyBlock, minuteBlock, stopNote }));
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
