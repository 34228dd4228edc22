import { afterEach, describe, expect, it } from 'vitest';
import { DailyLimitError, FreeModelPoolError, PoolExhaustedError, RequestStoppedError, type FailureReason, type PoolOutcome } from '@freepool/free-model-pool';
import { ERROR_DIALECTS, type ErrorDialect, type FailureKind } from '@freepool/openrouter-simulator';
import { callsTo, SMALL, startHarness, type Harness } from './helpers.js';

/**
 * Every failure kind, in each of the simulator's dialects (the captured words, the structured
 * fields with unfamiliar words, the fields in their other places with terse words), through the
 * pool over HTTP: the first of three models fails once, and what the pool does must not depend on
 * the dialect. The first model states a 6 s wait where its kind can carry one; the cooldown ladder
 * is 1 ms and a recovery probe may go out every 1 ms, so a wait the pool did not read would let it
 * call that model again on the next request.
 */

const [A, B] = SMALL;
const WAIT_MS = 6_000;

type Expectation =
  /** Answered by the next model; the first cools for at least the stated wait and is not called again. */
  | { then: 'cools-for-the-stated-wait'; reason: FailureReason }
  /** Answered by the next model; the first leaves the pool, said once, never called again. */
  | { then: 'removed'; reason: FailureReason; message?: RegExp }
  /** Answered by the next model; the first is neither cooled nor removed. */
  | { then: 'untouched'; reason: FailureReason }
  /** The account's window: the same model again once it reopens, no rotation. */
  | { then: 'waits' }
  /** Stopped after one call. */
  | { then: 'stops'; reason: FailureReason };

const MODEL_KINDS: Array<[FailureKind, Expectation]> = [
  ['upstream_429', { then: 'cools-for-the-stated-wait', reason: 'model_rate_limit' }],
  ['shared_capacity_429', { then: 'cools-for-the-stated-wait', reason: 'model_rate_limit' }],
  ['capacity_exhausted', { then: 'cools-for-the-stated-wait', reason: 'model_rate_limit' }],
  ['overloaded', { then: 'cools-for-the-stated-wait', reason: 'model_rate_limit' }],
  ['unavailable', { then: 'cools-for-the-stated-wait', reason: 'server_error' }],
  ['gone', { then: 'removed', reason: 'model_gone' }],
  ['free_variant_ended', { then: 'removed', reason: 'model_gone' }],
  ['deprecated', { then: 'removed', reason: 'model_gone' }],
  ['privacy_restricted', { then: 'removed', reason: 'excluded_by_settings', message: /privacy settings .*https:\/\/openrouter\.ai\/settings\/privacy/ }],
  ['constraint_filtered', { then: 'removed', reason: 'excluded_by_settings', message: /provider routing settings .*provider\.ignore.*https:\/\/openrouter\.ai\/settings\/preferences/ }],
  ['moderation', { then: 'untouched', reason: 'moderation' }],
  ['context_too_long', { then: 'untouched', reason: 'context_too_long' }],
  ['request_refused', { then: 'untouched', reason: 'request_rejected' }],
];

const ACCOUNT_KINDS: Array<[FailureKind, Expectation]> = [
  ['minute_limit', { then: 'waits' }],
  ['daily_limit', { then: 'stops', reason: 'account_daily_limit' }],
  ['auth', { then: 'stops', reason: 'auth' }],
  ['billing', { then: 'stops', reason: 'billing' }],
];

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function start(dialect: ErrorDialect): Promise<Harness> {
  return startHarness(
    { errorDialect: dialect, account: { windowMs: 1_000 }, models: { [A]: { retryAfterSeconds: WAIT_MS / 1000 } } },
    { policy: { cooldownLadderMs: [1], cooldownJitter: 0, recoveryProbeIntervalMs: 1 } },
  );
}

const ask = (harness: Harness) => harness.pool.generateText({ tier: 'small', prompt: 'hello' });

