import { DailyLimitError, PoolExhaustedError, type FreeModelPoolError } from '../errors.js';
import type { Attempt, RequestNeeds, Tier } from '../types.js';
import { earliestRetry } from './soonest-capacity.js';
import { reserveHeldError } from './reserve-held.js';
import type { PoolRuntime } from './runtime.js';
import { decisiveReason, exhaustedMessage, isoSeconds } from './trail-message.js';

/** The daily free-model cap stopped the run (from our counter or the server's 429). */
export interface DailyBlock {
  resetAt: number;
  limit?: number;
  /** The server's message, when a call got the daily 429. */
  serverMessage?: string;
  status?: number;
  /** Set when only the reply reserve refused the call (a background request; the day is not used up). */
  reserveHeld?: { remaining: number; reserve: number };
}

/** The account window had no slot within maxWaitMs. */
export interface MinuteBlock {
  retryAt?: number;
  message: string;
}

/**
 * The error for a run that got no answer: DailyLimitError when the day is used up (nothing else
 * matters until the reset), else PoolExhaustedError with the trail and the earliest useful retry.
 */
export function noAnswerError(
  rt: PoolRuntime,
  tier: Tier,
  needs: RequestNeeds,
  trail: Attempt[],
  why: { dailyBlock?: DailyBlock; minuteBlock?: MinuteBlock; stopNote?: string },
): FreeModelPoolError {
  const now = rt.now();
  const { dailyBlock, minuteBlock } = why;
  if (dailyBlock?.reserveHeld) return reserveHeldError(tier, trail, dailyBlock.resetAt, dailyBlock.reserveHeld);
  if (dailyBlock) {
    const called = trail.some((a) => a.outcome === 'failed' && a.reason === 'account_daily_limit');
    return new DailyLimitError(
      `The account's daily free-model limit${dailyBlock.limit ? ` (${dailyBlock.limit} requests)` : ''} is used up` +
        `${called ? '' : '; no free model was called'}. Free models answer again after ${isoSeconds(dailyBlock.resetAt)}.` +
        `${dailyBlock.serverMessage ? ` Server said: ${dailyBlock.serverMessage}` : ''}`,
      { reason: 'account_daily_limit', tier, attempts: trail, retryAt: dailyBlock.resetAt, status: dailyBlock.status ?? 429 },
    );
  }
  const modelsBack = earliestRetry(rt, tier, needs, now);
  if (minuteBlock) {
    // The window may have reopened while later (paid) candidates were tried: a past time says nothing.
    const latest = Math.max(minuteBlock.retryAt ?? 0, modelsBack ?? 0);
    const retryAt = latest > now ? latest : undefined;
    return new PoolExhaustedError(exhaustedMessage(tier, trail, retryAt, now), {
      reason: 'account_minute_limit',
      tier,
      attempts: trail,
      retryAt,
      status: 429,
    });
  }
  return new PoolExhaustedError(exhaustedMessage(tier, trail, modelsBack, now, why.stopNote ?? ''), {
    reason: decisiveReason(trail),
    tier,
    attempts: trail,
    retryAt: modelsBack,
    status: [...trail].reverse().find((a) => a.outcome === 'failed')?.status,
  });
}
