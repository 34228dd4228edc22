import type { IAgentRuntime } from '@elizaos/core';
import { FreeModelPoolError, PoolExhaustedError, redactSecrets, type Attempt, type PoolOutcome, type Tier } from '@freepool/free-model-pool';
import { describeTrail } from '@freepool/free-model-pool/internal';

/** Tag on every structured log record of this plugin. */
export const LOG_SOURCE = 'plugin:openrouter-free';

/** Calls the request sent: attempts that were not skipped. */
function calls(attempts: readonly Attempt[]): number {
  return attempts.filter((a) => a.outcome !== 'skipped').length;
}

/**
 * One line per served request: `debug` when the first model answered at once, `warn` when the pool
 * had to skip, rotate or wait, so a user reading warnings sees every time the free tier pushed back.
 * The warning ends with the engine's trail: `a/x:free was rate limited upstream (429), cooling down
 * until 12:00:30Z; b/y:free answered`.
 */
export function logServed(runtime: IAgentRuntime, modelType: string, outcome: PoolOutcome<unknown>, apiKey?: string): void {
  const firstTry = outcome.attempts.length === 1 && outcome.attempts[0]?.outcome === 'success' && outcome.waitedMs === 0;
  const record = {
    src: LOG_SOURCE,
    modelType,
    tier: outcome.tier,
    model: outcome.model,
    attempts: calls(outcome.attempts),
    waitedMs: Math.round(outcome.waitedMs),
  };
  const message = redactSecrets(
    `${modelType} (${outcome.tier} pool) served by ${outcome.model} after ${record.attempts} attempt(s), waited ${record.waitedMs} ms` +
      (firstTry ? '' : `: ${describeTrail(outcome.attempts, Date.now())}`),
    [apiKey],
  );
  if (firstTry) runtime.logger.debug(record, message);
  else runtime.logger.warn(record, message);
}

/**
 * One line per failed request, with the attempt trail when the engine gave one. A PoolExhaustedError's
 * message already is that trail, so it is not repeated in brackets.
 */
export function logFailed(runtime: IAgentRuntime, modelType: string, tier: Tier | undefined, error: unknown, apiKey?: string): void {
  const poolError = FreeModelPoolError.isInstance(error) ? error : undefined;
  const attempts: Attempt[] = Array.isArray(poolError?.attempts) ? poolError.attempts : [];
  const waitedMs = Math.round(attempts.reduce((sum, a) => sum + (a.waitedMs ?? 0), 0));
  const reason = poolError?.reason;
  const text = error instanceof Error ? error.message : String(error);
  const record = { src: LOG_SOURCE, modelType, tier, reason, attempts: calls(attempts), waitedMs };
  runtime.logger.warn(
    record,
    redactSecrets(
      `${modelType}${tier ? ` (${tier} pool)` : ''} failed after ${record.attempts} attempt(s), waited ${waitedMs} ms: ${text}` +
        (attempts.length && !PoolExhaustedError.isInstance(error) ? ` [${describeTrail(attempts, Date.now())}]` : ''),
      [apiKey],
    ),
  );
}
