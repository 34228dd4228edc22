import type { PoolPolicy } from '../settings.js';
import type { ModelHealth } from '../types.js';
import { HEALTH_EWMA_ALPHA } from './model-health.js';

/**
 * Latency is part of a model's health: the pool learns how long each model takes to its first answer
 * token (the whole answer for a non-streamed call) and to the end of its answer, as exponentially
 * weighted averages, so that reply-path requests go to fast models (pool/candidates.ts). A reasoning
 * model that thinks for half a minute is slow there, whatever its rank.
 *
 * Measurements fade: one older than `latencyMemoryMs` is forgotten (the model is tried in its pool
 * place again) and the next answer starts a fresh average instead of being blended with it, so a
 * model that was slow for a while gets its place back once it is fast.
 */
export type LatencyPolicy = Pick<PoolPolicy, 'latencyMemoryMs' | 'slowFactor' | 'slowMarginMs'>;

function blend(prev: number | undefined, value: number, fresh: boolean, alpha: number): number {
  return prev === undefined || !fresh ? value : prev + alpha * (value - prev);
}

function isFresh(health: ModelHealth | undefined, now: number, policy: Pick<LatencyPolicy, 'latencyMemoryMs'>): boolean {
  return health?.latencyAt !== undefined && now - health.latencyAt <= policy.latencyMemoryMs;
}

/** An answer's times: to its first answer token, and (when it is complete) to its end. */
export function recordLatency(
  health: ModelHealth,
  sample: { firstTokenMs?: number; totalMs?: number },
  now: number,
  policy: Pick<LatencyPolicy, 'latencyMemoryMs'>,
  alpha: number = HEALTH_EWMA_ALPHA,
): ModelHealth {
  const fresh = isFresh(health, now, policy);
  const ok = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;
  const out: ModelHealth = { ...health, latencyAt: now };
  if (ok(sample.firstTokenMs)) out.firstTokenMs = blend(health.firstTokenMs, sample.firstTokenMs, fresh, alpha);
  if (ok(sample.totalMs)) out.latencyMs = blend(health.latencyMs, sample.totalMs, fresh, alpha);
  return out;
}

/**
 * No answer token within `waitedMs` (an attempt timeout): the model is at least that slow, not
 * averaged down by its earlier answers, so it is demoted for `latencyMemoryMs` rather than cooled.
 */
export function recordTooSlow(health: ModelHealth, waitedMs: number, now: number): ModelHealth {
  return { ...health, firstTokenMs: Math.max(health.firstTokenMs ?? 0, waitedMs), latencyAt: now };
}

/** The time to the first answer token the pool expects of a model, or undefined when unknown or forgotten. */
export function expectedFirstTokenMs(health: ModelHealth | undefined, now: number, policy: Pick<LatencyPolicy, 'latencyMemoryMs'>): number | undefined {
  if (!isFresh(health, now, policy)) return undefined;
  return health!.firstTokenMs ?? health!.latencyMs;
}

/**
 * Whether a model expected to take `expectedMs` is slow beside the fastest candidate's `fastestMs`:
 * more than `slowFactor` times it, and more than `slowMarginMs` above it.
 */
export function isSlow(expectedMs: number | undefined, fastestMs: number | undefined, policy: Pick<LatencyPolicy, 'slowFactor' | 'slowMarginMs'>): boolean {
  if (expectedMs === undefined || fastestMs === undefined) return false;
  return expectedMs > fastestMs * policy.slowFactor && expectedMs > fastestMs + policy.slowMarginMs;
}
