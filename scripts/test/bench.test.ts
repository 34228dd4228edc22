/**
 * Smoke test of `bun run bench` with tiny sizes: every scenario runs with both clients against the
 * simulator and lands in the report. No timing assertions (speed is what the bench itself reports).
 */
import { describe, expect, it } from 'vitest';
import { markdownTable, terminalTable } from '../bench/report.js';
import { runBench } from '../bench/run-bench.js';
import { benchScenarios } from '../bench/scenarios.js';

describe('bench (tiny sizes)', () => {
  it('runs every scenario with the pool and the naive baseline and reports them', async () => {
    const bench = await runBench({ size: 0.1, overheadCalls: 5 });
    const ids = benchScenarios().map((s) => s.id);
    expect(bench.results.map((r) => r.scenario.id)).toEqual(ids);
    expect(bench.rows).toHaveLength(ids.length * 2);

    for (const { scenario, pool, naive } of bench.results) {
      for (const run of [pool, naive]) {
        expect(run.offered).toBe(scenario.requests);
        expect(run.succeeded).toBeGreaterThan(0);
        // Every success needs at least one upstream call, counted by the simulator.
        expect(run.calls).toBeGreaterThanOrEqual(run.succeeded);
      }
    }

    // Once the daily cap is known the pool stops calling; the baseline keeps trying every model.
    const daily = bench.results.find((r) => r.scenario.id === 'daily-cap')!;
    expect(daily.pool.callsAfterDailyCap).toBe(0);
    expect(daily.naive.callsAfterDailyCap).toBeGreaterThan(0);

    expect(bench.overhead?.calls).toBe(5);
    const md = markdownTable(bench.rows);
    expect(md).toContain('| Scenario | Client | Capacity allows | Succeeded | Calls / success | p50 ms | p95 ms | Notes |');
    for (const s of benchScenarios()) expect(md).toContain(s.title);
    expect(terminalTable(bench.rows)).toContain('naive in-order');
  }, 120_000);
});
