/**
 * Answer hygiene against the simulator's reasoning models: whatever shape the thinking comes in
 * (the reasoning field, an inline think block of any tag name, thinking before a closing tag without
 * its opener), text, object and stream calls hand the caller the answer alone; an answer that is only
 * thinking, or that the length limit cut while the model was still thinking, rotates to the next
 * model; one the limit cut while it was answering stays an answer, flagged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelBehavior, ReasoningBehavior, Scenario } from '@freepool/openrouter-simulator';
import { callsTo, startHarness, type Harness } from './helpers.js';

const NANO = 'nvidia/nemotron-nano-9b-v2:free'; // reasons (catalog: reasoning, any effort)
const NANO30 = 'nvidia/nemotron-3-nano-30b-a3b:free'; // reasons too
const LLAMA = 'meta-llama/llama-3.2-3b-instruct:free'; // does not reason
const TIERS = { small: [NANO, NANO30, LLAMA] };
const THOUGHT = /Reasoning of|Weighing what to say|<\/?(think|thinking|reasoning)>/;

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function harness(first: ModelBehavior, rest: Scenario['models'] = {}) {
  h = await startHarness({ models: { [NANO]: first, ...rest } }, { tiers: TIERS });
  return h;
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

const SHAPES: Array<[string, ReasoningBehavior]> = [
  ['the reasoning field', { style: 'field', tokens: 40 }],
  ['an inline <think> block', { style: 'inline', tokens: 40 }],
  ['an inline <thinking> block', { style: 'inline', tag: 'thinking', tokens: 40 }],
  ['an inline <reasoning> block', { style: 'inline', tag: 'reasoning', tokens: 40 }],
  ['a closing </think> without its opener', { style: 'no_opener', tokens: 40 }],
];

describe('the answer alone, whatever shape the thinking came in', () => {
  for (const [shape, reasoning] of SHAPES) {
    it(`text: ${shape}`, async () => {
      const h = await harness({ reasoning });
      const r = await h.pool.generateText({ tier: 'small', prompt: 'Say hello' });
      expect(r.model).toBe(NANO);
      expect(r.value.text).toBe(`Simulated reply from ${NANO}: Say hello`);
      expect(r.value.reasoning).toMatch(/^Reasoning of /);
      expect(r.value.text).not.toMatch(THOUGHT);
      expect(r.value.cutByLength).toBeUndefined();
    });

    it(`stream: ${shape}: every chunk, from the first, is the answer's`, async () => {
      const h = await harness({ reasoning });
      const s = h.pool.streamText({ tier: 'small', prompt: 'Say hello' });
      const chunks = await collect(s.textStream);
      expect(chunks[0]).toMatch(/^Simulated/);
      expect(chunks.join('')).toBe(`Simulated reply from ${NANO}: Say hello`);
      expect(await s.text).toBe(chunks.join(''));
      const outcome = await s.outcome;
      expect(outcome.value).not.toMatch(THOUGHT);
      expect(outcome.reasoning).toMatch(/^Reasoning of /);
    });

    it(`object: ${shape}`, async () => {
      const h = await harness({ reasoning });
      const r = await h.pool.generateObject<{ city: string }>({
        tier: 'small',
        prompt: 'Name a city as JSON',
        schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      });
      expect(r.model).toBe(NANO);
      expect(r.value.object).toEqual({ city: 'example' });
      expect(r.value.reasoning).toMatch(/^Reasoning of /);
    });
  }

  it('an ElizaOS reply whose thinking drafts a <response> of its own: the answer is the real one', async () => {
    const h = await harness({ reasoning: { style: 'inline', tokens: 60 } });
    const prompt = 'Respond in XML: <response><thought>…</thought><text>…</text></response>';
    const text = (await h.pool.generateText({ tier: 'small', prompt })).value.text;
    expect(text.startsWith('<response>')).toBe(true);
    expect(text).not.toContain('Reasoning draft, not the answer.');
    const chunks = await collect(h.pool.streamText({ tier: 'small', prompt }).textStream);
    expect(chunks.join('')).toBe(text);
  });
});

describe('no answer: only thinking, or the budget spent on thinking', () => {
  it('an unclosed <think> cut by the length limit is invalid_output: the next model answers, and is asked to think less', async () => {
    const h = await harness({ reasoning: { style: 'inline', tokens: 2000 }, maxOutputTokens: 300 }, { [NANO30]: { reasoning: { style: 'field', tokens: 100 } } });
    const r = await h.pool.generateText({ tier: 'small', prompt: 'Say hello' });
    expect(r.model).toBe(NANO30);
    expect(r.value.text).toBe(`Simulated reply from ${NANO30}: Say hello`);
    expect(r.attempts[0]).toMatchObject({
      model: NANO,
      outcome: 'failed',
      reason: 'invalid_output',
      message: `${NANO} spent its whole output budget thinking and gave no answer (finish reason length)`,
    });
    // The small tier asks for minimal; after a budget spent on thinking the next attempt asks for less.
    expect(h.sim.stats().calls.map((c) => [c.model, c.reasoning?.effort])).toEqual([
      [NANO, 'minimal'],
      [NANO30, 'none'],
    ]);
  });

  it('the same, streamed: nothing reaches the caller from the thinking model; the next model streams its answer', async () => {
    const h = await harness({ reasoning: { style: 'inline', tokens: 2000 }, maxOutputTokens: 300 });
    const s = h.pool.streamText({ tier: 'small', prompt: 'Say hello' });
    const chunks = await collect(s.textStream);
    expect(chunks.join('')).toBe(`Simulated reply from ${NANO30}: Say hello`);
    expect((await s.outcome).attempts.map((a) => [a.model, a.outcome, a.reason])).toEqual([
      [NANO, 'failed', 'invalid_output'],
      [NANO30, 'success', undefined],
    ]);
  });

  it('empty content after the reasoning field used the budget: the next model answers', async () => {
    const h = await harness({ reasoning: { style: 'field', tokens: 2000 }, maxOutputTokens: 300 });
    const r = await h.pool.generateText({ tier: 'small', prompt: 'Say hello' });
    expect(r.model).toBe(NANO30);
    expect(r.attempts[0]).toMatchObject({ model: NANO, reason: 'invalid_output' });
    expect(callsTo(h.sim, NANO)).toBe(1);
  });

  it('only reasoning and finish_reason "stop": invalid_output, for text, object and stream', async () => {
    const h = await harness({ reasoning: { style: 'field', tokens: 40 }, emptyRate: 1 });
    const text = await h.pool.generateText({ tier: 'small', prompt: 'Say hello' });
    expect(text.attempts[0]).toMatchObject({ model: NANO, reason: 'invalid_output', message: `${NANO} returned only its reasoning, no answer (finish reason stop)` });
    // The model is cooling now; a fresh harness for each call kind keeps the comparison fair.
    await h.sim.close();
    const h2 = await harness({ reasoning: { style: 'inline', tokens: 40 }, emptyRate: 1 });
    const s = h2.pool.streamText({ tier: 'small', prompt: 'Say hello' });
    expect((await collect(s.textStream)).join('')).toBe(`Simulated reply from ${NANO30}: Say hello`);
    expect((await s.outcome).attempts[0]).toMatchObject({ model: NANO, reason: 'invalid_output' });
  });

  it('cut by the length limit while answering (the thinking was short): an answer, flagged', async () => {
    const h = await harness({ reasoning: { style: 'field', tokens: 5 } });
    const r = await h.pool.generateText({ tier: 'small', prompt: 'Say hello to everyone in the room', maxOutputTokens: 12, reasoningEffort: 'medium' });
    expect(r.model).toBe(NANO);
    expect(r.value.finishReason).toBe('length');
    expect(r.value.cutByLength).toBe(true);
    expect(r.value.text).toBe(`Simulated reply from ${NANO}: Say hello to everyone in the room`.slice(0, (12 - 5) * 4));
  });

  it('cut by the length limit after the thinking took most of it: invalid_output, and the next attempt thinks less', async () => {
    // At "high" the model thinks 55 × 0.8 / 0.5 = 88 of the 100 tokens; at "medium", 55.
    const h = await harness({ reasoning: { style: 'field', tokens: 55 } }, { [NANO30]: { reasoning: { style: 'field', tokens: 55 } } });
    const r = await h.pool.generateText({ tier: 'small', prompt: 'Say hello', maxOutputTokens: 100, reasoningEffort: 'high' });
    expect(r.attempts[0]).toMatchObject({ model: NANO, reason: 'invalid_output' });
    expect(r.attempts[0]!.message).toMatch(/after its thinking used \d+% of the output/);
    expect(r.model).toBe(NANO30);
    expect(h.sim.stats().calls.map((c) => c.reasoning?.effort)).toEqual(['high', 'medium']);
  });
});
