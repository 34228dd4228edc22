/**
 * Reasoning models through a real AgentRuntime: ElizaOS 1.7's reasoning types are served (over the
 * tier's reasoning models first), each model type asks for its own effort on the wire (the simulator
 * records the `reasoning` parameter each call carried), only models that take it get it, and what a
 * caller of useModel gets back never holds the thinking, streamed or not.
 */
import { ModelType, type AgentRuntime } from '@elizaos/core';
import { PoolConfigError } from '@freepool/free-model-pool';
import openrouterFreePlugin from '@freepool/plugin-openrouter-free';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, startRuntime, stopRuntime } from './helpers/runtime.js';

const NANO = 'nvidia/nemotron-nano-9b-v2:free'; // reasons; any effort
const LLAMA = 'meta-llama/llama-3.2-3b-instruct:free'; // does not reason
const OSS = 'openai/gpt-oss-120b:free'; // reasons; efforts high, medium, low
const HERMES = 'nousresearch/hermes-3-llama-3.1-405b:free'; // does not reason
const THOUGHT = /Reasoning of|Weighing what to say|<\/?think>/;

let sim: Simulator;
let runtime: AgentRuntime | undefined;

beforeAll(async () => {
  sim = await startSimulator({
    apiKey: FAKE_KEY,
    scenario: {
      account: { perMinute: 1000 },
      // Every model thinks inline (a stack without a reasoning parser), so any leak shows.
      defaultBehavior: { reasoning: { style: 'inline', tokens: 40 } },
    },
  });
});
afterAll(async () => {
  await sim?.close();
});
afterEach(async () => {
  await stopRuntime(runtime);
  runtime = undefined;
});

async function start(extra: Record<string, string> = {}) {
  runtime = await startRuntime({
    OPENROUTER_API_KEY: FAKE_KEY,
    OPENROUTER_BASE_URL: sim.baseURL,
    ...FAST_SETTINGS,
    // The pool's own order puts the models that do not reason first.
    OPENROUTER_SMALL_POOL: `${LLAMA},${NANO}`,
    OPENROUTER_LARGE_POOL: `${HERMES},${OSS}`,
    ...extra,
  });
  sim.resetStats();
  return runtime;
}

/** [model, effort] of every call since the last reset. */
const wire = () => sim.stats().calls.map((c) => [c.model, c.reasoning?.effort ?? null]);

describe('ElizaOS 1.7 reasoning model types', () => {
  it('registers TEXT_REASONING_SMALL, TEXT_REASONING_LARGE and TEXT_COMPLETION', () => {
    const models = openrouterFreePlugin.models ?? {};
    for (const type of [ModelType.TEXT_REASONING_SMALL, ModelType.TEXT_REASONING_LARGE, ModelType.TEXT_COMPLETION]) {
      expect(typeof models[type], type).toBe('function');
    }
    expect(ModelType.TEXT_REASONING_SMALL).toBe('REASONING_SMALL');
    expect(ModelType.TEXT_REASONING_LARGE).toBe('REASONING_LARGE');
  });

  it('each type asks for its effort, over the tier\'s reasoning models first; models that do not reason get no parameter', async () => {
    const rt = await start();
    const answers = [
      await rt.useModel(ModelType.TEXT_SMALL, { prompt: 'should I respond?' }),
      await rt.useModel(ModelType.TEXT_REASONING_SMALL, { prompt: 'think a little' }),
      await rt.useModel(ModelType.TEXT_LARGE, { prompt: 'reply please' }),
      await rt.useModel(ModelType.TEXT_REASONING_LARGE, { prompt: 'think hard' }),
      await rt.useModel(ModelType.TEXT_COMPLETION, { prompt: 'complete this' }),
    ];
    expect(wire()).toEqual([
      [LLAMA, null], // TEXT_SMALL: the pool's order; llama does not reason
      [NANO, 'medium'], // TEXT_REASONING_SMALL: the reasoning model first
      [HERMES, null],
      [OSS, 'high'],
      [HERMES, null],
    ]);
    for (const a of answers) expect(String(a)).not.toMatch(THOUGHT);
    expect(String(answers[3])).toBe(`Simulated reply from ${OSS}: think hard`);
  });

  it('the small tier asks for minimal, the large for low, fitted to what each model accepts', async () => {
    const rt = await start({ OPENROUTER_SMALL_POOL: NANO, OPENROUTER_LARGE_POOL: OSS });
    await rt.useModel(ModelType.TEXT_SMALL, { prompt: 'yes or no?' });
    await rt.useModel(ModelType.TEXT_LARGE, { prompt: 'a reply' });
    await rt.useModel(ModelType.OBJECT_SMALL, { prompt: 'as JSON', schema: { type: 'object', properties: { a: { type: 'string' } } } });
    await rt.useModel(ModelType.TEXT_SMALL, { prompt: 'and again' });
    await rt.useModel(ModelType.TEXT_REASONING_SMALL, { prompt: 'think' });
    expect(wire()).toEqual([
      [NANO, 'minimal'],
      [OSS, 'low'],
      [NANO, 'minimal'],
      [NANO, 'minimal'],
      [NANO, 'medium'],
    ]);
  });

  it('OPENROUTER_REASONING_EFFORT sets a kind\'s effort; "default" sends nothing; "none" is fitted to a model that must reason', async () => {
    const rt = await start({ OPENROUTER_SMALL_POOL: NANO, OPENROUTER_LARGE_POOL: OSS, OPENROUTER_REASONING_EFFORT: 'small=default, large=none, reasoning_large=xhigh' });
    await rt.useModel(ModelType.TEXT_SMALL, { prompt: 'a' });
    await rt.useModel(ModelType.TEXT_LARGE, { prompt: 'b' });
    await rt.useModel(ModelType.TEXT_REASONING_LARGE, { prompt: 'c' });
    await rt.useModel(ModelType.TEXT_REASONING_SMALL, { prompt: 'd' });
    // gpt-oss-120b must reason and accepts high, medium, low: none -> low, xhigh -> high.
    expect(wire()).toEqual([
      [NANO, null],
      [OSS, 'low'],
      [OSS, 'high'],
      [NANO, 'medium'],
    ]);
    expect(sim.stats().byStatus).toEqual({ '200': 4 });
  });

  it('a malformed OPENROUTER_REASONING_EFFORT stops the agent at start-up, naming the setting and what it expects', async () => {
    sim.resetStats();
    const err = await start({ OPENROUTER_REASONING_EFFORT: 'small=lots' }).catch((e: unknown) => e);
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect((err as PoolConfigError).setting).toBe('OPENROUTER_REASONING_EFFORT');
    expect((err as Error).message).toMatch(/OPENROUTER_REASONING_EFFORT: expected an effort \(max, xhigh, high, medium, low, minimal, none, default\).*got "small=lots"/);
    expect(sim.stats().total).toBe(0);
  });

  it('a streamed TEXT_LARGE reply: the chunks the caller reads hold the answer only', async () => {
    const rt = await start({ OPENROUTER_LARGE_POOL: OSS });
    const chunks: string[] = [];
    const text = await rt.useModel(ModelType.TEXT_LARGE, { prompt: 'stream it', stream: true, onStreamChunk: async (c: string) => void chunks.push(c) });
    expect(chunks[0]).toMatch(/^Simulated/);
    expect(chunks.join('')).toBe(`Simulated reply from ${OSS}: stream it`);
    expect(String(text)).toBe(chunks.join(''));
  });
});
