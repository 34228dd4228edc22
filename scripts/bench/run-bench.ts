/** Runs every scenario with both clients, plus the overhead measurement, and checks the targets. */
import { measureOverhead, type OverheadResult } from './overhead.js';
import { toRow, type ReportRow } from './report.js';
import { runScenario, type ClientKind, type RunResult } from './run-scenario.js';
import { benchScenarios, type BenchScenario } from './scenarios.js';

export interface BenchOptions {
  /** Scales the number of requests of every scenario (1 = the published bench). */
  size?: number;
  /** Only these scenario ids. */
  only?: string[];
  /** Paired calls for the overhead measurement; 0 skips it. */
  overheadCalls?: number;
  onProgress?: (message: string) => void;
}

export interface TargetCheck {
  target: string;
  ok: boolean;
  detail: string;
}

export interface BenchResult {
  rows: ReportRow[];
  results: Array<{ scenario: BenchScenario; pool: RunResult; naive: RunResult }>;
  overhead?: OverheadResult;
  targets: TargetCheck[];
}

export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const progress = options.onProgress ?? (() => {});
  const scenarios = benchScenarios(options.size ?? 1).filter((s) => !options.only?.length || options.only.includes(s.id));
  const results: BenchResult['results'] = [];
  const rows: ReportRow[] = [];
  for (const scenario of scenarios) {
    const byClient = {} as Record<ClientKind, RunResult>;
    for (const client of ['pool', 'naive'] as const) {
      progress(`${scenario.title}: ${client} (${scenario.requests} requests at ${scenario.ratePerSec}/s)…`);
      byClient[client] = await runScenario(scenario, client);
    }
    results.push({ scenario, pool: byClient.pool, naive: byClient.naive });
    rows.push(toRow(scenario, byClient.pool), toRow(scenario, byClient.naive));
  }
  let overhead: OverheadResult | undefined;
  const overheadCalls = options.overheadCalls ?? 200;
  if (overheadCalls > 0) {
    progress(`Pool overhead: ${overheadCalls} paired calls…`);
    overhead = await measureOverhead(overheadCalls, Math.min(30, overheadCalls));
  }
  return { rows, results, overhead, targets: checkTargets(results, overhead) };
}

function checkTargets(results: BenchResult['results'], overhead?: OverheadResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const { scenario, pool } of results) {
    checks.push({
      target: `${scenario.title}: every request the capacity allows succeeds`,
      ok: pool.succeeded >= scenario.capacity,
      detail: `${pool.succeeded} succeeded, capacity allows ${scenario.capacity}`,
    });
    if (scenario.noHiddenLimit) {
      const ratio = pool.succeeded ? pool.calls / pool.succeeded : Number.POSITIVE_INFINITY;
      checks.push({ target: `${scenario.title}: ≤ 1.10 calls per success`, ok: ratio <= 1.1, detail: `${ratio.toFixed(2)} calls per success` });
    }
    if (scenario.tracksDailyCap) {
      checks.push({
        target: `${scenario.title}: zero calls after the daily cap is known`,
        ok: pool.callsAfterDailyCap === 0,
        detail: `${pool.callsAfterDailyCap} calls after the first daily-cap 429`,
      });
    }
  }
  if (overhead) {
    checks.push({
      target: 'Pool overhead on a first-try success under 1 ms',
      ok: overhead.overheadMedianMs < 1,
      detail: `median ${overhead.overheadMedianMs.toFixed(3)} ms`,
    });
  }
  return checks;
}
