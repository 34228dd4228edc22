import type { PoolPolicy } from '../settings.js';
import type { ClassifiedFailure } from '../types.js';

/**
 * Escalating cooldowns for model-level failures: rung n = consecutive failures (1-based), the last
 * rung repeats. Each cooldown gets ±`cooldownJitter` so models cooled together do not all return
 * in the same instant, and is never shorter than the server's own retry hint.
 *
 * Rule for active cooldowns (the OpenClaw lesson: retries that fail inside a window must not keep
 * pushing the window out): when a failure lands while the model is already cooling (`activeUntil >
 * now`, e.g. a concurrent request that was in flight when the cooldown began), the existing
 * cooldown is kept — it is only extended to honour a later server retry hint — and the caller
 * should not count the failure toward the ladder (see `recordFailure` in model-health.ts).
 */
export class CooldownLadder {
  constructor(
    private readonly policy: Pick<PoolPolicy, 'cooldownLadderMs' | 'cooldownJitter'>,
    private readonly random: () => number = Math.random,
  ) {}

  /** Base duration of the rung for `consecutiveFailures` (≥ 1), before jitter. */
  rungMs(consecutiveFailures: number): number {
    const ladder = this.policy.cooldownLadderMs;
    if (ladder.length === 0) return 0;
    const i = Math.min(Math.max(1, Math.floor(consecutiveFailures)) - 1, ladder.length - 1);
    return Math.max(0, ladder[i]!);
  }

  /** Returns `cooldownUntil` (epoch ms) for this failure. */
  next(consecutiveFailures: number, failure: Pick<ClassifiedFailure, 'retryAt'>, now: number, activeUntil = 0): number {
    const floor = failure.retryAt !== undefined && failure.retryAt > now ? failure.retryAt : now;
    if (activeUntil > now) return Math.max(activeUntil, floor);
    const base = this.rungMs(consecutiveFailures);
    const jitter = Math.min(Math.max(this.policy.cooldownJitter, 0), 1);
    const r = Math.min(Math.max(this.random(), 0), 1);
    const factor = 1 + jitter * (2 * r - 1);
    return Math.max(Math.round(now + base * factor), floor);
  }
}
