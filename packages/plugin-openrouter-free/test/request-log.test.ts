import type { Attempt, PoolEvent } from '@freepool/free-model-pool';
import { describe, expect, it } from 'vitest';
import { RequestLog } from '../src/status/request-log.js';

const call = (model: string, outcome: Attempt['outcome'], reason?: Attempt['reason']): Attempt => ({
  model,
  outcome,
  ...(reason ? { reason } : {}),
  waitedMs: 0,
  durationMs: outcome === 'skipped' ? 0 : 100,
});
const success = (model: string, attempts: Attempt[]): PoolEvent => ({
  type: 'success',
  outcome: { value: 'x', model, tier: 'small', attempts, waitedMs: 0 },
});

describe('RequestLog', () => {
  it('keeps only the newest requests, newest first', () => {
    const log = new RequestLog({ maxRequests: 3, now: () => 1_000 });
    for (const m of ['a', 'b', 'c', 'd', 'e']) log.record(success(m, [call(m, 'success')]));
    expect(log.recent().map((r) => r.model)).toEqual(['e', 'd', 'c']);
  });

  it('counts calls, not skips, per model over the history window only', () => {
    let now = 0;
    const log = new RequestLog({ historyMs: 60_000, now: () => now });
    const attempt = (a: Attempt): PoolEvent => ({ type: 'attempt', tier: 'small', attempt: a });
    log.record(attempt(call('old', 'success')));
    now = 30_000;
    log.record(attempt(call('a', 'failed', 'model_rate_limit')));
    log.record(attempt(call('a', 'skipped', 'model_rate_limit')));
    log.record(attempt(call('a', 'failed', 'timeout')));
    log.record(attempt(call('b', 'success')));
    now = 61_000; // the first call left the window
    expect(log.callsPerModel()).toEqual([
      { model: 'a', ok: 0, rateLimited: 1, failed: 1 },
      { model: 'b', ok: 1, rateLimited: 0, failed: 0 },
    ]);
  });

  it('sums the trail into the request time, and keeps each attempt', () => {
    const log = new RequestLog();
    log.record(success('b', [{ ...call('a', 'failed', 'model_rate_limit'), status: 429 }, { ...call('b', 'success'), waitedMs: 50 }]));
    const [r] = log.recent();
    expect(r).toMatchObject({ ok: true, model: 'b', durationMs: 250 });
    expect(r!.attempts.map((a) => [a.model, a.outcome, a.status])).toEqual([
      ['a', 'failed', 429],
      ['b', 'success', undefined],
    ]);
  });
});
