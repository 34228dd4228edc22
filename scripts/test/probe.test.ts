import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Scenario, type Simulator } from '@freepool/openrouter-simulator';
import { main } from '../pool-probe.js';
import { memoryIo } from '../lib/io.js';
import { FAKE_KEY, NEWEST_SNAPSHOT, REPO_ROOT, runScript, snapshotsPresent, tempDir } from './helpers.js';

const DEFAULT_POOLS = `${REPO_ROOT}/packages/free-model-pool/src/catalog/default-pools.json`;
const MODELS = ['google/gemma-3-27b-it:free', 'google/gemma-3-4b-it:free', 'meta-llama/llama-3.2-3b-instruct:free', 'openai/gpt-oss-120b:free'];
/** The account allows 3 free calls per 400 ms: a probe that bursts would hit 429 at once. */
const TINY_LIMIT: Scenario['account'] = { perMinute: 3, windowMs: 400, daily: 1000 };
const pacingEnv = (sim: Simulator) => ({
  OPENROUTER_API_KEY: FAKE_KEY,
  OPENROUTER_BASE_URL: sim.baseURL,
  OPENROUTER_FREE_RPM: '3',
  OPENROUTER_RATE_WINDOW_MS: '400',
});

let sim: Simulator | undefined;
const tmp = tempDir('probe');
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});
afterAll(() => tmp.cleanup());

