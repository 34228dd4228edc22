import { AccountPacer, CooldownLadder, DailyQuota, WaitQueue } from '../../src/limits/index.js';
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
  const rt: PoolRuntime = {
    policy,
    store,
    now: () => t,
    sleep,
    waits: new WaitQueue(() => t, sleep),
    getPool: () => ({ tiers: { small, large: [], vision: [] }, models: {} }),
    pacer: new AccountPacer(store, policy),
    quota: new DailyQuota(store, policy),
    ladder: new CooldownLadder(policy, () => 0.5),
    secrets: [],
  };
  return { rt, advance: (ms: number) => (t += ms), now: () => t };
}
