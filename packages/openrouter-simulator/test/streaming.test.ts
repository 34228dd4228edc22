import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { KEY, SMALL, authHeaders, chat, parseSse, chatGivingUpAfter } from './helpers.js';

let sim: Simulator | undefined;

/** Opens a stream and reads it piece by piece, as a client would. */
async function openStream(baseURL: string, body: Record<string, unknown>, signal?: AbortSignal) {
  const res = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: authHeaders(KEY),
    body: JSON.stringify({ messages: [{ role: 'user', content: 'stream me slowly please' }], stream: true, ...body }),
    signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    status: res.status,
    /** Everything received so far. */
    get text() {
      return text;
    },
    /** One network read; false when the stream has ended. */
    async read(): Promise<boolean> {
      const { done, value } = await reader.read();
      if (value) text += decoder.decode(value, { stream: true });
      return !done;
    },
    /** Reads until `pred(text)` holds or the stream ends. */
    async readUntil(pred: (t: string) => boolean): Promise<void> {
      while (!pred(text) && (await this.read()));
    },
  };
}

const contentOf = (text: string) =>
  parseSse(text)
    .events.map((e) => e.choices[0]?.delta?.content ?? '')
    .join('');
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

  it('chunkDelayMs spaces the chunks out: each read brings at most one event, the text is unchanged', async () => {
    sim = await startSimulator({ scenario: { models: { [SMALL]: { chunkDelayMs: 25 } } } });
    const s = await openStream(sim.baseURL, { model: SMALL });
    expect(s.status).toBe(200);
    let maxEventsPerRead = 0;
    let before = 0;
    while (await s.read()) {
      const now = parseSse(s.text).events.length; // [DONE] follows the last event at once
      maxEventsPerRead = Math.max(maxEventsPerRead, now - before);
      before = now;
    }
    expect(maxEventsPerRead).toBe(1);
    expect(parseSse(s.text).data.at(-1)).toBe('[DONE]');
    expect(contentOf(s.text)).toBe(`Simulated reply from ${SMALL}: stream me slowly please`);
    expect(sim.stats().byStatus).toEqual({ '200': 1 });
  });

  it('a client that leaves a slow stream stops it: nothing more is sent', async () => {
    sim = await startSimulator({ scenario: { models: { [SMALL]: { chunkDelayMs: 50 } } } });
    const controller = new AbortController();
    const s = await openStream(sim.baseURL, { model: SMALL }, controller.signal);
    await s.readUntil((t) => contentOf(t).length > 0);
    controller.abort();
    await expect(s.read()).rejects.toThrow();
    expect(contentOf(s.text)).toBe('Simulated ');
    // The simulator is not stuck on the abandoned stream.
    expect((await chat(sim.baseURL, { model: SMALL })).status).toBe(200);
  });

  it('chunkDelayMs must be a non-negative integer', async () => {
    await expect(startSimulator({ scenario: { models: { [SMALL]: { chunkDelayMs: -1 } } } })).rejects.toThrow(
      new RegExp(`models\\.${SMALL.replace(/[.]/g, '\\.')}\\.chunkDelayMs`),
    );
    await expect(startSimulator({ scenario: { defaultBehavior: { chunkDelayMs: 'slow' as never } } })).rejects.toThrow(/defaultBehavior\.chunkDelayMs/);
  });

  it("'stall_after_first_chunk' sends one content chunk, then nothing until the request ends", async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'stall_after_first_chunk');
    const s = await openStream(sim.baseURL, { model: SMALL });
    expect(s.status).toBe(200);
    await s.readUntil((t) => contentOf(t).length > 0);
    // Consumed: the next call streams normally, while the first still hangs.
    const next = await chat(sim.baseURL, { model: SMALL, stream: true });
    expect(parseSse(next.text).data.at(-1)).toBe('[DONE]');
    expect(sim.stats().calls[0]).toMatchObject({ status: '200-stall', kind: 'stall_after_first_chunk', stream: true });
    // What ends the request is the server going away; everything it sent before is then read.
    await sim.close();
    sim = undefined;
    while (await s.read().catch(() => false));
    const { events, data } = parseSse(s.text);
    expect(events).toHaveLength(1);
    expect(data).not.toContain('[DONE]');
    expect(contentOf(s.text)).toBe('Simulated ');
  });

  it('close() ends a stalled stream promptly', async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'stall_after_first_chunk');
    const s = await openStream(sim.baseURL, { model: SMALL });
    await s.readUntil((t) => contentOf(t).length > 0);
    const rest = s.readUntil(() => false).catch(() => {});
    await sim.close();
    sim = undefined;
    await rest; // the read loop ends instead of hanging
    expect(contentOf(s.text)).toBe('Simulated ');
    expect(parseSse(s.text).data).not.toContain('[DONE]');
  });

  it("'stall_after_first_chunk' on a non-stream call hangs like 'timeout'", async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'stall_after_first_chunk');
    await expect(chatGivingUpAfter(sim.baseURL, SMALL, 200)).rejects.toThrow();
    expect(sim.stats().calls[0]).toMatchObject({ status: 'timeout', kind: 'stall_after_first_chunk', stream: false });
  });
});