async function probe(argv: string[], env: Record<string, string | undefined>, signal?: AbortSignal, progressStream?: NodeJS.WritableStream) {
  const io = { ...memoryIo(), progressStream };
  const code = await main(argv, env, io, { signal });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const readText = (p: string) => readFileSync(p, 'utf8');

describe('pool:probe against the simulator', () => {
  it('probes text, JSON and image, paced so the account limit never answers 429, and writes the reports and chart', async () => {
    sim = await startSimulator({
      apiKey: FAKE_KEY,
      scenario: {
        seed: 7,
        latencyMs: [5, 40],
        account: TINY_LIMIT,
        models: { 'google/gemma-3-4b-it:free': { badJsonRate: 1 }, 'meta-llama/llama-3.2-3b-instruct:free': { gone: true } },
      },
    });
    const out = join(tmp.dir, 'run1');
    const poolFile = join(tmp.dir, 'pool.json');
    copyFileSync(DEFAULT_POOLS, poolFile);
    const before = JSON.parse(readText(poolFile));

    const r = await probe(['--models', MODELS.join(','), '--rounds', '2', '--timeout-ms', '5000', '--out', out, '--update-pool', '--pool-file', poolFile], pacingEnv(sim));
    expect(r.code, r.stderr).toBe(0);

    // 27b: text+json+image, 4b: text+json+image, 3b: text, gpt-oss: text+json; two rounds
    const stats = sim.stats();
    expect(stats.total).toBe(18);
    expect(stats.calls.filter((c) => c.kind === 'per_minute_429')).toEqual([]);
    expect(stats.byStatus['429']).toBeUndefined();

    const report = JSON.parse(readText(join(out, 'probe-report.json')));
    expect(report).toMatchObject({ interrupted: false, plannedCalls: 18, completedCalls: 18 });
    const byId = Object.fromEntries(report.models.map((m: { id: string }) => [m.id, m]));
    expect(byId['google/gemma-3-27b-it:free']).toMatchObject({ tiers: ['small', 'vision'], calls: 6, successes: 6, successRate: 1, failuresByReason: {} });
    expect(byId['google/gemma-3-27b-it:free'].byKind).toMatchObject({ text: { calls: 2, successes: 2 }, json: { calls: 2, successes: 2 }, image: { calls: 2, successes: 2 } });
    expect(byId['google/gemma-3-27b-it:free'].p50Ms).toBeGreaterThan(0);
    expect(byId['google/gemma-3-27b-it:free'].p95Ms).toBeGreaterThanOrEqual(byId['google/gemma-3-27b-it:free'].p50Ms);
    expect(byId['google/gemma-3-27b-it:free'].tokensPerSecond).toBeGreaterThan(0);
    expect(byId['google/gemma-3-4b-it:free']).toMatchObject({ successes: 4, failuresByReason: { invalid_output: 2 } });
    expect(byId['meta-llama/llama-3.2-3b-instruct:free']).toMatchObject({ successes: 0, successRate: 0, failuresByReason: { model_gone: 2 } });

    const md = readText(join(out, 'probe-report.md'));
    expect(md).toMatch(/\| `google\/gemma-3-27b-it:free` \| small, vision \| 6 \| 100% \|/);
    expect(md).toContain('![Success rate and latency per model](probe-chart.svg)');
    const svg = readText(join(out, 'probe-chart.svg'));
    expect(svg.trimStart().startsWith('<svg')).toBe(true);
    expect(svg).toContain('google/gemma-3-27b-it');
    expect(svg).toContain('success rate');

    expect(r.stdout).toMatch(/google\/gemma-3-27b-it:free .*6\/6.*100%/);
    for (const text of [r.stdout, r.stderr, readText(join(out, 'probe-report.json')), md, svg]) expect(text).not.toContain(FAKE_KEY);

    // --update-pool: same members per tier, measured winners first, the gone model last.
    const after = JSON.parse(readText(poolFile));
    for (const t of ['small', 'large', 'vision']) expect([...after.tiers[t]].sort()).toEqual([...before.tiers[t]].sort());
    expect(after.models).toEqual(before.models);
    expect(after.tiers.small[0]).toBe('google/gemma-3-27b-it:free');
    expect(after.tiers.small.at(-1)).toBe('meta-llama/llama-3.2-3b-instruct:free');
    expect(after.tiers.vision.slice(0, 2)).toEqual(['google/gemma-3-27b-it:free', 'google/gemma-3-4b-it:free']);
    expect(after.tiers.large[0]).toBe('openai/gpt-oss-120b:free');
  });

  it('a model that answers with finish_reason "error" counts as failed, and --update-pool does not rank it first', async () => {
    const [broken, healthy] = ['google/gemma-3-27b-it:free', 'google/gemma-3-4b-it:free'];
    sim = await startSimulator({
      apiKey: FAKE_KEY,
      scenario: { seed: 3, account: TINY_LIMIT, models: { [broken]: { finishReasonErrorRate: 1 } } },
    });
    const out = join(tmp.dir, 'finish-error');
    const poolFile = join(tmp.dir, 'pool-finish-error.json');
    copyFileSync(DEFAULT_POOLS, poolFile);
    const before = JSON.parse(readText(poolFile));
    expect(before.tiers.small.indexOf(broken)).toBeLessThan(before.tiers.small.indexOf(healthy));

    const r = await probe(['--models', `${broken},${healthy}`, '--timeout-ms', '5000', '--out', out, '--update-pool', '--pool-file', poolFile], pacingEnv(sim));
    expect(r.code, r.stderr).toBe(0);

    // Both take text, JSON and image: three calls each, every one of the broken model's ended in a finish error.
    const stats = sim.stats();
    expect(stats.total).toBe(6);
    expect(stats.calls.filter((c) => c.model === broken).map((c) => c.kind)).toEqual(['finish_reason_error', 'finish_reason_error', 'finish_reason_error']);

    const report = JSON.parse(readText(join(out, 'probe-report.json')));
    const byId = Object.fromEntries(report.models.map((m: { id: string }) => [m.id, m]));
    expect(byId[broken]).toMatchObject({ calls: 3, successes: 0, successRate: 0, failuresByReason: { server_error: 3 } });
    expect(byId[healthy]).toMatchObject({ calls: 3, successes: 3, successRate: 1, failuresByReason: {} });

    const after = JSON.parse(readText(poolFile));
    expect(after.tiers.small[0]).toBe(healthy);
    expect(after.tiers.small.at(-1)).toBe(broken);
    expect(after.tiers.vision[0]).toBe(healthy);
    expect(after.tiers.vision.at(-1)).toBe(broken);
  });

  it.skipIf(!snapshotsPresent)('--update-pool keeps a coding model that answered every call behind the general models', async () => {
    const coder = 'qwen/qwen3-coder:free';
    sim = await startSimulator({ apiKey: FAKE_KEY, catalog: NEWEST_SNAPSHOT, scenario: { seed: 3, account: TINY_LIMIT } });
    const poolFile = join(tmp.dir, 'pool-coder.json');
    copyFileSync(DEFAULT_POOLS, poolFile);
    const before = JSON.parse(readText(poolFile));
    const r = await probe(['--models', coder, '--timeout-ms', '5000', '--out', join(tmp.dir, 'coder'), '--update-pool', '--pool-file', poolFile], pacingEnv(sim));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readText(join(tmp.dir, 'coder', 'probe-report.json'))).models[0]).toMatchObject({ id: coder, successRate: 1 });
    // Measured best, yet still a specialist: it stays behind the general models, which keep their order.
    const after = JSON.parse(readText(poolFile));
    const general = before.tiers.large.filter((id: string) => !before.models[id].specialty);
    expect(after.tiers.large.slice(0, general.length)).toEqual(general);
    expect(after.tiers.large[general.length]).toBe(coder);
    expect(after.models[coder]).toEqual(before.models[coder]); // score and specialty survive the rewrite
  });

  it('without a key: a clear message, exit 1, no call', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY });
    const r = await probe(['--out', join(tmp.dir, 'nokey')], { OPENROUTER_BASE_URL: sim.baseURL });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/OPENROUTER_API_KEY is not set/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(sim.stats().total).toBe(0);
    expect(existsSync(join(tmp.dir, 'nokey'))).toBe(false);
  });

  it('a wrong key stops the probe after the first answer and says why, without the key', async () => {
    sim = await startSimulator({ apiKey: 'sk-or-v1-the-real-one-9999', scenario: { account: TINY_LIMIT } });
    const r = await probe(['--models', MODELS.join(','), '--concurrency', '1', '--out', join(tmp.dir, 'badkey')], pacingEnv(sim));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Stopped early: auth/);
    expect(sim.stats().total).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(FAKE_KEY);
  });

  it('an interrupt leaves a partial report, exit 130', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { latencyMs: 80, account: TINY_LIMIT } });
    const out = join(tmp.dir, 'interrupted');
    const controller = new AbortController();
    // Interrupt once three calls have finished (the progress lines say so).
    let lines = 0;
    const progress = new Writable({
      write(chunk, _enc, done) {
        lines += String(chunk).split('\n').filter(Boolean).length;
        if (lines >= 3) controller.abort();
        done();
      },
    });
    const r = await probe(['--models', MODELS.join(','), '--rounds', '3', '--out', out], pacingEnv(sim), controller.signal, progress);
    expect(r.code).toBe(130);
    const report = JSON.parse(readText(join(out, 'probe-report.json')));
    expect(report.interrupted).toBe(true);
    expect(report.completedCalls).toBeGreaterThanOrEqual(3);
    expect(report.completedCalls).toBeLessThan(report.plannedCalls);
    expect(readText(join(out, 'probe-report.md'))).toMatch(/interrupted \(partial report\)/);
    expect(readText(join(out, 'probe-chart.svg'))).toMatch(/^<svg/);
  });

  it('as a child process: Ctrl-C (SIGINT) writes the partial report and exits 130', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { latencyMs: 60, account: TINY_LIMIT } });
    const out = join(tmp.dir, 'sigint');
    let sent = false;
    const r = await runScript('pool-probe.ts', ['--models', MODELS.join(','), '--rounds', '3', '--out', out], pacingEnv(sim), (stderr, child) => {
      if (!sent && /\[3\/\d+\]/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/Interrupted: writing a partial report/);
    const report = JSON.parse(readText(join(out, 'probe-report.json')));
    expect(report.interrupted).toBe(true);
    expect(report.completedCalls).toBeGreaterThanOrEqual(3);
    expect(r.stdout + r.stderr).not.toContain(FAKE_KEY);
    expect(sim.stats().calls.filter((c) => c.kind === 'per_minute_429')).toEqual([]);
  });
});

describe('pool:probe reads settings with the plugin parser', () => {
  it('refuses OPENROUTER_FREE_RPM=1e3 as the agent would, with the same message, before any call', async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY });
    const r = await probe(['--models', MODELS[0]!, '--rounds', '1'], { ...pacingEnv(sim), OPENROUTER_FREE_RPM: '1e3' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('OPENROUTER_FREE_RPM: expected a positive integer, got "1e3"');
    expect(sim.stats().total).toBe(0);
  });
});
