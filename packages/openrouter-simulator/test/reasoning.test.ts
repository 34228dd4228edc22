/**
 * Reasoning models as they really answer: the thinking in `message.reasoning` / `reasoning_details`
 * (and `delta.reasoning` in streams), or inline in the content (`<think>…</think>`, other tag names,
 * a closing tag without its opener), sharing the completion budget with the answer, slowed by a think
 * time, and scaled by the request's `reasoning.effort`. Raw HTTP, and the AI SDK provider for the
 * fields it parses.
 */
import { createOpenRouter } from '@openrouter/ai-sdk-provider';
import { generateText, streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type ModelBehavior, type Simulator } from '@freepool/openrouter-simulator';
import { KEY, SMALL, chat, parseSse } from './helpers.js';

const OSS = 'openai/gpt-oss-120b:free'; // catalog: reasoning mandatory, efforts high/medium/low, default medium
const NANO = 'nvidia/nemotron-nano-9b-v2:free'; // catalog: reasoning optional, any effort

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function withModel(model: string, behavior: ModelBehavior) {
  sim = await startSimulator({ scenario: { seed: 3, models: { [model]: behavior } } });
  return sim;
}

const ask = (s: Simulator, model: string, extra: Record<string, unknown> = {}) =>
  chat(s.baseURL, { model, messages: [{ role: 'user', content: 'Say hello' }], ...extra });

describe('non-stream shapes', () => {
  it('field: the thinking in message.reasoning and reasoning_details, the content is the answer alone', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'field', tokens: 30 } });
    const r = await ask(s, SMALL);
    const message = r.json.choices[0].message;
    expect(message.content).toBe(`Simulated reply from ${SMALL}: Say hello`);
    expect(message.reasoning).toMatch(/^Reasoning of meta-llama\/llama-3\.2-3b-instruct:free\. The person wrote "Say hello"\./);
    expect(message.reasoning_details).toEqual([{ type: 'reasoning.text', text: message.reasoning, format: 'unknown', index: 0 }]);
    expect(r.json.usage.completion_tokens_details.reasoning_tokens).toBe(30);
    expect(r.json.choices[0].finish_reason).toBe('stop');
  });

  for (const tag of ['think', 'thinking', 'reasoning']) {
    it(`inline <${tag}>: the content starts with the thinking block, then the answer`, async () => {
      const s = await withModel(SMALL, { reasoning: { style: 'inline', tag, tokens: 10 } });
      const content: string = (await ask(s, SMALL)).json.choices[0].message.content;
      expect(content).toMatch(new RegExp(`^<${tag}>\\nReasoning of [\\s\\S]*</${tag}>\\n\\nSimulated reply from ${SMALL.replace(/[./]/g, '\\$&')}: Say hello$`));
    });
  }

  it('no_opener: the thinking, a closing tag without its opener, then the answer', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'no_opener', tokens: 10 } });
    const content: string = (await ask(s, SMALL)).json.choices[0].message.content;
    expect(content.startsWith('Reasoning of ')).toBe(true);
    expect(content).not.toContain('<think>');
    expect(content).toMatch(/<\/think>\n\nSimulated reply from .*: Say hello$/);
  });

  it('thinking that fills the budget leaves an unclosed tag and finish_reason "length"', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'inline', tokens: 500 } });
    const r = await ask(s, SMALL, { max_tokens: 100 });
    const content: string = r.json.choices[0].message.content;
    expect(r.json.choices[0].finish_reason).toBe('length');
    expect(content.startsWith('<think>\nReasoning of ')).toBe(true);
    expect(content).not.toContain('</think>');
    expect(content).not.toContain('Simulated reply');
  });

  it('field style: the budget spent on thinking leaves empty content; the model cap applies when the request sets none', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'field', tokens: 500 }, maxOutputTokens: 200 });
    const r = await ask(s, SMALL);
    expect(r.json.choices[0].finish_reason).toBe('length');
    expect(r.json.choices[0].message.content).toBe('');
    expect(r.json.choices[0].message.reasoning.length).toBe(800);
    expect(r.json.usage.completion_tokens).toBe(200);
  });

  it('a lower effort thinks less, so the answer fits the same budget; reasoning.max_tokens caps the thinking', async () => {
    const s = await withModel(NANO, { reasoning: { style: 'field', tokens: 400 } });
    const full = await ask(s, NANO, { max_tokens: 300 });
    expect(full.json.choices[0].message.content).toBe('');
    const low = await ask(s, NANO, { max_tokens: 300, reasoning: { effort: 'low' } }); // 400 × 0.2 / 0.5
    expect(low.json.usage.completion_tokens_details.reasoning_tokens).toBe(160);
    expect(low.json.choices[0].message.content).toBe(`Simulated reply from ${NANO}: Say hello`);
    const capped = await ask(s, NANO, { reasoning: { max_tokens: 30 } });
    expect(capped.json.usage.completion_tokens_details.reasoning_tokens).toBe(30);
    const off = await ask(s, NANO, { reasoning: { enabled: false } });
    expect(off.json.choices[0].message.reasoning).toBeNull();
  });

  it('exclude: the model still thinks, but no reasoning comes back', async () => {
    const s = await withModel(NANO, { reasoning: { style: 'field', tokens: 40 } });
    const r = await ask(s, NANO, { reasoning: { exclude: true } });
    expect(r.json.choices[0].message.reasoning).toBeNull();
    expect(r.json.usage.completion_tokens_details.reasoning_tokens).toBe(40);
  });
});

