import type { AccountView } from '../account/account.js';
import type { CapacityPolicy } from '../limits/index.js';
import type { PoolDefinition } from '../settings.js';
import type { PoolStore } from '../state/store.js';
import { TIERS, type FailureReason, type Tier } from '../types.js';
import { notCallable } from './readiness.js';

/** One model as a status display shows it. */
export interface ModelStatus {
  model: string;
  /** `ready` to be called, `cooling` until `cooldownUntil`, `removed` after a 404 until the pool is refreshed. */
  state: 'ready' | 'cooling' | 'removed';
  cooldownUntil?: number;
  consecutiveFailures: number;
  lastReason?: FailureReason;
  /** Learned time to the whole answer, ms (a decayed average; forgotten after policy.latencyMemoryMs). */
  latencyMs?: number;
  /** Learned time to the first answer token, ms: what a streamed reply waits for (reasoning models think first). */
  firstTokenMs?: number;
  successRate?: number;
  /** Upstream calls per window this model took before its last 429 (see docs: learned upstream capacity). */
  learnedCapacityPerWindow?: number;
  /** Set while the model has used its learned capacity in the current window: skipped (unless last) until then. */
  atCapacityUntil?: number;
}

/** What the pool knows right now: every tier's models, the account window, the daily counter. No secrets. */
export interface PoolStatus {
  at: number;
  tiers: Record<Tier, ModelStatus[]>;
  /** The account's per-minute window, as the account sees it now. */
  account: AccountView['window'];
  daily: AccountView['daily'] & {
    /** True while remaining <= reserve: background requests are refused without a call. */
    reserveInForce: boolean;
  };
}

/** Builds the status snapshot; reads only, so a status page never changes what the pool does. */
export function poolStatus(
  pool: PoolDefinition,
  store: PoolStore,
  account: AccountView,
  policy: CapacityPolicy,
  now: number,
): PoolStatus {
  const model = (id: string): ModelStatus => {
    const h = store.getModelHealth(id);
    const not = notCallable(id, h, now, policy);
    const state = not?.why === 'removed' ? 'removed' : not?.why === 'cooling' ? 'cooling' : 'ready';
    return {
      model: id,
      state,
      ...(state === 'cooling' && h ? { cooldownUntil: h.cooldownUntil } : {}),
      consecutiveFailures: h?.consecutiveFailures ?? 0,
      ...(h?.lastReason ? { lastReason: h.lastReason } : {}),
      ...(h?.latencyMs !== undefined ? { latencyMs: Math.round(h.latencyMs) } : {}),
      ...(h?.firstTokenMs !== undefined ? { firstTokenMs: Math.round(h.firstTokenMs) } : {}),
      ...(h?.successRate !== undefined ? { successRate: Math.round(h.successRate * 100) / 100 } : {}),
      ...(h?.capacityPerWindow !== undefined ? { learnedCapacityPerWindow: h.capacityPerWindow } : {}),
      ...(not?.why === 'capacity' ? { atCapacityUntil: not.skip.cooldownUntil } : {}),
    };
  };
  const tiers = Object.fromEntries(TIERS.map((t) => [t, (pool.tiers[t] ?? []).map(model)])) as Record<Tier, ModelStatus[]>;
  const { window, daily } = account;
  return {
    at: now,
    tiers,
    account: window,
    daily: { ...daily, reserveInForce: daily.reserve > 0 && daily.remaining !== undefined && daily.remaining <= daily.reserve },
  };
}
