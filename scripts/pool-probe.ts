/**
 * `bun run pool:probe` — sends a few small prompts to every free model (text; JSON where the
 * catalog claims JSON output; an image where it claims image input), paced under the account's
 * per-minute limit, and writes a JSON + Markdown report and an SVG chart. `--update-pool` reorders
 * the default pool file by what was measured. Ctrl-C writes a partial report and exits 130.
 */
import { relative } from 'node:path';
import { AccountBook, buildPools, createOpenRouterClient, fetchKeyStatus, LocalAccount, redactSecrets, type AccountSlot, type FreeModelEntry } from '@freepool/free-model-pool';
import { refusedByAccount, resolvePolicy, sleep, WaitQueue } from '@freepool/free-model-pool/internal';
import { intOption, listOption, parseCli, parseOrExit } from './lib/args.js';
import { loadCatalog } from './lib/catalog-source.js';
import { apiKeyFrom, baseUrlFrom, missingKeyMessage, pacingFrom } from './lib/env.js';
import { type Env, processIo, runCli, type ScriptIo } from './lib/io.js';
import { DEFAULT_POOLS_PATH, REPO_ROOT } from './lib/paths.js';
import { readDefaultPools, writeDefaultPools } from './lib/pool-files.js';
import { probeCall, type ProbeKind } from './lib/probe-calls.js';
import { rankModels, reorderPool, summarize, writeReport, type ProbeCallRecord } from './lib/probe-report.js';
import { createProgress } from './lib/progress.js';
import { renderTable } from './lib/table.js';

/** Defaults of the options below. */
export const PROBE_DEFAULTS = Object.freeze({
  timeoutMs: 60_000,
  rounds: 1,
  concurrency: 2,
  outDir: 'reports',
  /** A call that hit the account's per-minute 429 did not test the model: it is queued again once. */
  minuteLimitRetries: 1,
});

const USAGE = `Usage: bun run pool:probe [options]

Needs OPENROUTER_API_KEY. Uses OPENROUTER_BASE_URL (default https://openrouter.ai/api/v1) and paces
calls with OPENROUTER_FREE_RPM per OPENROUTER_RATE_WINDOW_MS (default 20 per 60000 ms).
Every call counts against the account's free daily quota (50/day, or 1000/day with credits).

  --models a,b        only these model ids
  --limit N           only the N best-scored free models
  --rounds N          repeat each prompt N times (default ${PROBE_DEFAULTS.rounds})
  --timeout-ms N      per-call timeout (default ${PROBE_DEFAULTS.timeoutMs})
  --concurrency N     calls in flight at once, still paced (default ${PROBE_DEFAULTS.concurrency})
  --catalog FILE      take the model list from a saved catalog instead of GET /models
  --out DIR           report directory (default ${PROBE_DEFAULTS.outDir}/)
  --update-pool       reorder the default pool file by the measurements
  --pool-file FILE    the pool file --update-pool rewrites (default: the committed default-pools.json)
  -h, --help          this text`;

export interface ProbeDeps {
  /** Aborting it acts like Ctrl-C (tests). */
  signal?: AbortSignal;
  /** Listen for SIGINT (the CLI does; tests that import main do not). */
  handleSigint?: boolean;
}

interface Task {
  model: FreeModelEntry;
  kind: ProbeKind;
  round: number;
  retries: number;
}

function planTasks(models: FreeModelEntry[], rounds: number): Task[] {
  const tasks: Task[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const model of models) {
      tasks.push({ model, kind: 'text', round, retries: 0 });
      if (model.structuredOutputs || model.responseFormat) tasks.push({ model, kind: 'json', round, retries: 0 });
      if (model.vision) tasks.push({ model, kind: 'image', round, retries: 0 });
    }
  }
  return tasks;
}

