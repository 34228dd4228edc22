import { DailyReserveError } from '../errors.js';
import type { Attempt, Tier } from '../types.js';
import { isoSeconds } from './trail-message.js';

/**
 * The error for a background request refused by the reply reserve: no call was made. The trail's
 * skips, which the run loop wrote as a daily-limit block, are relabelled `reserve_held`.
 */
export function reserveHeldError(
  tier: Tier,
  trail: Attempt[],
  resetAt: number,
  held: { remaining: number; reserve: number },
): DailyReserveError {
  const note = `held for replies: ${held.remaining} free calls left today, reserve ${held.reserve}`;
  const attempts = trail.map((a): Attempt =>
    a.outcome === 'skipped' && a.reason === 'account_daily_limit' ? { ...a, reason: 'reserve_held', message: note } : a,
  );
  return new DailyReserveError(
    `The day's last free calls are held for replies: ${held.remaining} left today, at or below the reserve of ${held.reserve}, ` +
      `so this background ${tier} request was refused without a call. Background calls resume after ${isoSeconds(resetAt)}.`,
    { reason: 'reserve_held', tier, attempts, retryAt: resetAt, remaining: held.remaining, reserve: held.reserve },
  );
}
