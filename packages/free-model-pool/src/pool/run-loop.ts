import { POLICY, refusedByAccount } from '../failures/index.js';
import type { Attempt, PoolOutcome, RequestNeeds, Tier } from '../types.js';
import type { AccountSlot } from '../account/account.js';
import { takeSlot } from './account-step.js';
import type { CandidateSelection } from './candidates.js';
import { notCallable, skipLine } from './readiness.js';
import { applyFailure, applyNote, applySuccess, noteCallSent, noteProbe } from './model-outcome.js';
import { noAnswerError } from './no-answer.js';
import { requestFaultError, stoppedError } from './request-fault.js';
import { selectFor, soonestCallable } from './soonest-capacity.js';
import { Run, waitRank } from './run-state.js';
import { countsAsFreeCall, type PoolRuntime } from './runtime.js';
import { classifyAttemptError, timedAttempt } from './timed-attempt.js';
import type { AttemptFn, AttemptNote, RunOptions } from './run-types.js';
import { outOfPatience } from './tier-patience.js';
import { isoSeconds } from './trail-message.js';

export type { AttemptFn, AttemptResult, RunOptions } from './run-types.js';

/**
 * Tries the tier's candidates until one answers, `maxAttempts` calls were made, or the deadline
 * passes. Per candidate: skipped without a call when it cannot be called now (an account limit,
 * a cooldown, a removal, its learned capacity); otherwise an account slot is taken (waits up to
 * maxWaitMs), the candidate is checked again (another request may have cooled it meanwhile), the
 * call runs under its own timeout, and the failure's policy decides: wait (account per-minute
 * 429: same model again after the window), rotate (the model's health absorbs it, next
 * candidate), stop_free (daily cap: no free model until the reset), confirm (a refused request:
 * one more call, to the next model, then stop; request-fault.ts), or stop (typed error at once).
 *
 * When no candidate can be called now, the request waits for the soonest moment one can (a
 * cooldown ends, a learned window slides, an account slot frees) if that is within its wait budget
 * and deadline, then picks candidates again. Only when the tier has nothing within the wait does
 * it fall back to the next tier of `policy.tierFallback` (large → small by default); a reply-path
 * request falls back sooner, once its own tier is further away than `replyPatienceMs` and the next
 * tier can answer now (tier-patience.ts). On the reply path fast models go before slow ones.
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
  const tiers = [tier, ...(rt.policy.tierFallback[tier] ?? []).filter((t) => t !== tier)];
  let current = tier;
  for (;;) {
    const callsBefore = run.calls;
    const lookedAt = rt.now();
    const selection = claimProbe(rt, select(run, current, needs, lookedAt));
    for (const s of selection.skipped) run.pushOnce(s, current);
    const answered = await tryCandidates(run, selection, current, needs, attemptFn);
    if (answered) return answered;
    // A refused request gets no wait and no other tier: no other model could be called to tell why.
    if (run.requestFault && !run.dailyBlock) return run.fail(requestFaultError(run));
    // Nothing more can happen for this request: a limit or the budget ended it.
    if (run.dailyBlock || run.stopNote) break;
    const next = run.minuteBlock ? undefined : tiers[tiers.indexOf(current) + 1];
    // A person waits for a reply: the next tier's answer now, rather than this tier's much later.
    const impatient = next !== undefined ? outOfPatience(run, current, next, needs) : undefined;
    if (!impatient && (await waitForCapacity(run, current, needs, { calledThisPass: run.calls > callsBefore, lookedAt }))) continue;
    if (next === undefined) break;
    run.fellBack = impatient ?? `no model of the ${current} pool could answer within the wait`;
    current = next;
  }
  return run.fail(noAnswerError(rt, tier, needs, run.trail, { dailyBlock: run.dailyBlock, minuteBlock: run.minuteBlock, stopNote: run.stopNote }));
}

/** The tier's candidates for this request now: on the reply path, fast models before slow ones. */
function select(run: Run, tier: Tier, needs: RequestNeeds, now = run.rt.now()): CandidateSelection {
  return selectFor(run.rt, tier, needs, now, { latency: run.opts.priority !== 'background' });
}

/**
 * A recovery probe goes to the request that would call the model first; it is claimed now, in the
 * same step as the selection, so requests arriving together do not all probe it. Probes further
 * down the order are dropped: this request would not reach them.
 */
function claimProbe(rt: PoolRuntime, selection: CandidateSelection): CandidateSelection {
  const first = selection.candidates[0];
  if (!selection.probes) return selection;
  const { probes: _dropped, ...rest } = selection;
  if (first === undefined || !selection.probes.has(first)) return rest;
  noteProbe(rt, first, rt.now());
  return { ...rest, probes: new Set([first]) };
}