export async function main(argv: string[], env: Env, io: ScriptIo = processIo, deps: ProbeDeps = {}): Promise<number> {
  const opts = parseOrExit(io, USAGE, () => {
    const v = parseCli(argv, {
      models: { type: 'string' },
      limit: { type: 'string' },
      rounds: { type: 'string' },
      'timeout-ms': { type: 'string' },
      concurrency: { type: 'string' },
      catalog: { type: 'string' },
      out: { type: 'string' },
      'update-pool': { type: 'boolean' },
      'pool-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    return {
      help: v.help === true,
      models: listOption(v.models),
      limit: intOption(v.limit, 'limit'),
      rounds: intOption(v.rounds, 'rounds') ?? PROBE_DEFAULTS.rounds,
      timeoutMs: intOption(v['timeout-ms'], 'timeout-ms') ?? PROBE_DEFAULTS.timeoutMs,
      concurrency: intOption(v.concurrency, 'concurrency') ?? PROBE_DEFAULTS.concurrency,
      catalog: v.catalog,
      outDir: v.out ?? `${REPO_ROOT}/${PROBE_DEFAULTS.outDir}`,
      updatePool: v['update-pool'] === true,
      poolFile: v['pool-file'] ?? DEFAULT_POOLS_PATH,
      pacing: pacingFrom(env),
    };
  });
  if (typeof opts === 'number') return opts;
  const apiKey = apiKeyFrom(env);
  if (!apiKey) {
    io.err(missingKeyMessage('pool:probe (it calls the models)'));
    return 1;
  }
  const secrets = [apiKey];
  const say = (text: string) => io.err(redactSecrets(text, secrets));
  const baseURL = baseUrlFrom(env);

  // The model list: the free models of the live (or saved) catalog, classified as discovery does.
  let models: FreeModelEntry[];
  try {
    const catalog = await loadCatalog({ file: opts.catalog, baseURL, signal: deps.signal });
    models = buildPools(catalog.models, { now: Date.now(), source: catalog.source }).models;
  } catch (e) {
    say(`pool:probe: ${(e as Error).message}`);
    return 1;
  }
  if (opts.models) {
    const unknown = opts.models.filter((id) => !models.some((m) => m.id === id));
    for (const id of unknown) say(`warning: ${id} is not a free model in the catalog; skipped`);
    models = models.filter((m) => opts.models!.includes(m.id));
  }
  if (opts.limit !== undefined) models = [...models].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, opts.limit);
  if (models.length === 0) {
    say('pool:probe: no models to probe.');
    return 1;
  }

  const tasks = planTasks(models, opts.rounds);
  const plannedCalls = tasks.length;
  try {
    const daily = (await fetchKeyStatus({ apiKey, baseURL }, AbortSignal.timeout(10_000))).freeModelDaily;
    if (daily?.remaining !== undefined && daily.remaining < plannedCalls) {
      say(`warning: ${plannedCalls} calls planned but only ${daily.remaining} free-model calls remain today; the probe stops when the daily limit answers.`);
    }
  } catch {
    // Best effort: the probe itself will report an auth or network problem per call.
  }

  const client = createOpenRouterClient({ apiKey, baseURL });
  // The engine's account, paced as configured; the probe learns no lower limit one call at a time.
  const account = new LocalAccount({
    book: new AccountBook(),
    policy: resolvePolicy({ ...opts.pacing, confirmAccountLimit: false }),
    now: Date.now,
    waits: new WaitQueue(Date.now, sleep),
  });
  const controller = new AbortController();
  const onAbort = () => controller.abort(new DOMException('Interrupted', 'AbortError'));
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  if (deps.signal?.aborted) onAbort();
  const onSigint = () => {
    say('\nInterrupted: writing a partial report…');
    onAbort();
  };
  if (deps.handleSigint) process.once('SIGINT', onSigint);

  say(`Probing ${models.length} free models with ${plannedCalls} calls (${opts.pacing.freeRequestsPerWindow} per ${opts.pacing.rateWindowMs} ms) at ${baseURL}`);
  const progress = createProgress(plannedCalls, io.progressStream, 'probe');
  const records: ProbeCallRecord[] = [];
  let stoppedEarly: string | undefined;

  const worker = async () => {
    for (;;) {
      if (controller.signal.aborted || stoppedEarly) return;
      const task = tasks.shift();
      if (!task) return;
      let slot: AccountSlot;
      try {
        const taken = await account.take({ signal: controller.signal, maxWaitMs: Number.POSITIVE_INFINITY });
        if (!('slot' in taken)) return; // the day is used up
        slot = taken.slot;
      } catch {
        return; // aborted while waiting for capacity
      }
      const outcome = await probeCall({
        client,
        model: task.model.id,
        kind: task.kind,
        structuredOutputs: task.model.structuredOutputs,
        runSignal: controller.signal,
        timeoutMs: opts.timeoutMs,
        secrets,
      });
      // The server counts a call when it arrives, as the engine's run loop does: see AccountPacer.settle.
      account.settle(slot, Date.now(), outcome.ok || !refusedByAccount(outcome.failure!.reason));
      if (!outcome.ok && outcome.failure!.reason === 'aborted' && controller.signal.aborted) return; // cut off by Ctrl-C: not a measurement
      records.push({ ...outcome, model: task.model.id, kind: task.kind, round: task.round });
      const reason = outcome.failure?.reason;
      if (reason === 'account_minute_limit') {
        account.observe(outcome.failure!, Date.now());
        if (task.retries < PROBE_DEFAULTS.minuteLimitRetries) tasks.push({ ...task, retries: task.retries + 1 });
      } else if (reason === 'account_daily_limit' || reason === 'auth' || reason === 'billing') {
        stoppedEarly ??= `${reason}: ${outcome.failure!.message}`;
      }
      progress.tick(`${task.model.id} ${task.kind} ${outcome.ok ? 'ok' : reason} ${Math.round(outcome.latencyMs)} ms`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, tasks.length) }, worker));
  progress.stop();
  if (deps.handleSigint) process.off('SIGINT', onSigint);
  deps.signal?.removeEventListener('abort', onAbort);

  const interrupted = controller.signal.aborted;
  const report = summarize(models, records, {
    finishedAt: new Date().toISOString(),
    baseURL,
    interrupted,
    ...(stoppedEarly ? { stoppedEarly: redactSecrets(stoppedEarly, secrets) } : {}),
    settings: {
      timeoutMs: opts.timeoutMs,
      rounds: opts.rounds,
      freeRequestsPerWindow: opts.pacing.freeRequestsPerWindow,
      rateWindowMs: opts.pacing.rateWindowMs,
      concurrency: opts.concurrency,
    },
    plannedCalls,
  });
  const paths = await writeReport(report, opts.outDir);

  const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);
  const rows = rankModels(report.models).map((m) => [
    m.id,
    m.tiers.join(','),
    `${m.successes}/${m.calls}`,
    pct(m.successRate),
    m.p50Ms ?? '–',
    m.p95Ms ?? '–',
    m.tokensPerSecond ?? '–',
    Object.entries(m.failuresByReason).map(([r, n]) => `${r}×${n}`).join(' ') || '–',
  ]);
  io.out(renderTable(['model', 'tiers', 'ok/calls', 'success', 'p50 ms', 'p95 ms', 'tok/s', 'failures'], rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left']));
  if (stoppedEarly) io.out(redactSecrets(`Stopped early: ${stoppedEarly}`, secrets));
  io.out(`Report: ${show(paths.md)}, ${show(paths.json)}, chart ${show(paths.svg)}${interrupted ? ' (partial: interrupted)' : ''}`);

  if (opts.updatePool) {
    if (interrupted) {
      io.out('Pool file not updated: the run was interrupted.');
    } else {
      try {
        const pool = readDefaultPools(opts.poolFile);
        const updated = reorderPool(pool, report.models);
        writeDefaultPools(opts.poolFile, updated);
        io.out(`Reordered ${show(opts.poolFile)} by measurement:`);
        for (const [tier, ids] of Object.entries(updated.tiers)) io.out(`  ${tier}: ${ids.join(', ')}`);
      } catch (e) {
        say(`pool:probe: could not update the pool file: ${(e as Error).message}`);
        return 1;
      }
    }
  }
  return interrupted ? 130 : stoppedEarly ? 1 : 0;
}

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

if (import.meta.main) await runCli((argv, env, io) => main(argv, env, io, { handleSigint: true }));
