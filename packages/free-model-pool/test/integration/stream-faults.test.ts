import { afterEach, describe, expect, it } from 'vitest';
import { StreamInterruptedError } from '@freepool/free-model-pool';
import { callsTo, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function collect(stream: AsyncIterable<string>): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for await (const c of stream) text += c;
    return { text };
  } catch (error) {
    return { text, error };
  }
}

const LONG_PROMPT = 'tell me a story about a lighthouse keeper and the sea';

describe('a stream that breaks', () => {
  for (const kind of ['truncated_stream', 'connection_reset', 'malformed_chunk'] as const) {
    it(`${kind} before the first chunk: the pool rotates, the caller gets the next model's whole answer`, async () => {
      h = await startHarness({ defaultBehavior: { faultAfterChunks: 0 } });
      h.sim.failNext(SMALL[0], kind);
      const s = h.pool.streamText({ tier: 'small', prompt: LONG_PROMPT });
      const { text, error } = await collect(s.textStream);
      expect(error).toBeUndefined();
      expect(text).toBe(`Simulated reply from ${SMALL[1]}: ${LONG_PROMPT}`);
      const outcome = await s.outcome;
      expect(outcome.model).toBe(SMALL[1]);
      expect(outcome.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'failed' });
      expect(await s.finishReason).toBe('stop');
      expect(callsTo(h.sim, SMALL[0])).toBe(1);
      expect(callsTo(h.sim, SMALL[1])).toBe(1);
    });
  }

  it('cut off after text was emitted: a StreamInterruptedError that says so, no other model called, the model cools down', async () => {
    h = await startHarness({ defaultBehavior: { faultAfterChunks: 3 } });
    h.sim.failNext(SMALL[0], 'truncated_stream');
    const s = h.pool.streamText({ tier: 'small', prompt: LONG_PROMPT });
    const { text, error } = await collect(s.textStream);
    expect(text.length).toBeGreaterThan(0);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    const e = error as StreamInterruptedError;
    expect(e.reason).toBe('truncated');
    expect(e.model).toBe(SMALL[0]);
    expect(e.receivedChars).toBe(text.length);
    expect(e.message).toMatch(new RegExp(`^The answer from ${SMALL[0].replace(/[.]/g, '\\.')} was cut off`));
    await expect(s.text).rejects.toBe(error);
    await expect(s.outcome).rejects.toBe(error);
    // Nobody continued the answer, and the model that cut it off is cooling.
    expect(h.sim.stats().total).toBe(1);
    expect(h.pool.status().tiers.small[0]).toMatchObject({ model: SMALL[0], state: 'cooling' });
  });

  it('a reset connection after text: the error names the network failure, not a finished answer', async () => {
    h = await startHarness({ defaultBehavior: { faultAfterChunks: 2 } });
    h.sim.failNext(SMALL[0], 'connection_reset');
    const s = h.pool.streamText({ tier: 'small', prompt: LONG_PROMPT });
    const { error } = await collect(s.textStream);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect((error as StreamInterruptedError).reason).toBe('network_error');
    expect(h.sim.stats().total).toBe(1);
  });

  it('a malformed chunk after text ends the stream with an error instead of an answer with a hole in it', async () => {
    h = await startHarness({ defaultBehavior: { faultAfterChunks: 2 } });
    h.sim.failNext(SMALL[0], 'malformed_chunk');
    const s = h.pool.streamText({ tier: 'small', prompt: LONG_PROMPT });
    const { error } = await collect(s.textStream);
    expect(StreamInterruptedError.isInstance(error)).toBe(true);
    expect(h.sim.stats().total).toBe(1);
  });

  it('a length finish (max tokens reached) is a normal end', async () => {
    h = await startHarness();
    const s = h.pool.streamText({ tier: 'small', prompt: LONG_PROMPT, maxOutputTokens: 3 });
    const { text, error } = await collect(s.textStream);
    expect(error).toBeUndefined();
    expect(text.length).toBeGreaterThan(0);
    expect(await s.finishReason).toBe('length');
    expect((await s.outcome).model).toBe(SMALL[0]);
  });
});
