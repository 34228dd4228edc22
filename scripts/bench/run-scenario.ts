/**
 * Runs one scenario against a fresh simulator with one client (the pool or the naive baseline) and
 * measures what a user would: how many requests got an answer, how many upstream calls that cost
 * (counted by the simulator, not by the client), and how long each request took from its arrival.
 */
import { FreeModelPool } from '@freepool/free-model-pool';
import { startSimulator } from '@freepool/openrouter-simulator';
import { benchCatalog, benchPool } from './catalog.js';
import { createRandom } from '@freepool/openrouter-simulator';
import { sleep } from './measure.js';
import { createNaivePool } from './naive.js';
import { compressedPolicy, MINUTE_MS, WINDOW_ALIGN_OFFSET_MS, type BenchScenario } from './scenarios.js';

export type ClientKind = 'pool' | 'naive';

/** Obviously fake: the simulator accepts any key. */
export const BENCH_KEY = 'sk-or-v1-FAKE-bench-key-0000';

export interface RunResult {
  scenario: string;
  client: ClientKind;
  offered: number;
  succeeded: number;
  /** Chat-completion calls the simulator received. */
  calls: number;
  /** Latency of successful requests, from arrival to answer, ms. */
  latencies: number[];
  /** Calls the simulator received after it first answered "daily cap reached" (that call excluded). */
  callsAfterDailyCap?: number;
  /** Failure messages by count, for the log. */
  failures: Map<string, number>;
  /** With `tracksPrimary`: of the second half of the requests, how many the first model served. */
  primaryShare?: { served: number; of: number };
  wallMs: number;
}

/** One request; resolves with the model that answered. */
type Generate = (prompt: string) => Promise<{ model: string }>;

function makeClient(kind: ClientKind, scenario: BenchScenario, baseURL: string, seed: number): Generate {
  if (kind === 'naive') {
    const naive = createNaivePool({ apiKey: BENCH_KEY, baseURL, models: scenario.models });
    return (prompt) => naive.generateText(prompt);
  }
  const pool = new FreeModelPool({
    connection: { apiKey: BENCH_KEY, baseURL },
    pool: benchPool(scenario.models),
    policy: compressedPolicy(),
    random: createRandom(seed),
  });
  return (prompt) => pool.generateText({ tier: 'small', prompt });
}

/** The simulator tags the account's "free-models-per-day" 429 with this kind. */
const DAILY_CAP_KIND = 'daily_429';

export async function runScenario(scenario: BenchScenario, kind: ClientKind): Promise<RunResult> {
  const sim = await startSimulator({ scenario: scenario.simulator, catalog: benchCatalog(), port: 0 });
  try {
    const generate = makeClient(kind, scenario, sim.baseURL, scenario.simulator.seed ?? 1);
    const latencies: number[] = [];
    const failures = new Map<string, number>();
    let succeeded = 0;
    const servedBy: string[] = [];
    const one = (i: number) => {
      const arrivedAt = performance.now();
      return generate(`Bench request ${i + 1}: say hello.`).then(
        (r) => {
          succeeded++;
          servedBy[i] = r.model;
          latencies.push(performance.now() - arrivedAt);
        },
        (error: unknown) => {
          const label = `${(error as Error)?.name ?? 'Error'}: ${String((error as Error)?.message ?? error).slice(0, 120)}`;
          failures.set(label, (failures.get(label) ?? 0) + 1);
        },
      );
    };
    if (scenario.failFirst) sim.failNext(scenario.failFirst.model, scenario.failFirst.kind, scenario.failFirst.count);
    // The simulator's windows are aligned to multiples of their length; start every run at the same
    // phase so neither client is lucky enough to have its burst split across two windows.
    await sleep(MINUTE_MS - (Date.now() % MINUTE_MS) + WINDOW_ALIGN_OFFSET_MS);
    const start = performance.now();
    const inFlight: Promise<void>[] = [];
    if (scenario.concurrency) {
      // Closed loop: each of `concurrency` clients sends its next request when its last one ended.
      let next = 0;
      for (let c = 0; c < scenario.concurrency; c++) {
        inFlight.push(
          (async () => {
            while (next < scenario.requests) await one(next++);
          })(),
        );
      }
    } else {
      const interval = 1000 / scenario.ratePerSec;
      for (let i = 0; i < scenario.requests; i++) {
        await sleep(start + i * interval - performance.now());
        inFlight.push(one(i));
      }
    }
    await Promise.all(inFlight);
    const wallMs = performance.now() - start;
    const stats = sim.stats();
    // The simulator records chat-completion attempts only, in the order it received them.
    let callsAfterDailyCap: number | undefined;
    if (scenario.tracksDailyCap) {
      const first = stats.calls.findIndex((c) => c.kind === DAILY_CAP_KIND);
      callsAfterDailyCap = first < 0 ? 0 : stats.calls.length - first - 1;
    }
    const secondHalf = servedBy.slice(Math.floor(scenario.requests / 2));
    const primaryShare = scenario.tracksPrimary
      ? { served: secondHalf.filter((m) => m === scenario.models[0]).length, of: scenario.requests - Math.floor(scenario.requests / 2) }
      : undefined;
    return { scenario: scenario.id, client: kind, offered: scenario.requests, succeeded, calls: stats.total, latencies, callsAfterDailyCap, failures, wallMs, primaryShare };
  } finally {
    await sim.close();
  }
}
