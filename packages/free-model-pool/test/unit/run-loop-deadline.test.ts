import { describe, expect, it } from 'vitest';
import { PoolExhaustedError } from '../../src/errors.js';
import { ClassifiedAttemptError } from '../../src/pool/attempt-error.js';
import { runPooled, type AttemptFn } from '../../src/pool/run-loop.js';
import { fakeRuntime, MODEL } from './fake-runtime.js';

describe('the request deadline and the account window', () => {
  it('a wait for the window that ends at the deadline makes no call (it could only time out, and would still count)', async () => {
    const { rt, account, now } = fakeRuntime({ freeRequestsPerWindow: 1, rateWindowMs: 10_000, maxWaitMs: 60_000, dailyLimit: 10 });
    account.pacer.reserve(now()); // the only slot of this window was just used by another request
    let calls = 0;
    const attempt: AttemptFn<string> = async () => {
      calls++;
      return { value: 'answer' };
    };

    // The window reopens in exactly 10 s, which is also when this request's deadline passes.
    const err = await runPooled(rt, 'small', {}, attempt, { deadlineMs: 10_000 }).catch((e) => e);

    expect(calls).toBe(0);
    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    expect(err.message).toMatch(/deadline/);
    // No call was made, so the day's count and the window are untouched.
    expect(account.quota.state(now()).remaining).toBe(10);
    expect(account.pacer.state(now()).sentAt).toHaveLength(0);
  });

  it('retryAt is never in the past: a slow paid model tried after the window filled does not leave a stale retry time', async () => {
    const PAID = 'openai/gpt-4o-mini';
    const { rt, account, now, advance } = fakeRuntime({ freeRequestsPerWindow: 1, rateWindowMs: 10_000, maxWaitMs: 1_000 }, [MODEL, PAID]);
    account.pacer.reserve(now()); // the window is full for 10 s: the free model is skipped without a call
    const attempt: AttemptFn<string> = async (model) => {
      expect(model).toBe(PAID);
      advance(30_000); // the pinned paid model takes 30 s, then fails
      throw new ClassifiedAttemptError({ reason: 'server_error', status: 502, message: 'bad gateway' });
    };

    const err = await runPooled(rt, 'small', {}, attempt).catch((e) => e);

    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    // The window reopened 20 s ago and the free model is not cooling: a retry may succeed right away.
    expect(err.retryAt === undefined || err.retryAt > now()).toBe(true);
    expect(err.message).not.toMatch(/Try again after/);
  });

  it("when the run stops right after the server's per-minute 429, retryAt names the window's reset", async () => {
    const { rt, now } = fakeRuntime({ maxAttempts: 1 });
    const reset = now() + 5_000;
    const attempt: AttemptFn<string> = async () => {
      throw new ClassifiedAttemptError({ reason: 'account_minute_limit', status: 429, message: 'Rate limit exceeded: free-models-per-min', retryAt: reset });
    };

    const err = await runPooled(rt, 'small', {}, attempt).catch((e) => e);

    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    expect(err.reason).toBe('account_minute_limit');
    expect(err.retryAt).toBe(reset); // the model is not cooling, but no free call can succeed before then
    expect(err.message).toMatch(/Try again after/);
  });
});
