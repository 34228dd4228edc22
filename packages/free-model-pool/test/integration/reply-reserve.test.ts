import { afterEach, describe, expect, it } from 'vitest';
import { DailyLimitError, DailyReserveError } from '@freepool/free-model-pool';
import { SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

describe('the reply reserve: the day ends on replies, not on background work', () => {
  it('at the reserve a background call fails at once without an HTTP call; reply calls keep the rest', async () => {
    // 10 calls a day; the default share (20%) holds 2 of them for replies once /key told us the limit.
    h = await startHarness({ account: { daily: 10 } });
    await h.pool.refreshAccountStatus();
    expect(h.pool.status().daily).toMatchObject({ limit: 10, remaining: 10, reserve: 2, reserveInForce: false });

    for (let i = 0; i < 8; i++) await h.pool.generateText({ tier: 'small', prompt: `q${i}`, priority: i % 2 ? 'background' : 'reply' });
    expect(h.pool.status().daily).toMatchObject({ remaining: 2, reserveInForce: true });
    const before = h.sim.stats().total;

    const err = await h.pool.generateText({ tier: 'small', prompt: 'reflect', priority: 'background' }).catch((e: unknown) => e);
    expect(DailyReserveError.isInstance(err)).toBe(true);
    const held = err as DailyReserveError;
    expect(held.reason).toBe('reserve_held');
    expect(held).toMatchObject({ remaining: 2, reserve: 2 });
    expect(held.message).toMatch(/^The day's last free calls are held for replies/);
    expect(held.attempts.every((a) => a.outcome === 'skipped' && a.reason === 'reserve_held')).toBe(true);
    // Objects and streams are held the same way.
    await expect(h.pool.generateObject({ tier: 'small', prompt: 'facts', priority: 'background' })).rejects.toMatchObject({ reason: 'reserve_held' });
    const stream = h.pool.streamText({ tier: 'small', prompt: 'summary', priority: 'background' });
    await expect(stream.text).rejects.toMatchObject({ reason: 'reserve_held' });
    expect(h.sim.stats().total).toBe(before); // no call was sent for any of them

    // Replies (and calls that say nothing) spend the reserve, then the day's cap stops everyone.
    await h.pool.generateText({ tier: 'small', prompt: 'the answer', priority: 'reply' });
    await h.pool.generateText({ tier: 'small', prompt: 'another answer' });
    expect(h.sim.stats().total).toBe(before + 2);
    const capped = await h.pool.generateText({ tier: 'small', prompt: 'one more', priority: 'reply' }).catch((e: unknown) => e);
    expect(DailyLimitError.isInstance(capped)).toBe(true);
    expect(h.sim.stats().total).toBe(before + 2);
    expect(h.sim.stats().byModel[SMALL[0]]?.byStatus).toEqual({ '200': 10 });
  });

  it('dailyReserve: 0 turns the reserve off', async () => {
    h = await startHarness({ account: { daily: 3 } }, { policy: { dailyReserve: 0 } });
    await h.pool.refreshAccountStatus();
    for (let i = 0; i < 3; i++) await h.pool.generateText({ tier: 'small', prompt: `bg${i}`, priority: 'background' });
    expect(h.sim.stats().total).toBe(3);
    expect(h.pool.status().daily).toMatchObject({ reserve: 0, reserveInForce: false });
  });

  it('an explicit dailyReserve wins over the share; the failure event carries the typed error', async () => {
    h = await startHarness({ account: { daily: 50 } }, { policy: { dailyReserve: 49 } });
    await h.pool.refreshAccountStatus();
    await h.pool.generateText({ tier: 'small', prompt: 'bg', priority: 'background' }); // 50 left > 49
    await expect(h.pool.generateText({ tier: 'small', prompt: 'bg2', priority: 'background' })).rejects.toMatchObject({ reason: 'reserve_held', remaining: 49 });
    const failure = await h.whenEvent((e) => e.type === 'failure');
    expect(failure.type === 'failure' && DailyReserveError.isInstance(failure.error)).toBe(true);
    expect(h.sim.stats().total).toBe(1);
  });
});