/** One pass over a selection: the answer, or undefined when every candidate was skipped or failed. */
async function tryCandidates<T>(
  run: Run,
  selection: CandidateSelection,
  tier: Tier,
  needs: RequestNeeds,
  attemptFn: AttemptFn<T>,
): Promise<PoolOutcome<T> | undefined> {
  const { rt } = run;
  const { candidates } = selection;
  let index = 0;
  while (index < candidates.length) {
    const modelId = candidates[index]!;
    const isLast = index === candidates.length - 1;
    // Skips cost nothing, so they come before the maxAttempts and deadline checks.
    const skip = skipNow(run, selection, modelId, isLast);
    if (skip) {
      run.pushOnce(skip, tier);
      index++;
      continue;
    }
    if (run.calls >= rt.policy.maxAttempts) {
      run.stopNote = ` (stopped after ${run.calls} calls, the maxAttempts limit)`;
      return undefined;
    }
    if (run.deadlinePassed()) return undefined;
    // Every model has used its learned capacity: wait for the first to have room rather than spend
    // a call on a likely 429, when that moment is within the request's wait.
    if (selection.capacityFallback && index === 0 && (await waitForCapacity(run, tier, needs, { at: selection.capacityFreesAt }))) {
      return tryCandidates(run, claimProbe(rt, select(run, tier, needs)), tier, needs, attemptFn);
    }

    // The account checks the model again right before it takes a slot, and after every wait for one:
    // another request may have cooled, removed or filled it meanwhile.
    const slot = await takeSlot(run, modelId, () => !skipNow(run, selection, modelId, isLast));
    if (slot === 'again') continue; // skipped (without a call) at the top of the loop
    if (slot === 'deadline') return undefined;

    const next = await callOnce(run, modelId, attemptFn, slot, tier, selection.probes?.has(modelId) === true);
    if (next.done) return next.outcome;
    if (next.advance) index++;
  }
  return undefined;
}

/**
 * Waits until a model of the tier can be called, when that moment is within the request's wait
 * budget (`maxWaitMs`, less what it already waited) and before its deadline. False, at once, when
 * the moment is further away or unknown, or when a model was callable when the pass looked
 * (`lookedAt`) and the pass still called nothing: looking again could only spin. A moment that
 * came while the pass ran (a cooldown that ended between the pass's look and now) is looked at again.
 */
async function waitForCapacity(
  run: Run,
  tier: Tier,
  needs: RequestNeeds,
  o: { calledThisPass?: boolean; lookedAt?: number; at?: number },
): Promise<boolean> {
  const { rt } = run;
  const now = rt.now();
  const lookedAt = o.lookedAt ?? now;
  const moment = o.at ?? soonestCallable(rt, tier, needs, lookedAt);
  if (moment === undefined) return false;
  if (moment <= lookedAt) return o.calledThisPass === true;
  if (moment <= now) return true;
  const budget = rt.policy.maxWaitMs - run.totalWaited;
  if (moment - now > budget || moment >= run.deadline) return false;
  await rt.waits.until(moment, { signal: run.signal, rank: waitRank(run) }).catch((e: unknown) => run.abort(e));
  // Counted as at least the wait asked for, so a clock that did not move cannot make it wait forever.
  const waited = Math.max(rt.now() - now, moment - now);
  run.totalWaited += waited;
  run.emit({ type: 'wait', tier, waitMs: waited, reason: 'model_rate_limit' });
  return true;
}

/**
 * Why `modelId` cannot be called at this moment, as a skipped trail line, or undefined when it can:
 * an account limit already blocks free models, or (since the candidates were picked, or during the
 * wait for a slot) the model was removed, started cooling down, or used its learned capacity
 * (readiness.ts). A learned capacity is a guess, so it never skips the last candidate.
 */
function skipNow(run: Run, selection: CandidateSelection, modelId: string, isLast: boolean): Attempt | undefined {
  const { rt } = run;
  if (countsAsFreeCall(modelId) && (run.dailyBlock || run.minuteBlock)) {
    return run.dailyBlock
      ? skipLine(modelId, 'account_daily_limit', `daily free-model limit reached; resets at ${isoSeconds(run.dailyBlock.resetAt)}`)
      : skipLine(modelId, 'account_minute_limit', run.minuteBlock!.message);
  }
  const capacity = selection.capacityFallback || isLast ? undefined : rt.policy;
  return notCallable(modelId, rt.store.getModelHealth(modelId), rt.now(), capacity)?.skip;
}

type CallStep<T> = { done: true; outcome: PoolOutcome<T> } | { done: false; advance: boolean };

/**
 * Sends one call and applies its outcome: a success ends the run; a failure goes to the model's
 * health (`applyFailure`) and the reason's policy decides whether the same candidate is tried
 * again (`wait`), the next one (`rotate`, `stop_free`), or the run ends (`stop`).
 */
