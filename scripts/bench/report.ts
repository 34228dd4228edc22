/** Turns bench results into the terminal table (cli-table3) and the Markdown report. */
import Table from 'cli-table3';
import { percentile } from '../lib/stats.js';
import { markdownTable as renderMarkdown } from '../lib/table.js';
import type { OverheadResult } from './overhead.js';
import type { RunResult } from './run-scenario.js';
import type { BenchScenario } from './scenarios.js';

export interface ReportRow {
  scenario: string;
  client: string;
  capacity: string;
  success: string;
  callsPerSuccess: string;
  p50: string;
  p95: string;
  notes: string;
}

const CLIENT_LABEL = { pool: 'free-model-pool', naive: 'naive in-order' } as const;
const HEADERS = ['Scenario', 'Client', 'Capacity allows', 'Succeeded', 'Calls / success', 'p50 ms', 'p95 ms', 'Notes'];

const ms = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? Math.round(v).toString() : '–');

export function toRow(scenario: BenchScenario, r: RunResult): ReportRow {
  const pct = r.offered ? Math.round((100 * r.succeeded) / r.offered) : 0;
  const notes: string[] = [];
  if (r.callsAfterDailyCap !== undefined) notes.push(`${r.callsAfterDailyCap} calls after the cap was known`);
  if (r.primaryShare) notes.push(`first model served ${r.primaryShare.served}/${r.primaryShare.of} of the second half`);
  // What the failed requests ended with, by error class (the message is in the log, not the table).
  const byClass = new Map<string, number>();
  for (const [label, count] of r.failures) {
    const name = label.split(':')[0]!;
    byClass.set(name, (byClass.get(name) ?? 0) + count);
  }
  for (const [name, count] of [...byClass].sort((a, b) => b[1] - a[1])) notes.push(`${count}× ${name}`);
  return {
    scenario: scenario.title,
    client: CLIENT_LABEL[r.client],
    capacity: `${scenario.capacity}/${r.offered}`,
    success: `${r.succeeded}/${r.offered} (${pct}%)`,
    callsPerSuccess: r.succeeded ? (r.calls / r.succeeded).toFixed(2) : `∞ (${r.calls} calls)`,
    p50: ms(percentile(r.latencies, 50)),
    p95: ms(percentile(r.latencies, 95)),
    notes: notes.join('; '),
  };
}

const cells = (r: ReportRow) => [r.client, r.capacity, r.success, r.callsPerSuccess, r.p50, r.p95, r.notes];

export function terminalTable(rows: ReportRow[]): string {
  const table = new Table({ head: HEADERS, style: { head: ['cyan'] }, wordWrap: true, colWidths: [24, 17, 10, 15, 10, 8, 8, 28] });
  for (let i = 0; i < rows.length; i += 2) {
    const [pool, naive] = [rows[i]!, rows[i + 1]];
    table.push([{ rowSpan: naive ? 2 : 1, content: pool.scenario, vAlign: 'center' }, ...cells(pool)]);
    if (naive) table.push(cells(naive));
  }
  return table.toString();
}

export function markdownTable(rows: ReportRow[]): string {
  return renderMarkdown(HEADERS, rows.map((r, i) => [i % 2 === 0 ? `**${r.scenario}**` : '', ...cells(r)]));
}

export function overheadLine(o: OverheadResult): string {
  return (
    `Pool overhead on a first-try success: median ${o.overheadMedianMs.toFixed(3)} ms over ${o.calls} paired calls ` +
    `(direct AI SDK call ${o.directMedianMs.toFixed(3)} ms, pooled ${o.poolMedianMs.toFixed(3)} ms, zero-latency simulator).`
  );
}
