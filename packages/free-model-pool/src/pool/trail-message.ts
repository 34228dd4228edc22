import { reasonDescription } from '../failures/index.js';
import type { Attempt, FailureReason, Tier } from '../types.js';

/** `23:41:05Z` for times within a day of `now`, the full ISO timestamp otherwise. */
export function formatTime(t: number, now: number): string {
  const iso = isoSeconds(t);
  return Math.abs(t - now) < 24 * 3600_000 ? iso.slice(11) : iso;
}

/** `850 ms`, `3 s`, `1.5 s`: durations in messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** ISO timestamp without milliseconds, for messages. */
export function isoSeconds(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Starts the message of a skip for learned upstream capacity (see candidates.ts `capacitySkip`). */
export const CAPACITY_SKIP_PREFIX = 'used its learned upstream capacity';

/**
 * One clause per trail line: `meta-llama/llama-3.2-3b-instruct:free was rate limited upstream (429)`,
 * with the reasoning effort the call asked for and, first, a decision taken before it (a fallback).
 */
export function describeAttempt(a: Attempt, now: number): string {
  const before = a.note ? `${a.note}; ` : '';
  const effort = a.effort ? ` (reasoning effort ${a.effort})` : '';
  return `${before}${describeOutcome(a, now)}${a.outcome === 'skipped' ? '' : effort}`;
}

function describeOutcome(a: Attempt, now: number): string {
  if (a.outcome === 'success') return `${a.model} answered`;
  if (a.outcome === 'skipped') {
    switch (a.reason) {
      case 'model_rate_limit':
        if (a.message?.startsWith(CAPACITY_SKIP_PREFIX) && a.cooldownUntil !== undefined) {
          return `${a.model} was not called (it ${CAPACITY_SKIP_PREFIX} until ${formatTime(a.cooldownUntil, now)})`;
        }
        return a.cooldownUntil !== undefined
          ? `${a.model} is cooling down until ${formatTime(a.cooldownUntil, now)}`
          : `${a.model} is cooling down`;
      case 'model_gone':
        return `${a.model} was removed from the pool (the server no longer serves it)`;
      case 'excluded_by_settings':
        return `${a.model} was removed from the pool (the account's OpenRouter settings rule it out)`;
      case 'unsupported_input':
        return `${a.model} was skipped (it cannot take image input)`;
      case 'context_too_long':
        return `${a.model} was skipped (its context window is too small for this prompt)`;
      case 'account_minute_limit':
        return `${a.model} was not called (the account's per-minute free-model limit is used up)`;
      case 'account_daily_limit':
        return `${a.model} was not called (the account's daily free-model limit is used up)`;
      default:
        return `${a.model} was skipped${a.reason ? ` (${a.reason})` : ''}`;
    }
  }
  const status = a.status !== undefined ? ` (${a.status})` : '';
  const cooled = a.cooldownUntil !== undefined ? `, cooling down until ${formatTime(a.cooldownUntil, now)}` : '';
  // The setting to change is the point of this line: its message leads with it.
  const setting = a.reason === 'excluded_by_settings' && a.message ? `: ${a.message}` : '';
  return `${a.model} ${a.reason ? reasonDescription(a.reason) : 'failed'}${status}${cooled}${setting}`;
}

/** The whole trail on one line, one clause per attempt: the exhausted message and the plugin's log lines. */
export function describeTrail(attempts: readonly Attempt[], now: number): string {
  return attempts.map((a) => describeAttempt(a, now)).join('; ');
}

/**
 * The sentence a user reads when a tier gave no answer: every model tried or skipped and why,
 * then when trying again makes sense.
 */
export function exhaustedMessage(
  tier: Tier,
  attempts: Attempt[],
  retryAt: number | undefined,
  now: number,
  note = '',
): string {
  const head =
    attempts.length === 0
      ? `No free model in the ${tier} pool could answer: the ${tier} pool has no models configured${note}.`
      : `No free model in the ${tier} pool could answer: ${describeTrail(attempts, now)}${note}.`;
  const tail = retryAt !== undefined ? ` Try again after ${formatTime(retryAt, now)}.` : '';
  return head + tail;
}

/**
 * The reason an exhausted request is filed under: the most frequent reason among calls that failed,
 * else among skips (ties go to the latest), so `error.reason` says what mostly went wrong.
 */
export function decisiveReason(attempts: Attempt[]): FailureReason {
  const pick = (list: Attempt[]): FailureReason | undefined => {
    const counts = new Map<FailureReason, number>();
    let best: FailureReason | undefined;
    let bestCount = 0;
    for (const a of list) {
      if (!a.reason) continue;
      const c = (counts.get(a.reason) ?? 0) + 1;
      counts.set(a.reason, c);
      if (c >= bestCount) {
        best = a.reason;
        bestCount = c;
      }
    }
    return best;
  };
  return (
    pick(attempts.filter((a) => a.outcome === 'failed')) ?? pick(attempts.filter((a) => a.outcome === 'skipped')) ?? 'server_error'
  );
}
