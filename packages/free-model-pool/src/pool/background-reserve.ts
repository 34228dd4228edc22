import type { FreeModelPoolError } from '../errors.js';
import type { PoolStream, TextRequest } from './requests.js';
import { reserveHeldError } from './reserve-held.js';
import { emitEvent, type PoolRuntime } from './runtime.js';

/**
 * The reply reserve for a request that does not pass through the run loop's daily check with its
 * priority (a stream): the DailyReserveError to fail with, before any call, or undefined.
 */
export function refuseHeldBackground(rt: PoolRuntime, request: TextRequest): FreeModelPoolError | undefined {
  if (request.priority !== 'background') return undefined;
  const check = rt.quota.check(rt.now(), 'background');
  if (check.ok || !check.reserveHeld) return undefined;
  const models = rt.getPool().tiers[request.tier] ?? [];
  const error = reserveHeldError(
    request.tier,
    models.map((model) => ({ model, outcome: 'skipped', reason: 'account_daily_limit', waitedMs: 0, durationMs: 0 })),
    check.resetAt,
    check.reserveHeld,
  );
  emitEvent(rt, { type: 'failure', tier: request.tier, error });
  return error;
}

/** A stream that fails with `error` before its first chunk. */
export function failedStream(error: unknown): PoolStream {
  const rejected = <T>() => {
    const p = Promise.reject(error) as Promise<T>;
    p.catch(() => {});
    return p;
  };
  return {
    textStream: {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
    },
    text: rejected(),
    usage: rejected(),
    finishReason: rejected(),
    outcome: rejected(),
  };
}
