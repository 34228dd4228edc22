import { describe, expect, it } from 'vitest';
import { FreeModelPoolError } from '../../src/errors.js';
import { POLICY, reasonDescription } from '../../src/failures/index.js';
import { ClassifiedAttemptError } from '../../src/pool/attempt-error.js';
import { runPooled, type AttemptFn } from '../../src/pool/run-loop.js';
import type { FailureReason } from '../../src/types.js';
import { fakeRuntime } from './fake-runtime.js';

const A = 'meta-llama/llama-3.2-3b-instruct:free';
const B = 'google/gemma-3n-e4b-it:free';
const REASONS = Object.keys(POLICY) as FailureReason[];

/**
 * Runs one request over [A, B] where A's first call fails with `reason` and every other call
 * answers, and reports what the run loop did about it.
 */
async function afterFailure(reason: FailureReason) {
  const { rt, now } = fakeRuntime({ freeRequestsPerWindow: 20, rateWindowMs: 1_000, maxWaitMs: 5_000, dailyLimit: 50 }, [A, B]);
  const calls: string[] = [];
  const attempt: AttemptFn<string> = async (model) => {
    calls.push(model);
    if (calls.length === 1) throw new ClassifiedAttemptError({ reason, status: 400, message: `simulated ${reason}` });
    return { value: `answer from ${model}` };
  };
  const outcome = await runPooled(rt, 'small', {}, attempt).catch((e: unknown) => e);
  const health = rt.store.getModelHealth(A);
  return { calls, outcome, cooling: (health?.cooldownUntil ?? 0) > now(), removed: health?.removed === true };
}

/**
 * What a person would see after A's first call fails with each reason, written out by hand (not read
 * from the table under test): which models were called, whether the request was answered, and
 * whether A is cooling or removed afterwards. A reason added to FailureReason must be added here.
 */
type Expected =
  | { calls: string[]; answeredBy: string; cooling: boolean; removed?: true }
  | { calls: string[]; fails: true };
const ROTATE = (cooling: boolean): Expected => ({ calls: [A, B], answeredBy: B, cooling });
const STOP: Expected = { calls: [A], fails: true };
const EXPECTED: Record<FailureReason, Expected> = {
  account_minute_limit: { calls: [A, A], answeredBy: A, cooling: false },
  account_daily_limit: STOP,
  model_rate_limit: ROTATE(true),
  auth: STOP,
  billing: STOP,
  moderation: ROTATE(false),
  model_gone: { calls: [A, B], answeredBy: B, cooling: false, removed: true },
  excluded_by_settings: { calls: [A, B], answeredBy: B, cooling: false, removed: true },
  context_too_long: ROTATE(false),
  unsupported_input: ROTATE(false),
  invalid_output: ROTATE(true),
  timeout: ROTATE(true),
  server_error: ROTATE(true),
  network_error: ROTATE(true),
  truncated: ROTATE(true),
  bad_request: STOP,
  // Probably the request, possibly the model: the next model tells which; it answers, and nothing is cooled.
  request_rejected: ROTATE(false),
  reserve_held: STOP,
  aborted: STOP,
};

describe('what the run loop does after each failure reason', () => {
  it('every reason has a policy and a description a person can read', () => {
    expect(REASONS.sort()).toEqual((Object.keys(EXPECTED) as FailureReason[]).sort());
    for (const r of REASONS) {
      expect(['rotate', 'wait', 'stop_free', 'confirm', 'stop']).toContain(POLICY[r]);
      expect(reasonDescription(r).length, r).toBeGreaterThan(3);
    }
  });

  for (const reason of Object.keys(EXPECTED) as FailureReason[]) {
    const expected = EXPECTED[reason];
    it(`${reason}: ${'fails' in expected ? 'stops' : `answered by ${expected.answeredBy === A ? 'the same model' : 'the next model'}`}`, async () => {
      const r = await afterFailure(reason);
      expect(r.calls).toEqual(expected.calls);
      if ('fails' in expected) {
        // No other free model is called, and the model's health is untouched.
        expect(FreeModelPoolError.isInstance(r.outcome)).toBe(true);
        expect((r.outcome as FreeModelPoolError).reason).toBe(reason);
        expect(r.cooling).toBe(false);
        expect(r.removed).toBe(false);
      } else {
        expect(r.outcome).toMatchObject({ model: expected.answeredBy });
        expect(r.cooling).toBe(expected.cooling);
        expect(r.removed).toBe(expected.removed === true);
      }
    });
  }
});

describe('a refused request (request_rejected) costs one more call at most and cools nothing', () => {
  const C = 'google/gemma-3-12b-it:free';
  async function run(second: FailureReason | undefined, models = [A, B, C]) {
    const { rt, now } = fakeRuntime({ freeRequestsPerWindow: 20, rateWindowMs: 1_000, maxWaitMs: 5_000 }, models);
    const calls: string[] = [];
    const attempt: AttemptFn<string> = async (model) => {
      calls.push(model);
      if (calls.length === 1) throw new ClassifiedAttemptError({ reason: 'request_rejected', status: 400, message: 'could not read https://example.test/cat.png' });
      if (calls.length === 2 && second) throw new ClassifiedAttemptError({ reason: second, status: second === 'server_error' ? 502 : 400, message: `simulated ${second}` });
      return { value: `answer from ${model}` };
    };
    const outcome = await runPooled(rt, 'small', {}, attempt).catch((e: unknown) => e as FreeModelPoolError);
    const touched = models.filter((m) => {
      const h = rt.store.getModelHealth(m);
      return (h?.cooldownUntil ?? 0) > now() || h?.removed === true;
    });
    return { calls, outcome, touched };
  }

  it('the next model refuses it too: the request stops after 2 calls with the first message, and neither model is cooled', async () => {
    const r = await run('request_rejected');
    expect(r.calls).toEqual([A, B]);
    const e = r.outcome as FreeModelPoolError;
    expect(e.name).toBe('RequestStoppedError');
    expect(e.reason).toBe('request_rejected');
    expect(e.message).toMatch(new RegExp(`^The request to the small pool was stopped: ${A} refused the request \\(400\\): could not read https://example.test/cat.png\\. ${B} refused it too \\(400\\)`));
    expect(r.touched).toEqual([]);
  });

  it('the next model fails for its own reason: still no third call; that model takes its own cooldown, the first none', async () => {
    const r = await run('server_error');
    expect(r.calls).toEqual([A, B]);
    expect((r.outcome as FreeModelPoolError).reason).toBe('request_rejected');
    expect(r.touched).toEqual([B]);
  });

  it('no other model to ask: one call, and the error says so', async () => {
    const r = await run(undefined, [A]);
    expect(r.calls).toEqual([A]);
    expect((r.outcome as FreeModelPoolError).message).toContain('No other model could be called now to tell whether the request or');
    expect(r.touched).toEqual([]);
  });
});
