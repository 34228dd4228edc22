/**
 * The bench scenarios. Time is compressed: one "minute" of OpenRouter lasts `MINUTE_MS` here, and the
 * pool's policy is scaled by the same factor, so a scenario that would take minutes against the real
 * API runs in a few seconds against the simulator without changing its shape.
 */
import { DEFAULT_POLICY, type PoolPolicy } from '@freepool/free-model-pool';
import type { Scenario } from '@freepool/openrouter-simulator';
import { BENCH_MODELS, BENCH_MODELS_9 } from './catalog.js';

/** How long a compressed "minute" lasts, ms. */
export const MINUTE_MS = 1_000;
/** The account's free-model limit per minute on OpenRouter. */
const PER_MINUTE = 20;
/** Runs start this long after a window boundary, so every run sees the simulator's aligned windows alike. */
export const WINDOW_ALIGN_OFFSET_MS = 20;
/** Simulated model latency, ms (seeded range), so p50/p95 mean something. */
const LATENCY: [number, number] = [20, 60];

export interface BenchScenario {
  id: string;
  title: string;
  /** One or two sentences for docs/benchmark.md. */
  explanation: string;
  simulator: Scenario;
  /** Pool order, best first; the baseline tries them in this order too. */
  models: readonly string[];
  /** Requests offered, open loop: they arrive at `ratePerSec` whatever happens to earlier ones. */
  requests: number;
  ratePerSec: number;
  /** How many of the offered requests the limits allow to succeed. */
  capacity: number;
  /** No limit is hidden from the client here, so a good pool needs ≤1.1 calls per success. */
  noHiddenLimit: boolean;
  /** Report calls made after the first daily-cap 429. */
  tracksDailyCap?: boolean;
  /**
   * Closed loop instead of open: this many requests in flight, each client sending its next request
   * when the last one ended (`ratePerSec` is then unused).
   */
  concurrency?: number;
  /** Failures queued on the simulator before the run (`sim.failNext(model, kind, count)`). */
  failFirst?: { model: string; kind: 'server_error'; count: number };
  /** Report which share of the requests after the queued failures the first model served. */
  tracksPrimary?: boolean;
}

/** DEFAULT_POLICY with every duration scaled from real minutes to compressed ones. */
export function compressedPolicy(scale = MINUTE_MS / 60_000): Partial<PoolPolicy> {
  const d = DEFAULT_POLICY;
  const s = (ms: number) => Math.max(1, Math.round(ms * scale));
  return {
    freeRequestsPerWindow: PER_MINUTE,
    rateWindowMs: s(d.rateWindowMs),
    maxWaitMs: s(d.maxWaitMs),
    cooldownLadderMs: d.cooldownLadderMs.map(s),
    attemptTimeoutMs: Math.max(1_000, s(d.attemptTimeoutMs)),
    firstChunkTimeoutMs: Math.max(1_000, s(d.firstChunkTimeoutMs)),
    requestDeadlineMs: s(d.requestDeadlineMs),
    recoveryProbeIntervalMs: s(d.recoveryProbeIntervalMs),
    replyPatienceMs: s(d.replyPatienceMs),
    slowMarginMs: s(d.slowMarginMs),
    latencyMemoryMs: s(d.latencyMemoryMs),
  };
}

const account = { perMinute: PER_MINUTE, windowMs: MINUTE_MS };

