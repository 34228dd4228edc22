import { AccountBook, LocalAccount } from '../../src/account/index.js';
import { CooldownLadder, WaitQueue } from '../../src/limits/index.js';
import { resolvePolicy } from '../../src/pool/pool-validation.js';
import type { PoolRuntime } from '../../src/pool/runtime.js';
import { MemoryStore } from '../../src/state/index.js';

export const MODEL = 'google/gemma-3-27b-it:free';

/** A run-loop runtime on a fake clock whose sleep advances time instead of waiting. */
export function fakeRuntime(policyOverrides: Parameters<typeof resolvePolicy>[0], small: string[] = [MODEL]) {
  let t = Date.parse('2026-05-20T12:00:00Z');
  const policy = resolvePolicy(policyOverrides);
  const store = new MemoryStore();
  const sleep = async (ms: number) => {
    t += ms;
  };
  const now = () => t;
  const waits = new WaitQueue(now, sleep);
  const account = new LocalAccount({ book: new AccountBook(), policy, now, waits });
  const rt: PoolRuntime = {
    policy,
    store,
    now,
    sleep,
    waits,
    getPool: () => ({ tiers: { small, large: [], vision: [] }, models: {} }),
    account,
    ladder: new CooldownLadder(policy, () => 0.5),
    secrets: [],
  };
  return { rt, account, advance: (ms: number) => (t += ms), now };
}
