import { afterEach, describe, expect, it } from 'vitest';
import { PoolAbortedError, PoolExhaustedError, type PoolEvent } from '@freepool/free-model-pool';
import { callsTo, LARGE, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const TWO_SMALL = { small: [SMALL[0], SMALL[1]] };

describe('a request with no model to call right now waits for the soonest one', () => {
  it('every model cooling, the soonest back within the wait: it waits, then succeeds with no extra call', async () => {
    h = await startHarness({}, { tiers: TWO_SMALL, policy: { cooldownLadderMs: [150], cooldownJitter: 0, maxWaitMs: 2_000 } });
    h.sim.failNext(SMALL[0], 'upstream_429');
    h.sim.failNext(SMALL[1], 'upstream_429');
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hello' });
    expect(r.model).toBe(SMALL[0]);
    expect(h.sim.stats().calls.map((c) => `${c.model} ${c.status}`)).toEqual([`${SMALL[0]} 429`, `${SMALL[1]} 429`, `${SMALL[0]} 200`]);
    expect(h.events.some((e) => e.type === 'wait' && e.reason === 'model_rate_limit')).toBe(true);
  });

  it('a waiter that is aborted leaves the queue at once and makes no call', async () => {
    h = await startHarness({}, { tiers: TWO_SMALL, policy: { cooldownLadderMs: [10_000], cooldownJitter: 0, maxWaitMs: 20_000, requestDeadlineMs: 30_000 } });
    h.sim.failNext(SMALL[0], 'upstream_429');
    h.sim.failNext(SMALL[1], 'upstream_429');
    const ac = new AbortController();
    const failed = new Promise<PoolEvent>((resolve) => {
      const events = h!.events;
      const push = events.push.bind(events);
      events.push = (...e: PoolEvent[]) => {
        // The second 429 leaves nothing to call: the request now waits for a cooldown to end.
        if (e.some((x) => x.type === 'attempt' && x.attempt.model === SMALL[1] && x.attempt.outcome === 'failed')) setImmediate(() => ac.abort());
        if (e.some((x) => x.type === 'failure')) resolve(e[0]!);
        return push(...e);
      };
    });
    const err = await h.pool.generateText({ tier: 'small', prompt: 'hello', abortSignal: ac.signal }).catch((e: unknown) => e);
    await failed;
    expect(PoolAbortedError.isInstance(err)).toBe(true);
    expect(h.sim.stats().total).toBe(2);
  });

  it('the soonest model back is beyond the wait: it fails at once, with the time in the error', async () => {
    h = await startHarness({}, { tiers: TWO_SMALL, policy: { cooldownLadderMs: [60_000], cooldownJitter: 0, maxWaitMs: 1_000 } });
    h.sim.failNext(SMALL[0], 'upstream_429');
    h.sim.failNext(SMALL[1], 'upstream_429');
    const before = Date.now();
    const err = (await h.pool.generateText({ tier: 'small', prompt: 'hello' }).catch((e: unknown) => e)) as PoolExhaustedError;
    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    expect(err.retryAt).toBeGreaterThan(before + 50_000);
    expect(err.message).toMatch(/\d\d:\d\d:\d\dZ/);
    expect(h.sim.stats().total).toBe(2);
  });
});

describe('tier fallback', () => {
  it('every large model cooling beyond the wait: a small model answers, and the trail says so', async () => {
    h = await startHarness({}, { policy: { cooldownLadderMs: [60_000], cooldownJitter: 0, maxWaitMs: 1_000 } });
    for (const m of LARGE) h.sim.failNext(m, 'upstream_429');
    const r = await h.pool.generateText({ tier: 'large', prompt: 'hello' });
    expect(r.tier).toBe('small');
    expect(r.fellBackFrom).toBe('large');
    expect(r.model).toBe(SMALL[0]);
    const last = r.attempts.at(-1)!;
    expect(last).toMatchObject({ model: SMALL[0], outcome: 'success', tier: 'small' });
    expect(r.attempts.filter((a) => a.outcome === 'failed').map((a) => a.model)).toEqual([...LARGE]);
    expect(h.sim.stats().total).toBe(LARGE.length + 1);
  });

  it('not while a large model can be called within the wait: it waits for it instead, and no small model is called', async () => {
    h = await startHarness({}, { policy: { cooldownLadderMs: [150], cooldownJitter: 0, maxWaitMs: 2_000 } });
    for (const m of LARGE) h.sim.failNext(m, 'upstream_429');
    const r = await h.pool.generateText({ tier: 'large', prompt: 'hello' });
    expect(r.tier).toBe('large');
    expect(r.fellBackFrom).toBeUndefined();
    for (const m of SMALL) expect(callsTo(h.sim, m)).toBe(0);
  });

  it('turned off with an empty list: the large request fails', async () => {
    h = await startHarness({}, { policy: { cooldownLadderMs: [60_000], cooldownJitter: 0, maxWaitMs: 1_000, tierFallback: {} } });
    for (const m of LARGE) h.sim.failNext(m, 'upstream_429');
    const err = await h.pool.generateText({ tier: 'large', prompt: 'hello' }).catch((e: unknown) => e);
    expect(PoolExhaustedError.isInstance(err)).toBe(true);
    for (const m of SMALL) expect(callsTo(h.sim, m)).toBe(0);
  });
});