/** Scenario sizes can be shrunk (tests) without changing their shape. */
export function benchScenarios(size = 1): BenchScenario[] {
  const n = (requests: number) => Math.max(4, Math.round(requests * size));
  const [a, b, c, d, e] = BENCH_MODELS;
  const dailyRequests = n(50);
  const dailyLeft = Math.round(dailyRequests * 0.6);
  const upstream = (style: 'upstream' | 'shared_capacity' | 'upstream_in_200') => ({
    upstreamLimit: { requests: 4, windowMs: MINUTE_MS, style },
  });
  return [
    {
      id: 'churn',
      title: 'Upstream churn',
      explanation:
        'Each of the 5 models serves only 4 calls per minute upstream (a 429 "rate-limited upstream", a 429 "High demand", or the error inside an HTTP 200 body), so the pool has to keep rotating. 12 requests a minute are offered; the models together serve 20.',
      simulator: {
        seed: 11,
        latencyMs: LATENCY,
        account,
        models: { [a]: upstream('upstream'), [b]: upstream('shared_capacity'), [c]: upstream('upstream_in_200'), [d]: upstream('upstream'), [e]: upstream('shared_capacity') },
      },
      models: BENCH_MODELS,
      requests: n(48),
      ratePerSec: 12,
      capacity: n(48),
      noHiddenLimit: false,
    },
    {
      id: 'dead-first',
      title: 'Dead first model',
      explanation: 'The first model of the pool answers 404 "No endpoints found" (retired); the other four are healthy.',
      simulator: { seed: 12, latencyMs: LATENCY, account, models: { [a]: { gone: true } } },
      models: BENCH_MODELS,
      requests: n(48),
      ratePerSec: 12,
      capacity: n(48),
      noHiddenLimit: true,
    },
    {
      id: 'daily-cap',
      title: 'Daily cap runs out midway',
      explanation:
        'The account has 30 free calls left today and 50 requests arrive. After the first "free-models-per-day" 429 every further call is certain to fail (and would still count).',
      simulator: { seed: 13, latencyMs: LATENCY, account: { ...account, daily: dailyLeft } },
      models: BENCH_MODELS,
      requests: dailyRequests,
      ratePerSec: 10,
      capacity: dailyLeft,
      noHiddenLimit: true,
      tracksDailyCap: true,
    },
    {
      id: 'account-minute',
      title: 'Account per-minute limit is the bottleneck',
      explanation:
        'All models are healthy, but 40 requests arrive within one minute against the account limit of 20 a minute. Waiting for the next window (the pool waits up to maxWaitMs, one minute) lets every request through.',
      simulator: { seed: 14, latencyMs: LATENCY, account },
      models: BENCH_MODELS,
      requests: n(40),
      ratePerSec: 40,
      capacity: n(40),
      noHiddenLimit: true,
    },
    {
      id: 'churn-sync',
      title: 'Upstream churn, in step',
      explanation:
        'Nine models, each serving only 2 calls per minute upstream, and 120 requests kept 3 at a time: the models run out of their learned capacity at the same moments, so a request often finds no model it can call right now and has to wait for the soonest one.',
      simulator: { seed: 16, latencyMs: LATENCY, account, defaultBehavior: { upstreamLimit: { requests: 2, windowMs: MINUTE_MS, style: 'upstream' } } },
      models: BENCH_MODELS_9,
      requests: n(120),
      ratePerSec: 0,
      concurrency: 3,
      capacity: n(120),
      noHiddenLimit: false,
    },
    {
      id: 'lower-limit',
      title: 'Account held below its configured limit',
      explanation:
        'The account allows 10 calls a minute while the pool is set for 20 (some accounts are held lower); 40 requests kept 8 at a time. Every call in flight when the first 429 arrives would be wasted, and counts against the day.',
      simulator: { seed: 17, latencyMs: LATENCY, account: { perMinute: 10, windowMs: MINUTE_MS } },
      models: BENCH_MODELS,
      requests: n(40),
      ratePerSec: 0,
      concurrency: 8,
      capacity: n(40),
      noHiddenLimit: false,
    },
    {
      id: 'recovering-primary',
      title: 'First model recovers',
      explanation:
        'The first model answers 502 to its first 2 calls (it is cooled twice, for about a minute and a half) and is healthy afterwards; 160 requests kept 2 at a time. Once it recovers it should serve nearly every request again rather than stay behind the fallbacks.',
      simulator: { seed: 18, latencyMs: LATENCY, account },
      models: BENCH_MODELS,
      requests: n(160),
      ratePerSec: 0,
      concurrency: 2,
      capacity: n(160),
      noHiddenLimit: false,
      failFirst: { model: a, kind: 'server_error', count: 2 },
      tracksPrimary: true,
    },
    {
      id: 'server-errors',
      title: '20% 5xx (seeded)',
      explanation:
        'Every model answers 502/503 on 20% of calls (seeded PRNG, same sequence for both clients); 100 requests at 10/s, under the account limit so that only the errors matter. Independent failures at 20% cost 1/(1 - 0.2) = 1.25 calls per answer on average whatever the client does: this row shows that the pool adds nothing to it.',
      simulator: { seed: 15, latencyMs: LATENCY, account, defaultBehavior: { serverErrorRate: 0.2 } },
      models: BENCH_MODELS,
      requests: n(100),
      ratePerSec: 10,
      capacity: n(100),
      noHiddenLimit: false,
    },
  ];
}