async function callOnce<T>(
  run: Run,
  modelId: string,
  attemptFn: AttemptFn<T>,
  slot: AccountSlot | undefined,
  tier: Tier,
  probe = false,
): Promise<CallStep<T>> {
  const { rt } = run;
  if (run.signal?.aborted) {
    if (slot) rt.account.release(slot);
    run.abort(run.signal.reason);
  }
  const fullTimeoutMs = run.opts.attemptTimeoutMs ?? rt.policy.attemptTimeoutMs;
  const timeoutMs = Math.max(1, Math.min(fullTimeoutMs, run.deadline - rt.now()));
  // A timeout cut short by the request deadline says nothing about the model: no cooldown then.
  const cutByDeadline = timeoutMs < fullTimeoutMs;
  const sentAt = rt.now();
  run.calls++;
  noteCallSent(rt, modelId, sentAt);
  const note: AttemptNote = {};
  const { result, error, timedOut } = await timedAttempt(attemptFn, modelId, run.signal, timeoutMs, note);
  const endedAt = rt.now();
  const durationMs = endedAt - sentAt;
  // What the attempt learned about the model; a first refusal of the `reasoning` parameter is asked again without it.
  const askAgain = applyNote(rt, modelId, note, endedAt);
  const effort = note.effort ? { effort: note.effort } : {};
  // OpenRouter counts every free call against the day, failed ones included: the slot counted it.
  // The slot moves to the answer's time; an answer that was not an account refusal confirms it.
  const settle = (accepted: boolean) => slot && rt.account.settle(slot, { sentAt, answeredAt: endedAt, accepted });
  const waitedMs = slot?.waitedMs ?? 0;

  if (result) {
    settle(true);
    applySuccess(rt, modelId, durationMs, endedAt, { probe, partial: result.partial });
    const servedBy = result.servedBy || modelId;
    run.push({ model: modelId, outcome: 'success', ...(servedBy !== modelId ? { message: `served by ${servedBy}` } : {}), waitedMs, durationMs, ...effort }, tier);
    const outcome: PoolOutcome<T> = {
      value: result.value,
      model: servedBy,
      tier,
      ...(tier !== run.tier ? { fellBackFrom: run.tier, ...(run.fellBack ? { fellBackBecause: run.fellBack } : {}) } : {}),
      attempts: run.trail,
      waitedMs: run.totalWaited,
      ...(result.usage ? { usage: result.usage } : {}),
      ...(result.reasoning ? { reasoning: result.reasoning } : {}),
    };
    if (run.opts.reportSuccess !== false) run.emit({ type: 'success', outcome });
    return { done: true, outcome };
  }

  if (run.signal?.aborted) {
    settle(false);
    run.push({ model: modelId, outcome: 'failed', reason: 'aborted', message: 'aborted by the caller', waitedMs, durationMs }, tier);
    run.abort(error);
  }
  const failure = classifyAttemptError(error, timedOut, timeoutMs, rt, run.signal);
  settle(!refusedByAccount(failure.reason));
  const line: Attempt = {
    model: modelId,
    outcome: 'failed',
    reason: failure.reason,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    message: failure.message,
    waitedMs,
    durationMs,
    ...effort,
  };
  // No answer token within the attempt's own timeout: the model is slow (demoted, not cooled).
  const cooldownUntil = applyFailure(rt, modelId, failure, { sentAt, endedAt, cutByDeadline: cutByDeadline && timedOut, firstToken: timedOut });
  if (cooldownUntil !== undefined) line.cooldownUntil = cooldownUntil;
  run.push(line, tier);
  if (askAgain) return { done: false, advance: false };

  const policy = POLICY[failure.reason];
  // After a refusal, this was the one call that tells the request's fault from the model's.
  if (run.requestFault && policy !== 'stop' && policy !== 'stop_free') return run.fail(requestFaultError(run, line));
  switch (policy) {
    case 'wait':
      // Account-wide: every free model shares the window. The next slot waits; then this model again.
      rt.account.observe(failure, endedAt);
      return { done: false, advance: false };
    case 'stop_free': {
      // Account-wide until the reset: no other free model can answer, so none is called.
      const block = rt.account.observe(failure, endedAt) ?? { kind: 'day', resetAt: failure.retryAt ?? endedAt };
      run.block(block, { message: failure.message, status: failure.status });
      return { done: false, advance: true };
    }
    case 'stop':
      if (failure.reason === 'aborted') run.abort(error);
      return run.fail(stoppedError(run, modelId, failure));
    case 'confirm':
      // Most likely the request; possibly this model. One other model tells which, and nothing is cooled.
      run.requestFault = { model: modelId, failure };
      return { done: false, advance: true };
    case 'rotate':
      return { done: false, advance: true };
  }
}

