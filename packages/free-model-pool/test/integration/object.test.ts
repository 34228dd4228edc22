import { afterEach, describe, expect, it } from 'vitest';
import { PoolConfigError } from '@freepool/free-model-pool';
import { callsTo, LARGE, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const PERSON = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'number' } },
  required: ['name', 'age'],
};

describe('object output', () => {
  it('returns an object for a schema, preferring a model that honours JSON schemas', async () => {
    h = await startHarness();
    const r = await h.pool.generateObject<{ name: string; age: number }>({ tier: 'large', prompt: 'Describe a person', schema: PERSON });
    expect(r.value.object).toEqual({ name: expect.any(String), age: expect.any(Number) });
    // gpt-oss-120b lists structured_outputs; it is tried before the pool's first (text-only) model.
    expect(r.model).toBe(LARGE[2]);
    expect(callsTo(h.sim, LARGE[0])).toBe(0);
  });

  it('returns an array for an array schema (as ElizaOS bootstrap sends it)', async () => {
    h = await startHarness();
    const r = await h.pool.generateObject({
      tier: 'large',
      prompt: 'List facts',
      output: 'array',
      schema: { type: 'array', items: { type: 'object', properties: { claim: { type: 'string' } }, required: ['claim'] } },
    });
    expect(Array.isArray(r.value.object)).toBe(true);
    for (const item of r.value.object as Array<{ claim: unknown }>) expect(typeof item.claim).toBe('string');
  });

  it('returns one of the enum values', async () => {
    h = await startHarness();
    const r = await h.pool.generateObject({ tier: 'small', prompt: 'Pick one', output: 'enum', enumValues: ['yes', 'no', 'maybe'] });
    expect(['yes', 'no', 'maybe']).toContain(r.value.object);
  });

  it('returns any JSON when there is no schema', async () => {
    h = await startHarness();
    const r = await h.pool.generateObject({ tier: 'small', prompt: 'Answer in JSON' });
    expect(typeof r.value.object).toBe('object');
    expect(r.value.object).not.toBeNull();
  });

  it('parses JSON wrapped in code fences from the same model, without another call', async () => {
    h = await startHarness();
    h.sim.failNext(LARGE[2], 'fenced_json');
    const r = await h.pool.generateObject({ tier: 'large', prompt: 'Describe a person', schema: PERSON });
    expect(r.model).toBe(LARGE[2]);
    expect(r.value.object).toEqual({ name: expect.any(String), age: expect.any(Number) });
    expect(h.sim.stats().total).toBe(1);
  });

  it('rotates past a model that returns invalid JSON', async () => {
    h = await startHarness();
    h.sim.failNext(LARGE[2], 'bad_json');
    const r = await h.pool.generateObject({ tier: 'large', prompt: 'Describe a person', schema: PERSON });
    expect(r.attempts[0]).toMatchObject({ model: LARGE[2], outcome: 'failed', reason: 'invalid_output' });
    expect(r.model).not.toBe(LARGE[2]);
    expect(r.value.object).toEqual({ name: expect.any(String), age: expect.any(Number) });
  });

  it('rejects an enum request without values before any call', async () => {
    h = await startHarness();
    const err = await h.pool.generateObject({ tier: 'small', prompt: 'Pick', output: 'enum' }).catch((e) => e);
    expect(PoolConfigError.isInstance(err)).toBe(true);
    expect(err.setting).toBe('enumValues');
    expect(h.sim.stats().total).toBe(0);
    expect(callsTo(h.sim, SMALL[0])).toBe(0);
  });
});
