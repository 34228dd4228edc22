/**
 * Run as its own Node process, with no `unhandledRejection` handler (Node's default: such a
 * rejection ends the process with code 1). Drives streams, text, object calls through one pool
 * against the simulator while every model injects stream faults, then prints one JSON line of
 * figures. The parent test asserts exit code 0 and the figures.
 */
import { startSimulator } from '@freepool/openrouter-simulator';
import { printFigures } from '../../../../test/helpers/fault-figures.js';
import { FreeModelPool, FreeModelPoolError, StreamInterruptedError, type PoolEvent } from '@freepool/free-model-pool';

const KEY = 'sk-or-v1-FAKE-fault-child-0000';
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 300);
const catalog = process.env.SIM_CATALOG;

const sim = await startSimulator({
  ...(catalog ? { catalog } : {}),
  scenario: {
    seed: 11,
    account: { perMinute: 100_000, windowMs: 60_000 },
    defaultBehavior: {
      malformedChunkRate: 0.1,
      truncatedStreamRate: 0.1,
      connectionResetRate: 0.1,
      serverErrorRate: 0.05,
      finishReasonErrorRate: 0.05,
      faultAfterChunks: 2,
    },
  },
});
// The mid-stream error event comes from the queue, spread over the run.
sim.failNext('*', 'mid_stream_error', Math.floor(ROUNDS / 10));
sim.failNext('*', 'malformed_chunk', 5);

const models: Record<string, any> = {};
for (const e of sim.catalog().data as any[]) {
  models[e.id] = { id: e.id, name: e.name, contextLength: e.context_length ?? 8192, maxCompletionTokens: null, vision: false, structuredOutputs: false, responseFormat: true };
}
const small = ['meta-llama/llama-3.2-3b-instruct:free', 'google/gemma-3n-e4b-it:free', 'liquid/lfm-2.5-1.2b-instruct:free', 'nvidia/nemotron-nano-9b-v2:free'];
const events: PoolEvent[] = [];
const pool = new FreeModelPool({
  connection: { apiKey: KEY, baseURL: sim.baseURL },
  pool: { tiers: { small, large: small, vision: small }, models },
  // Cooldowns short enough that the models come back during the run; many attempts per request.
  policy: { cooldownLadderMs: [5, 10, 20], maxAttempts: 4, attemptTimeoutMs: 5_000, firstChunkTimeoutMs: 5_000, requestDeadlineMs: 10_000, freeRequestsPerWindow: 100_000 },
  random: () => 0.5,
  onEvent: (e) => events.push(e),
});

let ok = 0;
let failed = 0;
let untyped = 0;
let cut = 0;
let abandoned = 0;
const errors: unknown[] = [];
const record = (e: unknown) => {
  errors.push(e);
  failed++;
  if (!FreeModelPoolError.isInstance(e)) untyped++;
  else if (StreamInterruptedError.isInstance(e) && e.reason === 'truncated') cut++;
};

async function oneStream(i: number): Promise<void> {
  const s = pool.streamText({ tier: 'small', prompt: `stream ${i} tell me a longer story please` });
  let text = '';
  try {
    for await (const chunk of s.textStream) text += chunk;
    await s.outcome;
    ok++;
  } catch (e) {
    record(e);
  }
  // The other promises settle too (rejected ones are observed by the pool).
  await Promise.allSettled([s.text, s.usage, s.finishReason, s.outcome]);
}

async function oneText(i: number): Promise<void> {
  try {
    await pool.generateText({ tier: 'small', prompt: `text ${i}` });
    ok++;
  } catch (e) {
    record(e);
  }
}

async function oneAbandoned(i: number): Promise<void> {
  // A caller that reads one chunk and walks away, then aborts.
  const ac = new AbortController();
  const s = pool.streamText({ tier: 'small', prompt: `abandon ${i} a story`, abortSignal: ac.signal });
  try {
    for await (const _ of s.textStream) break;
  } catch {}
  ac.abort();
  abandoned++;
  await Promise.allSettled([s.text, s.outcome]);
}

const started = Date.now();
const jobs: Promise<void>[] = [];
for (let i = 0; i < ROUNDS; i++) {
  jobs.push(i % 3 === 0 ? oneText(i) : i % 10 === 1 ? oneAbandoned(i) : oneStream(i));
  // 25 at a time, so each batch is concurrent and the run stays bounded.
  if (jobs.length === 25) await Promise.all(jobs.splice(0));
}
// A request that never settles would hold its job forever: the deadline turns that into a count.
let settled = 0;
const all = Promise.all(jobs).then(() => (settled = 1));
await Promise.race([all, new Promise((r) => setTimeout(r, 60_000).unref())]);
const lost = settled ? 0 : jobs.length;
await sim.close();

printFigures(
  {
    rounds: ROUNDS,
    calls: sim.stats().total,
    byStatus: sim.stats().byStatus,
    ok,
    failed,
    untyped,
    cut,
    abandoned,
    lost,
    events: events.length,
    ms: Date.now() - started,
  },
  [...errors, ...events],
  KEY,
);
