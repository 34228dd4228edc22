import { afterEach, describe, expect, it } from 'vitest';
import { FreeModelPoolError, PoolAbortedError, PoolExhaustedError } from '@freepool/free-model-pool';
import { callsTo, SMALL, startHarness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.sim.close();
  h = undefined;
});

async function collect(stream: AsyncIterable<string>): Promise<{ chunks: string[]; error?: unknown }> {
  const chunks: string[] = [];
  try {
    for await (const c of stream) chunks.push(c);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

describe('streaming', () => {
  it('streams one model’s answer and reports which model served', async () => {
    h = await startHarness();
    const s = h.pool.streamText({ tier: 'small', prompt: 'tell me something' });
    const { chunks, error } = await collect(s.textStream);
    expect(error).toBeUndefined();
    expect(chunks.length).toBeGreaterThan(1);
    expect(await s.text).toBe(chunks.join(''));
    expect(await s.text).toContain(SMALL[0]);
    expect((await s.outcome).model).toBe(SMALL[0]);
    expect(await s.finishReason).toBe('stop');
  });

  it('a stream that fails before its first chunk moves on to the next model', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'upstream_429'); // a 429 before the stream starts
    h.sim.failNext(SMALL[1], 'error_in_200'); // a lone error event inside a 200 stream
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello' });
    const { chunks, error } = await collect(s.textStream);
    expect(error).toBeUndefined();
    const text = chunks.join('');
    expect(text).toContain(SMALL[2]);
    expect(text).not.toContain(SMALL[0]);
    const outcome = await s.outcome;
    expect(outcome.model).toBe(SMALL[2]);
    expect(outcome.attempts.map((a) => [a.model, a.outcome, a.reason])).toEqual([
      [SMALL[0], 'failed', 'model_rate_limit'],
      [SMALL[1], 'failed', 'server_error'],
      [SMALL[2], 'success', undefined],
    ]);
  });

  it('a stream that fails after its first chunk ends with the error and is not continued by another model', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'mid_stream_error');
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello there' });
    const { chunks, error } = await collect(s.textStream);
    expect(chunks.length).toBeGreaterThan(0);
    expect(FreeModelPoolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(SMALL[0]);
    expect((error as Error).message).toMatch(/not continued by another model/);
    // Only the first model's words were emitted; no other model was called.
    expect(`Simulated reply from ${SMALL[0]}: hello there`.startsWith(chunks.join(''))).toBe(true);
    expect(callsTo(h.sim, SMALL[1])).toBe(0);
    expect(h.sim.stats().total).toBe(1);
    await expect(s.text).rejects.toBe(error);
    await expect(s.outcome).rejects.toBe(error);
  });

  it('when every model fails before its first chunk, every promise rejects with the exhausted error', async () => {
    h = await startHarness();
    for (const id of SMALL) h.sim.failNext(id, 'server_error');
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello' });
    const { chunks, error } = await collect(s.textStream);
    expect(chunks).toEqual([]);
    expect(PoolExhaustedError.isInstance(error)).toBe(true);
    await expect(s.text).rejects.toBe(error);
    await expect(s.usage).rejects.toBe(error);
    await expect(s.outcome).rejects.toBe(error);
  });

  it('an abort before the first chunk stops at once and makes no further call', async () => {
    h = await startHarness();
    h.sim.failNext(SMALL[0], 'timeout');
    const controller = new AbortController();
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello', abortSignal: controller.signal });
    while (h.sim.stats().total < 1) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const { chunks, error } = await collect(s.textStream);
    expect(chunks).toEqual([]);
    expect(PoolAbortedError.isInstance(error)).toBe(true);
    // The stream's outcome settles when its run has ended; no call can follow it.
    await expect(s.outcome).rejects.toBe(error);
    expect(h.events.filter((e) => e.type === 'failure')).toEqual([{ type: 'failure', tier: 'small', error }]);
    expect(h.sim.stats().total).toBe(1);
  });

  it('a first chunk that does not arrive in time counts as a timeout and the next model answers', async () => {
    h = await startHarness({}, { policy: { firstChunkTimeoutMs: 300 } });
    h.sim.failNext(SMALL[0], 'timeout');
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello' });
    const outcome = await s.outcome;
    expect(outcome.model).toBe(SMALL[1]);
    expect(outcome.attempts[0]).toMatchObject({ model: SMALL[0], outcome: 'failed', reason: 'timeout' });
  });

  it('an abort after the first chunk ends the stream with PoolAbortedError and calls no other model', async () => {
    // A slow model, so the abort lands while the stream is still running.
    h = await startHarness({ models: { [SMALL[0]]: { chunkDelayMs: 100 } } });
    const controller = new AbortController();
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello there', abortSignal: controller.signal });
    const chunks: string[] = [];
    let error: unknown;
    try {
      for await (const c of s.textStream) {
        chunks.push(c);
        if (chunks.length === 1) controller.abort();
      }
    } catch (e) {
      error = e;
    }
    expect(PoolAbortedError.isInstance(error)).toBe(true);
    expect((error as PoolAbortedError).reason).toBe('aborted');
    // Only the first model's words, and not all of them.
    const full = `Simulated reply from ${SMALL[0]}: hello there`;
    expect(chunks.length).toBeGreaterThan(0);
    expect(full.startsWith(chunks.join(''))).toBe(true);
    expect(chunks.join('')).not.toBe(full);
    await expect(s.text).rejects.toBe(error);
    // The outcome settles once the stream has ended: no other model was called before or after.
    await expect(s.outcome).rejects.toBe(error);
    expect(callsTo(h.sim, SMALL[1])).toBe(0);
    expect(callsTo(h.sim, SMALL[2])).toBe(0);
    expect(h.sim.stats().total).toBe(1);
  });

  it('a stream that stalls after its first chunk ends with a timeout error and is not continued by another model', async () => {
    h = await startHarness({}, { policy: { attemptTimeoutMs: 300 } });
    h.sim.failNext(SMALL[0], 'stall_after_first_chunk');
    const s = h.pool.streamText({ tier: 'small', prompt: 'hello there' });
    const { chunks, error } = await collect(s.textStream);
    expect(FreeModelPoolError.isInstance(error)).toBe(true);
    expect(PoolAbortedError.isInstance(error)).toBe(false);
    expect((error as FreeModelPoolError).reason).toBe('timeout');
    expect((error as Error).message).toContain(SMALL[0]);
    expect((error as Error).message).toMatch(/not continued by another model/);
    // Exactly the one chunk the stalled model sent: nothing from another model was joined to it.
    expect(chunks.join('')).toBe('Simulated ');
    await expect(s.text).rejects.toBe(error);
    await expect(s.outcome).rejects.toBe(error);
    expect(callsTo(h.sim, SMALL[1])).toBe(0);
    expect(callsTo(h.sim, SMALL[2])).toBe(0);
    expect(h.sim.stats().calls).toEqual([expect.objectContaining({ model: SMALL[0], status: '200-stall' })]);
  });
});
