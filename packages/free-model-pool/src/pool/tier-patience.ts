import type { RequestNeeds, Tier } from '../types.js';
import type { Run } from './run-state.js';
import { soonestCallable } from './soonest-capacity.js';
import { formatDuration, formatTime } from './trail-message.js';

/**
 * Whether a reply-path request stops waiting for its own tier and falls back now: its tier's first
 * model is back later than `policy.replyPatienceMs` (less what the request already waited), while
 * the next tier can answer now. A person in a chat would rather have the smaller model's answer now
 * than the larger one's in a minute. Returns the reason for the trail, or undefined to keep to the
 * usual order (wait for the own tier within `maxWaitMs`, then fall back). A background request
 * keeps that order: nobody is waiting for it.
 */
export function outOfPatience(run: Run, tier: Tier, next: Tier, needs: RequestNeeds): string | undefined {
  const { rt } = run;
  if (run.opts.priority === 'background') return undefined;
  const now = rt.now();
  const own = soonestCallable(rt, tier, needs, now);
  if (own === undefined || own <= now) return undefined;
  const patience = Math.min(rt.policy.replyPatienceMs, rt.policy.maxWaitMs);
  if (own - now <= patience - run.totalWaited) return undefined;
  const there = soonestCallable(rt, next, needs, now);
  if (there === undefined || there > now) return undefined;
  return `the ${tier} pool's first model is back at ${formatTime(own, now)} (in ${formatDuration(own - now)}), later than a reply waits (${formatDuration(patience)}), and the ${next} pool could answer now`;
}