describe('the reasoning parameter on the wire', () => {
  it('is recorded as it arrived, including the legacy forms', async () => {
    sim = await startSimulator();
    await ask(sim, NANO, { reasoning: { effort: 'low', exclude: false } });
    await ask(sim, NANO, { reasoning_effort: 'high' });
    await ask(sim, NANO, { include_reasoning: false });
    await ask(sim, NANO);
    expect(sim.stats().calls.map((c) => c.reasoning)).toEqual([{ effort: 'low', exclude: false }, { effort: 'high' }, { exclude: true }, undefined]);
  });

  it('turning reasoning off for a model whose catalog says it is mandatory: 400, no call counted against the model', async () => {
    sim = await startSimulator();
    for (const body of [{ reasoning: { effort: 'none' } }, { reasoning: { enabled: false } }]) {
      const r = await ask(sim, OSS, body);
      expect(r.status).toBe(400);
      expect(r.json.error.message).toBe('Reasoning is mandatory for this endpoint and cannot be disabled.');
    }
    expect(sim.stats().calls.map((c) => c.kind)).toEqual(['reasoning_refused', 'reasoning_refused']);
  });

  it('an effort outside the catalog\'s supported_efforts is refused; a supported one is not', async () => {
    sim = await startSimulator();
    const r = await ask(sim, OSS, { reasoning: { effort: 'minimal' } });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('Supported efforts: high, medium, low');
    expect((await ask(sim, OSS, { reasoning: { effort: 'low' } })).status).toBe(200);
  });

  it('an effort OpenRouter does not know is a 400 naming the field', async () => {
    sim = await startSimulator();
    const r = await ask(sim, NANO, { reasoning: { effort: 'extreme' } });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/reasoning\.effort/);
  });

  it('rejectsParameter: a provider that does not know the parameter answers 400 (the same request without it answers)', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'field', rejectsParameter: true } });
    const r = await ask(s, SMALL, { reasoning: { effort: 'low' } });
    expect(r.status).toBe(400);
    expect(r.json.error.metadata.raw).toContain('Unrecognized request argument supplied: reasoning');
    expect((await ask(s, SMALL)).status).toBe(200);
  });
});

describe('streams', () => {
  it('field: reasoning deltas come first, then the answer; the content never holds the thinking', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'field', tokens: 40 } });
    const { events } = parseSse((await ask(s, SMALL, { stream: true })).text);
    const reasoningAt = events.map((e, i) => (e.choices[0]?.delta?.reasoning ? i : -1)).filter((i) => i >= 0);
    const contentAt = events.map((e, i) => (e.choices[0]?.delta?.content ? i : -1)).filter((i) => i >= 0);
    expect(reasoningAt.length).toBeGreaterThan(1);
    expect(Math.max(...reasoningAt)).toBeLessThan(Math.min(...contentAt));
    expect(events.map((e) => e.choices[0]?.delta?.content ?? '').join('')).toBe(`Simulated reply from ${SMALL}: Say hello`);
    expect(events[reasoningAt[0]!].choices[0].delta.reasoning_details[0].type).toBe('reasoning.text');
  });

  it('inline: the content chunks carry the think block before the answer', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'inline', tokens: 40 } });
    const { events } = parseSse((await ask(s, SMALL, { stream: true })).text);
    const content = events.map((e) => e.choices[0]?.delta?.content ?? '').join('');
    expect(content).toMatch(/^<think>\nReasoning of [\s\S]*<\/think>\n\nSimulated reply from .*: Say hello$/);
  });

  it('a slow first token: the reasoning arrives while the answer waits for thinkMs', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'field', tokens: 40, thinkMs: 300 } });
    const res = await fetch(`${s.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: SMALL, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    // The order of arrival: each network read is stamped with the reads that came before it.
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const reads: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (value) reads.push(decoder.decode(value, { stream: true }));
      if (done) break;
    }
    const firstContentRead = reads.findIndex((r) => /"content":"[^"]/.test(r));
    const reasoningReads = reads.slice(0, firstContentRead).filter((r) => r.includes('"reasoning":"'));
    expect(reasoningReads.length).toBeGreaterThan(1);
  });

  it('the AI SDK reads both fields: reasoning-delta parts before the text, reasoningText on generateText', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'field', tokens: 20 } });
    const provider = createOpenRouter({ apiKey: KEY, baseURL: s.baseURL });
    const kinds: string[] = [];
    for await (const part of streamText({ model: provider.chat(SMALL), prompt: 'hi', maxRetries: 0 }).fullStream) {
      if (part.type === 'reasoning-delta' || part.type === 'text-delta') kinds.push(part.type);
    }
    expect(kinds[0]).toBe('reasoning-delta');
    expect(kinds.lastIndexOf('reasoning-delta')).toBeLessThan(kinds.indexOf('text-delta'));
    const r = await generateText({ model: provider.chat(SMALL), prompt: 'hi', maxRetries: 0 });
    expect(r.text).toBe(`Simulated reply from ${SMALL}: hi`);
    expect(r.reasoningText).toMatch(/^Reasoning of /);
  });
});

describe('the default thinking drafts the answer format, as real models do', () => {
  it('for a prompt that asks for <response> XML, the thinking holds a draft <response>', async () => {
    const s = await withModel(SMALL, { reasoning: { style: 'inline', tokens: 40 } });
    const r = await chat(s.baseURL, {
      model: SMALL,
      messages: [{ role: 'user', content: 'Answer as <response><thought>…</thought><text>…</text></response>' }],
    });
    const content: string = r.json.choices[0].message.content;
    const think = content.slice(0, content.indexOf('</think>'));
    expect(think).toContain('<response><text>Reasoning draft, not the answer.</text></response>');
  });
});