/** One kind in one dialect: the first model fails once, then the pool's answer is checked against `exp`. */
async function check(dialect: ErrorDialect, kind: FailureKind, exp: Expectation): Promise<void> {
  const where = `${kind} in the ${dialect} dialect`;
  h = await start(dialect);
  h.sim.failNext(A, kind);
  const first = await ask(h).catch((e: unknown) => e as FreeModelPoolError);
  const sentAt = h.sim.stats().calls[0]!.at;

  if (exp.then === 'stops') {
    expect(FreeModelPoolError.isInstance(first), `${where}: ${String(first)}`).toBe(true);
    const e = first as FreeModelPoolError;
    expect(e.reason, where).toBe(exp.reason);
    expect(exp.reason === 'account_daily_limit' ? DailyLimitError.isInstance(e) : RequestStoppedError.isInstance(e), where).toBe(true);
    expect(h.sim.stats().total, where).toBe(1);
    return;
  }
  expect(FreeModelPoolError.isInstance(first), `${where}: ${String((first as Error).message)}`).toBe(false);
  const outcome = first as PoolOutcome<{ text: string }>;
  if (exp.then === 'waits') {
    expect(outcome.model, where).toBe(A);
    expect(h.sim.stats().calls.map((c) => c.model), where).toEqual([A, A]);
    return;
  }
  // The next model answered, after one failed call to the first.
  expect(outcome.model, where).toBe(B);
  expect(
    outcome.attempts.map((a) => [a.model, a.outcome, a.reason]),
    where,
  ).toEqual([
    [A, 'failed', exp.reason],
    [B, 'success', undefined],
  ]);
  const health = h.pool.store.getModelHealth(A);
  if (exp.then === 'cools-for-the-stated-wait') {
    expect(health!.cooldownUntil, where).toBeGreaterThanOrEqual(sentAt + WAIT_MS);
    expect(outcome.attempts[0]!.cooldownUntil, where).toBe(health!.cooldownUntil);
  }
  if (exp.then === 'removed') {
    expect(health!.removed, where).toBe(true);
    if (exp.message) expect(outcome.attempts[0]!.message, where).toMatch(exp.message);
  }
  if (exp.then === 'untouched') {
    expect(health?.removed ?? false, where).toBe(false);
    expect(health?.cooldownUntil ?? 0, where).toBeLessThanOrEqual(Date.now());
    return;
  }
  // Three more requests: each is served by B, and A is not called again (skipped without a call).
  for (let i = 0; i < 3; i++) {
    const next = await ask(h);
    expect(next.model, where).toBe(B);
    expect(next.attempts[0], where).toMatchObject({ model: A, outcome: 'skipped' });
  }
  expect(callsTo(h.sim, A), where).toBe(1);
}

async function inEveryDialect(run: (dialect: ErrorDialect) => Promise<void>): Promise<void> {
  for (const dialect of ERROR_DIALECTS) {
    await run(dialect);
    await h?.sim.close();
    h = undefined;
  }
}

describe(`each failure kind, in each dialect (${ERROR_DIALECTS.join(', ')}), is handled by what it is, not how it is worded`, () => {
  for (const [kind, exp] of MODEL_KINDS) {
    it(`${kind}: ${exp.then}${'reason' in exp ? ` (${exp.reason})` : ''}`, () => inEveryDialect((dialect) => check(dialect, kind, exp)));
  }

  it("the account's own refusals never rotate: a per-minute 429 waits for its window, the daily limit, the key and credits stop after one call", () =>
    inEveryDialect(async (dialect) => {
      for (const [kind, exp] of ACCOUNT_KINDS) {
        await check(dialect, kind, exp);
        await h?.sim.close();
        h = undefined;
      }
    }));

  it('a request refused by two models: it stops after 2 calls with the first message, and neither model is cooled', () =>
    inEveryDialect(async (dialect) => {
      h = await start(dialect);
      h.sim.failNext(A, 'request_refused');
      h.sim.failNext(B, 'request_refused');
      const e = (await ask(h).catch((x: unknown) => x)) as FreeModelPoolError;
      expect(RequestStoppedError.isInstance(e), `${dialect}: ${String(e)}`).toBe(true);
      expect(e.reason).toBe('request_rejected');
      expect(e.message).toMatch(new RegExp(`^The request to the small pool was stopped: ${A.replace(/[.]/g, '\\.')} refused the request \\(400\\): `));
      expect(h.sim.stats().calls.map((c) => c.model), dialect).toEqual([A, B]);
      expect(h.pool.status().tiers.small.map((m) => m.state), dialect).toEqual(['ready', 'ready', 'ready']);
    }));

  it("every model ruled out by the account's privacy settings: each is called once, the error names the setting, and later requests make no call", () =>
    inEveryDialect(async (dialect) => {
      h = await start(dialect);
      for (const m of SMALL) h.sim.failNext(m, 'privacy_restricted');
      const e = (await ask(h).catch((x: unknown) => x)) as FreeModelPoolError;
      expect(PoolExhaustedError.isInstance(e), `${dialect}: ${String(e)}`).toBe(true);
      expect(e.reason).toBe('excluded_by_settings');
      expect(e.message).toContain("is ruled out by the account's OpenRouter settings (404): the account's privacy settings rule out every endpoint of this model; change them at https://openrouter.ai/settings/privacy");
      expect(h.sim.stats().total, dialect).toBe(SMALL.length);
      const again = (await ask(h).catch((x: unknown) => x)) as FreeModelPoolError;
      expect(again.message).toContain(`${A} was removed from the pool (the account's OpenRouter settings rule it out)`);
      expect(h.sim.stats().total, dialect).toBe(SMALL.length);
    }));
});
