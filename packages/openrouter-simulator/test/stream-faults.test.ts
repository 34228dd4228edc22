import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@freepool/openrouter-simulator';
import { KEY, SMALL, authHeaders, chat } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const dataLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => l.slice(6));
const parsesAsJson = (d: string) => {
  try {
    JSON.parse(d);
    return true;
  } catch {
    return false;
  }
};
const streamBody = { model: SMALL, stream: true, messages: [{ role: 'user', content: 'tell me a story of five words' }] };

/** Reads a whole response body; a reset connection rejects. */
async function readAll(res: Response): Promise<string> {
  return await res.text();
}

describe('stream faults', () => {
  it("'malformed_chunk' sends one data event that is not JSON after N chunks, then the rest and [DONE]", async () => {
    sim = await startSimulator({ scenario: { defaultBehavior: { faultAfterChunks: 2 } } });
    sim.failNext(SMALL, 'malformed_chunk');
    const r = await chat(sim.baseURL, streamBody);
    const data = dataLines(r.text).filter((d) => d !== '[DONE]');
    expect(data.map(parsesAsJson).indexOf(false)).toBe(2);
    expect(data.filter((d) => !parsesAsJson(d))).toHaveLength(1);
    expect(dataLines(r.text).at(-1)).toBe('[DONE]');
    expect(sim.stats().calls[0]).toMatchObject({ status: '200-malformed', kind: 'malformed_chunk' });
  });

  it("'truncated_stream' ends after N chunks with no finish reason and no [DONE]", async () => {
    sim = await startSimulator({ scenario: { defaultBehavior: { faultAfterChunks: 1 } } });
    sim.failNext(SMALL, 'truncated_stream');
    const r = await chat(sim.baseURL, streamBody);
    const events = dataLines(r.text).map((d) => JSON.parse(d));
    expect(events).toHaveLength(1);
    expect(events[0].choices[0].finish_reason).toBeNull();
    expect(r.text).not.toContain('[DONE]');
    expect(sim.stats().calls[0]).toMatchObject({ status: '200-truncated' });
  });

  it("'connection_reset' resets the connection after N chunks; on a non-stream call before any response", async () => {
    sim = await startSimulator({ scenario: { defaultBehavior: { faultAfterChunks: 1 } } });
    sim.failNext(SMALL, 'connection_reset', 2);
    const res = await fetch(`${sim.baseURL}/chat/completions`, { method: 'POST', headers: authHeaders(KEY), body: JSON.stringify(streamBody) });
    expect(res.status).toBe(200);
    await expect(readAll(res)).rejects.toThrow(/terminated/);
    await expect(
      fetch(`${sim.baseURL}/chat/completions`, { method: 'POST', headers: authHeaders(KEY), body: JSON.stringify({ ...streamBody, stream: false }) }),
    ).rejects.toThrow(/fetch failed/);
    expect(sim.stats().calls.map((c) => c.status)).toEqual(['200-reset', 'reset']);
  });

  it('non-stream: a malformed body is cut-off JSON; a truncated one promises more bytes than it sends', async () => {
    sim = await startSimulator();
    sim.failNext(SMALL, 'malformed_chunk');
    sim.failNext(SMALL, 'truncated_stream');
    const plain = { ...streamBody, stream: false };
    const malformed = await chat(sim.baseURL, plain);
    expect(malformed.status).toBe(200);
    expect(parsesAsJson(malformed.text)).toBe(false);
    const res = await fetch(`${sim.baseURL}/chat/completions`, { method: 'POST', headers: authHeaders(KEY), body: JSON.stringify(plain) });
    await expect(readAll(res)).rejects.toThrow(/terminated/);
  });

  it('fault rates draw from the seeded PRNG: the same seed faults the same calls', async () => {
    const run = async () => {
      const s = await startSimulator({ scenario: { seed: 5, defaultBehavior: { truncatedStreamRate: 0.5 } } });
      for (let i = 0; i < 8; i++) await chat(s.baseURL, streamBody);
      const statuses = s.stats().calls.map((c) => c.status);
      await s.close();
      return statuses;
    };
    const first = await run();
    expect(first).toContain('200-truncated');
    expect(first).toContain('200');
    expect(await run()).toEqual(first);
  });
});
