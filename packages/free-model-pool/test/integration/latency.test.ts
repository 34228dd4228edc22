/**
 * Latency is part of a model's health. The first model of the tier is a slow thinker (its first
 * answer token comes after a long think); the second answers at once. After one slow answer, later
 * reply-path requests go to the fast model, with no extra call; a background request keeps the
 * pool's order; the memory of it fades; and an attempt that times out waiting for the first token
 * demotes the model instead of cooling it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PoolPolicy } from '@freepool/free-model-pool';
import { callsTo, SMALL, startHarness, type Harness } from './helpers.js';

const [SLOW, FAST, THIRD] = SMALL;
const THINKER = { reasoning: { style: 'field' as const, tokens: 20, thinkMs: 400 } };
/** Slow when 2× the fastest and 100 ms above it; remembered for a minute. */
const POLICY: Partial<PoolPolicy> = { slowFactor: 2, slowMarginMs: 100, latencyMemoryMs: 60_000, reasoningEffort: { small: 'default' } };

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function harness(policy: Partial<PoolPolicy> = {}) {
  h = await startHarness({ latencyMs: 5, models: { [SLOW]: THINKER } }, { tiers: { small: [SLOW, FAST, THIRD] }, policy: { ...POLICY, ...policy } });
  return h;
}

async function collect(stream: AsyncIterable<string>) {
  let text = '';
  for await (const c of stream) text += c;
  return text;
}

describe('after one slow answer, replies go to the fast model', () => {
  it('text: the slow model answers once; the next four go to the fast one, one call each', async () => {
    const h = await harness();
    const models: string[] = [];
    for (let i = 0; i < 5; i++) models.push((await h.pool.generateText({ tier: 'small', prompt: `message ${i}` })).model);
    expect(models).toEqual([SLOW, FAST, FAST, FAST, FAST]);
    expect(h.sim.stats().total).toBe(5);
    const slow = h.pool.health('small')[0]!.health!;
    expect(slow.firstTokenMs).toBeGreaterThanOrEqual(400);
    expect(slow.cooldownUntil).toBe(0); // slow is not broken: it is not cooling
  });

  it('streams: the first token of the slow model came late; the next stream starts from the fast model', async () => {
    const h = await harness();
    const first = h.pool.streamText({ tier: 'small', prompt: 'first' });
    expect(await collect(first.textStream)).toContain(SLOW);
    const second = h.pool.streamText({ tier: 'small', prompt: 'second' });
    expect(await collect(second.textStream)).toContain(FAST);
    expect((await second.outcome).attempts.map((a) => [a.model, a.outcome])).toEqual([[FAST, 'success']]);
    expect(callsTo(h.sim, SLOW)).toBe(1);
  });

  it('a background request keeps the pool order (nobody waits for it), and re-measures the slow model', async () => {
    const h = await harness();
    await h.pool.generateText({ tier: 'small', prompt: 'slow once' });
    expect((await h.pool.generateText({ tier: 'small', prompt: 'reply' })).model).toBe(FAST);
    expect((await h.pool.generateText({ tier: 'small', prompt: 'reflection', priority: 'background' })).model).toBe(SLOW);
  });

  it('the memory fades: after latencyMemoryMs the slow model has its place back, and one answer decides again', async () => {
    const h = await harness({ latencyMemoryMs: 800 });
    await h.pool.generateText({ tier: 'small', prompt: 'slow once' });
    expect((await h.pool.generateText({ tier: 'small', prompt: 'fast' })).model).toBe(FAST);
    await new Promise((r) => setTimeout(r, 900));
    h.sim.setScenario({ seed: 7, latencyMs: 5 }); // it got fast meanwhile
    expect((await h.pool.generateText({ tier: 'small', prompt: 'again' })).model).toBe(SLOW);
    expect((await h.pool.generateText({ tier: 'small', prompt: 'and again' })).model).toBe(SLOW);
  });

  it('differences within the margin never reorder the pool', async () => {
    h = await startHarness({ models: { [SLOW]: { latencyMs: 40 }, [FAST]: { latencyMs: 5 } } }, { tiers: { small: [SLOW, FAST] }, policy: POLICY });
    for (let i = 0; i < 4; i++) expect((await h.pool.generateText({ tier: 'small', prompt: `m${i}` })).model).toBe(SLOW);
  });
});

describe('an attempt that gets no answer token in time demotes the model, it does not cool it', () => {
  it('a stream whose first token does not come within firstChunkTimeoutMs: the next model answers; the slow one is tried last, not skipped', async () => {
    const h = await harness({ firstChunkTimeoutMs: 200 });
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello' });
    expect(await collect(s.textStream)).toContain(FAST);
    const line = (await s.outcome).attempts[0]!;
    expect(line).toMatchObject({ model: SLOW, outcome: 'failed', reason: 'timeout' });
    expect(line.cooldownUntil).toBeUndefined();
    const slow = h.pool.health('small')[0]!.health!;
    expect(slow.cooldownUntil).toBe(0);
    expect(slow.firstTokenMs).toBeGreaterThanOrEqual(200);
    // The fast models fail: the slow one is still callable, after them.
    h.sim.failNext(FAST, 'server_error');
    h.sim.failNext(THIRD, 'server_error');
    const r = await h.pool.generateText({ tier: 'small', prompt: 'again' });
    expect(r.attempts.map((a) => [a.model, a.outcome])).toEqual([
      [FAST, 'failed'],
      [THIRD, 'failed'],
      [SLOW, 'success'],
    ]);
  });
});
