import { describe, expect, it } from 'vitest';
import { AccountBook, LocalAccount, type AccountSlot, type Taken } from '../../src/account/index.js';
import { WaitQueue } from '../../src/limits/index.js';
import { resolvePolicy } from '../../src/pool/pool-validation.js';

const policy = resolvePolicy({ freeRequestsPerWindow: 20, rateWindowMs: 60_000, confirmAccountLimit: false });

/** A local account on a fake clock: sleep advances time instead of waiting, and is recorded. */
function fakeAccount(overrides: Parameters<typeof resolvePolicy>[0] = {}, sleep?: (ms: number, signal?: AbortSignal) => Promise<void>) {
  let t = 0;
  const sleeps: number[] = [];
  const now = () => t;
  const fake = async (ms: number) => {
    sleeps.push(ms);
    t += ms;
  };
  const book = new AccountBook();
  const account = new LocalAccount({ book, policy: { ...policy, ...resolvePolicy({ ...policy, ...overrides }) }, now, waits: new WaitQueue(now, sleep ?? fake) });
  return { account, book, sleeps, advance: (ms: number) => (t += ms), now };
}

const slotOf = (t: Taken): AccountSlot => {
  if (!('slot' in t)) throw new Error(`expected a slot, got ${JSON.stringify(t)}`);
  return t.slot;
};

describe('LocalAccount.take', () => {
  it('waits for capacity and reports the wait', async () => {
    const { account, sleeps, advance } = fakeAccount();
    for (let i = 0; i < 20; i++) expect(account.pacer.reserve(0).ok).toBe(true);
    advance(10_000);
    const slot = slotOf(await account.take({ maxWaitMs: 60_000 }));
    expect(slot.waitedMs).toBe(50_000);
    expect(sleeps).toEqual([50_000]);
  });

  it('answers a typed minute block without sleeping when the wait would exceed maxWaitMs', async () => {
    const { account, sleeps } = fakeAccount();
    account.observe({ reason: 'account_minute_limit', message: 'm', retryAt: 45_000 }, 0);
    const taken = await account.take({ maxWaitMs: 30_000 });
    expect(taken).toMatchObject({ block: { kind: 'minute', retryAt: 45_000 }, waitedMs: 0 });
    expect('block' in taken && taken.block.kind === 'minute' && taken.block.message).toMatch(/rate limit/i);
    expect(sleeps).toEqual([]);
  });

  it('an abort during the wait rejects at once with the abort reason', async () => {
    // A sleep that ignores the signal and never ends: the abort alone must settle the take.
    const { account } = fakeAccount({}, () => new Promise<void>(() => {}));
    account.observe({ reason: 'account_minute_limit', message: 'm', retryAt: 50_000 }, 0);
    const controller = new AbortController();
    const p = account.take({ signal: controller.signal, maxWaitMs: 60_000 });
    setTimeout(() => controller.abort(new DOMException('stop', 'AbortError')), 1);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an already-aborted signal rejects before taking a slot', async () => {
    const { account, book } = fakeAccount();
    const controller = new AbortController();
    controller.abort();
    const err = await account.take({ signal: controller.signal, maxWaitMs: 1 }).catch((e: unknown) => e);
    // The signal's own reason: abort() without one gives a DOMException named AbortError.
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    expect(err).toBe(controller.signal.reason);
    expect(book.getAccountWindow()).toBeUndefined();
  });

  it('asks `wanted` after every wait, and takes nothing when the call is no longer wanted', async () => {
    const { account, sleeps } = fakeAccount({ dailyLimit: 5 });
    for (let i = 0; i < 20; i++) account.pacer.reserve(0);
    let asked = 0;
    // Wanted before the wait, not after it (another request cooled the model meanwhile).
    const taken = await account.take({ maxWaitMs: 60_000, wanted: () => asked++ === 0 });
    expect(taken).toEqual({ withdrawn: true, waitedMs: 60_000 });
    expect(sleeps).toEqual([60_000]);
    expect(account.view(60_000).daily.remaining).toBe(5);
    expect(account.pacer.usedInWindow(60_000)).toBe(0);
  });

  it('a slot counts against the day; a released one goes back to the window and the day', async () => {
    const { account, now } = fakeAccount({ dailyLimit: 2, freeRequestsPerWindow: 1 });
    const slot = slotOf(await account.take({ maxWaitMs: 0 }));
    expect(account.view(now()).daily.remaining).toBe(1);
    expect(await account.take({ maxWaitMs: 0 })).toMatchObject({ block: { kind: 'minute' } });
    account.release(slot);
    expect(account.view(now()).daily.remaining).toBe(2);
    slotOf(await account.take({ maxWaitMs: 0 }));
  });

  it('the day and the reply reserve refuse with their own blocks, and a daily 429 is the day', async () => {
    const { account, now } = fakeAccount({ dailyReserve: 2 });
    await account.observeKey({ limit: 50, remaining: 2 }, now());
    expect(await account.take({ maxWaitMs: 0, priority: 'background' })).toMatchObject({ block: { kind: 'reserve', remaining: 2, reserve: 2, limit: 50 } });
    slotOf(await account.take({ maxWaitMs: 0, priority: 'reply' }));
    const block = account.observe({ reason: 'account_daily_limit', message: 'd', retryAt: now() + 3_600_000, rateLimitLimit: 50 }, now());
    expect(block).toEqual({ kind: 'day', resetAt: now() + 3_600_000, limit: 50 });
    expect(await account.take({ maxWaitMs: 0, priority: 'reply' })).toMatchObject({ block: { kind: 'day', resetAt: now() + 3_600_000 } });
  });
});

describe('LocalAccount under real concurrency', () => {
  it('50 concurrent takes on a compressed window never exceed 20 per window', async () => {
    const windowMs = 40;
    const waits = new WaitQueue(Date.now, (ms, signal) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    }));
    const account = new LocalAccount({ book: new AccountBook(), policy: resolvePolicy({ freeRequestsPerWindow: 20, rateWindowMs: windowMs, confirmAccountLimit: false }), now: Date.now, waits });
    const granted: number[] = [];
    const reserve = account.pacer.reserve.bind(account.pacer);
    account.pacer.reserve = (now: number) => {
      const r = reserve(now);
      if (r.ok) granted.push(now);
      return r;
    };
    const taken = await Promise.all(Array.from({ length: 50 }, () => account.take({ maxWaitMs: 5_000 })));
    expect(taken.every((t) => 'slot' in t)).toBe(true);
    expect(granted).toHaveLength(50);
    granted.sort((a, b) => a - b);
    for (const start of granted) {
      expect(granted.filter((g) => g >= start && g < start + windowMs).length).toBeLessThanOrEqual(20);
    }
  });
});
