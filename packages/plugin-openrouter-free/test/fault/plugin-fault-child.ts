/**
 * Run as its own Node process, with no `unhandledRejection` handler: a real AgentRuntime (PGlite)
 * with the plugin streams TEXT_SMALL through `useModel` while every model of the simulator injects
 * stream faults. Prints one JSON line of figures; the parent asserts exit code 0 and the figures.
 */
import { ModelType, type TextStreamResult } from '@elizaos/core';
import { startSimulator } from '@freepool/openrouter-simulator';
import { printFigures } from '../../../../test/helpers/fault-figures.js';
import { FreeModelPoolError } from '@freepool/free-model-pool';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from '../helpers/runtime.js';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 300);
const catalog = process.env.SIM_CATALOG;

const sim = await startSimulator({
  ...(catalog ? { catalog } : {}),
  scenario: {
    seed: 23,
    account: { perMinute: 100_000, windowMs: 60_000 },
    defaultBehavior: { malformedChunkRate: 0.12, truncatedStreamRate: 0.1, connectionResetRate: 0.1, faultAfterChunks: 2 },
    // The first model's faults come before any text, so the pool rotates past them.
    models: { [PINNED_POOLS.OPENROUTER_SMALL_POOL!.split(',')[0]!]: { malformedChunkRate: 0.2, truncatedStreamRate: 0.2, connectionResetRate: 0.2, faultAfterChunks: 0 } },
  },
});
sim.failNext('*', 'mid_stream_error', Math.floor(ROUNDS / 10));

const runtime = await startRuntime({
  ...FAST_SETTINGS,
  ...PINNED_POOLS,
  OPENROUTER_API_KEY: FAKE_KEY,
  OPENROUTER_BASE_URL: sim.baseURL,
  OPENROUTER_COOLDOWN_MS: '5',
  OPENROUTER_PERSIST_STATE: 'false',
});

let ok = 0;
let failed = 0;
let untyped = 0;
const errors: unknown[] = [];
const record = (e: unknown) => {
  errors.push(e);
  failed++;
  if (!FreeModelPoolError.isInstance(e)) untyped++;
};

/** The caller reads the stream itself, as a client of useModel(…, {stream: true}) does. */
async function readStream(i: number): Promise<void> {
  try {
    const r = (await runtime.useModel(ModelType.TEXT_SMALL, { prompt: `stream ${i} tell me a story`, stream: true })) as unknown as TextStreamResult;
    let text = '';
    for await (const chunk of r.textStream) text += chunk;
    await r.text;
    ok++;
  } catch (e) {
    record(e);
  }
}

/** The runtime reads the stream and hands each chunk to onStreamChunk, as the message service does. */
async function withCallback(i: number): Promise<void> {
  let chunks = 0;
  try {
    await runtime.useModel(ModelType.TEXT_SMALL, { prompt: `callback ${i} tell me a story`, onStreamChunk: async () => void chunks++ });
    ok++;
  } catch (e) {
    record(e);
  }
}

const jobs: Promise<void>[] = [];
for (let i = 0; i < ROUNDS; i++) {
  jobs.push(i % 2 === 0 ? readStream(i) : withCallback(i));
  if (jobs.length === 20) await Promise.all(jobs.splice(0));
}
await Promise.all(jobs);
await stopRuntime(runtime);
await sim.close();

printFigures(
  {
    rounds: ROUNDS,
    calls: sim.stats().total,
    byStatus: sim.stats().byStatus,
    ok,
    failed,
    untyped,
  },
  errors,
  FAKE_KEY,
);
