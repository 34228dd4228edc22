/**
 * Pool overhead on a first-try success: the same zero-latency simulator answers a direct AI SDK call
 * and a pooled call; the pool's extra cost is the median of the paired differences. Calls alternate
 * so drift (JIT warm-up, GC) hits both sides alike.
 */
import { FreeModelPool } from '@freepool/free-model-pool';
import { startSimulator } from '@freepool/openrouter-simulator';
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { generateText } from 'ai';
import { BENCH_MODELS, benchCatalog, benchPool } from './catalog.js';
import { median } from './measure.js';
import { BENCH_KEY } from './run-scenario.js';

export interface OverheadResult {
  calls: number;
  directMedianMs: number;
  poolMedianMs: number;
  /** Median of (pool − direct) over paired calls, ms. */
  overheadMedianMs: number;
}

export async function measureOverhead(calls = 200, warmup = 30): Promise<OverheadResult> {
  const model = BENCH_MODELS[0];
  // No limit anywhere: this measures bookkeeping, not pacing.
  const sim = await startSimulator({ scenario: { seed: 1, latencyMs: 0, account: { perMinute: 1_000_000 } }, catalog: benchCatalog(), port: 0 });
  try {
    const openrouter = createOpenRouter({ apiKey: BENCH_KEY, baseURL: sim.baseURL });
    const pool = new FreeModelPool({
      connection: { apiKey: BENCH_KEY, baseURL: sim.baseURL },
      pool: benchPool([model]),
      policy: { freeRequestsPerWindow: 1_000_000 },
    });
    const direct = () => generateText({ model: openrouter.chat(model), prompt: 'Say hello.', maxRetries: 0 });
    const pooled = () => pool.generateText({ tier: 'small', prompt: 'Say hello.' });
    const time = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    for (let i = 0; i < warmup; i++) {
      await direct();
      await pooled();
    }
    const d: number[] = [];
    const p: number[] = [];
    const diff: number[] = [];
    for (let i = 0; i < calls; i++) {
      // Alternate which side goes first so neither always benefits from a warm connection.
      let td: number;
      let tp: number;
      if (i % 2 === 0) {
        td = await time(direct);
        tp = await time(pooled);
      } else {
        tp = await time(pooled);
        td = await time(direct);
      }
      d.push(td);
      p.push(tp);
      diff.push(tp - td);
    }
    return { calls, directMedianMs: median(d), poolMedianMs: median(p), overheadMedianMs: median(diff) };
  } finally {
    await sim.close();
  }
}
