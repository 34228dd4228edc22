import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DefaultPoolFile, FailureReason, FreeModelEntry, Tier } from '@freepool/free-model-pool';
import { TIERS } from '@freepool/free-model-pool';
import { specialistsLast } from '@freepool/free-model-pool/internal';
import { renderChartSvg, type ChartRow } from './chart.js';
import type { ProbeKind, ProbeOutcome } from './probe-calls.js';
import { percentile, round } from './stats.js';

export const REPORT_JSON = 'probe-report.json';
export const REPORT_MD = 'probe-report.md';
export const REPORT_SVG = 'probe-chart.svg';

/** Failures that say nothing about the model: the account was out of capacity, or we stopped. */
const NOT_THE_MODELS_FAULT: ReadonlySet<FailureReason> = new Set(['account_minute_limit', 'account_daily_limit', 'aborted', 'auth', 'billing']);

export interface ProbeCallRecord extends ProbeOutcome {
  model: string;
  kind: ProbeKind;
  round: number;
}

export interface ModelReport {
  id: string;
  tiers: Tier[];
  calls: number;
  successes: number;
  /** successes / calls that count against the model (account limits and aborts excluded); null if none. */
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Output tokens per second over successful calls. */
  tokensPerSecond: number | null;
  failuresByReason: Partial<Record<FailureReason, number>>;
  byKind: Partial<Record<ProbeKind, { calls: number; successes: number; sample?: string }>>;
  /** Latest failure message per reason, redacted, for the Markdown report. */
  lastFailure?: string;
}

export interface ProbeReport {
  /** Wall-clock time of the run (reports are per run, unlike the pool files). */
  finishedAt: string;
  baseURL: string;
  interrupted: boolean;
  /** Why the probe stopped early (daily limit, bad key), when it did. */
  stoppedEarly?: string;
  settings: { timeoutMs: number; rounds: number; freeRequestsPerWindow: number; rateWindowMs: number; concurrency: number };
  plannedCalls: number;
  completedCalls: number;
  models: ModelReport[];
  calls: Array<Omit<ProbeCallRecord, 'failure'> & { reason?: FailureReason; status?: number; message?: string }>;
}

export function summarize(
  models: FreeModelEntry[],
  records: ProbeCallRecord[],
  meta: Omit<ProbeReport, 'models' | 'calls' | 'completedCalls'>,
): ProbeReport {
  const reports: ModelReport[] = [];
  for (const m of [...models].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const mine = records.filter((r) => r.model === m.id);
    const counted = mine.filter((r) => r.ok || !NOT_THE_MODELS_FAULT.has(r.failure!.reason));
    const ok = mine.filter((r) => r.ok);
    const latencies = ok.map((r) => r.latencyMs);
    const tokens = ok.reduce((s, r) => s + (r.outputTokens ?? 0), 0);
    const seconds = latencies.reduce((s, v) => s + v, 0) / 1000;
    const failuresByReason: ModelReport['failuresByReason'] = {};
    let lastFailure: string | undefined;
    for (const r of mine) {
      if (r.ok) continue;
      failuresByReason[r.failure!.reason] = (failuresByReason[r.failure!.reason] ?? 0) + 1;
      lastFailure = `${r.failure!.reason}${r.failure!.status ? ` (${r.failure!.status})` : ''}: ${r.failure!.message}`;
    }
    const byKind: ModelReport['byKind'] = {};
    for (const r of mine) {
      const k = (byKind[r.kind] ??= { calls: 0, successes: 0 });
      k.calls++;
      if (r.ok) {
        k.successes++;
        k.sample ??= r.sample;
      }
    }
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    reports.push({
      id: m.id,
      tiers: m.tiers,
      calls: mine.length,
      successes: ok.length,
      successRate: counted.length ? round(ok.length / counted.length, 3) : null,
      p50Ms: p50 === undefined ? null : round(p50),
      p95Ms: p95 === undefined ? null : round(p95),
      tokensPerSecond: seconds > 0 && tokens > 0 ? round(tokens / seconds, 1) : null,
      failuresByReason,
      byKind,
      ...(lastFailure ? { lastFailure: lastFailure.slice(0, 300) } : {}),
    });
  }
  return {
    ...meta,
    completedCalls: records.length,
    models: reports,
    calls: records.map(({ failure, ...r }) => ({
      ...r,
      latencyMs: round(r.latencyMs),
      ...(failure ? { reason: failure.reason, status: failure.status, message: failure.message.slice(0, 300) } : {}),
    })),
  };
}

/** Best first: measured success rate, then p50 latency; unmeasured models last. */
export function rankModels(models: ModelReport[]): ModelReport[] {
  const key = (m: ModelReport) => (m.successRate === null ? -1 : m.successRate);
  return [...models].sort((a, b) => key(b) - key(a) || (a.p50Ms ?? Infinity) - (b.p50Ms ?? Infinity) || (a.id < b.id ? -1 : 1));
}

const fmt = (v: number | null, suffix = '') => (v === null ? '–' : `${v}${suffix}`);
const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);

