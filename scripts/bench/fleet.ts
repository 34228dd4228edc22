/**
 * The fleet scenario: N Node processes with two agents each on one key, against a simulator shaped
 * like the free tier (20 calls per compressed window, a daily cap of 30), every agent sending its
 * requests at once. Run twice: with the pool state shared on one PostgreSQL (OPENROUTER_STATE_URL)
 * and without (each process shares only between its own agents, as before).
 */
import { startSimulator } from '@freepool/openrouter-simulator';
import { markdownTable } from '../lib/table.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode, NodeProcess } from '../../test/helpers/node-process.js';
import { POSTGRES_AVAILABLE, startPostgres } from '../../test/helpers/postgres.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLUGIN_DIR = path.join(ROOT, 'packages', 'plugin-openrouter-free');
const CHILD = path.join(PLUGIN_DIR, 'test', 'fleet', 'fleet-child.ts');
const KEY = 'sk-or-v1-FAKE-bench-fleet-key-0000';
const SMALL = ['meta-llama/llama-3.2-3b-instruct:free', 'google/gemma-3n-e4b-it:free', 'liquid/lfm-2.5-1.2b-instruct:free'];

export interface FleetOptions {
  processes: number;
  agentsPerProcess: number;
  requestsPerAgent: number;
  perWindow: number;
  windowMs: number;
  daily: number;
}

export const DEFAULT_FLEET: FleetOptions = { processes: 3, agentsPerProcess: 2, requestsPerAgent: 10, perWindow: 20, windowMs: 1500, daily: 30 };

export interface FleetResult {
  store: 'shared (PostgreSQL)' | 'per process';
  offered: number;
  /** Answers the cap allows. */
  possible: number;
  answered: number;
  calls: number;
  perMinute429: number;
  daily429: number;
}

export async function runFleet(shared: boolean, opts: FleetOptions = DEFAULT_FLEET, onProgress: (m: string) => void = () => {}): Promise<FleetResult> {
  const server = shared ? await startPostgres() : undefined;
  const sim = await startSimulator({ apiKey: KEY, scenario: { seed: 1, account: { perMinute: opts.perWindow, windowMs: opts.windowMs, daily: opts.daily } } });
  const procs: NodeProcess[] = [];
  try {
    const bundle = bundleForNode(CHILD, PLUGIN_DIR);
    const settings: Record<string, string> = {
      OPENROUTER_API_KEY: KEY,
      OPENROUTER_BASE_URL: sim.baseURL,
      OPENROUTER_FREE_RPM: String(opts.perWindow),
      OPENROUTER_RATE_WINDOW_MS: String(opts.windowMs),
      OPENROUTER_MAX_WAIT_MS: '30000',
      OPENROUTER_COOLDOWN_MS: '1000',
      OPENROUTER_CATALOG_REFRESH: 'false',
      OPENROUTER_DAILY_RESERVE: '0',
      OPENROUTER_NOTICE: 'off',
      OPENROUTER_SMALL_POOL: SMALL.join(','),
      ...(server ? { OPENROUTER_STATE_URL: server.url } : { OPENROUTER_PERSIST_STATE: 'false' }),
    };
    const env = { FLEET_SETTINGS: JSON.stringify(settings), FLEET_AGENTS: String(opts.agentsPerProcess), LOG_LEVEL: 'error' };
    onProgress(`Fleet, ${shared ? 'shared store' : 'no shared store'}: ${opts.processes} processes × ${opts.agentsPerProcess} agents × ${opts.requestsPerAgent} requests…`);
    for (let i = 0; i < opts.processes; i++) procs.push(new NodeProcess(bundle, env));
    for (const p of procs) await p.next(120_000);
    const replies = await Promise.all(procs.map((p) => p.ask<{ counts: Record<string, number> }>({ cmd: 'run', requests: opts.requestsPerAgent })));
    await Promise.all(procs.map((p) => p.ask({ cmd: 'stop' })));
    const stats = sim.stats();
    return {
      store: shared ? 'shared (PostgreSQL)' : 'per process',
      offered: opts.processes * opts.agentsPerProcess * opts.requestsPerAgent,
      possible: Math.min(opts.daily, opts.processes * opts.agentsPerProcess * opts.requestsPerAgent),
      answered: replies.reduce((n, r) => n + (r.counts.ok ?? 0), 0),
      calls: stats.total,
      perMinute429: stats.calls.filter((c) => c.kind === 'per_minute_429').length,
      daily429: stats.calls.filter((c) => c.kind === 'daily_429').length,
    };
  } finally {
    for (const p of procs) p.kill();
    await sim.close();
    await server?.destroy();
  }
}

export async function runFleetBench(onProgress?: (m: string) => void): Promise<{ results: FleetResult[]; skipped?: string }> {
  const results = [await runFleet(false, DEFAULT_FLEET, onProgress)];
  if (!POSTGRES_AVAILABLE) return { results, skipped: 'PostgreSQL not installed (apt-get install -y postgresql): the shared-store run was skipped' };
  results.unshift(await runFleet(true, DEFAULT_FLEET, onProgress));
  return { results };
}

export function fleetMarkdown(r: { results: FleetResult[]; skipped?: string }, opts: FleetOptions = DEFAULT_FLEET): string {
  const head = ['Pool state', 'Answered', 'Calls reaching OpenRouter', 'Account 429s (per minute + daily)', 'Calls / success', 'Success rate'];
  const rows = r.results.map((x) => [
    x.store,
    `${x.answered}/${x.offered} (${x.possible} possible)`,
    `${x.calls} (cap ${opts.daily})`,
    `${x.perMinute429 + x.daily429} (${x.perMinute429} + ${x.daily429})`,
    x.answered ? (x.calls / x.answered).toFixed(2) : '∞',
    `${Math.round((100 * x.answered) / x.possible)}% of possible`,
  ]);
  return [
    `Fleet: ${opts.processes} processes × ${opts.agentsPerProcess} agents × ${opts.requestsPerAgent} requests at once on one key; ` +
      `the account allows ${opts.perWindow} calls per ${opts.windowMs} ms window and ${opts.daily} a day.`,
    '',
    markdownTable(head, rows),
    ...(r.skipped ? ['', r.skipped] : []),
  ].join('\n');
}
