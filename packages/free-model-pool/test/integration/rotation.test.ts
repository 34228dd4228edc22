import { afterEach, describe, expect, it } from 'vitest';
import { PoolAbortedError, PoolExhaustedError, RequestStoppedError } from '@freepool/free-model-pool';
import { callsTo, FAKE_KEY, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const trail = (attempts: Array<{ model: string; outcome: string; reason?: string; status?: number }>) =>
  attempts.map((a) => [a.model, a.outcome, a.reason, a.status]);

describe('rotation and cooldowns', () => {
  it('a model rate limited upstream is cooled down and not called again while cooling', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'upstream_429');
    const first = await h.pool.generateText({ tier: 'small', prompt: 'one' });
    expect(first.model).toBe(SMALL[1]);
    expect(trail(first.attempts)).toEqual([
      [SMALL[0], 'failed', 'model_rate_limit', 429],
      [SMALL[1], 'success', undefined, undefined],
    ]);
    const cooldownUntil = first.attempts[0]!.cooldownUntil!;
    expect(cooldownUntil).toBeGreaterThan(Date.now());

    const second = await h.pool.generateText({ tier: 'small', prompt: 'two' });
    expect(second.model).toBe(SMALL[1]);
    expect(second.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'skipped', reason: 'model_rate_limit', cooldownUntil });
    expect(callsTo(h.sim, SMALL[0])).toBe(1);
  });

  it('a 404 model is removed and not called again until the pool is replaced', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'gone');
    const first = await h.pool.generateText({ tier: 'small', prompt: 'one' });
    expect(first.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'failed', reason: 'model_gone', status: 404 });

    const second = await h.pool.generateText({ tier: 'small', prompt: 'two' });
    expect(second.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'skipped', reason: 'model_gone' });
    expect(callsTo(h.sim, SMALL[0])).toBe(1);

    h.pool.setPool(h.pool.getPool()); // a catalog refresh clears removals
    const third = await h.pool.generateText({ tier: 'small', prompt: 'three' });
    expect(third.model).toBe(SMALL[0]);
    expect(callsTo(h.sim, SMALL[0])).toBe(2);
  });

  it('an error inside an HTTP 200 body rotates to the next model', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'error_in_200');
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hi' });
    expect(r.model).toBe(SMALL[1]);
    expect(trail(r.attempts)[0]).toEqual([SMALL[0], 'failed', 'server_error', 200]);
  });

  it('an upstream rate limit inside an HTTP 200 body is a model rate limit', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'upstream_in_200');
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hi' });
    expect(r.model).toBe(SMALL[1]);
    expect(trail(r.attempts)[0]).toEqual([SMALL[0], 'failed', 'model_rate_limit', 200]);
    expect(r.attempts[0]!.cooldownUntil).toBeGreaterThan(Date.now());
  });

  it('finish_reason "error" rotates', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'finish_reason_error');
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hi' });
    expect(r.model).toBe(SMALL[1]);
    expect(r.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'failed', status: 200 });
    expect(r.value.text).toContain(SMALL[1]);
  });

  it('empty text rotates as invalid output', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'empty');
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hi' });
    expect(r.model).toBe(SMALL[1]);
    expect(r.attempts[0]).toMatchObject({ outcome: 'failed', reason: 'invalid_output' });
  });

  it("an attempt that outlives its own timeout rotates (the caller's signal is untouched)", async () => {
    h = await startHarness({}, { policy: { attemptTimeoutMs: 300 } });
    h.sim.failNext(SMALL[0], 'timeout');
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hi', abortSignal: new AbortController().signal });
    expect(r.model).toBe(SMALL[1]);
    expect(r.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'failed', reason: 'timeout' });
  });

  it('a model whose context is too small is skipped without a call', async () => {
    h = await startHarness();
    // gemma-3n-e4b has an 8192-token window; this prompt is ~10k tokens.
    const r = await h.pool.generateText({ tier: 'small', prompt: 'word '.repeat(8_000) });
    expect(r.attempts.find((a) => a.model === SMALL[1])).toMatchObject({ outcome: 'skipped', reason: 'context_too_long' });
    expect(callsTo(h.sim, SMALL[1])).toBe(0);
  });

  it('a 401 stops at once: no other model is tried', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'auth');
    const err = await h.pool.generateText({ tier: 'small', prompt: 'hi' }).catch((e) => e);
    expect(RequestStoppedError.isInstance(err)).toBe(true);
    expect(err.reason).toBe('auth');
    expect(h.sim.stats().total).toBe(1);
    expect(err.message).not.toContain(FAKE_KEY);
  });
});

