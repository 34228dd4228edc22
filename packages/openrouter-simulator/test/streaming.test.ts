import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { SMALL, chat, parseSse } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('SSE streaming', () => {
  it('sends a processing comment first, content chunks, usage on the last chunk, then [DONE]', async () => {
    sim = await startSimulator({ scenario: { latencyMs: 20 } });
    const r = await chat(sim.baseURL, { model: SMALL, stream: true, messages: [{ role: 'user', content: 'stream me' }] });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(r.text.startsWith(': OPENROUTER PROCESSING\n\n')).toBe(true);
    const { comments, data, events } = parseSse(r.text);
    expect(comments.length).toBeGreaterThanOrEqual(1);
    expect(data.at(-1)).toBe('[DONE]');
    for (const e of events) expect(e).toMatchObject({ object: 'chat.completion.chunk', model: SMALL, id: expect.stringMatching(/^gen-/) });
    const text = events.map((e) => e.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(`Simulated reply from ${SMALL}: stream me`);
    const last = events.at(-1);
    expect(last.choices[0].finish_reason).toBe('stop');
    expect(last.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(events.slice(0, -1).every((e) => e.usage === undefined)).toBe(true);
    expect(sim.stats().calls[0]).toMatchObject({ status: '200', stream: true });
  });

  it('ends with the mid-stream error event after N chunks (no [DONE])', async () => {
    sim = await startSimulator({ scenario: { models: { [SMALL]: { midStreamErrorAfterChunks: 2 } } } });
    const r = await chat(sim.baseURL, { model: SMALL, stream: true });
    expect(r.status).toBe(200);
    const { data, events } = parseSse(r.text);
    expect(data).not.toContain('[DONE]');
    expect(events).toHaveLength(3);
    expect(events.slice(0, 2).every((e) => e.choices[0].delta.content.length > 0)).toBe(true);
    expect(events[2]).toMatchObject({ object: 'chat.completion.chunk', error: { code: 502 }, choices: [{ finish_reason: 'error' }] });
    expect(sim.stats().byStatus).toEqual({ '200-stream-error': 1 });
    // The behaviour only applies to streams: a JSON request still succeeds.
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
  });

  it('queued mid_stream_error works on streams', async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'mid_stream_error');
    const { events } = parseSse((await chat(sim.baseURL, { model: SMALL, stream: true })).text);
    expect(events).toHaveLength(2);
    expect(events[1].error).toBeDefined();
  });

  it('errors before the stream starts are plain JSON with the real status', async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'upstream_429');
    const r = await chat(sim.baseURL, { model: SMALL, stream: true });
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(r.json.error.message).toBe('Provider returned error');
  });

  it('an error inside a 200 arrives on a stream as a lone error event', async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'error_in_200');
    const r = await chat(sim.baseURL, { model: SMALL, stream: true });
    expect(r.status).toBe(200);
    const { events, data } = parseSse(r.text);
    expect(data).not.toContain('[DONE]');
    expect(events).toHaveLength(1);
    expect(events[0].error.message).toBe('Provider returned error');
    expect(sim.stats().byStatus).toEqual({ '200-error': 1 });
  });
});
