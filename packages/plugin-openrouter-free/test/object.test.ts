import { ModelType, type AgentRuntime } from '@elizaos/core';
import { PoolExhaustedError } from '@freepool/free-model-pool';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_KEY, FAST_SETTINGS, PINNED_POOLS, startRuntime, stopRuntime } from './helpers/runtime.js';

const personSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'number' } },
  required: ['name', 'age'],
};

describe('OBJECT_SMALL / OBJECT_LARGE through a real AgentRuntime', () => {
  let sim: Simulator;
  let runtime: AgentRuntime;

  beforeAll(async () => {
    sim = await startSimulator({ apiKey: FAKE_KEY, scenario: { account: { perMinute: 1000 } } });
  });
  afterAll(async () => {
    await sim?.close();
  });
  // A fresh runtime per test: no model is still cooling down from the test before.
  beforeEach(async () => {
    runtime = await startRuntime({ OPENROUTER_API_KEY: FAKE_KEY, OPENROUTER_BASE_URL: sim.baseURL, ...FAST_SETTINGS, ...PINNED_POOLS });
    sim.resetStats();
  });
  afterEach(async () => {
    await stopRuntime(runtime);
  });

  it("returns a parsed object for output 'object' with a schema", async () => {
    const value = await runtime.useModel(ModelType.OBJECT_LARGE, { prompt: 'Make up a person', schema: personSchema });
    expect(value).toEqual({ name: expect.any(String), age: expect.any(Number) });
    expect(sim.stats().total).toBe(1);
  });

  it('returns an object without a schema (JSON mode)', async () => {
    const value = await runtime.useModel(ModelType.OBJECT_SMALL, { prompt: 'Reply with a JSON object with a key "ok"' });
    expect(typeof value).toBe('object');
    expect(Array.isArray(value)).toBe(false);
  });

  it("returns an array for output 'array' with an array schema, as plugin-bootstrap sends it", async () => {
    const value = await runtime.useModel(ModelType.OBJECT_LARGE, {
      prompt: 'List two facts',
      output: 'array',
      schema: { type: 'array', items: { type: 'object', properties: { claim: { type: 'string' } }, required: ['claim'] } },
    });
    expect(Array.isArray(value)).toBe(true);
    for (const item of value as unknown as Array<Record<string, unknown>>) expect(typeof item.claim).toBe('string');
  });

  it("returns one of the enum values for output 'enum'", async () => {
    const value = await runtime.useModel(ModelType.OBJECT_SMALL, {
      prompt: 'Pick a colour',
      output: 'enum',
      enumValues: ['red', 'green', 'blue'],
    });
    expect(['red', 'green', 'blue']).toContain(value);
  });

  it('parses JSON wrapped in ```json fences without rotating', async () => {
    sim.failNext('*', 'fenced_json', 1);
    const value = await runtime.useModel(ModelType.OBJECT_LARGE, { prompt: 'Make up a person', schema: personSchema });
    expect(value).toEqual({ name: expect.any(String), age: expect.any(Number) });
    expect(sim.stats().total).toBe(1);
  });

  it('rotates to the next model when the answer is not valid JSON', async () => {
    sim.failNext('*', 'bad_json', 1);
    const value = await runtime.useModel(ModelType.OBJECT_LARGE, { prompt: 'Make up a person', schema: personSchema });
    expect(value).toEqual({ name: expect.any(String), age: expect.any(Number) });
    const [first, second, ...rest] = sim.stats().calls;
    expect(rest).toEqual([]);
    expect(second?.model).not.toBe(first?.model);
  });

  it('fails with the attempt trail when every model answers invalid JSON', async () => {
    sim.failNext('*', 'bad_json', 3);
    const error = await runtime
      .useModel(ModelType.OBJECT_SMALL, { prompt: 'Make up a person', schema: personSchema })
      .catch((e: unknown) => e);
    expect(PoolExhaustedError.isInstance(error)).toBe(true);
    expect((error as PoolExhaustedError).attempts.filter((a) => a.reason === 'invalid_output')).toHaveLength(3);
  });

  it("rejects output 'enum' without enumValues before any call", async () => {
    await expect(runtime.useModel(ModelType.OBJECT_SMALL, { prompt: 'Pick', output: 'enum' })).rejects.toThrow(/enumValues/);
    expect(sim.stats().total).toBe(0);
  });
});