describe('events', () => {
  it('reports every attempt, then the success, without the API key', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'upstream_429');
    await h.pool.generateText({ tier: 'small', prompt: 'hi' });
    expect(h.events.map((e) => (e.type === 'attempt' ? `attempt:${e.attempt.model}:${e.attempt.outcome}` : e.type))).toEqual([
      `attempt:${SMALL[0]}:failed`,
      `attempt:${SMALL[1]}:success`,
      'success',
    ]);
    expect(JSON.stringify(h.events)).not.toContain(FAKE_KEY);
  });

  it('reports the failure of an exhausted request', async () => {
    h = await startHarness({}, { tiers: { small: [SMALL[0]] } });
    h.sim.failNext(SMALL[0], 'server_error');
    await h.pool.generateText({ tier: 'small', prompt: 'hi' }).catch(() => {});
    const last = h.events.at(-1)!;
    expect(last.type).toBe('failure');
    expect(last.type === 'failure' && PoolExhaustedError.isInstance(last.error)).toBe(true);
  });
});

describe('abort', () => {
  it('an abort during a call stops at once and makes no further call', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'timeout'); // the server hangs until the client gives up
    const controller = new AbortController();
    const pending = h.pool.generateText({ tier: 'small', prompt: 'hi', abortSignal: controller.signal }).catch((e) => e);
    while (h.sim.stats().total < 1) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const err = await pending;
    expect(PoolAbortedError.isInstance(err)).toBe(true);
    expect(err.attempts).toHaveLength(1);
    expect(err.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'failed', reason: 'aborted' });
    // The run ends with its 'failure' event; once it has, no later call can follow.
    expect(await h.whenEvent((e) => e.type === 'failure')).toEqual({ type: 'failure', tier: 'small', error: err });
    expect(h.sim.stats().total).toBe(1);
  });

  it('an already aborted request makes no call', async () => {
    h = await startHarness();
    const err = await h.pool.generateText({ tier: 'small', prompt: 'hi', abortSignal: AbortSignal.abort() }).catch((e) => e);
    expect(PoolAbortedError.isInstance(err)).toBe(true);
    expect(h.sim.stats().total).toBe(0);
  });

  it('an abort while waiting for account capacity makes no call', async () => {
    h = await startHarness({}, { policy: { freeRequestsPerWindow: 1, rateWindowMs: 60_000, maxWaitMs: 120_000, requestDeadlineMs: 300_000 } });
    await h.pool.generateText({ tier: 'small', prompt: 'first' });
    const controller = new AbortController();
    const pending = h.pool.generateText({ tier: 'small', prompt: 'second', abortSignal: controller.signal }).catch((e) => e);
    setTimeout(() => controller.abort(), 50);
    const err = await pending;
    expect(PoolAbortedError.isInstance(err)).toBe(true);
    expect(h.sim.stats().total).toBe(1);
  });
});

describe('exhaustion', () => {
  it('when every model fails, the error carries the trail, the earliest retry time and names the models', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'upstream_429');
    h.sim.failNext(SMALL[1], 'shared_capacity_429');
    h.sim.failNext(SMALL[2], 'server_error');
    const err = await h.pool.generateText({ tier: 'small', prompt: 'hi' }).catch((e) => e);

    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    expect(err.tier).toBe('small');
    expect(err.attempts.map((a: { model: string; outcome: string; reason: string }) => [a.model, a.outcome, a.reason])).toEqual([
      [SMALL[0], 'failed', 'model_rate_limit'],
      [SMALL[1], 'failed', 'model_rate_limit'],
      [SMALL[2], 'failed', 'server_error'],
    ]);
    const cooldowns = err.attempts.map((a: { cooldownUntil?: number }) => a.cooldownUntil);
    expect(cooldowns.every((t: number | undefined) => typeof t === 'number' && t > Date.now())).toBe(true);
    expect(err.retryAt).toBe(Math.min(...cooldowns));
    expect(err.reason).toBe('model_rate_limit');
    expect(err.message).toMatch(/^No free model in the small pool could answer: /);
    for (const id of SMALL) expect(err.message).toContain(id);
    expect(err.message).toContain('was rate limited upstream (429)');
    expect(err.message).toMatch(/Try again after \d\d:\d\d:\d\dZ\.$/);
    expect(err.message).not.toContain(FAKE_KEY);
    expect(h.sim.stats().total).toBe(3);

    // Everything is cooling now: the next request fails fast, naming the cooldowns, with no call.
    const again = await h.pool.generateText({ tier: 'small', prompt: 'hi' }).catch((e) => e);
    expect(PoolExhaustedError.isInstance(again)).toBe(true);
    expect(again.attempts.every((a: { outcome: string }) => a.outcome === 'skipped')).toBe(true);
    expect(again.message).toContain(`${SMALL[0]} is cooling down until`);
    expect(again.retryAt).toBe(err.retryAt);
    expect(h.sim.stats().total).toBe(3);
  });

  it('stops after maxAttempts calls', async () => {
    h = await startHarness({}, { policy: { maxAttempts: 2 } });
    for (const id of SMALL) h.sim.failNext(id, 'server_error');
    const err = await h.pool.generateText({ tier: 'small', prompt: 'hi' }).catch((e) => e);
    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    expect(h.sim.stats().total).toBe(2);
    expect(err.message).toMatch(/maxAttempts/);
  });
});
