/**
 * `bun run bench`: the pool against a naive in-order fallback, on the simulator, with compressed time.
 * Prints one table and writes it to reports/bench.md. Options: --size <factor> (scale the request
 * counts), --only <id,id> (some scenarios), --overhead-calls <n> (0 skips the overhead measurement),
 * --skip-fleet (skips the fleet scenario and the shared ledger's overhead, which start PostgreSQL),
 * --skip-day, --skip-reasoning (the day at the cap, the reasoning models' conversation).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownTable, overheadLine, terminalTable } from './bench/report.js';
import { fleetMarkdown, runFleetBench } from './bench/fleet.js';
import { ledgerOverheadLines, measureLedgerOverhead } from './bench/ledger-overhead.js';
import { DAY_VARIANTS, dayTable, runDay, type DayResult } from './bench/day.js';
import { runBench } from './bench/run-bench.js';
import { reasoningMarkdown, reasoningTable, replyPercentile, runReasoningBench, REASONING_MESSAGES } from './bench/reasoning.js';
import { MINUTE_MS } from './bench/scenarios.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1' },
    only: { type: 'string' },
    'overhead-calls': { type: 'string', default: '200' },
    'skip-fleet': { type: 'boolean', default: false },
    'skip-day': { type: 'boolean', default: false },
    'skip-reasoning': { type: 'boolean', default: false },
  },
});
const size = Number(values.size);
const overheadCalls = Number(values['overhead-calls']);
if (!(size > 0)) throw new Error(`--size must be a positive number, got "${values.size}"`);
if (!(overheadCalls >= 0)) throw new Error(`--overhead-calls must be a number ≥ 0, got "${values['overhead-calls']}"`);

const started = performance.now();
const bench = await runBench({
  size,
  only: values.only?.split(',').map((s) => s.trim()).filter(Boolean),
  overheadCalls,
  onProgress: (m) => process.stderr.write(`  ${m}\n`),
});
// Several processes on one key: the shared ledger's cost per call, and what it saves a fleet.
let fleet = '';
let ledger: string[] = [];
if (!values['skip-fleet']) {
  process.stderr.write('  Shared ledger overhead (PGlite, loopback PostgreSQL)…\n');
  const measured = await measureLedgerOverhead(overheadCalls || 200, 30);
  ledger = ledgerOverheadLines(measured);
  const pg = measured.results.find((r) => r.store === 'PostgreSQL (loopback)');
  if (pg) {
    const ok = pg.addedP50Ms < 2;
    bench.targets.push({ target: 'Shared ledger on loopback PostgreSQL: under 2 ms added per call (p50)', ok, detail: `p50 ${pg.addedP50Ms.toFixed(2)} ms, p95 ${pg.addedP95Ms.toFixed(2)} ms` });
  }
  const fleetRun = await runFleetBench((m) => process.stderr.write(`  ${m}\n`));
  fleet = fleetMarkdown(fleetRun);
  const sharedRun = fleetRun.results.find((r) => r.store === 'shared (PostgreSQL)');
  if (sharedRun) {
    bench.targets.push({
      target: 'Fleet with the shared store: no account 429, every answer the day allows',
      ok: sharedRun.perMinute429 + sharedRun.daily429 === 0 && sharedRun.answered === sharedRun.possible,
      detail: `${sharedRun.perMinute429 + sharedRun.daily429} account 429s, ${sharedRun.answered}/${sharedRun.possible} answered, ${sharedRun.calls} calls`,
    });
  }
}
// A day's conversation at the 50-call cap, through a real runtime: who answered, and was anyone left silent.
const dayRows: DayResult[] = [];
if (!values['skip-day'] && (!values.only || values.only.split(',').includes('day'))) {
  for (const variant of DAY_VARIANTS) {
    process.stderr.write(`  A day at the cap: ${variant}…\n`);
    dayRows.push(await runDay(variant));
  }
  for (const r of dayRows.filter((d) => d.variant !== 'before')) {
    bench.targets.push({
      target: `A day at the cap (${r.variant}): no message left silent, no free call spent on background work in the reserve`,
      ok: r.silent === 0 && r.backgroundInReserve === 0,
      detail: `${r.silent} silent, ${r.backgroundInReserve} background calls in the reserve, ${r.wastedOnErrors} free calls wasted on errors`,
    });
  }
}
const day = dayRows.length ? dayTable(dayRows) : '';
// Reasoning models: a conversation whose models think the way real free models do.
let reasoning = '';
let reasoningTerminal = '';
if (!values['skip-reasoning'] && (!values.only || values.only.split(',').includes('reasoning'))) {
  const rows = await runReasoningBench(Math.max(6, Math.round(REASONING_MESSAGES * size)), (m) => process.stderr.write(`  ${m}\n`));
  reasoning = reasoningMarkdown(rows);
  reasoningTerminal = reasoningTable(rows);
  for (const variant of [...new Set(rows.map((r) => r.variant))]) {
    const [pool, , fastest] = rows.filter((r) => r.variant === variant);
    const p50 = replyPercentile(pool!, 50) ?? Number.POSITIVE_INFINITY;
    const ref = replyPercentile(fastest!, 50) ?? 0;
    bench.targets.push({
      target: `Reasoning models (${variant}): every reply clean, and replies at about the fastest healthy model's speed (p50 within 2x)`,
      ok: pool!.clean === pool!.messages && p50 <= 2 * ref,
      detail: `${pool!.clean}/${pool!.messages} clean; reply p50 ${Math.round(p50)} ms against ${Math.round(ref)} ms for the fastest model alone (${(p50 / ref).toFixed(2)}x); ${(pool!.calls / (pool!.messages - pool!.failed)).toFixed(2)} calls per reply`,
    });
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const targetLines = bench.targets.map((t) => `${t.ok ? '✔' : '✘'} ${t.target} — ${t.detail}`);

const overhead = bench.overhead ? overheadLine(bench.overhead) : '';

console.log(`\nFree-model pool vs naive in-order fallback (simulator; 1 minute compressed to ${MINUTE_MS} ms)\n`);
console.log(terminalTable(bench.rows));
if (overhead) console.log(`\n${overhead}`);
for (const l of ledger) console.log(l);
if (fleet) console.log(`\n${fleet}`);
if (day) console.log(`\nA day at the 50-call cap (group room, 2 free calls a message):\n${day}`);
if (reasoningTerminal) console.log(`\nReasoning models (2 calls a message; reply time = should-respond + reply):\n${reasoningTerminal}`);
console.log(`\nTargets:\n${targetLines.map((l) => `  ${l}`).join('\n')}`);
console.log(`\nBench finished in ${seconds} s.`);

const md = [
  '# Benchmark: free-model pool vs naive in-order fallback',
  '',
  `Generated by \`bun run bench\` on ${new Date().toISOString()} (${process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`}, ${process.platform}/${process.arch}); ` +
    `all traffic goes to the loopback OpenRouter simulator, with one OpenRouter minute compressed to ${MINUTE_MS} ms. Took ${seconds} s.`,
  '',
  markdownTable(bench.rows),
  '',
  overhead,
  ...ledger.map((l) => `\n${l}`),
  '',
  ...(fleet ? ['## Several processes on one key', '', fleet, ''] : []),
  ...(day ? ['## A day at the 50-call cap', '', day, ''] : []),
  ...(reasoning ? ['## Reasoning models', '', reasoning, ''] : []),
  '## Targets',
  '',
  ...targetLines.map((l) => `- ${l}`),
  '',
].join('\n');
const reportPath = path.join(repoRoot, 'reports', 'bench.md');
mkdirSync(path.dirname(reportPath), { recursive: true });
writeFileSync(reportPath, md);
console.log(`Report written to ${path.relative(process.cwd(), reportPath) || reportPath}`);
