import { describe, expect, it } from 'vitest';
import type { Account, AccountSlot, PoolPolicy, Taken } from '@freepool/free-model-pool';

/**
 * The account contract: what every implementation of the account seam (packages/free-model-pool
 * src/account/account.ts) must do, run against each (LocalAccount in the engine's tests, FleetAccount
 * over the SQL ledger in the plugin's). Real time, compressed: a fleet account decides on the
 * database's clock. Each test makes a fresh account.
 */
export interface ContractSubject {
  account: Account;
  close?: () => Promise<void>;
}

/** A fresh account under `policy` (the engine's defaults for the rest). */
export type MakeAccount = (policy: Partial<PoolPolicy>) => Promise<ContractSubject>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slotOf(t: Taken): AccountSlot {
  if (!('slot' in t)) throw new Error(`expected a slot, got ${JSON.stringify(t)}`);
  return t.slot;
}

const minute429 = (retryAt: number | undefined, rateLimitLimit?: number) => ({
  reason: 'account_minute_limit' as const,
  status: 429,
  message: 'Rate limit exceeded: free-models-per-min.',
  ...(retryAt !== undefined ? { retryAt } : {}),
  ...(rateLimitLimit !== undefined ? { rateLimitLimit } : {}),
});

export function accountContract(name: string, make: MakeAccount, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip === true)(`the account contract: ${name}`, () => {
    const using = async (policy: Partial<PoolPolicy>, test: (account: Account) => Promise<void>) => {
      const subject = await make({ confirmAccountLimit: false, ...policy });
      try {
        await test(subject.account);
      } finally {
        await subject.account.flush();
        await subject.close?.();
      }
    };

    it('hands concurrent takers no more slots in a window than its limit, and says when the next one opens', () =>
      using({ freeRequestsPerWindow: 3, rateWindowMs: 2_000 }, async (account) => {
        const before = Date.now();
        const taken = await Promise.all(Array.from({ length: 8 }, () => account.take({ maxWaitMs: 0 })));
        expect(taken.filter((t) => 'slot' in t)).toHaveLength(3);
        const blocks = taken.flatMap((t) => ('block' in t ? [t.block] : []));
        expect(blocks).toHaveLength(5);
        for (const b of blocks) {
          expect(b.kind).toBe('minute');
          if (b.kind === 'minute') expect(b.retryAt).toBeGreaterThan(before);
        }
        expect(account.view(Date.now()).window.sentInWindow).toBe(3);
      }));

    it('waits within the wait allowed for the next slot, and says how long it waited', () =>
      using({ freeRequestsPerWindow: 1, rateWindowMs: 300 }, async (account) => {
        const first = slotOf(await account.take({ maxWaitMs: 0 }));
        account.settle(first, Date.now(), true);
        const second = slotOf(await account.take({ maxWaitMs: 5_000 }));
        expect(second.waitedMs).toBeGreaterThan(0);
      }));

    it('a slot further away than the wait allowed is a minute block at once, naming when it opens', () =>
      using({ freeRequestsPerWindow: 5, rateWindowMs: 60_000 }, async (account) => {
        const now = Date.now();
        account.observe(minute429(now + 30_000), now);
        await account.flush();
        const taken = await account.take({ maxWaitMs: 1_000 });
        expect(taken).toMatchObject({ block: { kind: 'minute' }, waitedMs: 0 });
        if ('block' in taken && taken.block.kind === 'minute') {
          expect(taken.block.retryAt).toBeGreaterThan(now + 25_000);
          expect(taken.block.message).toMatch(/rate limit/i);
        }
      }));

    it('counts each slot against the day; a day used up is a day block until its reset', () =>
      using({ freeRequestsPerWindow: 10, rateWindowMs: 60_000 }, async (account) => {
        await account.observeKey({ limit: 2, remaining: 2 }, Date.now());
        slotOf(await account.take({ maxWaitMs: 0 }));
        slotOf(await account.take({ maxWaitMs: 0 }));
        const taken = await account.take({ maxWaitMs: 0 });
        expect(taken).toMatchObject({ block: { kind: 'day', limit: 2 } });
        if ('block' in taken) expect((taken.block as { resetAt: number }).resetAt).toBeGreaterThan(Date.now());
        expect(account.view(Date.now()).daily.remaining).toBe(0);
      }));

    it('a released slot gives its place in the window and its unit of the day back', () =>
      using({ freeRequestsPerWindow: 1, rateWindowMs: 60_000 }, async (account) => {
        await account.observeKey({ limit: 5, remaining: 5 }, Date.now());
        const slot = slotOf(await account.take({ maxWaitMs: 0 }));
        expect(account.view(Date.now()).daily.remaining).toBe(4);
        expect(await account.take({ maxWaitMs: 0 })).toMatchObject({ block: { kind: 'minute' } });
        account.release(slot);
        await account.flush();
        expect(account.view(Date.now()).daily.remaining).toBe(5);
        slotOf(await account.take({ maxWaitMs: 0 }));
        expect(account.view(Date.now()).daily.remaining).toBe(4);
      }));

    it("holds the day's last calls for replies: a background call is refused, a reply is not", () =>
      using({ freeRequestsPerWindow: 10, rateWindowMs: 60_000, dailyReserve: 2 }, async (account) => {
        await account.observeKey({ limit: 50, remaining: 2 }, Date.now());
        expect(await account.take({ maxWaitMs: 0, priority: 'background' })).toMatchObject({ block: { kind: 'reserve', remaining: 2, reserve: 2 } });
        slotOf(await account.take({ maxWaitMs: 0, priority: 'reply' }));
      }));

    it("a daily 429 ends the day for every later take, until the server's reset", () =>
      using({ freeRequestsPerWindow: 10, rateWindowMs: 60_000 }, async (account) => {
        const now = Date.now();
        const block = account.observe({ reason: 'account_daily_limit', status: 429, message: 'free-models-per-day', retryAt: now + 3_600_000, rateLimitLimit: 50 }, now);
        expect(block).toEqual({ kind: 'day', resetAt: now + 3_600_000, limit: 50 });
        await account.flush();
        const taken = await account.take({ maxWaitMs: 0 });
        expect(taken).toMatchObject({ block: { kind: 'day' } });
        if ('block' in taken) expect((taken.block as { resetAt: number }).resetAt).toBeGreaterThan(now + 3_500_000);
      }));

    it("a per-minute 429's X-RateLimit-Limit lowers the window to it", () =>
      using({ freeRequestsPerWindow: 5, rateWindowMs: 1_000 }, async (account) => {
        const now = Date.now();
        account.observe(minute429(now + 100, 2), now);
        await account.flush();
        expect(account.view(Date.now()).window.limit).toBe(2);
        await sleep(Math.max(0, account.opensAt(Date.now()) - Date.now()) + 20);
        const taken = await Promise.all(Array.from({ length: 5 }, () => account.take({ maxWaitMs: 0 })));
        expect(taken.filter((t) => 'slot' in t)).toHaveLength(2);
      }));

    it('takes nothing when `wanted` says no: no place in the window, no unit of the day', () =>
      using({ freeRequestsPerWindow: 1, rateWindowMs: 60_000 }, async (account) => {
        await account.observeKey({ limit: 5, remaining: 5 }, Date.now());
        expect(await account.take({ maxWaitMs: 0, wanted: () => false })).toEqual({ withdrawn: true, waitedMs: 0 });
        expect(account.view(Date.now()).daily.remaining).toBe(5);
        slotOf(await account.take({ maxWaitMs: 0, wanted: () => true }));
      }));

    it("an abort while waiting rejects at once with the signal's reason, and takes nothing", () =>
      using({ freeRequestsPerWindow: 1, rateWindowMs: 60_000 }, async (account) => {
        await account.observeKey({ limit: 5, remaining: 5 }, Date.now());
        slotOf(await account.take({ maxWaitMs: 0 }));
        const controller = new AbortController();
        const waiting = account.take({ maxWaitMs: 120_000, signal: controller.signal });
        const reason = new DOMException('the caller left', 'AbortError');
        setTimeout(() => controller.abort(reason), 20);
        await expect(waiting).rejects.toBe(reason);
        expect(account.view(Date.now()).daily.remaining).toBe(4);
      }));
  });
}