export function renderMarkdown(report: ProbeReport): string {
  const lines: string[] = [];
  lines.push('# Free model probe', '');
  lines.push(`- Finished: ${report.finishedAt}`);
  lines.push(`- Endpoint: ${report.baseURL}`);
  lines.push(`- Calls: ${report.completedCalls} of ${report.plannedCalls} planned` + (report.interrupted ? ' — **interrupted (partial report)**' : ''));
  if (report.stoppedEarly) lines.push(`- Stopped early: ${report.stoppedEarly}`);
  const s = report.settings;
  lines.push(`- Pacing: ${s.freeRequestsPerWindow} calls per ${s.rateWindowMs} ms; timeout ${s.timeoutMs} ms per call; ${s.rounds} round(s); concurrency ${s.concurrency}`);
  lines.push('', `![Success rate and latency per model](${REPORT_SVG})`, '');
  lines.push('| model | tiers | calls | success | p50 ms | p95 ms | tokens/s | failures |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---|');
  for (const m of rankModels(report.models)) {
    const failures = Object.entries(m.failuresByReason).map(([r, n]) => `${r} ×${n}`).join(', ') || '–';
    lines.push(`| \`${m.id}\` | ${m.tiers.join(', ')} | ${m.calls} | ${pct(m.successRate)} | ${fmt(m.p50Ms)} | ${fmt(m.p95Ms)} | ${fmt(m.tokensPerSecond)} | ${failures} |`);
  }
  const failing = report.models.filter((m) => m.lastFailure);
  if (failing.length) {
    lines.push('', '## Last failure per model', '');
    for (const m of failing) lines.push(`- \`${m.id}\`: ${m.lastFailure!.replace(/\|/g, '\\|')}`);
  }
  lines.push('', 'Success rate leaves out failures that are not the model\'s fault (account limits, aborts).', '');
  return lines.join('\n');
}

export async function writeReport(report: ProbeReport, outDir: string): Promise<{ json: string; md: string; svg: string }> {
  mkdirSync(outDir, { recursive: true });
  const paths = { json: join(outDir, REPORT_JSON), md: join(outDir, REPORT_MD), svg: join(outDir, REPORT_SVG) };
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.md, renderMarkdown(report));
  const rows: ChartRow[] = rankModels(report.models)
    .filter((m) => m.calls > 0)
    .map((m) => ({ model: m.id, successRate: m.successRate ?? 0, successes: m.successes, calls: m.calls, p50Ms: m.p50Ms ?? undefined, p95Ms: m.p95Ms ?? undefined }));
  const title = `Free models: success and latency (${report.completedCalls} calls${report.interrupted ? ', interrupted' : ''}, ${report.finishedAt.slice(0, 16)}Z)`;
  writeFileSync(paths.svg, await renderChartSvg(rows, title));
  return paths;
}

/** A model whose p50 is this many times its tier's median p50 counts as slow when reordering. */
export const SLOW_FACTOR = 3;

/**
 * Reorders each tier of a pool file by what was measured, keeping the catalog order as the prior:
 *   1. models that answered, by success rate (in steps of 10 %, so one unlucky call in a small sample
 *      does not reshuffle everything), fast ones before slow ones (p50 > SLOW_FACTOR × the tier's
 *      median p50), then by their previous position;
 *   2. models not measured, in their previous order;
 *   3. models that never answered.
 * Specialists (coding, OCR, … models: the file's `specialty`) stay behind the general models that
 * answered or were not measured, as discovery ranks them. Nothing is added or removed. Latency alone
 * never lifts a tiny model above a stronger one.
 */
export function reorderPool(pool: DefaultPoolFile, models: ModelReport[]): DefaultPoolFile {
  const byId = new Map(models.filter((m) => m.successRate !== null).map((m) => [m.id, m]));
  const tiers = {} as Record<Tier, string[]>;
  for (const tier of TIERS) {
    const ids = pool.tiers[tier];
    const pos = new Map(ids.map((id, i) => [id, i]));
    const good = ids.filter((id) => (byId.get(id)?.successRate ?? 0) > 0);
    const medianP50 = percentile(good.map((id) => byId.get(id)!.p50Ms ?? 0), 50) ?? 0;
    const bucket = (id: string) => Math.floor(byId.get(id)!.successRate! * 10 + 1e-9);
    const slow = (id: string) => ((byId.get(id)!.p50Ms ?? 0) > SLOW_FACTOR * medianP50 ? 1 : 0);
    good.sort((a, b) => bucket(b) - bucket(a) || slow(a) - slow(b) || pos.get(a)! - pos.get(b)!);
    const unmeasured = ids.filter((id) => !byId.has(id));
    const dead = ids.filter((id) => byId.get(id)?.successRate === 0);
    const facts = (id: string) => ({ id, score: pool.models[id]?.score ?? 0, specialty: pool.models[id]?.specialty });
    tiers[tier] = [...specialistsLast([...good, ...unmeasured], facts), ...dead];
  }
  return { ...pool, tiers };
}
