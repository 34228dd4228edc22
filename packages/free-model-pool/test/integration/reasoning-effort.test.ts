/**
 * Reasoning effort on purpose, checked on the wire (the simulator records the `reasoning` parameter
 * each call carried): sent only to models whose catalog entry takes it, fitted to what each
 * accepts; a provider that refuses it is asked again once without it, and the model's record
 * remembers; the effort each call asked for is in the trail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeTrail } from '@freepool/free-model-pool/internal';
import { poolFromSimulator, startHarness, type Harness } from './helpers.js';

const NANO = 'nvidia/nemotron-nano-9b-v2:free'; // catalog: reasoning, any effort
const OSS = 'openai/gpt-oss-120b:free'; // catalog: reasoning mandatory; high, medium, low
const LLAMA = 'meta-llama/llama-3.2-3b-instruct:free'; // catalog: no reasoning

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

const wire = (h: Harness) => h.sim.stats().calls.map((c) => [c.model, c.status, c.reasoning?.effort ?? null]);

describe('the reasoning parameter on the wire', () => {
  it('each tier asks for its own effort, fitted to each model; a model that does not reason gets none', async () => {
    h = await startHarness({}, { tiers: { small: [NANO], large: [OSS], vision: [LLAMA] } });
    await h.pool.generateText({ tier: 'small', prompt: 'yes or no' });
    await h.pool.generateText({ tier: 'large', prompt: 'a reply' });
    await h.pool.generateText({ tier: 'large', prompt: 'think', reasoningEffort: 'minimal' });
    await h.pool.generateText({ tier: 'large', prompt: 'think', reasoningEffort: 'none' });
    await h.pool.generateText({ tier: 'small', prompt: 'leave it to the model', reasoningEffort: 'default' });
    await h.pool.generateText({ tier: 'vision', prompt: 'no reasoning here' });
    expect(wire(h)).toEqual([
      [NANO, '200', 'minimal'],
      [OSS, '200', 'low'],
      [OSS, '200', 'low'], // minimal is not among its efforts: the nearest below is none, so the nearest above
      [OSS, '200', 'low'], // none where reasoning is mandatory: its lowest effort instead
      [NANO, '200', null],
      [LLAMA, '200', null],
    ]);
  });

  it('the effort is in the trail and in the line a log shows', async () => {
    h = await startHarness({}, { tiers: { small: [NANO] } });
    const r = await h.pool.generateText({ tier: 'small', prompt: 'hello' });
    expect(r.attempts[0]).toMatchObject({ model: NANO, outcome: 'success', effort: 'minimal' });
    expect(describeTrail(r.attempts, Date.now())).toBe(`${NANO} answered (reasoning effort minimal)`);
  });

  it('a provider that refuses the parameter: the same model is asked again without it, once, and never sent it again', async () => {
    h = await startHarness({ models: { [NANO]: { reasoning: { style: 'field', rejectsParameter: true } } } }, { tiers: { small: [NANO, LLAMA] } });
    const first = await h.pool.generateText({ tier: 'small', prompt: 'hello' });
    expect(first.model).toBe(NANO);
    expect(first.attempts.map((a) => [a.model, a.outcome, a.reason, a.effort])).toEqual([
      [NANO, 'failed', 'bad_request', 'minimal'],
      [NANO, 'success', undefined, undefined],
    ]);
    expect(first.attempts[0]!.message).toMatch(/^refused the reasoning parameter: /);
    await h.pool.generateText({ tier: 'small', prompt: 'again' });
    expect(wire(h)).toEqual([
      [NANO, '400', 'minimal'],
      [NANO, '200', null],
      [NANO, '200', null],
    ]);
    expect(h.pool.health('small')[0]!.health).toMatchObject({ reasoningRejected: true, cooldownUntil: 0 });
  });

  it('"none" to a model the catalog did not say must reason: OpenRouter refuses, the model is asked again without the parameter', async () => {
    h = await startHarness({}, { tiers: { large: [OSS] } });
    // An older catalog: it lists `reasoning` among the parameters, but not that reasoning is mandatory.
    const pool = poolFromSimulator(h.sim, { large: [OSS] });
    pool.models[OSS] = { ...pool.models[OSS]!, reasoning: { mandatory: false } };
    h.pool.setPool(pool);
    const r = await h.pool.generateText({ tier: 'large', prompt: 'quick', reasoningEffort: 'none' });
    expect(r.model).toBe(OSS);
    expect(wire(h)).toEqual([
      [OSS, '400', 'none'],
      [OSS, '200', null],
    ]);
    expect(r.attempts[0]!.message).toContain('Reasoning is mandatory for this endpoint and cannot be disabled.');
  });

  it('streams and objects send it too', async () => {
    h = await startHarness({}, { tiers: { small: [NANO], large: [OSS] } });
    const s = h.pool.streamText({ tier: 'large', prompt: 'stream', reasoningEffort: 'high' });
    for await (const _ of s.textStream) void _;
    await h.pool.generateObject({ tier: 'small', prompt: 'as JSON', schema: { type: 'object', properties: { a: { type: 'string' } } } });
    expect(wire(h)).toEqual([
      [OSS, '200', 'high'],
      [NANO, '200', 'minimal'],
    ]);
    expect((await s.outcome).attempts[0]!.effort).toBe('high');
  });

  it('a model whose thinking spent the budget is asked for less from then on', async () => {
    h = await startHarness({ models: { [NANO]: { reasoning: { style: 'field', tokens: 2000 }, maxOutputTokens: 1000 } } }, { tiers: { small: [NANO, LLAMA] } });
    await h.pool.generateText({ tier: 'small', prompt: 'one', reasoningEffort: 'medium' });
    expect(h.pool.health('small')[0]!.health!.effortDown).toBe(1);
    // Its brief cooldown is the first rung (60 s in these tests): call it directly in a tier of its own.
    h.pool.setPool(poolFromSimulator(h.sim, { small: [LLAMA], large: [NANO] }));
    h.pool.store.setModelHealth(NANO, { ...h.pool.store.getModelHealth(NANO)!, cooldownUntil: 0 });
    await h.pool.generateText({ tier: 'large', prompt: 'two', reasoningEffort: 'medium' });
    expect(wire(h).map((c) => c[2])).toEqual(['medium', null, 'low']);
  });
});
